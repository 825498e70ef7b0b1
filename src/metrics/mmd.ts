/**
 * Maximum mean discrepancy (unbiased MMD²) with Gaussian kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumberArray, checkOptions } from '../data/validate.js';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { asFloat, centrePooled, checkSampleSets, finiteFlag, squaredDistances, throwIfNotFinite } from './validate.js';

/** Options of {@link mmd}. */
export interface MmdOptions {
  /**
   * Gaussian kernel bandwidth(s) h: a number, an array (the kernel is the mean of the Gaussian kernels), or
   * `'median'`: the median heuristic, h = the median of the pairwise distances |z_i − z_j| (i < j) of the pooled
   * samples (computed on at most 512 evenly strided pooled points), times each of `medianScales`.
   * @default 'median'
   */
  bandwidth?: 'median' | number | number[];
  /** Multiples of the median distance used as bandwidths with `bandwidth: 'median'`. @default [1] */
  medianScales?: number[];
}

/** Largest number of pooled points used by the median heuristic. */
const MEDIAN_POINTS = 512;

/** Evenly strided indices 0 … total−1, `count` of them. */
function strided(total: number, count: number): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.floor((i * total) / count);
  return out;
}

/**
 * The median of the pairwise squared distances among the pooled samples (a subsample of at most
 * {@link MEDIAN_POINTS} points), as a scalar tensor, computed with a partial sort (topk), no read-back.
 * Call inside `tf.tidy`.
 */
function medianSquaredDistance(a: tf.Tensor2D, b: tf.Tensor2D): tf.Scalar {
  const n = a.shape[0];
  const m = b.shape[0];
  let z = tf.concat([a, b], 0) as tf.Tensor2D;
  if (n + m > MEDIAN_POINTS) {
    // keep the two sets' proportions in the subsample
    const ka = Math.max(1, Math.min(MEDIAN_POINTS - 1, Math.round((MEDIAN_POINTS * n) / (n + m))));
    const kb = MEDIAN_POINTS - ka;
    z = tf.concat([tf.gather(a, tf.tensor1d(strided(n, Math.min(n, ka)), 'int32')), tf.gather(b, tf.tensor1d(strided(m, Math.min(m, kb)), 'int32'))], 0);
  }
  const k = z.shape[0];
  const pairs = k * (k - 1); // off-diagonal entries, each pair twice; the k diagonal zeros sort last
  const sorted = tf.topk(tf.reshape(squaredDistances(z, z), [1, k * k]), pairs / 2 + 1).values; // descending
  const tail = tf.slice(sorted, [0, pairs / 2 - 1], [1, 2]);
  return tf.mean(tail) as tf.Scalar;
}

/**
 * The unbiased estimate of the squared maximum mean discrepancy between the laws of `a` `[n, d]` and `b`
 * `[m, d]` (n, m ≥ 2), with the Gaussian kernel `k(x, y) = (1/H) Σ_h exp(−|x − y|² / (2h²))`:
 *
 * `MMD²_u = 1/(n(n−1)) Σ_{i≠j} k(a_i, a_j) + 1/(m(m−1)) Σ_{i≠j} k(b_i, b_j) − 2/(nm) Σ_{i,j} k(a_i, b_j)`.
 *
 * Its expectation is the population MMD² (0 exactly when the laws agree), so it can be slightly negative; its
 * standard error is O(1/n) under equal laws and O(1/√n) otherwise. Shapes: three pairwise matrices
 * (`[n, n]`, `[m, m]`, `[n, m]`), one exponential pass per matrix and bandwidth. One read-back at the end (which
 * also checks that the inputs are finite). Returns a plain number.
 *
 * @throws ArgumentError for mismatched dimensions, fewer than 2 samples, non-finite values, bad options
 * @example
 * ```ts
 * const same = await mmd(gaussianSamplesA, gaussianSamplesB);             // ≈ 0 (± a few / n)
 * const multi = await mmd(a, b, { medianScales: [0.5, 1, 2] });            // three bandwidths
 * const fixed = await mmd(a, b, { bandwidth: 1 });
 * ```
 */
export async function mmd(a: tf.Tensor, b: tf.Tensor, options?: MmdOptions): Promise<number> {
  const fn = 'mmd';
  const { n, m } = checkSampleSets(fn, a, b, 2);
  const opts = checkOptions(fn, options, ['bandwidth', 'medianScales']);
  const bandwidth = opts.bandwidth ?? 'median';
  let fixed: number[] | null = null;
  if (typeof bandwidth === 'number') {
    fixed = [checkNumber(fn, 'options.bandwidth', bandwidth, { min: 0, exclusiveMin: true })];
  } else if (Array.isArray(bandwidth)) {
    fixed = checkNumberArray(fn, 'options.bandwidth', bandwidth, { min: 0, exclusiveMin: true });
  } else if (bandwidth !== 'median') {
    throw new ArgumentError(fn, 'options.bandwidth', "'median', a number > 0 or an array of numbers > 0", describeValue(bandwidth));
  }
  if (fixed !== null && opts.medianScales !== undefined) {
    throw new ArgumentError(fn, 'options.medianScales', "absent unless options.bandwidth is 'median'", describeValue(opts.medianScales));
  }
  const scales = checkNumberArray(fn, 'options.medianScales', opts.medianScales ?? [1], { min: 0, exclusiveMin: true });

  const out = tf.tidy(() => {
    const [ac, bc] = centrePooled(asFloat(a), asFloat(b));
    // −1/(2h²) for each bandwidth, as scalars (tensors for the median heuristic: no read-back)
    let gammas: (number | tf.Scalar)[];
    if (fixed !== null) {
      gammas = fixed.map((h) => -1 / (2 * h * h));
    } else {
      const med2 = medianSquaredDistance(ac, bc);
      const safe = tf.where(tf.greater(med2, 0), med2, tf.onesLike(med2)); // all points equal: any h will do
      gammas = scales.map((s) => tf.div(-1 / (2 * s * s), safe) as tf.Scalar);
    }
    const meanKernelSum = (x: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar =>
      tf.tidy(() => {
        const D = squaredDistances(x, y);
        const sums = gammas.map((gamma) => tf.tidy(() => tf.sum(tf.sum(tf.exp(tf.mul(D, gamma)), 1))));
        return tf.div(tf.addN(sums), gammas.length) as tf.Scalar;
      });
    const kxx = tf.div(tf.sub(meanKernelSum(ac, ac), n), n * (n - 1)); // the diagonal k(x, x) = 1 removed
    const kyy = tf.div(tf.sub(meanKernelSum(bc, bc), m), m * (m - 1));
    const kxy = tf.div(meanKernelSum(ac, bc), n * m);
    const value = tf.sub(tf.add(kxx, kyy), tf.mul(2, kxy));
    return tf.stack([value, finiteFlag(a), finiteFlag(b)]);
  });
  const [value, finiteA, finiteB] = await out.data();
  out.dispose();
  throwIfNotFinite(fn, a, b, finiteA!, finiteB!);
  return value!;
}
