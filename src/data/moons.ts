/**
 * Two interleaving half circles ("two moons").
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../errors.js';
import type { Dataset } from './types.js';
import { checkCount, checkOptions, checkSeeds } from './validate.js';

/** Options of {@link moons}. */
export interface MoonsOptions {
  /** Standard deviation of the Gaussian noise, in the unit-moon coordinates (as scikit-learn's make_moons). @default 0.1 */
  noise?: number;
  /** Factor applied to the centred moons (and their noise). @default 2 */
  scale?: number;
}

/**
 * Two moons: `θ ~ U[0, π]`, a fair coin picks the upper moon `(cos θ, sin θ)` or the lower moon
 * `(1 − cos θ, ½ − sin θ)`, Gaussian noise `noise · z` is added, the result is centred by subtracting the mean
 * `(½, ¼)` of the noiseless law and multiplied by `scale`:
 * `x = scale · (m(θ) + noise · z − (½, ¼))`. With the defaults the data span about [−3, 3] × [−1.7, 1.7].
 *
 * No closed-form density (the noise smears a curve), so there is no `logDensity`. Seeds: angle, coin, noise.
 *
 * @example
 * ```ts
 * const x = moons({ noise: 0.05 }).sample(500, new SeedStream(2)); // [500, 2]
 * ```
 */
export function moons(options?: MoonsOptions): Dataset {
  const fn = 'moons';
  const opts = checkOptions(fn, options, ['noise', 'scale']);
  const noise = checkNumber(fn, 'options.noise', opts.noise ?? 0.1, { min: 0 });
  const scale = checkNumber(fn, 'options.scale', opts.scale ?? 2, { min: 0, exclusiveMin: true });
  return {
    name: 'moons',
    dim: 2,
    eventShape: [2],
    description: `moons: two half circles, noise ${noise}, scale ${scale}`,
    sample(n: number, seeds) {
      checkCount(`${fn}.sample`, 'n', n);
      checkSeeds(`${fn}.sample`, seeds);
      return tf.tidy(() => {
        const theta = tf.randomUniform([n], 0, Math.PI, 'float32', seeds.next());
        const lower = tf.cast(tf.less(tf.randomUniform([n], 0, 1, 'float32', seeds.next()), 0.5), 'float32');
        const c = tf.cos(theta);
        const s = tf.sin(theta);
        // upper: (cos θ, sin θ); lower: (1 − cos θ, ½ − sin θ); then centre by (½, ¼)
        const x1 = tf.sub(tf.add(c, tf.mul(lower, tf.sub(1, tf.mul(2, c)))), 0.5);
        const x2 = tf.sub(tf.add(s, tf.mul(lower, tf.sub(0.5, tf.mul(2, s)))), 0.25);
        const z = tf.randomNormal([n, 2], 0, noise, 'float32', seeds.next());
        return tf.mul(tf.add(tf.stack([x1, x2], 1), z), scale) as tf.Tensor2D;
      });
    },
  };
}
