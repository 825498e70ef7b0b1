/**
 * The one-sided variance-preserving interpolant (score-based diffusion, SBDM): α = √(1−t²), β = t.
 */
import { zeroGamma } from './gamma.js';
import { interpolantFromFormula, type AlphaBetaFormula, type SpatiallyLinearInterpolant } from './spatially-linear.js';

const oneSidedVpFormula: AlphaBetaFormula = (o, t) => {
  const alpha = o.sqrt(o.sub(o.c(1), o.mul(t, t)));
  return {
    alpha,
    beta: t,
    dAlpha: o.neg(o.div(t, alpha)),
    dBeta: o.c(1),
    alphaDAlpha: o.neg(t),
    betaDBeta: t,
  };
};

/**
 * One-sided VP interpolant `x_t = √(1−t²) x0 + t x1`, x0 ~ N(0, I) (γ ≡ 0). Score-based diffusion (VP SDE)
 * after the change of time t = e^{−τ}.
 *
 * α̇ = −t/√(1−t²) is −∞ at t = 1 (`singularEnds.end`): clip t to `[0, 1 − tMin]` wherever `dAlpha` or `dxt`
 * is used (training targets, drifts written with α̇). The product αα̇ = −t is finite and is what the
 * closed-form fields use, so the oracle fields are finite on all of [0, 1].
 *
 * @example
 * ```ts
 * oneSidedVpInterpolant().coefficientsAt(1); // alpha 0, dAlpha -Infinity, alphaDAlpha -1
 * ```
 */
export function oneSidedVpInterpolant(): SpatiallyLinearInterpolant {
  return interpolantFromFormula('one-sided-vp', zeroGamma(), oneSidedVpFormula, {
    oneSided: true,
    singularEnds: { start: false, end: true },
  });
}
