/**
 * The interpolant seam: objectives, oracles and samplers depend on this interface, not on the family.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { GammaSchedule, SingularEnds } from './gamma.js';

/**
 * The time coefficients of a spatially linear interpolant `x_t = α(t) x0 + β(t) x1 + γ(t) z`, as numbers
 * (float64) or as `[batch]` tensors (float32).
 *
 * The products `αα̇`, `ββ̇`, `γγ̇` are given in closed form: they are what the closed-form fields need
 * (`Ċ = 2αα̇ C0 + 2ββ̇ C1 + 2γγ̇ I`) and they stay finite where a derivative alone is infinite
 * (γ̇ of `'sqrt'` at t = 0, 1; α̇ of `'one-sided-vp'` at t = 1).
 */
export interface InterpolantCoefficients<T> {
  /** α(t), the weight of x0 (α(0) = 1, α(1) = 0). */
  alpha: T;
  /** β(t), the weight of x1 (β(0) = 0, β(1) = 1). */
  beta: T;
  /** γ(t), the weight of the latent noise z (γ(0) = γ(1) = 0; ≡ 0 for one-sided families). */
  gamma: T;
  /** α̇(t); −∞ at t = 1 for `'one-sided-vp'`. */
  dAlpha: T;
  /** β̇(t). */
  dBeta: T;
  /** γ̇(t); ±∞ at the ends for the `'sqrt'` γ. */
  dGamma: T;
  /** γγ̇(t), finite on [0, 1]. */
  gammaDGamma: T;
  /** αα̇(t), finite on [0, 1] (= −t for `'one-sided-vp'`). */
  alphaDAlpha: T;
  /** ββ̇(t), finite on [0, 1]. */
  betaDBeta: T;
}

/**
 * What {@link Interpolant.sample} returns; every tensor has the shape of x1 (`[batch, ...event]`, e.g.
 * `[batch, d]` or `[batch, h, w, c]`) and is owned by the caller.
 */
export interface InterpolantSample<X extends tf.Tensor = tf.Tensor2D> {
  /** `x_t = I(t, x0, x1) + γ(t) z`. */
  xt: X;
  /** `∂_t I + γ̇ z`: the regression target of the velocity b. */
  dxt: X;
  /** `I(t, x0, x1) = α x0 + β x1` (for antithetic pairs: `x∓ = 2I − x±`). */
  interp: X;
  /** `∂_t I = α̇ x0 + β̇ x1`: the regression target of v. */
  dInterp: X;
}

/**
 * A stochastic interpolant `x_t = α(t) x0 + β(t) x1 + γ(t) z` (spatially linear; every built-in family is).
 *
 * - two-sided: x0 ~ ρ0, x1 ~ ρ1, z ~ N(0, I) independent, γ > 0 inside (0, 1);
 * - one-sided (`oneSided`): ρ0 = N(0, I), x0 plays the role of z, γ ≡ 0;
 * - mirror (`mirror`): ρ0 = ρ1, `x_t = x1 + γ z` (α ≡ 0, β ≡ 1); x0 is not used.
 *
 * @example
 * ```ts
 * const I = makeInterpolant('linear', { gamma: 'sqrt' });
 * const c = I.coefficientsAt(0.5); // { alpha: 0.5, beta: 0.5, gamma: 0.5, … }
 * const { xt, dxt } = I.sample(x0, x1, t, z); // [batch, ...event] each, the shape of x1
 * ```
 */
export interface Interpolant {
  /** Registry name (`'linear'`, `'one-sided-vp'`, `'custom'`, …). */
  readonly name: string;
  /** The γ option (the zero schedule for one-sided families). */
  readonly gammaSchedule: GammaSchedule;
  /** x0 ~ N(0, I) plays the role of z and γ ≡ 0. */
  readonly oneSided: boolean;
  /** ρ0 = ρ1 and `x_t = x1 + γ z`; x0 is not used. */
  readonly mirror: boolean;
  /**
   * Ends of [0, 1] where a derivative (α̇, β̇ or γ̇) is infinite, so `dxt` is not finite there: objectives
   * and samplers that use `dxt`, `dAlpha`, `dBeta` or `dGamma` must clip t to `[tMin, 1 − tMin]` at those ends.
   * The products `alphaDAlpha`, `betaDBeta`, `gammaDGamma` stay finite.
   */
  readonly singularEnds: SingularEnds;
  /** float64 coefficients at one time `t ∈ [0, 1]`. */
  coefficientsAt(t: number): InterpolantCoefficients<number>;
  /** float32 coefficients on a `[batch]` time tensor; every entry `[batch]`, owned by the caller. */
  coefficients(t: tf.Tensor1D): InterpolantCoefficients<tf.Tensor1D>;
  /**
   * Samples the interpolant at per-sample times, on batch-first tensors of any event shape (each row is
   * multiplied by its own coefficients).
   *
   * @param x0 - `[batch, ...event]` samples of ρ0 (of N(0, I) for one-sided families); `null` allowed for mirror
   * @param x1 - `[batch, ...event]` samples of ρ1
   * @param t - `[batch]` times in [0, 1] (clip at {@link Interpolant.singularEnds} when using `dxt`)
   * @param z - `[batch, ...event]` standard normal noise; may be omitted only when γ ≡ 0
   */
  sample<X extends tf.Tensor = tf.Tensor2D>(x0: X | null, x1: X, t: tf.Tensor1D, z?: X): InterpolantSample<X>;
}
