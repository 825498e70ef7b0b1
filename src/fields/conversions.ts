/**
 * Conversions between the fields of a spatially linear interpolant (MATH.md §1.2), written with the
 * closed-form products (γγ̇) where the plain derivative is infinite, and evaluated at `t` clipped into
 * `[tMin, 1 − tMin]` where a coefficient in a denominator vanishes.
 *
 * Every conversion works on states of any event shape `[batch, ...event]` (each row is scaled by its own
 * coefficients) and returns an {@link EventField}, which is also a {@link Field}.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import type { Interpolant } from '../interpolants/types.js';
import { divideRows, scaleRows } from '../shapes.js';
import type { EventField, Field } from './types.js';

/** A field as given by the caller; called with the state's own shape `[batch, ...event]`. */
type AnyField = Field | EventField;

/** Calls a field on a state of any event shape (a Field is typed on `[batch, d]` but works on any shape). */
function call<X extends tf.Tensor>(f: AnyField, x: X, t: tf.Tensor1D): X {
  return (f as unknown as EventField)(x, t);
}

function clipTime(t: tf.Tensor1D, tMin: number): tf.Tensor1D {
  return tMin > 0 ? (tf.clipByValue(t, tMin, 1 - tMin) as tf.Tensor1D) : t;
}

function checkFieldArg(fn: string, arg: string, value: unknown): void {
  if (typeof value !== 'function') throw new ArgumentError(fn, arg, 'a field (x: [batch, ...event], t: [batch]) => [batch, ...event]', describeValue(value));
}

/**
 * The score from the denoiser η_z = E[z | x_t]: `s = −η_z / γ` (two-sided), `s = −η_z / α` (one-sided,
 * where η_z = E[x0 | x_t]). The denominator vanishes at an end, so t is clipped into `[tMin, 1 − tMin]`.
 * @param tMin - @default 1e-3
 */
export function scoreFromDenoiser(denoiser: AnyField, interpolant: Interpolant, tMin = 1e-3): EventField {
  checkFieldArg('scoreFromDenoiser', 'denoiser', denoiser);
  checkNumber('scoreFromDenoiser', 'tMin', tMin, { min: 0, max: 0.49 });
  if (!interpolant.oneSided && interpolant.gammaSchedule.isZero) {
    throw new ArgumentError('scoreFromDenoiser', 'interpolant', 'an interpolant with latent noise (γ ≢ 0) or a one-sided one', `'${interpolant.name}' with γ ≡ 0`);
  }
  return <X extends tf.Tensor>(x: X, t: tf.Tensor1D): X =>
    tf.tidy(() => {
      const tc = clipTime(t, tMin);
      const c = interpolant.coefficients(tc);
      return tf.neg(divideRows(call(denoiser, x, tc), interpolant.oneSided ? c.alpha : c.gamma));
    });
}

/** The velocity from v and the score: `b = v − γγ̇ s` (γγ̇ in closed form, finite on [0, 1]). */
export function velocityFromVAndScore(v: AnyField, score: AnyField, interpolant: Interpolant): EventField {
  checkFieldArg('velocityFromVAndScore', 'v', v);
  checkFieldArg('velocityFromVAndScore', 'score', score);
  return <X extends tf.Tensor>(x: X, t: tf.Tensor1D): X =>
    tf.tidy(() => tf.sub(call(v, x, t), scaleRows(interpolant.coefficients(t).gammaDGamma, call(score, x, t))));
}

/**
 * The velocity from the denoiser alone, where that determines it:
 * - one-sided (`x = α z + β x1`): `b = (β̇/β) x + (α̇ − α β̇/β) η_z` (t clipped: β(0) = 0);
 * - mirror (`x = x1 + γ z`): `b = γ̇ η_z` (t clipped where γ̇ is infinite).
 * @param tMin - @default 1e-3
 */
export function velocityFromDenoiser(denoiser: AnyField, interpolant: Interpolant, tMin = 1e-3): EventField {
  checkFieldArg('velocityFromDenoiser', 'denoiser', denoiser);
  checkNumber('velocityFromDenoiser', 'tMin', tMin, { min: 0, max: 0.49 });
  if (!interpolant.oneSided && !interpolant.mirror) {
    throw new ArgumentError('velocityFromDenoiser', 'interpolant', 'a one-sided or mirror interpolant (otherwise b also needs η_0 or η_1)', `'${interpolant.name}'`);
  }
  return <X extends tf.Tensor>(x: X, t: tf.Tensor1D): X =>
    tf.tidy(() => {
      const tc = clipTime(t, tMin);
      const c = interpolant.coefficients(tc);
      const eta = call(denoiser, x, tc);
      if (interpolant.mirror) return scaleRows(c.dGamma, eta);
      const ratio = tf.div(c.dBeta, c.beta);
      return tf.add(scaleRows(ratio, x), scaleRows(tf.sub(c.dAlpha, tf.mul(c.alpha, ratio)), eta));
    });
}

/**
 * The score from the velocity of a one-sided interpolant (`x = α z + β x1`): from
 * `b = (β̇/β) x + (α̇ − α β̇/β) η_z` and `s = −η_z/α`, `s = −(b − (β̇/β) x) / (α (α̇ − α β̇/β))`.
 * Singular at both ends (β(0) = 0, α(1) = 0), so t is clipped into `[tMin, 1 − tMin]`.
 * @param tMin - @default 1e-3
 */
export function scoreFromVelocity(velocity: AnyField, interpolant: Interpolant, tMin = 1e-3): EventField {
  checkFieldArg('scoreFromVelocity', 'velocity', velocity);
  checkNumber('scoreFromVelocity', 'tMin', tMin, { min: 0, max: 0.49 });
  if (!interpolant.oneSided) {
    throw new ArgumentError('scoreFromVelocity', 'interpolant', 'a one-sided interpolant (two-sided ones need s or η_z learned)', `'${interpolant.name}'`);
  }
  return <X extends tf.Tensor>(x: X, t: tf.Tensor1D): X =>
    tf.tidy(() => {
      const tc = clipTime(t, tMin);
      const c = interpolant.coefficients(tc);
      const ratio = tf.div(c.dBeta, c.beta);
      const etaZ = divideRows(tf.sub(call(velocity, x, tc), scaleRows(ratio, x)) as X, tf.sub(c.dAlpha, tf.mul(c.alpha, ratio)));
      return tf.neg(divideRows(etaZ, c.alpha));
    });
}

/** The drifts of the generative SDEs: forward `b + ε s`, backward `b − ε s`, at a fixed ε ≥ 0. */
export function sdeDrifts(velocity: AnyField, score: AnyField, epsilon: number): { forward: EventField; backward: EventField } {
  checkFieldArg('sdeDrifts', 'velocity', velocity);
  checkFieldArg('sdeDrifts', 'score', score);
  const e = checkNumber('sdeDrifts', 'epsilon', epsilon, { min: 0 });
  return {
    forward: <X extends tf.Tensor>(x: X, t: tf.Tensor1D): X => tf.tidy(() => tf.add(call(velocity, x, t), tf.mul(call(score, x, t), e))),
    backward: <X extends tf.Tensor>(x: X, t: tf.Tensor1D): X => tf.tidy(() => tf.sub(call(velocity, x, t), tf.mul(call(score, x, t), e))),
  };
}
