/**
 * The linear families: α = 1 − t, β = t.
 */
import { zeroGamma } from './gamma.js';
import { gammaFromOptions, type InterpolantOptions } from './options.js';
import { interpolantFromFormula, type AlphaBetaFormula, type SpatiallyLinearInterpolant } from './spatially-linear.js';

const linearFormula: AlphaBetaFormula = (o, t) => {
  const alpha = o.sub(o.c(1), t);
  return {
    alpha,
    beta: t,
    dAlpha: o.c(-1),
    dBeta: o.c(1),
    alphaDAlpha: o.neg(alpha),
    betaDBeta: t,
  };
};

/**
 * Linear interpolant `x_t = (1−t) x0 + t x1 + γ(t) z` (α̇ = −1, β̇ = 1).
 *
 * @param options - the γ option (default `'sqrt'`, a = 1)
 * @example
 * ```ts
 * linearInterpolant({ gamma: 'quadratic' }).coefficientsAt(0.25); // alpha 0.75, beta 0.25, gamma 0.1875
 * ```
 */
export function linearInterpolant(options: InterpolantOptions = {}): SpatiallyLinearInterpolant {
  return interpolantFromFormula('linear', gammaFromOptions('linearInterpolant', options), linearFormula);
}

/**
 * One-sided linear interpolant `x_t = (1−t) x0 + t x1` with x0 ~ N(0, I) playing the role of z (γ ≡ 0).
 *
 * @example
 * ```ts
 * oneSidedLinearInterpolant().oneSided; // true
 * ```
 */
export function oneSidedLinearInterpolant(): SpatiallyLinearInterpolant {
  return interpolantFromFormula('one-sided-linear', zeroGamma(), linearFormula, { oneSided: true });
}
