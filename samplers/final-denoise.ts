/**
 * The optional last denoising step of the generative samplers (MATH.md §1.4): after integrating to
 * `t_end < 1`, jump to t = 1 with a denoiser instead of one more integration step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, describeValue } from '../src/errors.js';
import type { Field } from '../src/fields/types.js';
import type { Interpolant } from '../src/interpolants/types.js';
import { atTime, checkField } from './time-span.js';

/**
 * A final denoising step.
 *
 * - `{ kind: 'z', denoiser: η_z, interpolant }` for interpolants without γ noise (one-sided, x_t = α z + β x1):
 *   `X ← (β(1)/β(t)) X + (α(1) − α(t) β(1)/β(t)) η_z(t, X)`, i.e. `X ← (X − α η_z)/β = E[x1 | x_t = X]`.
 * - `{ kind: 'x1', denoiser: η_1 }` for any linear family: `X ← η_1(t, X) = E[x1 | x_t = X]`.
 */
export type FinalDenoise = { kind: 'z'; denoiser: Field; interpolant: Interpolant } | { kind: 'x1'; denoiser: Field };

/** Validates a {@link FinalDenoise} option. */
export function checkFinalDenoise(fn: string, value: unknown): FinalDenoise {
  const v = value as Partial<FinalDenoise> | null;
  if (typeof v !== 'object' || v === null || (v.kind !== 'z' && v.kind !== 'x1')) {
    throw new ArgumentError(fn, 'options.denoise', "{ kind: 'z', denoiser, interpolant } or { kind: 'x1', denoiser }", describeValue(value));
  }
  checkField(fn, 'options.denoise.denoiser', v.denoiser);
  if (v.kind === 'z') {
    const I = (v as { interpolant?: Interpolant }).interpolant;
    if (typeof I !== 'object' || I === null || typeof I.coefficientsAt !== 'function') {
      throw new ArgumentError(fn, 'options.denoise.interpolant', 'an Interpolant (for the α, β of the denoising step)', describeValue(I));
    }
    if (I.coefficientsAt(0.5).gamma !== 0) {
      throw new ArgumentError(fn, 'options.denoise', "kind 'x1' (an η_1 denoiser) for an interpolant with γ > 0", `kind 'z' with '${I.name}'`);
    }
  }
  return v as FinalDenoise;
}

/**
 * Applies the final denoising step at time `t` (the last time reached by the sampler) to
 * `x: [batch, ...event]`. Returns a new tensor of the same shape, owned by the caller.
 */
export function applyFinalDenoise<T extends tf.Tensor = tf.Tensor2D>(step: FinalDenoise, t: number, x: T): T {
  return tf.tidy(() => {
    const eta = atTime(step.denoiser, t, x);
    if (step.kind === 'x1') return eta;
    const { alpha, beta } = step.interpolant.coefficientsAt(t);
    const end = step.interpolant.coefficientsAt(1);
    const ratio = end.beta / beta;
    return tf.add(tf.mul(x, ratio), tf.mul(eta, end.alpha - alpha * ratio)) as T;
  });
}
