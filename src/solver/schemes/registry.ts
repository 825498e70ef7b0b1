/**
 * The scheme registry: look schemes up by name (the CLI, configs, `integrate(term, 'rk4', …)`), list them,
 * and register your own. The built-in schemes are registered when this module loads.
 */
import { checkNumber } from '../../errors.js';
import { createRegistry } from '../../registry.js';
import type { Registry, RegisterOptions } from '../../registry.js';
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
  /** Whether its name is a built-in one (a built-in can be replaced with `{ replace: true }`, never removed). */
  builtIn: boolean;
}

/** Options of {@link registerScheme}: the library's one registry policy (see `createRegistry`). */
export type RegisterSchemeOptions = RegisterOptions;

/** The built-in schemes, in listing order. */
export const BUILT_IN_SCHEMES: readonly Scheme[] = [euler, midpoint, heun, rk4, dopri5, eulerMaruyama, stochasticHeun];

const schemes: Registry<Scheme> = createRegistry<Scheme>({
  kind: 'scheme',
  builtins: BUILT_IN_SCHEMES.map((s) => [s.name, s] as const),
  nameArg: 'scheme.name',
  valueArg: 'scheme',
});

/**
 * Registers a scheme under its `name` so that `integrate`, the CLI and configs can use it by name.
 * Throws an {@link ArgumentError} for a malformed scheme, or a built-in or taken name without
 * `replace: true` (the one registry policy of the library).
 *
 * @example
 * ```ts
 * registerScheme(explicitRungeKutta({ name: 'ralston', order: 2, description: 'Ralston', tableau }));
 * await integrate(term, 'ralston', y0, { steps: 10 });
 * ```
 */
export function registerScheme(scheme: Scheme, options: RegisterSchemeOptions = {}): void {
  const s = checkSchemeObject('registerScheme', 'scheme', scheme);
  schemes.register(s.name, s, options);
}

/**
 * Removes a user-registered scheme (restoring a built-in it replaced); returns whether anything changed.
 * Built-ins themselves stay.
 *
 * @example
 * ```ts
 * unregisterScheme('ralston'); // true
 * ```
 */
export function unregisterScheme(name: string): boolean {
  return schemes.unregister(name);
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
  return schemes.names();
}

/**
 * The scheme registered under `name`.
 *
 * @param fn - the calling function, for the error message
 * @param arg - the argument's name, for the error message
 * @throws ArgumentError listing the registered names (with "did you mean …") when `name` is unknown.
 * @example
 * ```ts
 * getScheme('rk4').order; // 4
 * ```
 */
export function getScheme(name: string, fn = 'getScheme', arg = 'name'): Scheme {
  return schemes.get(name, fn, arg);
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
  return schemes.names().map((name) => schemes.get(name)).map((s) => ({
    name: s.name,
    kind: s.kind,
    order: s.order,
    ...(s.strongOrder === undefined ? {} : { strongOrder: s.strongOrder }),
    adaptive: s.adaptive,
    stagesPerStep: s.stagesPerStep,
    description: s.description,
    builtIn: schemes.isBuiltin(s.name),
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
