/**
 * The interpolant registry: families by name for the CLI and configs; users can add their own.
 */
import { ArgumentError, describeValue } from '../errors.js';
import { customInterpolant, type CustomInterpolantOptions } from './custom.js';
import { encoderDecoderInterpolant } from './encoder-decoder.js';
import { linearInterpolant, oneSidedLinearInterpolant } from './linear.js';
import { mirrorInterpolant } from './mirror.js';
import { oneSidedVpInterpolant } from './one-sided-vp.js';
import type { InterpolantOptions } from './options.js';
import { oneSidedTrigInterpolant, trigInterpolant } from './trig.js';
import type { Interpolant } from './types.js';
import { vpTrigInterpolant } from './vp-trig.js';

/** Names of the built-in interpolant families. */
export const INTERPOLANT_NAMES = [
  'linear',
  'trig',
  'vp-trig',
  'encoder-decoder',
  'one-sided-linear',
  'one-sided-trig',
  'one-sided-vp',
  'mirror',
  'custom',
] as const;

/** A built-in interpolant family name. */
export type InterpolantName = (typeof INTERPOLANT_NAMES)[number];

/** Builds an interpolant from registry options. */
export type InterpolantFactory = (options: InterpolantOptions & Partial<CustomInterpolantOptions>) => Interpolant;

function noOptions(name: string, build: () => Interpolant): InterpolantFactory {
  return (options) => {
    if (options.gamma !== undefined && options.gamma !== 'zero') {
      const got = typeof options.gamma === 'string' ? options.gamma : options.gamma.name;
      throw new ArgumentError('makeInterpolant', 'options.gamma', `'zero' or omitted ('${name}' is one-sided, γ ≡ 0)`, describeValue(got));
    }
    return build();
  };
}

const registry = new Map<string, InterpolantFactory>([
  ['linear', (o) => linearInterpolant(o)],
  ['trig', (o) => trigInterpolant(o)],
  ['vp-trig', (o) => vpTrigInterpolant(o)],
  ['encoder-decoder', (o) => encoderDecoderInterpolant(o)],
  ['one-sided-linear', noOptions('one-sided-linear', oneSidedLinearInterpolant)],
  ['one-sided-trig', noOptions('one-sided-trig', oneSidedTrigInterpolant)],
  ['one-sided-vp', noOptions('one-sided-vp', oneSidedVpInterpolant)],
  ['mirror', (o) => mirrorInterpolant(o)],
  ['custom', (o) => customInterpolant(o as CustomInterpolantOptions)],
]);

/** The names {@link makeInterpolant} accepts: the built-ins, then registered ones, in registration order. */
export function interpolantNames(): string[] {
  return [...registry.keys()];
}

/**
 * Builds an interpolant by name.
 *
 * @param name - one of {@link interpolantNames} (the built-ins are {@link INTERPOLANT_NAMES}); an unknown
 *   name throws an {@link ArgumentError} that lists the valid names
 * @param options - `gamma` / `gammaOptions` for the two-sided families and mirror (default γ `'sqrt'`, a = 1);
 *   the α, β functions for `'custom'` (see {@link CustomInterpolantOptions})
 * @example
 * ```ts
 * const I = makeInterpolant('linear', { gamma: 'sigmoid', gammaOptions: { f: 10 } });
 * const J = makeInterpolant('one-sided-vp');
 * ```
 */
export function makeInterpolant(name: 'custom', options: CustomInterpolantOptions): Interpolant;
export function makeInterpolant(name: string, options?: InterpolantOptions & Partial<CustomInterpolantOptions>): Interpolant;
export function makeInterpolant(name: string, options: InterpolantOptions & Partial<CustomInterpolantOptions> = {}): Interpolant {
  const factory = typeof name === 'string' ? registry.get(name) : undefined;
  if (factory === undefined) {
    const names = interpolantNames();
    throw new ArgumentError('makeInterpolant', 'name', `one of ${names.map((n) => `'${n}'`).join(', ')}`, describeValue(name));
  }
  if (typeof options !== 'object' || options === null) {
    throw new ArgumentError('makeInterpolant', 'options', 'an options object', describeValue(options));
  }
  return factory(options);
}

/**
 * Adds an interpolant family to the registry so {@link makeInterpolant} (and the CLI) can build it by name.
 *
 * @param name - a new, non-empty name (built-in and already registered names are rejected)
 * @param factory - builds the interpolant from the options given to `makeInterpolant`
 * @example
 * ```ts
 * registerInterpolant('quadratic-path', (o) =>
 *   customInterpolant({ ...o, name: 'quadratic-path', alpha: (t) => (1 - t) ** 2, dAlpha: (t) => -2 * (1 - t),
 *     beta: (t) => 1 - (1 - t) ** 2, dBeta: (t) => 2 * (1 - t) }));
 * ```
 */
export function registerInterpolant(name: string, factory: InterpolantFactory): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ArgumentError('registerInterpolant', 'name', 'a non-empty string', describeValue(name));
  }
  if (registry.has(name)) {
    throw new ArgumentError('registerInterpolant', 'name', `a name not yet registered (taken: ${interpolantNames().join(', ')})`, describeValue(name));
  }
  if (typeof factory !== 'function') {
    throw new ArgumentError('registerInterpolant', 'factory', 'a function (options) => Interpolant', describeValue(factory));
  }
  registry.set(name, factory);
}
