/**
 * The variance-preserving trigonometric family: α = √(1−γ²) cos(πt/2), β = √(1−γ²) sin(πt/2), so that
 * α² + β² + γ² = 1.
 */
import { ArgumentError, describeValue } from '../errors.js';
import type { GammaSchedule } from './gamma.js';
import { gammaFromOptions, type InterpolantOptions } from './options.js';
import { interpolantFromFormula, type AlphaBetaFormula, type SpatiallyLinearInterpolant } from './spatially-linear.js';

const HALF_PI = Math.PI / 2;

// r = √(1−γ²), ṙ = −γγ̇ / r (finite wherever γγ̇ is, which is why γγ̇ has a closed form).
const vpTrigFormula: AlphaBetaFormula = (o, t, g) => {
  const r = o.sqrt(o.sub(o.c(1), o.mul(g.gamma, g.gamma)));
  const dr = o.neg(o.div(g.gammaDGamma, r));
  const angle = o.mul(o.c(HALF_PI), t);
  const c = o.cos(angle);
  const s = o.sin(angle);
  const alpha = o.mul(r, c);
  const beta = o.mul(r, s);
  const dAlpha = o.sub(o.mul(dr, c), o.mul(o.c(HALF_PI), beta));
  const dBeta = o.add(o.mul(dr, s), o.mul(o.c(HALF_PI), alpha));
  return { alpha, beta, dAlpha, dBeta, alphaDAlpha: o.mul(alpha, dAlpha), betaDBeta: o.mul(beta, dBeta) };
};

/** Largest γ on a fine grid (every built-in γ peaks at t = ½, which is on the grid). */
function maxGamma(gamma: GammaSchedule): { value: number; at: number } {
  let best = { value: -Infinity, at: 0 };
  for (let i = 0; i <= 2000; i++) {
    const t = i / 2000;
    const v = gamma.valuesAt(t).gamma;
    if (!(v <= best.value)) best = { value: v, at: t };
  }
  return best;
}

/**
 * Variance-preserving trigonometric interpolant
 * `x_t = √(1−γ²) cos(πt/2) x0 + √(1−γ²) sin(πt/2) x1 + γ z` (α² + β² + γ² = 1).
 *
 * α̇ = −(γγ̇/√(1−γ²)) cos(πt/2) − √(1−γ²)(π/2) sin(πt/2), and β̇ likewise; they use the closed-form γγ̇, so
 * they stay finite at the ends even for the `'sqrt'` γ. γ must stay below 1 on [0, 1] (checked on a grid of
 * 2001 points): `'sin2'` reaches 1 and is rejected; `'sqrt'` needs a < 4.
 *
 * @param options - the γ option (default `'sqrt'`, a = 1)
 * @example
 * ```ts
 * const c = vpTrigInterpolant().coefficientsAt(0.3);
 * c.alpha ** 2 + c.beta ** 2 + c.gamma ** 2; // 1
 * ```
 */
export function vpTrigInterpolant(options: InterpolantOptions = {}): SpatiallyLinearInterpolant {
  const gamma = gammaFromOptions('vpTrigInterpolant', options);
  const max = maxGamma(gamma);
  if (!(max.value < 1)) {
    throw new ArgumentError(
      'vpTrigInterpolant',
      'options.gamma',
      'a γ option with γ(t) < 1 on [0, 1]',
      `${describeValue(gamma.name)} (γ(${max.at}) = ${max.value})`,
    );
  }
  return interpolantFromFormula('vp-trig', gamma, vpTrigFormula);
}
