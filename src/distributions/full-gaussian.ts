/**
 * Gaussians with a full covariance on vectors: N(μ, Σ), sampled and evaluated through the Cholesky factor of
 * Σ computed in double precision.
 */
import { ArgumentError, describeValue } from '../errors.js';
import { buildMixture } from '../data/gaussian-mixture.js';
import type { GaussianMixtureDataset } from '../data/gaussian-mixture.js';
import { checkNumberArray, checkOptions } from '../validate.js';

/** Options of {@link fullGaussian}. */
export interface FullGaussianOptions {
  /** μ, d numbers. */
  mean: readonly number[];
  /** Σ, a symmetric positive-definite d × d matrix. @default the identity */
  covariance?: readonly (readonly number[])[];
}

/** The law returned by {@link fullGaussian}: a one-component mixture with `mean` and `covariance` exposed. */
export interface FullGaussian extends GaussianMixtureDataset {
  /** μ. */
  readonly mean: readonly number[];
  /** Σ. */
  readonly covariance: readonly (readonly number[])[];
}

/**
 * N(μ, Σ) on vectors of length d: `x = μ + L z` with `Σ = L Lᵀ` (Cholesky, float64) and z ~ N(0, I); exact
 * `log p(x) = −½ |L⁻¹(x − μ)|² − Σᵢ log Lᵢᵢ − (d/2) log 2π`, differentiable in x.
 *
 * @throws ArgumentError for a non-finite mean, or a covariance that is not a symmetric positive-definite d × d matrix
 * @example
 * ```ts
 * const q = fullGaussian({ mean: [0, 1], covariance: [[1, 0.8], [0.8, 1]] });
 * const x = q.sample(1000, new SeedStream(0)); // [1000, 2]
 * const lp = q.logProb(x);                      // [1000]
 * ```
 */
export function fullGaussian(options: FullGaussianOptions): FullGaussian {
  const fn = 'fullGaussian';
  const o = checkOptions(fn, options, ['mean', 'covariance']);
  const mean = [...checkNumberArray(fn, 'options.mean', o.mean)];
  if (mean.length === 0) throw new ArgumentError(fn, 'options.mean', 'a non-empty array of numbers', describeValue(o.mean));
  const d = mean.length;
  const covariance = o.covariance === undefined ? mean.map((_, i) => mean.map((__, j) => (i === j ? 1 : 0))) : o.covariance.map((row) => [...row]);
  if (!Array.isArray(o.covariance ?? covariance) || covariance.length !== d) {
    throw new ArgumentError(fn, 'options.covariance', `a ${d} × ${d} symmetric positive-definite matrix`, describeValue(o.covariance));
  }
  let base: GaussianMixtureDataset;
  try {
    base = buildMixture(fn, 'full-gaussian', { means: [mean], covariances: [covariance] }, `N(μ, Σ) in ${d} dimensions (full covariance)`);
  } catch (err) {
    if (err instanceof ArgumentError) throw new ArgumentError(fn, 'options.covariance', `a ${d} × ${d} symmetric positive-definite matrix`, describeValue(o.covariance));
    throw err;
  }
  return Object.assign(base, { mean, covariance });
}
