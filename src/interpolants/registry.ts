/**
 * The interpolant registry: families by name for the CLI and configs; users can add their own.
 */
import { ArgumentError, describeValue } from '../errors.js';
import { createRegistry } from '../registry.js';
import type { RegisterOptions } from '../registry.js';
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

const BUILT_INS: Record<InterpolantName, InterpolantFactory> = {
  linear: (o) => linearInterpolant(o),
  trig: (o) => trigInterpolant(o),
  'vp-trig': (o) => vpTrigInterpolant(o),
  'encoder-decoder': (o) => encoderDecoderInterpolant(o),
  'one-sided-linear': noOptions('one-sided-linear', oneSidedLinearInterpolant),
  'one-sided-trig': noOptions('one-sided-trig', oneSidedTrigInterpolant),
  'one-sided-vp': noOptions('one-sided-vp', oneSidedVpInterpolant),
  mirror: (o) => mirrorInterpolant(o),
  custom: (o) => customInterpolant(o as CustomInterpolantOptions),
};

/** The interpolant families by name, under the library's one registry policy (`src/registry.ts`). */
const registry = createRegistry<InterpolantFactory>({
  kind: 'interpolant',
  builtins: INTERPOLANT_NAMES.map((name) => [name, BUILT_INS[name]] as const),
  lookupFn: 'makeInterpolant',
  registerFn: 'registerInterpolant',
  // any non-empty name, as before the shared registry (user names may hold spaces or other letters)
  namePattern: /^[\s\S]+$/,
  nameText: 'a non-empty string',
  isValue: (v) => typeof v === 'function',
  valueText: 'a function (options) => Interpolant',
  valueArg: 'factory',
});

/** The names {@link makeInterpolant} accepts: the built-ins, then registered ones, in registration order. */
export function interpolantNames(): string[] {
  return registry.names();
}

/**
 * Builds an interpolant by name.
 *
 * @param name - one of {@link interpolantNames} (the built-ins are {@link INTERPOLANT_NAMES}); an unknown
 *   name throws an {@link ArgumentError} that lists the valid names, with did-you-mean suggestions
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
  const factory = registry.get(name);
  if (typeof options !== 'object' || options === null) {
    throw new ArgumentError('makeInterpolant', 'options', 'an options object', describeValue(options));
  }
  return factory(options);
}

/**
 * Adds an interpolant family to the registry so {@link makeInterpolant} (and the CLI) can build it by name.
 * The registry's one policy: a built-in or already registered name is refused unless `{ replace: true }`.
 *
 * @param name - a non-empty name
 * @param factory - builds the interpolant from the options given to `makeInterpolant`
 * @example
 * ```ts
 * registerInterpolant('quadratic-path', (o) =>
 *   customInterpolant({ ...o, name: 'quadratic-path', alpha: (t) => (1 - t) ** 2, dAlpha: (t) => -2 * (1 - t),
 *     beta: (t) => 1 - (1 - t) ** 2, dBeta: (t) => 2 * (1 - t) }));
 * registerInterpolant('linear', myLinear, { replace: true }); // replaces the built-in
 * ```
 */
export function registerInterpolant(name: string, factory: InterpolantFactory, options?: RegisterOptions): void {
  registry.register(name, factory, options);
}

/**
 * Removes a registered interpolant family (a replaced built-in gets its original back); returns whether
 * anything changed. Built-ins cannot be removed.
 *
 * @example
 * ```ts
 * registerInterpolant('quadratic-path', factory);
 * unregisterInterpolant('quadratic-path'); // true
 * ```
 */
export function unregisterInterpolant(name: string): boolean {
  return registry.unregister(name);
}
