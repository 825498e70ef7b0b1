/**
 * Plain-data descriptions of Gaussians and Gaussian mixtures (the endpoints of the closed-form oracles),
 * and their validation into float64 parameters.
 */
import { ArgumentError, describeValue } from '../errors.js';
import { cholesky, identity, toRows } from './linalg.js';

/**
 * A covariance matrix in one of three forms:
 * - a number `v > 0`: the isotropic covariance `v I` (a variance, not a standard deviation);
 * - an array of `d` numbers > 0: the diagonal covariance `diag(v)`;
 * - a `d×d` nested array: a full symmetric positive-definite matrix.
 */
export type CovarianceSpec = number | number[] | number[][];

/**
 * A Gaussian `N(mean, covariance)` in `R^d`, `d = mean.length`.
 *
 * @example
 * ```ts
 * const g: GaussianSpec = { mean: [2], covariance: 0.25 }; // N(2, 0.5²)
 * ```
 */
export interface GaussianSpec {
  /** The mean, `d` finite numbers. */
  mean: number[];
  /** The covariance (see {@link CovarianceSpec}). @default 1 (the identity) */
  covariance?: CovarianceSpec;
}

/**
 * A Gaussian mixture `Σ_k π_k N(μ_k, Σ_k)` in `R^d`.
 *
 * @example
 * ```ts
 * const m: GaussianMixtureSpec = {
 *   weights: [0.7, 0.3],
 *   means: [[-1, 0], [2, 1]],
 *   covariances: [0.2, [[0.3, 0.1], [0.1, 0.2]]],
 * };
 * ```
 */
export interface GaussianMixtureSpec {
  /** Component weights π_k > 0, summing to 1 (within 1e-6; renormalised exactly). */
  weights: number[];
  /** Component means μ_k: K arrays of d finite numbers. */
  means: number[][];
  /** One covariance per component (K entries). Give either this or `covariance`. */
  covariances?: CovarianceSpec[];
  /** One covariance shared by all components. @default 1 (the identity) */
  covariance?: CovarianceSpec;
}

/**
 * A validated Gaussian mixture in float64, as nested arrays (a single Gaussian is the K = 1 case), with its
 * overall mean and covariance.
 */
export interface GaussianMixtureParams {
  /** Dimension d. */
  dim: number;
  /** π_k, `[K]`. */
  weights: number[];
  /** μ_k, `[K][d]`. */
  means: number[][];
  /** Σ_k, `[K][d][d]`. */
  covariances: number[][][];
  /** Mixture mean `Σ_k π_k μ_k`, `[d]`. */
  mean: number[];
  /** Mixture covariance `Σ_k π_k (Σ_k + μ_k μ_kᵀ) − mean meanᵀ`, `[d][d]`. */
  covariance: number[][];
}

/** Internal float64 form of a validated mixture. */
export interface Mixture {
  dim: number;
  weights: Float64Array;
  /** K means of length d. */
  means: Float64Array[];
  /** K row-major d×d covariances. */
  covariances: Float64Array[];
  /** K lower Cholesky factors. */
  choleskys: Float64Array[];
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Validates a vector of `d` finite numbers (`d` free when undefined). */
function parseVector(fn: string, arg: string, value: unknown, d?: number): Float64Array {
  if (!Array.isArray(value) || value.length === 0 || (d !== undefined && value.length !== d) || !value.every(isFiniteNumber)) {
    throw new ArgumentError(fn, arg, `an array of ${d ?? 'd ≥ 1'} finite numbers`, describeValue(value));
  }
  return Float64Array.from(value as number[]);
}

/** Validates a covariance spec into a symmetric positive-definite row-major `d×d` matrix. */
function parseCovariance(fn: string, arg: string, value: unknown, d: number): Float64Array {
  if (value === undefined) return identity(d);
  if (typeof value === 'number') {
    if (!(Number.isFinite(value) && value > 0)) throw new ArgumentError(fn, arg, 'a variance > 0 (isotropic covariance)', describeValue(value));
    const m = identity(d);
    for (let i = 0; i < d; i++) m[i * d + i] = value;
    return m;
  }
  const shapeHint = `a variance > 0, ${d} variances > 0 (diagonal), or a ${d}×${d} symmetric positive-definite matrix`;
  if (!Array.isArray(value) || value.length !== d) throw new ArgumentError(fn, arg, shapeHint, describeValue(value));
  if (value.every((v) => typeof v === 'number')) {
    if (!value.every((v) => Number.isFinite(v) && (v as number) > 0)) {
      throw new ArgumentError(fn, arg, `${d} finite variances > 0 (diagonal covariance)`, describeValue(value));
    }
    const m = new Float64Array(d * d);
    for (let i = 0; i < d; i++) m[i * d + i] = value[i] as number;
    return m;
  }
  if (!value.every((row) => Array.isArray(row) && row.length === d && row.every(isFiniteNumber))) {
    throw new ArgumentError(fn, arg, shapeHint, describeValue(value));
  }
  const rows = value as number[][];
  const m = Float64Array.from(rows.flat());
  let scale = 0;
  for (const v of m) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(m[i * d + j]! - m[j * d + i]!) > 1e-9 * scale) {
        throw new ArgumentError(fn, arg, `a symmetric ${d}×${d} matrix`, `entries [${i}][${j}] = ${m[i * d + j]} and [${j}][${i}] = ${m[j * d + i]}`);
      }
    }
  }
  if (cholesky(m, d) === null) {
    throw new ArgumentError(fn, arg, `a positive-definite ${d}×${d} matrix`, `${describeValue(rows)} (Cholesky factorisation failed)`);
  }
  return m;
}

function choleskyOrThrow(fn: string, arg: string, m: Float64Array, d: number): Float64Array {
  const l = cholesky(m, d);
  if (l === null) throw new ArgumentError(fn, arg, `a positive-definite ${d}×${d} matrix`, 'a matrix whose Cholesky factorisation failed');
  return l;
}

/** Validates a {@link GaussianSpec} (dimension `d` when given) into a one-component mixture. */
export function parseGaussian(fn: string, arg: string, spec: unknown, d?: number): Mixture {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new ArgumentError(fn, arg, 'a Gaussian { mean, covariance? }', describeValue(spec));
  }
  const s = spec as GaussianSpec;
  const mean = parseVector(fn, `${arg}.mean`, s.mean, d);
  const dim = mean.length;
  const cov = parseCovariance(fn, `${arg}.covariance`, s.covariance, dim);
  return {
    dim,
    weights: Float64Array.of(1),
    means: [mean],
    covariances: [cov],
    choleskys: [choleskyOrThrow(fn, `${arg}.covariance`, cov, dim)],
  };
}

/** Validates a {@link GaussianMixtureSpec} (dimension `d` when given). */
export function parseMixture(fn: string, arg: string, spec: unknown, d?: number): Mixture {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new ArgumentError(fn, arg, 'a Gaussian mixture { weights, means, covariances? | covariance? }', describeValue(spec));
  }
  const s = spec as GaussianMixtureSpec;
  if (!Array.isArray(s.weights) || s.weights.length === 0 || !s.weights.every((w) => isFiniteNumber(w) && w > 0)) {
    throw new ArgumentError(fn, `${arg}.weights`, 'a non-empty array of weights > 0', describeValue(s.weights));
  }
  const total = s.weights.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-6) {
    throw new ArgumentError(fn, `${arg}.weights`, 'weights summing to 1 (within 1e-6)', `${describeValue(s.weights)} (sum ${total})`);
  }
  const K = s.weights.length;
  if (!Array.isArray(s.means) || s.means.length !== K) {
    throw new ArgumentError(fn, `${arg}.means`, `an array of ${K} means (one per weight)`, describeValue(s.means));
  }
  const first = parseVector(fn, `${arg}.means[0]`, s.means[0], d);
  const dim = first.length;
  const means = s.means.map((m, k) => (k === 0 ? first : parseVector(fn, `${arg}.means[${k}]`, m, dim)));
  if (s.covariances !== undefined && s.covariance !== undefined) {
    throw new ArgumentError(fn, `${arg}.covariances`, "absent when 'covariance' (shared) is given", describeValue(s.covariances));
  }
  let covariances: Float64Array[];
  if (s.covariances !== undefined) {
    if (!Array.isArray(s.covariances) || s.covariances.length !== K) {
      throw new ArgumentError(fn, `${arg}.covariances`, `an array of ${K} covariances (one per component)`, describeValue(s.covariances));
    }
    covariances = s.covariances.map((c, k) => parseCovariance(fn, `${arg}.covariances[${k}]`, c, dim));
  } else {
    const shared = parseCovariance(fn, `${arg}.covariance`, s.covariance, dim);
    covariances = means.map(() => shared);
  }
  return {
    dim,
    weights: Float64Array.from(s.weights, (w) => w / total),
    means,
    covariances,
    choleskys: covariances.map((c, k) => choleskyOrThrow(fn, `${arg}.covariances[${k}]`, c, dim)),
  };
}

/** Nested-array view of a mixture, with its overall mean and covariance. */
export function mixtureParams(m: Mixture): GaussianMixtureParams {
  const d = m.dim;
  const mean = new Float64Array(d);
  m.means.forEach((mu, k) => mu.forEach((v, i) => (mean[i]! += m.weights[k]! * v)));
  const cov = new Float64Array(d * d);
  m.means.forEach((mu, k) => {
    const w = m.weights[k]!;
    const c = m.covariances[k]!;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i * d + j]! += w * (c[i * d + j]! + mu[i]! * mu[j]!);
  });
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i * d + j]! -= mean[i]! * mean[j]!;
  return {
    dim: d,
    weights: Array.from(m.weights),
    means: m.means.map((mu) => Array.from(mu)),
    covariances: m.covariances.map((c) => toRows(c, d, d)),
    mean: Array.from(mean),
    covariance: toRows(cov, d, d),
  };
}

/** Whether a one-component mixture is exactly N(0, I). */
export function isStandardNormal(m: Mixture): boolean {
  if (m.weights.length !== 1) return false;
  const d = m.dim;
  const id = identity(d);
  return m.means[0]!.every((v) => v === 0) && m.covariances[0]!.every((v, i) => v === id[i]);
}
