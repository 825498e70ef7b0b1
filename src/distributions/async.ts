/**
 * Sampling synchronous and asynchronous distributions through one call.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { SeedStream } from '../random.js';
import { checkAnyDistribution, checkDistribution, isDistribution } from './check.js';
import type { AnyDistribution, AsyncDistribution, Distribution } from './types.js';

/**
 * Draws `n` events of a synchronous or asynchronous distribution: `[n, ...eventShape]`, owned by the caller.
 * A synchronous law is sampled synchronously (same draws as `sample`).
 *
 * @throws ArgumentError when `source` is no distribution
 * @example
 * ```ts
 * const x1 = await drawSamples(target, 512, seeds); // a dataset or a trained flow alike
 * ```
 */
export async function drawSamples(source: AnyDistribution, n: number, seeds: SeedStream): Promise<tf.Tensor> {
  checkAnyDistribution('drawSamples', 'source', source);
  return isDistribution(source) ? source.sample(n, seeds) : source.sampleAsync(n, seeds);
}

/**
 * A synchronous distribution seen as an asynchronous one (same draws, same densities).
 *
 * @example
 * ```ts
 * const flowLike: AsyncDistribution = toAsync(standardNormal([2]));
 * ```
 */
export function toAsync(dist: Distribution): AsyncDistribution {
  checkDistribution('toAsync', 'dist', dist);
  return {
    eventShape: dist.eventShape,
    ...(dist.description !== undefined ? { description: dist.description } : {}),
    sampleAsync: (n, seeds) => Promise.resolve().then(() => dist.sample(n, seeds)),
    ...(dist.logProb ? { logProbAsync: (x: tf.Tensor) => Promise.resolve().then(() => dist.logProb!(x)) } : {}),
  };
}
