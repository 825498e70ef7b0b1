/**
 * The energy of a distribution with an exact log density, `E(x) = −log p(x)` (so `log Z = 0`): known targets
 * for samplers (a Gaussian-mixture energy) and references for learned energies.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '../distributions/types.js';
import { checkDistribution } from '../distributions/check.js';
import { ArgumentError } from '../errors.js';
import type { EnergyModel } from './energy-model.js';

/**
 * `E(x) = −log p(x)` of a law with `logProb` (differentiable in x when its `logProb` is), as an
 * {@link EnergyModel} with nothing to train and `logPartition() = 0`.
 *
 * @throws ArgumentError for a law without `logProb`
 * @example
 * ```ts
 * const target = distributionEnergy(gaussianMixture({ means: [[-2, 0], [2, 0]], covariances: 0.5 }));
 * const r = await sampleMala(target.energy, x0, { steps: 500, stepSize: 0.2, seed: 1 });
 * ```
 */
export function distributionEnergy(p: Distribution): EnergyModel {
  const fn = 'distributionEnergy';
  const law = checkDistribution(fn, 'p', p);
  if (typeof law.logProb !== 'function') throw new ArgumentError(fn, 'p', 'a distribution with an exact logProb', `${law.description ?? 'a distribution'} without logProb`);
  const logProb = law.logProb.bind(law);
  return {
    eventShape: law.eventShape,
    modules: {},
    variables: {},
    description: `−log p of ${law.description ?? 'a distribution'}`,
    energy: (x: tf.Tensor) => tf.tidy(() => tf.neg(logProb(x)) as tf.Tensor1D),
    logPartition: () => 0,
  };
}
