/**
 * Gaussian mixtures in any dimension: exact sampler and exact log density (log-sum-exp over components).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import type { Dataset } from './types.js';
import { checkCount, checkNumberArray, checkOptions, checkPoints, checkSeeds } from './validate.js';

/** Options of {@link gaussianMixture}. */
export interface GaussianMixtureOptions {
  /** Component means, K × d (K ≥ 1 components in d ≥ 1 dimensions). Required. */
  means: number[][];
  /**
   * Mixture weights, K numbers ≥ 0 with a positive sum; normalised to sum 1.
   * @default equal weights 1/K
   */
  weights?: number[];
  /**
   * Component covariances: a number σ² (every component `σ² I`), an array of K variances (`σ_k² I`), or K full
   * symmetric positive-definite d × d matrices.
   * @default 1 (identity covariances)
   */
  covariances?: number | number[] | number[][][];
}

/** A Gaussian mixture dataset; its parameters (normalised, full matrices) are exposed for oracles. */
export interface GaussianMixtureDataset extends Dataset {
  /** Normalised weights π_k, length K. */
  readonly weights: readonly number[];
  /** Means μ_k, K × d. */
  readonly means: readonly (readonly number[])[];
  /** Covariances Σ_k as full d × d matrices, K × d × d. */
  readonly covariances: readonly (readonly (readonly number[])[])[];
  logDensity(x: tf.Tensor2D): tf.Tensor1D;
  logProb(x: tf.Tensor2D): tf.Tensor1D;
}

/** Cholesky factor (lower) of a symmetric positive-definite matrix in float64, or null if not SPD. */
function cholesky(a: number[][]): number[][] | null {
  const d = a.length;
  const l = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let j = 0; j < d; j++) {
    let s = a[j]![j]!;
    for (let k = 0; k < j; k++) s -= l[j]![k]! ** 2;
    if (!(s > 0)) return null;
    const ljj = Math.sqrt(s);
    l[j]![j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = a[i]![j]!;
      for (let k = 0; k < j; k++) t -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = t / ljj;
    }
  }
  return l;
}

/** Inverse of a lower-triangular matrix (forward substitution, float64). */
function invertLower(l: number[][]): number[][] {
  const d = l.length;
  const inv = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let j = 0; j < d; j++) {
    inv[j]![j] = 1 / l[j]![j]!;
    for (let i = j + 1; i < d; i++) {
      let s = 0;
      for (let k = j; k < i; k++) s += l[i]![k]! * inv[k]![j]!;
      inv[i]![j] = -s / l[i]![i]!;
    }
  }
  return inv;
}

interface Component {
  logWeight: number;
  mean: number[];
  /** σ when the covariance is σ² I, else null. */
  sigma: number | null;
  cov: number[][];
  chol: number[][];
  invChol: number[][];
  logDet: number;
}

function transpose(m: number[][]): number[][] {
  return m[0]!.map((_, j) => m.map((row) => row[j]!));
}

/**
 * A Gaussian mixture `p(x) = Σ_k π_k N(x; μ_k, Σ_k)` in any dimension d.
 *
 * - `sample`: a component index per sample from the weights (one uniform draw, compared against the cumulative
 *   weights in float32), then `x = μ_k + L_k z` with `L_k` the Cholesky factor of `Σ_k` (computed in float64) and
 *   `z ~ N(0, I)`. Seeds: one for the component draw (skipped when K = 1), one for z.
 * - `logDensity`: `log Σ_k exp(log π_k − ½ d log 2π − ½ log det Σ_k − ½ |L_k⁻¹(x − μ_k)|²)`, evaluated with
 *   log-sum-exp, so it stays finite far from every mean.
 *
 * Cost: K small matrix products over the batch (the loop is over components, not samples).
 *
 * @example
 * ```ts
 * const mix = gaussianMixture({ means: [[-2, 0], [2, 0]], weights: [0.3, 0.7], covariances: 0.25 });
 * const x = mix.sample(1000, new SeedStream(0));   // [1000, 2]
 * const logp = mix.logDensity(x);                  // [1000]
 * ```
 */
export function gaussianMixture(options: GaussianMixtureOptions): GaussianMixtureDataset {
  return buildMixture('gaussianMixture', 'gmm', options);
}

/** Shared builder; `name` is what the dataset reports. @internal */
export function buildMixture(fn: string, name: string, options: GaussianMixtureOptions, description?: string): GaussianMixtureDataset {
  const opts = checkOptions(fn, options, ['means', 'weights', 'covariances']);
  const means = opts.means;
  if (!Array.isArray(means) || means.length === 0 || !Array.isArray(means[0]) || means[0].length === 0) {
    throw new ArgumentError(fn, 'options.means', 'a non-empty array of K mean vectors (K × d numbers)', describeValue(means));
  }
  const d = means[0].length;
  const K = means.length;
  means.forEach((m, k) => checkNumberArray(fn, `options.means[${k}]`, m, { length: d }));

  let weights: number[];
  if (opts.weights === undefined) {
    weights = new Array<number>(K).fill(1 / K);
  } else {
    const w = checkNumberArray(fn, 'options.weights', opts.weights, { length: K, min: 0 });
    const total = w.reduce((s, v) => s + v, 0);
    if (!(total > 0)) throw new ArgumentError(fn, 'options.weights', 'weights with a positive sum', describeValue(w));
    weights = w.map((v) => v / total);
  }

  const cov = opts.covariances ?? 1;
  const components: Component[] = [];
  for (let k = 0; k < K; k++) {
    let sigma: number | null = null;
    let matrix: number[][];
    if (typeof cov === 'number') {
      sigma = Math.sqrt(checkNumber(fn, 'options.covariances', cov, { min: 0, exclusiveMin: true }));
    } else if (Array.isArray(cov) && cov.length === K && cov.every((c) => typeof c === 'number')) {
      sigma = Math.sqrt(checkNumber(fn, `options.covariances[${k}]`, cov[k], { min: 0, exclusiveMin: true }));
    } else if (Array.isArray(cov) && cov.length === K) {
      const c = (cov as unknown[])[k];
      const ok =
        Array.isArray(c) &&
        c.length === d &&
        c.every((row) => Array.isArray(row) && row.length === d && row.every((v) => typeof v === 'number' && Number.isFinite(v)));
      if (!ok) {
        throw new ArgumentError(fn, `options.covariances[${k}]`, `a ${d} × ${d} matrix of finite numbers`, describeValue(c));
      }
      matrix = (c as number[][]).map((row) => row.slice());
      const scale = Math.max(...matrix.map((row, i) => Math.abs(row[i]!)));
      const asymmetric = matrix.some((row, i) => row.some((v, j) => Math.abs(v - matrix[j]![i]!) > 1e-9 * scale));
      const chol = asymmetric ? null : cholesky(matrix);
      if (chol === null) {
        throw new ArgumentError(fn, `options.covariances[${k}]`, 'a symmetric positive-definite matrix', describeValue(c));
      }
      const logDet = 2 * chol.reduce((s, row, i) => s + Math.log(row[i]!), 0);
      components.push({ logWeight: Math.log(weights[k]!), mean: means[k]!.slice(), sigma: null, cov: matrix, chol, invChol: invertLower(chol), logDet });
      continue;
    } else {
      throw new ArgumentError(
        fn,
        'options.covariances',
        `a variance > 0, an array of ${K} variances, or ${K} matrices of size ${d} × ${d}`,
        describeValue(cov),
      );
    }
    const chol = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? sigma! : 0)));
    const invChol = chol.map((row) => row.map((v) => (v === 0 ? 0 : 1 / v)));
    const variance = sigma * sigma;
    const isoCov = chol.map((row) => row.map((v) => (v === 0 ? 0 : variance)));
    components.push({ logWeight: Math.log(weights[k]!), mean: means[k]!.slice(), sigma, cov: isoCov, chol, invChol, logDet: 2 * d * Math.log(sigma) });
  }

  const isotropic = components.every((c) => c.sigma !== null);
  const cumulative: number[] = [];
  weights.reduce((s, w) => (cumulative.push(s + w), s + w), 0);
  const halfLog2Pi = 0.5 * d * Math.log(2 * Math.PI);

  const logDensity = (x: tf.Tensor2D): tf.Tensor1D => {
    checkPoints(`${name}.logDensity`, 'x', x, d);
    return tf.tidy(() => {
      const terms = components.map((c) => {
        const diff = tf.sub(x, tf.tensor2d([c.mean], [1, d], 'float32'));
        const y = c.sigma !== null ? tf.div(diff, c.sigma) : tf.matMul(diff, tf.tensor2d(transpose(c.invChol), [d, d], 'float32'));
        const maha = tf.sum(tf.square(y), 1);
        return tf.sub(c.logWeight - halfLog2Pi - 0.5 * c.logDet, tf.mul(0.5, maha));
      });
      if (terms.length === 1) return terms[0] as tf.Tensor1D;
      return tf.logSumExp(tf.stack(terms, 1), 1) as tf.Tensor1D;
    });
  };
  return {
    name,
    dim: d,
    eventShape: [d],
    description:
      description ?? `gaussian mixture: ${K} component${K === 1 ? '' : 's'} in ${d} dimension${d === 1 ? '' : 's'}`,
    weights,
    means: components.map((c) => c.mean),
    covariances: components.map((c) => c.cov),
    sample(n: number, seeds) {
      checkCount(`${name}.sample`, 'n', n);
      checkSeeds(`${name}.sample`, seeds);
      return tf.tidy(() => {
        let k: tf.Tensor1D | null = null;
        if (K > 1) {
          const u = tf.randomUniform([n, 1], 0, 1, 'float32', seeds.next());
          // component index = number of cumulative weights (except the last, which is 1) that u reaches
          const edges = tf.tensor2d([cumulative.slice(0, K - 1)], [1, K - 1], 'float32');
          k = tf.cast(tf.sum(tf.cast(tf.greaterEqual(u, edges), 'int32'), 1), 'int32') as tf.Tensor1D;
        }
        const z = tf.randomNormal([n, d], 0, 1, 'float32', seeds.next());
        if (isotropic) {
          const sigmas = tf.tensor1d(components.map((c) => c.sigma!), 'float32');
          const mu = tf.tensor2d(components.map((c) => c.mean), [K, d], 'float32');
          const s = k === null ? tf.reshape(sigmas, [1, 1]) : tf.reshape(tf.gather(sigmas, k), [n, 1]);
          const m = k === null ? mu : tf.gather(mu, k);
          return tf.add(m, tf.mul(s, z)) as tf.Tensor2D;
        }
        let x: tf.Tensor2D | null = null;
        components.forEach((c, idx) => {
          const lt = tf.tensor2d(transpose(c.chol), [d, d], 'float32');
          const y = tf.add(tf.matMul(z, lt), tf.tensor2d([c.mean], [1, d], 'float32')) as tf.Tensor2D;
          x = x === null || k === null ? y : (tf.where(tf.reshape(tf.equal(k, idx), [n, 1]), y, x) as tf.Tensor2D);
        });
        return x!;
      });
    },
    logDensity,
    logProb: logDensity,
  };
}

/** Options of {@link gaussian}. */
export interface GaussianOptions {
  /** Dimension d (used when `mean` is a number). @default 2 */
  dim?: number;
  /** Mean: a number (every coordinate) or a vector of length d. @default 0 */
  mean?: number | number[];
  /** Standard deviation σ > 0 of every coordinate (covariance σ² I). @default 1 */
  std?: number;
}

/**
 * The isotropic Gaussian `N(mean, std² I)` in d dimensions (the usual base distribution ρ0).
 *
 * @example
 * ```ts
 * const base = gaussian({ dim: 2 });
 * const z = base.sample(256, new SeedStream(3)); // [256, 2] standard normal
 * ```
 */
export function gaussian(options?: GaussianOptions): GaussianMixtureDataset {
  const fn = 'gaussian';
  const opts = checkOptions(fn, options, ['dim', 'mean', 'std']);
  const std = checkNumber(fn, 'options.std', opts.std ?? 1, { min: 0, exclusiveMin: true });
  let mean: number[];
  if (Array.isArray(opts.mean)) {
    mean = checkNumberArray(fn, 'options.mean', opts.mean);
    if (opts.dim !== undefined && opts.dim !== mean.length) {
      throw new ArgumentError(fn, 'options.dim', `the length of options.mean (${mean.length})`, describeValue(opts.dim));
    }
  } else {
    const dim = checkNumber(fn, 'options.dim', opts.dim ?? 2, { integer: true, min: 1 });
    const m = checkNumber(fn, 'options.mean', opts.mean ?? 0);
    mean = new Array<number>(dim).fill(m);
  }
  return buildMixture(fn, 'gaussian', { means: [mean], covariances: std * std }, `gaussian: N(mean, ${std}² I) in ${mean.length} dimensions`);
}
