/**
 * Two interleaved Archimedean spirals.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../errors.js';
import type { Dataset } from './types.js';
import { checkCount, checkOptions, checkSeeds } from './validate.js';

/** Options of {@link spirals}. */
export interface SpiralsOptions {
  /** Number of turns of each arm. @default 1.5 (540°, as FFJORD's "2spirals") */
  turns?: number;
  /** Distance from the origin of the arms' outer ends. @default 3 */
  radius?: number;
  /** Standard deviation of the isotropic Gaussian noise added to each point. @default 0.1 */
  noise?: number;
}

/**
 * Two spirals: angle `t = 2π · turns · √u` with `u ~ U[0, 1]` (about uniform along the arm's length), arm point
 * `(radius · t / t_max) · (−cos t, sin t)`, a fair coin flips the sign (the second arm is the first rotated by π),
 * plus `noise · z`. No closed-form density, so there is no `logDensity`. Seeds: angle, coin, noise.
 *
 * @example
 * ```ts
 * const x = spirals().sample(500, new SeedStream(4)); // [500, 2], within about [−3.3, 3.3]²
 * ```
 */
export function spirals(options?: SpiralsOptions): Dataset {
  const fn = 'spirals';
  const opts = checkOptions(fn, options, ['turns', 'radius', 'noise']);
  const turns = checkNumber(fn, 'options.turns', opts.turns ?? 1.5, { min: 0, exclusiveMin: true });
  const radius = checkNumber(fn, 'options.radius', opts.radius ?? 3, { min: 0, exclusiveMin: true });
  const noise = checkNumber(fn, 'options.noise', opts.noise ?? 0.1, { min: 0 });
  const tMax = 2 * Math.PI * turns;
  return {
    name: 'spirals',
    dim: 2,
    eventShape: [2],
    description: `spirals: two arms of ${turns} turns, radius ${radius}, noise ${noise}`,
    sample(n: number, seeds) {
      checkCount(`${fn}.sample`, 'n', n);
      checkSeeds(`${fn}.sample`, seeds);
      return tf.tidy(() => {
        const t = tf.mul(tf.sqrt(tf.randomUniform([n], 0, 1, 'float32', seeds.next())), tMax);
        const sign = tf.sub(1, tf.mul(2, tf.cast(tf.less(tf.randomUniform([n], 0, 1, 'float32', seeds.next()), 0.5), 'float32')));
        const r = tf.mul(tf.mul(t, radius / tMax), sign);
        const arm = tf.stack([tf.neg(tf.mul(r, tf.cos(t))), tf.mul(r, tf.sin(t))], 1);
        return tf.add(arm, tf.randomNormal([n, 2], 0, noise, 'float32', seeds.next())) as tf.Tensor2D;
      });
    },
  };
}
