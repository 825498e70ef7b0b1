/**
 * The mirror interpolant: ρ0 = ρ1 and `x_t = x1 + γ(t) z`.
 */
import { gammaFromOptions, type InterpolantOptions } from './options.js';
import { interpolantFromFormula, type AlphaBetaFormula, type SpatiallyLinearInterpolant } from './spatially-linear.js';

const mirrorFormula: AlphaBetaFormula = (o) => ({
  alpha: o.c(0),
  beta: o.c(1),
  dAlpha: o.c(0),
  dBeta: o.c(0),
  alphaDAlpha: o.c(0),
  betaDBeta: o.c(0),
});

/**
 * Mirror interpolant `x_t = x1 + γ(t) z` from a distribution to itself (α ≡ 0, β ≡ 1). The velocity is
 * `b = γ̇ η_z`, so only the denoiser η_z needs to be learned. `sample` ignores x0 (pass `null`).
 *
 * @param options - the γ option (default `'sqrt'`, a = 1)
 * @example
 * ```ts
 * mirrorInterpolant({ gamma: 'sin2' }).mirror; // true
 * ```
 */
export function mirrorInterpolant(options: InterpolantOptions = {}): SpatiallyLinearInterpolant {
  return interpolantFromFormula('mirror', gammaFromOptions('mirrorInterpolant', options), mirrorFormula, { mirror: true });
}
