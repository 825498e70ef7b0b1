/**
 * The plain types of the closed-form oracles: their options and the float64 values at one point.
 */
import type { Interpolant } from '../interpolants/types.js';
import type { GaussianMixtureSpec, GaussianSpec } from './gaussian-spec.js';
import type { FieldName } from './names.js';

/**
 * The oracle's own names of its fields, as in {@link OraclePoint}'s flat keys.
 * @deprecated Use {@link FieldName} (`'b' | 'v' | 's' | 'eta-z' | 'eta-0' | 'eta-1'`); mapping: velocity → 'b',
 *   v → 'v', score → 's', etaZ → 'eta-z', eta0 → 'eta-0', eta1 → 'eta-1'.
 */
export type OracleFieldName = 'velocity' | 'v' | 'score' | 'etaZ' | 'eta0' | 'eta1';

/** Options of {@link GaussianMixtureOracle}, {@link gaussianOracle} and {@link gaussianMixtureOracle}. */
export interface GaussianMixtureOracleOptions {
  /** A spatially linear interpolant (every built-in family and custom interpolant). */
  interpolant: Interpolant;
  /**
   * ρ0 = N(m0, C0). Must be omitted or N(0, I) for one-sided interpolants, and omitted for mirror
   * (ρ0 = ρ1).
   * @default N(0, I_d)
   */
  base?: GaussianSpec;
  /** ρ1: a Gaussian `{ mean, covariance? }` or a mixture `{ weights, means, covariances? }`. */
  target: GaussianSpec | GaussianMixtureSpec;
}

/**
 * Every oracle quantity at one point, in float64 (see {@link GaussianMixtureOracle.evaluateAt}): the log
 * density and each field, by its canonical name in `fields` and, for compatibility, under the oracle's
 * older flat keys (`velocity` = `fields.b`, `score` = `fields.s`, `etaZ` = `fields['eta-z']`, …).
 */
export interface OraclePoint {
  /** log ρ(t, x). */
  logDensity: number;
  /** Every field at the point, by canonical name. */
  fields: Record<FieldName, number[]>;
  /** b(t, x). @deprecated Use `fields.b`. */
  velocity: number[];
  /** v(t, x) = E[∂_t I | x_t = x] (same as `fields.v`). */
  v: number[];
  /** s(t, x) = ∇ log ρ(t, x). @deprecated Use `fields.s`. */
  score: number[];
  /** η_z(t, x) = E[z | x_t = x] (one-sided: E[x0 | x_t = x]). @deprecated Use `fields['eta-z']`. */
  etaZ: number[];
  /** η_0(t, x) = E[x0 | x_t = x] (mirror: η_1). @deprecated Use `fields['eta-0']`. */
  eta0: number[];
  /** η_1(t, x) = E[x1 | x_t = x]. @deprecated Use `fields['eta-1']`. */
  eta1: number[];
}
