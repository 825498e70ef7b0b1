/**
 * Oracle configurations shared by the field tests: interpolants × problems.
 */
import {
  GaussianMixtureOracle,
  makeOracle,
  type GaussianMixtureOracleOptions,
} from '../../src/fields/index.js';
import { customInterpolant, makeInterpolant, type Interpolant } from '../../src/interpolants/index.js';

export const INTERPOLANTS: { label: string; make: () => Interpolant }[] = [
  { label: 'linear/sqrt', make: () => makeInterpolant('linear') },
  { label: 'linear/quadratic', make: () => makeInterpolant('linear', { gamma: 'quadratic' }) },
  { label: 'trig/sigmoid', make: () => makeInterpolant('trig', { gamma: 'sigmoid' }) },
  { label: 'vp-trig/sqrt', make: () => makeInterpolant('vp-trig') },
  { label: 'encoder-decoder', make: () => makeInterpolant('encoder-decoder') },
  { label: 'linear/zero', make: () => makeInterpolant('linear', { gamma: 'zero' }) },
  { label: 'one-sided-linear', make: () => makeInterpolant('one-sided-linear') },
  { label: 'one-sided-trig', make: () => makeInterpolant('one-sided-trig') },
  { label: 'one-sided-vp', make: () => makeInterpolant('one-sided-vp') },
  { label: 'mirror/sqrt', make: () => makeInterpolant('mirror') },
  { label: 'mirror/sin2', make: () => makeInterpolant('mirror', { gamma: 'sin2' }) },
  {
    label: 'custom quadratic path/sin2',
    make: () =>
      customInterpolant({
        alpha: (t) => (1 - t) ** 2,
        dAlpha: (t) => -2 * (1 - t),
        beta: (t) => 1 - (1 - t) ** 2,
        dBeta: (t) => 2 * (1 - t),
        gamma: 'sin2',
      }),
  },
];

/** A 3-D Gaussian pair with a non-standard base (two-sided families only). */
const GAUSSIAN_3D: Omit<GaussianMixtureOracleOptions, 'interpolant'> = {
  base: {
    mean: [0.5, -1, 0],
    covariance: [
      [1.5, 0.3, 0.1],
      [0.3, 0.8, -0.2],
      [0.1, -0.2, 0.6],
    ],
  },
  target: {
    mean: [2, 0, -1],
    covariance: [
      [0.4, -0.1, 0.05],
      [-0.1, 0.9, 0.2],
      [0.05, 0.2, 0.3],
    ],
  },
};

/** A 1-D bimodal mixture. */
const MIXTURE_1D: Omit<GaussianMixtureOracleOptions, 'interpolant'> = {
  base: { mean: [0] },
  target: { weights: [0.3, 0.7], means: [[-2], [1.5]], covariances: [0.2, [0.5]] },
};

export const PROBLEMS: { label: string; make: (I: Interpolant) => GaussianMixtureOracle; twoSidedOnly?: boolean }[] = [
  { label: 'gaussian 1-D', make: (I) => makeOracle('gaussian', I) },
  { label: 'gmm2d', make: (I) => makeOracle('gmm2d', I) },
  {
    label: 'mixture 1-D',
    make: (I) => new GaussianMixtureOracle({ interpolant: I, ...MIXTURE_1D, base: I.mirror ? undefined : MIXTURE_1D.base }),
  },
  {
    label: 'gaussian 3-D full covariances',
    make: (I) => new GaussianMixtureOracle({ interpolant: I, ...GAUSSIAN_3D, base: I.mirror ? undefined : GAUSSIAN_3D.base }),
    twoSidedOnly: true,
  },
];

export function* oracleCases(): Generator<{ label: string; interpolant: Interpolant; oracle: () => GaussianMixtureOracle }> {
  for (const i of INTERPOLANTS) {
    for (const p of PROBLEMS) {
      const interpolant = i.make();
      if (p.twoSidedOnly && interpolant.oneSided) continue;
      yield { label: `${i.label} × ${p.label}`, interpolant, oracle: () => p.make(interpolant) };
    }
  }
}
