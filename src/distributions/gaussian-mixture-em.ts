/**
 * A Gaussian mixture with full covariances fitted to data by expectation–maximisation, in double precision;
 * the fitted law samples and evaluates its exact log density like any mixture of `src/data`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { buildMixture } from '../data/gaussian-mixture.js';
import type { GaussianMixtureDataset } from '../data/gaussian-mixture.js';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { SeedStream } from '../random.js';
import { checkOptions } from '../validate.js';

/** Options of {@link fitGaussianMixture}. */
export interface GaussianMixtureEmOptions {
  /** Number of components K ≥ 1. */
  components: number;
  /** Most EM iterations. @default 200 */
  maxIterations?: number;
  /** Stop when the mean log-likelihood per point improves by less than this. @default 1e-8 */
  tolerance?: number;
  /** Ridge added to every covariance's diagonal, relative to the data's mean variance. @default 1e-6 */
  regularization?: number;
  /** Seed of the k-means++ initialisation. @default 0 */
  seed?: number;
}

/** What {@link fitGaussianMixture} returns. */
export interface GaussianMixtureFit {
  /** The fitted law (sample, exact logProb; weights, means, covariances exposed). */
  mixture: GaussianMixtureDataset;
  /** Mean log-likelihood per point after every iteration (non-decreasing up to rounding). */
  history: number[];
  /** Iterations run. */
  iterations: number;
}

/** Uniform in [0, 1) from a seed stream. */
function uniform(seeds: SeedStream): number {
  return (seeds.next() >>> 0) / 4294967296;
}

function cholesky(a: Float64Array, d: number): Float64Array | null {
  const l = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j]!;
    for (let k = 0; k < j; k++) s -= l[j * d + k]! ** 2;
    if (!(s > 0)) return null;
    const ljj = Math.sqrt(s);
    l[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = a[i * d + j]!;
      for (let k = 0; k < j; k++) t -= l[i * d + k]! * l[j * d + k]!;
      l[i * d + j] = t / ljj;
    }
  }
  return l;
}

/** log N(x; μ, LLᵀ) for one point, by forward substitution. */
function logNormal(x: Float64Array, off: number, mu: Float64Array, l: Float64Array, d: number, z: Float64Array): number {
  let quad = 0;
  let logDet = 0;
  for (let i = 0; i < d; i++) {
    let s = x[off + i]! - mu[i]!;
    for (let k = 0; k < i; k++) s -= l[i * d + k]! * z[k]!;
    z[i] = s / l[i * d + i]!;
    quad += z[i]! ** 2;
    logDet += Math.log(l[i * d + i]!);
  }
  return -0.5 * quad - logDet - 0.5 * d * Math.log(2 * Math.PI);
}

/**
 * Fits `Σ_k π_k N(μ_k, Σ_k)` to the rows of `data` by EM in float64:
 * E-step `r_ik = π_k N(x_i; μ_k, Σ_k) / Σ_j π_j N(x_i; μ_j, Σ_j)` (log-sum-exp), M-step `N_k = Σ_i r_ik`,
 * `π_k = N_k/N`, `μ_k = Σ_i r_ik x_i / N_k`, `Σ_k = Σ_i r_ik (x_i − μ_k)(x_i − μ_k)ᵀ / N_k + λ I`. Starts from
 * k-means++ centres (seeded), equal weights and the data covariance. The mean log-likelihood never decreases.
 *
 * @param data - points `[N, d]` (a float32 tensor, read once) or an array of N rows
 * @throws ArgumentError for fewer points than components, bad counts or non-finite data
 * @example
 * ```ts
 * const { mixture } = fitGaussianMixture(x, { components: 8, seed: 1 });
 * const lp = mixture.logProb(x); // exact log density of the fit
 * ```
 */
export function fitGaussianMixture(data: tf.Tensor2D | readonly (readonly number[])[], options: GaussianMixtureEmOptions): GaussianMixtureFit {
  const fn = 'fitGaussianMixture';
  const o = checkOptions(fn, options, ['components', 'maxIterations', 'tolerance', 'regularization', 'seed']);
  const K = checkNumber(fn, 'options.components', o.components, { min: 1, integer: true });
  const maxIt = checkNumber(fn, 'options.maxIterations', o.maxIterations ?? 200, { min: 1, integer: true });
  const tol = checkNumber(fn, 'options.tolerance', o.tolerance ?? 1e-8, { min: 0 });
  const reg = checkNumber(fn, 'options.regularization', o.regularization ?? 1e-6, { min: 0 });
  const seeds = new SeedStream(checkNumber(fn, 'options.seed', o.seed ?? 0, { integer: true }));
  let x: Float64Array;
  let n: number;
  let d: number;
  if (data instanceof tf.Tensor) {
    if (data.rank !== 2) throw new ArgumentError(fn, 'data', 'points [N, d]', describeValue(data));
    [n, d] = data.shape as [number, number];
    x = Float64Array.from(data.dataSync());
  } else if (Array.isArray(data) && data.length > 0 && Array.isArray(data[0])) {
    n = data.length;
    d = data[0].length;
    x = new Float64Array(n * d);
    data.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== d) throw new ArgumentError(fn, `data[${i}]`, `a row of ${d} numbers`, describeValue(row));
      row.forEach((v, j) => (x[i * d + j] = v));
    });
  } else throw new ArgumentError(fn, 'data', 'points [N, d] (a tensor or an array of rows)', describeValue(data));
  if (!x.every(Number.isFinite)) throw new ArgumentError(fn, 'data', 'finite numbers', 'a non-finite value');
  if (n < K || d < 1) throw new ArgumentError(fn, 'data', `at least ${K} points (one per component)`, `${n} points`);
  // data mean and covariance
  const mean0 = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean0[j] += x[i * d + j]! / n;
  const cov0 = new Float64Array(d * d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov0[a * d + b] += ((x[i * d + a]! - mean0[a]!) * (x[i * d + b]! - mean0[b]!)) / n;
  let trace = 0;
  for (let a = 0; a < d; a++) trace += cov0[a * d + a]!;
  const ridge = reg * Math.max(trace / d, 1e-12);
  for (let a = 0; a < d; a++) cov0[a * d + a] += ridge;
  // k-means++ centres
  const means: Float64Array[] = [];
  const dist = new Float64Array(n).fill(Infinity);
  let pick = Math.min(n - 1, Math.floor(uniform(seeds) * n));
  for (let k = 0; k < K; k++) {
    means.push(x.slice(pick * d, pick * d + d));
    let total = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (x[i * d + j]! - means[k]![j]!) ** 2;
      dist[i] = Math.min(dist[i]!, s);
      total += dist[i]!;
    }
    let target = uniform(seeds) * total;
    pick = n - 1;
    for (let i = 0; i < n; i++) {
      target -= dist[i]!;
      if (target < 0) {
        pick = i;
        break;
      }
    }
  }
  const weights = new Float64Array(K).fill(1 / K);
  const covs = means.map(() => cov0.slice());
  const resp = new Float64Array(n * K);
  const z = new Float64Array(d);
  const history: number[] = [];
  let iterations = 0;
  for (let it = 0; it < maxIt; it++) {
    iterations = it + 1;
    const chols = covs.map((c) => cholesky(c, d));
    if (chols.some((c) => c === null)) throw new ArgumentError(fn, 'options.regularization', 'a ridge large enough to keep every covariance positive definite', String(reg));
    let ll = 0;
    for (let i = 0; i < n; i++) {
      let mx = -Infinity;
      for (let k = 0; k < K; k++) {
        const v = Math.log(weights[k]!) + logNormal(x, i * d, means[k]!, chols[k]!, d, z);
        resp[i * K + k] = v;
        if (v > mx) mx = v;
      }
      let s = 0;
      for (let k = 0; k < K; k++) s += Math.exp(resp[i * K + k]! - mx);
      const lse = mx + Math.log(s);
      ll += lse / n;
      for (let k = 0; k < K; k++) resp[i * K + k] = Math.exp(resp[i * K + k]! - lse);
    }
    history.push(ll);
    if (it > 0 && ll - history[it - 1]! < tol) break;
    for (let k = 0; k < K; k++) {
      let nk = 0;
      const mu = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        const r = resp[i * K + k]!;
        nk += r;
        for (let j = 0; j < d; j++) mu[j] += r * x[i * d + j]!;
      }
      if (!(nk > 1e-10)) continue; // an empty component keeps its parameters
      for (let j = 0; j < d; j++) mu[j] /= nk;
      const c = new Float64Array(d * d);
      for (let i = 0; i < n; i++) {
        const r = resp[i * K + k]!;
        for (let a = 0; a < d; a++) {
          const da = x[i * d + a]! - mu[a]!;
          for (let b = 0; b <= a; b++) c[a * d + b] += (r * da * (x[i * d + b]! - mu[b]!)) / nk;
        }
      }
      for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) c[b * d + a] = c[a * d + b]!;
      for (let a = 0; a < d; a++) c[a * d + a] += ridge;
      weights[k] = nk / n;
      means[k] = mu;
      covs[k] = c;
    }
  }
  const rows = (m: Float64Array) => Array.from({ length: d }, (_, a) => Array.from(m.subarray(a * d, a * d + d)));
  const mixture = buildMixture(
    fn,
    'gmm-em',
    { means: means.map((m) => Array.from(m)), weights: Array.from(weights), covariances: covs.map(rows) },
    `Gaussian mixture of ${K} full-covariance components fitted by EM to ${n} points in ${d} dimensions`,
  );
  return { mixture, history, iterations };
}
