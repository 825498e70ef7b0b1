/**
 * The standard normal law N(0, I) on events of any shape: the usual base ρ0.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeedStream } from '../random.js';
import { checkBatch, checkCount, checkEventShape, checkSeeds } from '../validate.js';
import { eventSize, sumEvent } from '../shapes.js';
import type { Distribution } from './types.js';

/** The standard normal law returned by {@link standardNormal}. */
export interface StandardNormal extends Distribution {
  /** `'standard-normal'`. */
  readonly name: 'standard-normal';
  readonly description: string;
  sample(n: number, seeds: SeedStream): tf.Tensor;
  logProb(x: tf.Tensor): tf.Tensor1D;
}

/**
 * N(0, I) on events of shape `eventShape`, with the exact log density
 * log p(x) = −½ |x|² − (D/2) log 2π, where D is the number of entries of one event and |x|² sums over them.
 *
 * `sample(n, seeds)` takes one seed and returns `tf.randomNormal([n, ...eventShape], 0, 1, 'float32', seed)`:
 * exactly the draws the `'gaussian'` base gives today, so replacing the string by this law changes no number.
 *
 * @param eventShape - the shape of one event, e.g. `[2]` or `[28, 28, 1]`
 * @throws ArgumentError for an invalid event shape
 * @example
 * ```ts
 * const rho0 = standardNormal([2]);
 * const x0 = rho0.sample(512, seeds);  // float32 [512, 2]
 * const lp = rho0.logProb(x0);         // float32 [512]
 * ```
 */
export function standardNormal(eventShape: readonly number[]): StandardNormal {
  const fn = 'standardNormal';
  const shape = checkEventShape(fn, 'eventShape', eventShape);
  const halfDLog2Pi = 0.5 * eventSize(shape) * Math.log(2 * Math.PI);
  return {
    name: 'standard-normal',
    eventShape: shape,
    description: `standard normal N(0, I) on events of shape [${shape.join(', ')}]`,
    sample(n, seeds) {
      checkCount(`${fn}.sample`, 'n', n);
      checkSeeds(`${fn}.sample`, seeds);
      return tf.randomNormal([n, ...shape], 0, 1, 'float32', seeds.next());
    },
    logProb(x) {
      checkBatch(`${fn}.logProb`, 'x', x, shape);
      return tf.tidy(() => tf.sub(tf.mul(sumEvent(tf.square(x)), -0.5), halfDLog2Pi) as tf.Tensor1D);
    },
  };
}
