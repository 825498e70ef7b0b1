/**
 * The probability-flow ODE `dX = b(t, X) dt` of a velocity field (MATH.md §1.4).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Field } from '../src/fields/types.js';
import { resolveScheme } from '../src/solver/compatibility.js';
import { integrate } from '../src/solver/integrate.js';
import { checkState } from '../src/solver/options.js';
import type { Scheme, Solution } from '../src/solver/types.js';
import { applyFinalDenoise, checkFinalDenoise } from './final-denoise.js';
import type { FinalDenoise } from './final-denoise.js';
import { checkField, fieldDrift, steppingOptions } from './time-span.js';
import type { GenerativeSteppingOptions } from './time-span.js';

/** Options of {@link sampleOde}. */
export interface OdeSamplerOptions extends GenerativeSteppingOptions {
  /** The velocity b(t, x): `(x: [batch, d], t: [batch]) → [batch, d]`. */
  velocity: Field;
  /**
   * `'forward'` pushes base samples (ρ0 at t = 0) to ρ1 at t = 1; `'backward'` maps data at t = 1 to the base.
   * @default 'forward'
   */
  direction?: 'forward' | 'backward';
  /** An ODE scheme or its registered name. @default 'heun' */
  scheme?: Scheme | string;
  /** Optional last denoising step (forward only), see {@link FinalDenoise}. */
  denoise?: FinalDenoise;
}

/**
 * Integrates the probability-flow ODE from `x0` (samples of ρ0 for `'forward'`) over `[tMin, 1 − tMin]`.
 *
 * @param x0 - `[batch, d]` starting points (borrowed)
 * @returns the solver's {@link Solution}: `y` is `[batch, d]` (after the denoising step, if any); the caller
 *   owns it (`dispose()`).
 * @example
 * ```ts
 * const oracle = makeOracle('gaussian', makeInterpolant('linear', { gamma: 'sqrt' }));
 * const x0 = oracle.sampleBase(1000, new SeedStream(1));
 * const sol = await sampleOde(x0, { velocity: oracle.velocity, scheme: 'rk4', steps: 100 });
 * ```
 */
export async function sampleOde(x0: tf.Tensor2D, options: OdeSamplerOptions): Promise<Solution> {
  const fn = 'sampleOde';
  checkState(fn, x0, 'x0');
  const velocity = checkField(fn, 'options.velocity', options?.velocity);
  const direction = options.direction ?? 'forward';
  const denoise = options.denoise === undefined ? undefined : checkFinalDenoise(fn, options.denoise);
  const scheme = resolveScheme(fn, options.scheme ?? 'heun', 'options.scheme');
  const { options: integrateOptions, t1 } = steppingOptions(fn, options, direction);
  const solution = await integrate({ drift: fieldDrift(velocity) }, scheme, x0, integrateOptions);
  return denoise ? withDenoisedEnd(solution, denoise, t1) : solution;
}

/** Replaces `solution.y` by its denoised version (disposing the old one). */
export function withDenoisedEnd(solution: Solution, denoise: FinalDenoise, t: number): Solution {
  const denoised = applyFinalDenoise(denoise, t, solution.y);
  const saved = solution.ys;
  const old = solution.y;
  if (!saved.includes(old)) old.dispose();
  return { ...solution, y: denoised, dispose: () => { denoised.dispose(); for (const y of saved) y.dispose(); } };
}
