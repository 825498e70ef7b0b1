/**
 * Shorthands for the closed-form oracle with a Gaussian or a Gaussian-mixture target.
 */
import { ArgumentError, describeValue } from '../errors.js';
import type { Interpolant } from '../interpolants/types.js';
import { GaussianMixtureOracle, isMixtureSpec } from './gaussian-oracle.js';
import type { GaussianMixtureSpec, GaussianSpec } from './gaussian-spec.js';

/**
 * Oracle for Gaussian → Gaussian: ρ0 = N(m0, C0) (default N(0, I)), ρ1 = N(m1, C1).
 * `m(t) = α m0 + β m1`, `C(t) = α² C0 + β² C1 + γ² I`, `b = ṁ + ½ Ċ C⁻¹ (x − m)`, `s = −C⁻¹ (x − m)`.
 *
 * @example
 * ```ts
 * const oracle = gaussianOracle({
 *   interpolant: makeInterpolant('trig', { gamma: 'sqrt' }),
 *   base: { mean: [0] },
 *   target: { mean: [2], covariance: 0.25 },
 * });
 * ```
 */
export function gaussianOracle(options: {
  interpolant: Interpolant;
  base?: GaussianSpec;
  target: GaussianSpec;
}): GaussianMixtureOracle {
  if (typeof options === 'object' && options !== null && isMixtureSpec(options.target)) {
    throw new ArgumentError('gaussianOracle', 'target', 'a Gaussian { mean, covariance? } (use gaussianMixtureOracle for mixtures)', 'a mixture');
  }
  return new GaussianMixtureOracle(options);
}

/**
 * Oracle for Gaussian → Gaussian mixture: ρ0 = N(m0, C0) (default N(0, I)), ρ1 = Σ_k π_k N(μ_k, Σ_k).
 *
 * @example
 * ```ts
 * const oracle = gaussianMixtureOracle({
 *   interpolant: makeInterpolant('one-sided-linear'),
 *   target: { weights: [0.5, 0.5], means: [[-2, 0], [2, 0]], covariance: 0.1 },
 * });
 * ```
 */
export function gaussianMixtureOracle(options: {
  interpolant: Interpolant;
  base?: GaussianSpec;
  target: GaussianMixtureSpec;
}): GaussianMixtureOracle {
  if (typeof options === 'object' && options !== null && !isMixtureSpec(options.target)) {
    throw new ArgumentError('gaussianMixtureOracle', 'target', 'a Gaussian mixture { weights, means, covariances? }', describeValue(options.target));
  }
  return new GaussianMixtureOracle(options);
}
