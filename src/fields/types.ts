/**
 * Fields are plain functions. A trained network, a closed-form oracle and a guided combination are all
 * just fields, and every sampler takes them.
 */
import type * as tf from '@tensorflow/tfjs-core';

/**
 * A time-dependent vector field on a batch: `(x: [batch, d], t: [batch]) → [batch, d]` (see
 * {@link EventField} for any event shape).
 * Velocity b, v, score s and denoisers η all have this type. Inputs are borrowed; the result is owned by
 * the caller. Must be synchronous and free of `await` so it can run inside `tf.tidy` and gradient tapes.
 */
export type Field = (x: tf.Tensor2D, t: tf.Tensor1D) => tf.Tensor2D;

/**
 * A field on batch-first tensors of any event shape: `(x: [batch, ...event], t: [batch]) → [batch, ...event]`
 * (the shape of x). Every EventField is also a {@link Field} (the `[batch, d]` case), so it can be passed
 * wherever a Field is expected. The oracle's fields and the conversions' results are EventFields.
 *
 * @example
 * ```ts
 * const s: EventField = oracle.fields.s;
 * s(tf.zeros([8, 2, 2, 1]), tf.fill([8], 0.5)); // [8, 2, 2, 1]
 * ```
 */
export type EventField = <X extends tf.Tensor>(x: X, t: tf.Tensor1D) => X;

/** A velocity field b(t, x) (probability-flow drift). */
export type VelocityField = Field;
/** A score field s(t, x) = ∇ log ρ(t, x). */
export type ScoreField = Field;
/** A denoiser η(t, x), e.g. η_z = E[z | x_t = x]. */
export type DenoiserField = Field;
