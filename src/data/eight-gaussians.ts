/**
 * Gaussians evenly spaced on a circle ("8gaussians" of the flow-matching literature).
 */
import { checkNumber } from '../errors.js';
import { buildMixture, type GaussianMixtureDataset } from './gaussian-mixture.js';
import { checkOptions } from './validate.js';

/** Options of {@link eightGaussians}. */
export interface EightGaussiansOptions {
  /**
   * Radius r of the circle of means.
   * @default 2√2 ≈ 2.828 (FFJORD's toy data: means at distance 4, then the data divided by √2)
   */
  radius?: number;
  /**
   * Standard deviation σ of each (isotropic) component.
   * @default 0.5/√2 ≈ 0.354 (FFJORD's 0.5, divided by √2 with the data)
   */
  std?: number;
  /** Number of components K, at angles 2πk/K (k = 0 … K−1, the first on the positive x-axis). @default 8 */
  modes?: number;
}

/**
 * K isotropic Gaussians `N(r (cos 2πk/K, sin 2πk/K), σ² I)` with equal weights 1/K. Exact sampler and exact
 * `logDensity` (a {@link gaussianMixture}; its `weights`, `means` and `covariances` are exposed).
 *
 * @example
 * ```ts
 * const ring = eightGaussians();                    // r = 2√2, σ = 0.5/√2, K = 8
 * const x = ring.sample(1000, new SeedStream(0));   // [1000, 2]
 * ```
 */
export function eightGaussians(options?: EightGaussiansOptions): GaussianMixtureDataset {
  const fn = 'eightGaussians';
  const opts = checkOptions(fn, options, ['radius', 'std', 'modes']);
  const radius = checkNumber(fn, 'options.radius', opts.radius ?? 2 * Math.SQRT2, { min: 0 });
  const std = checkNumber(fn, 'options.std', opts.std ?? 0.5 / Math.SQRT2, { min: 0, exclusiveMin: true });
  const modes = checkNumber(fn, 'options.modes', opts.modes ?? 8, { integer: true, min: 1 });
  const means = Array.from({ length: modes }, (_, k) => {
    const angle = (2 * Math.PI * k) / modes;
    return [radius * Math.cos(angle), radius * Math.sin(angle)];
  });
  return buildMixture(
    fn,
    '8gaussians',
    { means, covariances: std * std },
    `8gaussians: ${modes} Gaussians with std ${std.toPrecision(3)} on a circle of radius ${radius.toPrecision(4)}`,
  );
}
