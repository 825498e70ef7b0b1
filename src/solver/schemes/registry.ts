/**
 * The scheme registry: look schemes up by name (the CLI, configs, `integrate(term, 'rk4', …)`), list them,
 * and register your own. The built-in schemes are registered when this module loads.
 */
import { ArgumentError, checkNumber, describeValue } from '../../errors.js';
import { checkSchemeObject } from '../scheme-validation.js';
import type { Scheme, SchemeKind } from '../types.js';
import { dopri5 } from './dopri5.js';
import { euler } from './euler.js';
import { eulerMaruyama } from './euler-maruyama.js';
import { heun } from './heun.js';
import { midpoint } from './midpoint.js';
import { rk4 } from './rk4.js';
import { stochasticHeun } from './stochastic-heun.js';

/** A row of {@link listSchemes}. */
export interface SchemeInfo {
  name: string;
  kind: SchemeKind;
  /** Order (weak order for SDE schemes). */
  order: number;
  /** Strong order (SDE schemes). */
  strongOrder?: number;
  /** Whether the scheme supports adaptive steps. */
  adaptive: boolean;
  /** Drift evaluations per step. */
  stagesPerStep: number;
  description: string;
  /** Whether it ships with the library (built-ins cannot be replaced or removed). */
  builtIn: boolean;
}

/** Options of {@link registerScheme}. */
export interface RegisterSchemeOptions {
  /**
   * Replace a user scheme registered under the same name (built-ins are never replaced).
   * @default false
   */
  replace?: boolean;
}

const schemes = new Map<string, Scheme>();
const builtIns = new Set<string>();

/** The built-in schemes, in listing order. */
export const BUILT_IN_SCHEMES: readonly Scheme[] = [euler, midpoint, heun, rk4, dopri5, eulerMaruyama, stochasticHeun];
for (const s of BUILT_IN_SCHEMES) {
  schemes.set(s.name, s);
  builtIns.add(s.name);
}

/**
 * Registers a scheme under its `name` so that `integrate`, the CLI and configs can use it by name.
 * Throws an {@link ArgumentError} for a malformed scheme, a built-in name, or a taken name without
 * `replace: true`.
 *
 * @example
 * ```ts
 * registerScheme(explicitRungeKutta({ name: 'ralston', order: 2, description: 'Ralston', tableau }));
 * await integrate(term, 'ralston', y0, { steps: 10 });
 * ```
 */
export function registerScheme(scheme: Scheme, options: RegisterSchemeOptions = {}): void {
  const s = checkSchemeObject('registerScheme', 'scheme', scheme);
  if (builtIns.has(s.name)) {
    throw new ArgumentError('registerScheme', 'scheme.name', 'a name not used by a built-in scheme', describeValue(s.name));
  }
  if (schemes.has(s.name) && options.replace !== true) {
    throw new ArgumentError('registerScheme', 'scheme.name', 'a name not yet registered (or pass { replace: true })', describeValue(s.name));
  }
  schemes.set(s.name, s);
}

/**
 * Removes a user-registered scheme; returns whether it was registered. Built-ins cannot be removed.
 *
 * @example
 * ```ts
 * unregisterScheme('ralston'); // true
 * ```
 */
export function unregisterScheme(name: string): boolean {
  if (builtIns.has(name)) {
    throw new ArgumentError('unregisterScheme', 'name', 'the name of a user-registered scheme (built-ins stay)', describeValue(name));
  }
  return schemes.delete(name);
}

/**
 * The registered names, built-ins first.
 *
 * @example
 * ```ts
 * schemeNames(); // ['euler', 'midpoint', 'heun', 'rk4', 'dopri5', 'euler-maruyama', 'stochastic-heun']
 * ```
 */
export function schemeNames(): string[] {
  return [...schemes.keys()];
}

/**
 * The scheme registered under `name`.
 *
 * @param fn - the calling function, for the error message
 * @param arg - the argument's name, for the error message
 * @throws ArgumentError listing the registered names when `name` is unknown.
 * @example
 * ```ts
 * getScheme('rk4').order; // 4
 * ```
 */
export function getScheme(name: string, fn = 'getScheme', arg = 'name'): Scheme {
  const s = typeof name === 'string' ? schemes.get(name) : undefined;
  if (s === undefined) {
    throw new ArgumentError(fn, arg, `a registered scheme name (one of ${schemeNames().map((n) => `'${n}'`).join(', ')})`, describeValue(name));
  }
  return s;
}

/**
 * Every registered scheme with its kind, order and description, for listings (`si samplers`).
 *
 * @example
 * ```ts
 * listSchemes().map((s) => `${s.name} (${s.kind}, order ${s.order})`);
 * ```
 */
export function listSchemes(): SchemeInfo[] {
  return [...schemes.values()].map((s) => ({
    name: s.name,
    kind: s.kind,
    order: s.order,
    ...(s.strongOrder === undefined ? {} : { strongOrder: s.strongOrder }),
    adaptive: s.adaptive,
    stagesPerStep: s.stagesPerStep,
    description: s.description,
    builtIn: builtIns.has(s.name),
  }));
}

/**
 * Fixed steps that spend about `nfe` drift evaluations with a scheme of `stagesPerStep` evaluations per step:
 * `max(1, round(nfe / stagesPerStep))`. Used by `si sample --nfe` and `si compare`.
 * @example
 * ```ts
 * stepsForNfe(100, getScheme('heun').stagesPerStep); // 50
 * ```
 */
export function stepsForNfe(nfe: number, stagesPerStep: number): number {
  checkNumber('stepsForNfe', 'nfe', nfe, { min: 0, exclusiveMin: true });
  checkNumber('stepsForNfe', 'stagesPerStep', stagesPerStep, { min: 1, integer: true });
  return Math.max(1, Math.round(nfe / stagesPerStep));
}
