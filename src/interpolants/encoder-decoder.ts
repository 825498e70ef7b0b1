/**
 * The encoder–decoder interpolant: x0 is encoded to pure noise at t = ½ and decoded to x1.
 */
import { ArgumentError, describeValue } from '../errors.js';
import { sin2Gamma } from './gamma.js';
import type { InterpolantOptions } from './options.js';
import { interpolantFromFormula, type AlphaBetaFormula, type SpatiallyLinearInterpolant } from './spatially-linear.js';

// d/dt cos²(πt) = −π sin(2πt) (the authors' code has this derivative wrong).
const encoderDecoderFormula: AlphaBetaFormula = (o, t) => {
  const c = o.cos(o.mul(o.c(Math.PI), t));
  const cos2 = o.mul(c, c);
  const dCos2 = o.mul(o.c(-Math.PI), o.sin(o.mul(o.c(2 * Math.PI), t)));
  const zero = o.c(0);
  const alpha = o.ifLess(t, 0.5, cos2, zero);
  const beta = o.ifLess(t, 0.5, zero, cos2);
  const dAlpha = o.ifLess(t, 0.5, dCos2, zero);
  const dBeta = o.ifLess(t, 0.5, zero, dCos2);
  return { alpha, beta, dAlpha, dBeta, alphaDAlpha: o.mul(alpha, dAlpha), betaDBeta: o.mul(beta, dBeta) };
};

/**
 * Encoder–decoder interpolant, as printed in the paper: α = cos²(πt) on [0, ½) and 0 after, β = 0 before ½
 * and cos²(πt) on [½, 1], γ = sin²(πt). Derivatives: α̇ = −π sin(2πt) on [0, ½), β̇ = −π sin(2πt) on [½, 1];
 * α, β and their derivatives are continuous (all vanish at t = ½, where x_t = z).
 *
 * It is **not** variance preserving: α² + β² + γ² = cos⁴(πt) + sin⁴(πt) < 1 inside (½ at t = ¼).
 *
 * @param options - only `gamma: 'sin2'` (the fixed γ) is accepted
 * @example
 * ```ts
 * encoderDecoderInterpolant().coefficientsAt(0.5); // alpha 0, beta 0, gamma 1
 * ```
 */
export function encoderDecoderInterpolant(options: InterpolantOptions = {}): SpatiallyLinearInterpolant {
  if (options.gamma !== undefined && options.gamma !== 'sin2') {
    const got = typeof options.gamma === 'string' ? options.gamma : options.gamma.name;
    throw new ArgumentError('encoderDecoderInterpolant', 'options.gamma', "'sin2' or omitted (γ = sin²(πt) is fixed)", describeValue(got));
  }
  return interpolantFromFormula('encoder-decoder', sin2Gamma(), encoderDecoderFormula);
}
