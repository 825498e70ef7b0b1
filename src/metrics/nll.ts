/**
 * The model's negative log-likelihood of data, through the probability-flow ODE likelihood.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { logLikelihood } from '../../samplers/likelihood.js';
import type { LikelihoodOptions } from '../../samplers/likelihood.js';

/**
 * `−mean_i log ρ̂1(x_i)` for the flow `dX = b dt` from the base density, in nats per sample (divide by d for
 * nats per dimension). Uses {@link logLikelihood}: exact divergence for d ≤ 8, Hutchinson above.
 *
 * @param x - `[n, d]` data, or `[n, ...event]` (borrowed)
 * @example
 * ```ts
 * const nll = await negativeLogLikelihood(x, { velocity: b, baseLogDensity: standardNormalLogDensity, steps: 100 });
 * ```
 */
export async function negativeLogLikelihood(x: tf.Tensor, options: LikelihoodOptions): Promise<number> {
  const result = await logLikelihood(x, options);
  try {
    const values = await result.logDensity.data();
    let sum = 0;
    for (const v of values) sum += v;
    return -sum / values.length;
  } finally {
    result.dispose();
  }
}
