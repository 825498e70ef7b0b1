/**
 * Conversions between the fields of a spatially linear interpolant (MATH.md §1.2), written with the
 * closed-form products (γγ̇) where the plain derivative is infinite, and evaluated at `t` clipped into
 * `[tMin, 1 − tMin]` where a coefficient in a denominator vanishes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import type { Interpolant } from '../interpolants/types.js';
import type { Field } from './types.js';

function clipTime(t: tf.Tensor1D, tMin: number): tf.Tensor1D {
  return tMin > 0 ? (tf.clipByValue(t, tMin, 1 - tMin) as tf.Tensor1D) : t;
}

const col = (v: tf.Tensor1D) => tf.reshape(v, [-1, 1]);

function checkFieldArg(fn: string, arg: string, value: unknown): void {
  if (typeof value !== 'function') throw new ArgumentError(fn, arg, 'a field (x: Tensor2D, t: Tensor1D) => Tensor2D', describeValue(value));
}

/**
 * The score from the denoiser η_z = E[z | x_t]: `s = −η_z / γ` (two-sided), `s = −η_z / α` (one-sided,
 * where η_z = E[x0 | x_t]). The denominator vanishes at an end, so t is clipped into `[tMin, 1 − tMin]`.
 * @param tMin - @default 1e-3
 */
export function scoreFromDenoiser(denoiser: Field, interpolant: Interpolant, tMin = 1e-3): Field {
  checkFieldArg('scoreFromDenoiser', 'denoiser', denoiser);
  checkNumber('scoreFromDenoiser', 'tMin', tMin, { min: 0, max: 0.49 });
  if (!interpolant.oneSided && interpolant.gammaSchedule.isZero) {
    throw new ArgumentError('scoreFromDenoiser', 'interpolant', 'an interpolant with latent noise (γ ≢ 0) or a one-sided one', `'${interpolant.name}' with γ ≡ 0`);
  }
  return (x, t) =>
    tf.tidy(() => {
      const tc = clipTime(t, tMin);
      const c = interpolant.coefficients(tc);
      return tf.neg(tf.div(denoiser(x, tc), col(interpolant.oneSided ? c.alpha : c.gamma))) as tf.Tensor2D;
    });
}

/** The velocity from v and the score: `b = v − γγ̇ s` (γγ̇ in closed form, finite on [0, 1]). */
export function velocityFromVAndScore(v: Field, score: Field, interpolant: Interpolant): Field {
  checkFieldArg('velocityFromVAndScore', 'v', v);
  checkFieldArg('velocityFromVAndScore', 'score', score);
  return (x, t) =>
    tf.tidy(() => tf.sub(v(x, t), tf.mul(col(interpolant.coefficients(t).gammaDGamma), score(x, t))) as tf.Tensor2D);
}

/**
 * The velocity from the denoiser alone, where that determines it:
 * - one-sided (`x = α z + β x1`): `b = (β̇/β) x + (α̇ − α β̇/β) η_z` (t clipped: β(0) = 0);
 * - mirror (`x = x1 + γ z`): `b = γ̇ η_z` (t clipped where γ̇ is infinite).
 * @param tMin - @default 1e-3
 */
export function velocityFromDenoiser(denoiser: Field, interpolant: Interpolant, tMin = 1e-3): Field {
  checkFieldArg('velocityFromDenoiser', 'denoiser', denoiser);
  checkNumber('velocityFromDenoiser', 'tMin', tMin, { min: 0, max: 0.49 });
  if (!interpolant.oneSided && !interpolant.mirror) {
    throw new ArgumentError('velocityFromDenoiser', 'interpolant', 'a one-sided or mirror interpolant (otherwise b also needs η_0 or η_1)', `'${interpolant.name}'`);
  }
  return (x, t) =>
    tf.tidy(() => {
      const tc = clipTime(t, tMin);
      const c = interpolant.coefficients(tc);
      const eta = denoiser(x, tc);
      if (interpolant.mirror) return tf.mul(col(c.dGamma), eta) as tf.Tensor2D;
      const ratio = tf.div(c.dBeta, c.beta) as tf.Tensor1D;
      return tf.add(tf.mul(col(ratio), x), tf.mul(col(tf.sub(c.dAlpha, tf.mul(c.alpha, ratio)) as tf.Tensor1D), eta)) as tf.Tensor2D;
    });
}

/**
 * The score from the velocity of a one-sided interpolant (`x = α z + β x1`): from
 * `b = (β̇/β) x + (α̇ − α β̇/β) η_z` and `s = −η_z/α`, `s = −(b − (β̇/β) x) / (α (α̇ − α β̇/β))`.
 * Singular at both ends (β(0) = 0, α(1) = 0), so t is clipped into `[tMin, 1 − tMin]`.
 * @param tMin - @default 1e-3
 */
export function scoreFromVelocity(velocity: Field, interpolant: Interpolant, tMin = 1e-3): Field {
  checkFieldArg('scoreFromVelocity', 'velocity', velocity);
  checkNumber('scoreFromVelocity', 'tMin', tMin, { min: 0, max: 0.49 });
  if (!interpolant.oneSided) {
    throw new ArgumentError('scoreFromVelocity', 'interpolant', 'a one-sided interpolant (two-sided ones need s or η_z learned)', `'${interpolant.name}'`);
  }
  return (x, t) =>
    tf.tidy(() => {
      const tc = clipTime(t, tMin);
      const c = interpolant.coefficients(tc);
      const ratio = tf.div(c.dBeta, c.beta) as tf.Tensor1D;
      const etaZ = tf.div(tf.sub(velocity(x, tc), tf.mul(col(ratio), x)), col(tf.sub(c.dAlpha, tf.mul(c.alpha, ratio)) as tf.Tensor1D));
      return tf.neg(tf.div(etaZ, col(c.alpha))) as tf.Tensor2D;
    });
}

/** The drifts of the generative SDEs: forward `b + ε s`, backward `b − ε s`, at a fixed ε ≥ 0. */
export function sdeDrifts(velocity: Field, score: Field, epsilon: number): { forward: Field; backward: Field } {
  checkFieldArg('sdeDrifts', 'velocity', velocity);
  checkFieldArg('sdeDrifts', 'score', score);
  const e = checkNumber('sdeDrifts', 'epsilon', epsilon, { min: 0 });
  return {
    forward: (x, t) => tf.tidy(() => tf.add(velocity(x, t), tf.mul(score(x, t), e)) as tf.Tensor2D),
    backward: (x, t) => tf.tidy(() => tf.sub(velocity(x, t), tf.mul(score(x, t), e)) as tf.Tensor2D),
  };
}
