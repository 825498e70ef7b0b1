/**
 * Concentric rings with Gaussian radial noise, with an exact density.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import type { Dataset } from './types.js';
import { checkCount, checkNumberArray, checkOptions, checkPoints, checkSeeds } from './validate.js';

/** Options of {@link rings}. */
export interface RingsOptions {
  /** Ring radii r_k > 0. @default [1, 2, 3, 4] */
  radii?: number[];
  /** Standard deviation σ of the radial noise. @default 0.1 */
  noise?: number;
  /** Ring weights (≥ 0, positive sum, normalised). @default equal */
  weights?: number[];
}

/** A rings dataset (always has a log density). */
export interface RingsDataset extends Dataset {
  logDensity(x: tf.Tensor2D): tf.Tensor1D;
  logProb(x: tf.Tensor2D): tf.Tensor1D;
}

/**
 * Concentric rings: pick ring k with probability w_k, radius `R = r_k + σ ε` (ε ~ N(0, 1)), angle `φ ~ U[0, 2π)`,
 * `x = R (cos φ, sin φ)`.
 *
 * The density is exact, not a large-radius approximation: since `−R (cos φ, sin φ)` is the point at angle
 * `φ + π`, x has the law of `|R|` times a uniform direction, and `|R|` has density `p_R(ρ) + p_R(−ρ)`; so
 * `p(x) = Σ_k w_k [N(ρ; r_k, σ²) + N(ρ; −r_k, σ²)] / (2π ρ)` with `ρ = |x|`, normalised on R². It is infinite
 * (integrably) at the origin, where `logDensity` returns +Infinity. Seeds: ring (skipped for one ring), radial
 * noise, angle.
 *
 * @example
 * ```ts
 * const data = rings({ radii: [1, 3], noise: 0.05 });
 * const x = data.sample(1000, new SeedStream(5));
 * const logp = data.logDensity(x);                  // [1000]
 * ```
 */
export function rings(options?: RingsOptions): RingsDataset {
  const fn = 'rings';
  const opts = checkOptions(fn, options, ['radii', 'noise', 'weights']);
  const radii = checkNumberArray(fn, 'options.radii', opts.radii ?? [1, 2, 3, 4], { min: 0, exclusiveMin: true });
  const K = radii.length;
  const noise = checkNumber(fn, 'options.noise', opts.noise ?? 0.1, { min: 0, exclusiveMin: true });
  let weights = new Array<number>(K).fill(1 / K);
  if (opts.weights !== undefined) {
    const w = checkNumberArray(fn, 'options.weights', opts.weights, { length: K, min: 0 });
    const total = w.reduce((s, v) => s + v, 0);
    if (!(total > 0)) throw new ArgumentError(fn, 'options.weights', 'weights with a positive sum', describeValue(w));
    weights = w.map((v) => v / total);
  }
  const cumulative: number[] = [];
  weights.reduce((s, w) => (cumulative.push(s + w), s + w), 0);
  const logNorm = -Math.log(noise) - 0.5 * Math.log(2 * Math.PI) - Math.log(2 * Math.PI);
  const logDensity = (x: tf.Tensor2D): tf.Tensor1D => {
    checkPoints(`${fn}.logDensity`, 'x', x, 2);
    return tf.tidy(() => {
      const rho = tf.sqrt(tf.sum(tf.square(x), 1, true)); // [batch, 1]
      const centres = tf.tensor2d([[...radii, ...radii.map((r) => -r)]], [1, 2 * K], 'float32');
      const logW = tf.tensor2d([[...weights, ...weights].map((w) => Math.log(w))], [1, 2 * K], 'float32');
      const z = tf.div(tf.sub(rho, centres), noise);
      const terms = tf.sub(logW, tf.mul(0.5, tf.square(z)));
      const lse = tf.reshape(tf.logSumExp(terms, 1), [-1]);
      return tf.sub(tf.add(lse, logNorm), tf.log(tf.reshape(rho, [-1]))) as tf.Tensor1D;
    });
  };
  return {
    name: 'rings',
    dim: 2,
    eventShape: [2],
    description: `rings: radii [${radii.join(', ')}], radial noise ${noise}`,
    sample(n: number, seeds) {
      checkCount(`${fn}.sample`, 'n', n);
      checkSeeds(`${fn}.sample`, seeds);
      return tf.tidy(() => {
        let r: tf.Tensor1D;
        if (K === 1) {
          r = tf.fill([n], radii[0]!) as tf.Tensor1D;
        } else {
          const u = tf.randomUniform([n, 1], 0, 1, 'float32', seeds.next());
          const edges = tf.tensor2d([cumulative.slice(0, K - 1)], [1, K - 1], 'float32');
          const k = tf.cast(tf.sum(tf.cast(tf.greaterEqual(u, edges), 'int32'), 1), 'int32');
          r = tf.gather(tf.tensor1d(radii, 'float32'), k) as tf.Tensor1D;
        }
        const radius = tf.add(r, tf.randomNormal([n], 0, noise, 'float32', seeds.next()));
        const phi = tf.randomUniform([n], 0, 2 * Math.PI, 'float32', seeds.next());
        return tf.stack([tf.mul(radius, tf.cos(phi)), tf.mul(radius, tf.sin(phi))], 1) as tf.Tensor2D;
      });
    },
    logDensity,
    logProb: logDensity,
  };
}
