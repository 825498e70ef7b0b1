/**
 * The trigonometric families: α = cos(πt/2), β = sin(πt/2).
 */
import { zeroGamma } from './gamma.js';
import { gammaFromOptions, type InterpolantOptions } from './options.js';
import { interpolantFromFormula, type AlphaBetaFormula, type SpatiallyLinearInterpolant } from './spatially-linear.js';

const HALF_PI = Math.PI / 2;

const trigFormula: AlphaBetaFormula = (o, t) => {
  const angle = o.mul(o.c(HALF_PI), t);
  const alpha = o.cos(angle);
  const beta = o.sin(angle);
  const ab = o.mul(o.c(HALF_PI), o.mul(alpha, beta));
  return {
    alpha,
    beta,
    dAlpha: o.mul(o.c(-HALF_PI), beta),
    dBeta: o.mul(o.c(HALF_PI), alpha),
    alphaDAlpha: o.neg(ab),
    betaDBeta: ab,
  };
};

/**
 * Trigonometric interpolant `x_t = cos(πt/2) x0 + sin(πt/2) x1 + γ(t) z`.
 *
 * @param options - the γ option (default `'sqrt'`, a = 1)
 * @example
 * ```ts
 * trigInterpolant().coefficientsAt(1).beta; // 1
 * ```
 */
export function trigInterpolant(options: InterpolantOptions = {}): SpatiallyLinearInterpolant {
  return interpolantFromFormula('trig', gammaFromOptions('trigInterpolant', options), trigFormula);
}

/**
 * One-sided trigonometric interpolant `x_t = cos(πt/2) x0 + sin(πt/2) x1`, x0 ~ N(0, I) (γ ≡ 0).
 *
 * @example
 * ```ts
 * oneSidedTrigInterpolant().coefficientsAt(0.5).alpha; // 0.7071…
 * ```
 */
export function oneSidedTrigInterpolant(): SpatiallyLinearInterpolant {
  return interpolantFromFormula('one-sided-trig', zeroGamma(), trigFormula, { oneSided: true });
}
