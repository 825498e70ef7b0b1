/**
 * A noise law as the base measure of an energy model (a residual energy): the model is
 * `p_θ(x) = q(x) · exp(−E_θ(x)) / Z_θ` with `Z_θ = E_q[exp(−E_θ)]`, so the network only learns the
 * correction of q, and training and the normaliser need draws of q but never its log density.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isAsyncDistribution, isDistribution } from '../distributions/check.js';
import type { AnyDistribution } from '../distributions/types.js';
import { ArgumentError, describeValue } from '../errors.js';
import { isNoiseSource } from './noise-source.js';
import type { NoiseSource } from './noise-source.js';
import type { SeedStream } from '../random.js';

/**
 * The noise q as the base measure: a {@link NoiseSource} with q's draws and the log density of q relative to
 * q itself, which is 0 everywhere. Handed to the tasks and to `importanceLogPartition` in place of q, it
 * makes the energy relative to q:
 *
 * - `nceTask`: the log-odds become `G(x) = −E_θ(x) − c − log ν` (log q cancels), so NCE fits
 *   `E_θ = log(q / p_data) + const`, the correction of q towards the data, and c → log Z_θ;
 * - `importanceLogPartition(E, baseMeasureNoise(q))`: `log Z_θ = log mean_j exp(−E_θ(y_j))`, `y_j ~ q`, with
 *   weights that do not involve log q (for a flow, no ODE log density and none of its errors);
 * - the model's log density is then `log q(x) − E_θ(x) − log Z_θ` (log q only where the density is evaluated).
 *
 * A noise bank (`noiseBank`) of q keeps its role: wrap the bank (`baseMeasureNoise(noiseBank(flow, …))`).
 *
 * @param q - the noise law: any law that can be sampled (its `logProb`, if any, is never called), or a NoiseSource
 * @throws ArgumentError for a value that is neither a distribution nor a noise source
 * @example
 * ```ts
 * const base = baseMeasureNoise(noiseBank(flow, { size: 5000, seed: 3 }));
 * const task = nceTask({ model, data: train, noise: base, batchSize: 256, nu: 2 });
 * await new Trainer({ task, steps: 1000, learningRate: 1e-2 }).train();
 * const { logZ } = await importanceLogPartition(model.energy, base, { samples: 5000, seed: 5 });
 * // log p(x) = flow.logProb(x) − E(x) − logZ
 * ```
 */
export function baseMeasureNoise(q: AnyDistribution | NoiseSource): NoiseSource {
  const fn = 'baseMeasureNoise';
  const zeros = (x: tf.Tensor) => tf.zeros([x.shape[0]!]) as tf.Tensor1D;
  let sample: (n: number, seeds: SeedStream) => Promise<tf.Tensor>;
  let dispose = () => {};
  if (isNoiseSource(q)) {
    sample = async (n, seeds) => {
      const d = await q.draw(n, seeds);
      d.logq.dispose();
      return d.x;
    };
    dispose = () => q.dispose();
  } else if (isDistribution(q)) {
    sample = async (n, seeds) => q.sample(n, seeds);
  } else if (isAsyncDistribution(q)) {
    sample = (n, seeds) => q.sampleAsync(n, seeds);
  } else {
    throw new ArgumentError(fn, 'q', 'a Distribution, an AsyncDistribution or a NoiseSource', describeValue(q));
  }
  return {
    eventShape: [...(q as { eventShape: readonly number[] }).eventShape],
    description: `${(q as { description?: string }).description ?? 'noise'}, as the base measure (log density 0 relative to itself)`,
    async draw(n, seeds) {
      const x = await sample(n, seeds);
      return { x, logq: zeros(x) };
    },
    logProb: async (x) => zeros(x),
    dispose,
  };
}
