/**
 * The probability-flow ODE `dX = b(t, X) dt` of a velocity field (MATH.md §1.4).
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Field } from '../src/fields/types.js';
import { resolveScheme } from '../src/solver/compatibility.js';
import { integrate, integrateSync } from '../src/solver/integrate.js';
import { checkState } from '../src/solver/options.js';
import type { IntegrateOptions } from '../src/solver/options.js';
import type { Scheme, Solution, Term } from '../src/solver/types.js';
import { applyFinalDenoise, checkFinalDenoise } from './final-denoise.js';
import type { FinalDenoise } from './final-denoise.js';
import { checkField, fieldDrift, steppingOptions } from './time-span.js';
import type { GenerativeSteppingOptions } from './time-span.js';

/** Options of {@link sampleOde}. */
export interface OdeSamplerOptions extends GenerativeSteppingOptions {
  /** The velocity b(t, x): `(x: [batch, ...event], t: [batch]) → [batch, ...event]`. */
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

interface PreparedOde {
  term: Term;
  scheme: Scheme;
  options: IntegrateOptions;
  denoise?: FinalDenoise;
  t1: number;
}

function prepareOde(fn: string, x0: unknown, options: OdeSamplerOptions): PreparedOde {
  checkState(fn, x0, 'x0');
  const velocity = checkField(fn, 'options.velocity', options?.velocity);
  const direction = options.direction ?? 'forward';
  const denoise = options.denoise === undefined ? undefined : checkFinalDenoise(fn, options.denoise);
  const scheme = resolveScheme(fn, options.scheme ?? 'heun', 'options.scheme');
  const { options: integrateOptions, t1 } = steppingOptions(fn, options, direction);
  return { term: { drift: fieldDrift(velocity) }, scheme, options: integrateOptions, denoise, t1 };
}

/**
 * Integrates the probability-flow ODE from `x0` (samples of ρ0 for `'forward'`) over `[tMin, 1 − tMin]`.
 *
 * @param x0 - `[batch, ...event]` starting points (borrowed); `[batch, d]` for point clouds
 * @returns the solver's {@link Solution}: `y` has the shape of `x0` (after the denoising step, if any); the
 *   caller owns it (`dispose()`).
 * @example
 * ```ts
 * const oracle = makeOracle('gaussian', makeInterpolant('linear', { gamma: 'sqrt' }));
 * const x0 = oracle.sampleBase(1000, new SeedStream(1));
 * const sol = await sampleOde(x0, { velocity: oracle.velocity, scheme: 'rk4', steps: 100 });
 * ```
 */
export async function sampleOde<T extends tf.Tensor = tf.Tensor2D>(x0: T, options: OdeSamplerOptions): Promise<Solution<T>> {
  const p = prepareOde('sampleOde', x0, options);
  const solution = await integrate(p.term, p.scheme, x0, p.options);
  return p.denoise ? withDenoisedEnd(solution, p.denoise, p.t1) : solution;
}

/**
 * {@link sampleOde} run synchronously (on `integrateSync`): for use inside a loss or a gradient tape, where
 * the result is a differentiable function of `x0` and of the variables the velocity uses. Same options and
 * result; `signal` and `progress` behave as in `integrateSync`.
 *
 * @example
 * ```ts
 * const { value, grads } = tf.variableGrads(() => {
 *   const sol = sampleOdeSync(x0, { velocity: model, scheme: 'rk4', steps: 20 });
 *   const loss = tf.mean(tf.square(tf.sub(sol.y, target))) as tf.Scalar;
 *   return loss;
 * });
 * ```
 */
export function sampleOdeSync<T extends tf.Tensor = tf.Tensor2D>(x0: T, options: OdeSamplerOptions): Solution<T> {
  const p = prepareOde('sampleOdeSync', x0, options);
  const solution = integrateSync(p.term, p.scheme, x0, p.options);
  return p.denoise ? withDenoisedEnd(solution, p.denoise, p.t1) : solution;
}

/** Replaces `solution.y` by its denoised version (disposing the old one). */
export function withDenoisedEnd<T extends tf.Tensor>(solution: Solution<T>, denoise: FinalDenoise, t: number): Solution<T> {
  const denoised = applyFinalDenoise(denoise, t, solution.y);
  const saved = solution.ys;
  const old = solution.y;
  if (!saved.includes(old)) old.dispose();
  return { ...solution, y: denoised, dispose: () => { denoised.dispose(); for (const y of saved) y.dispose(); } };
}
