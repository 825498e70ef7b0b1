/**
 * Fields are plain functions. A trained network, a closed-form oracle and a guided combination are all
 * just fields, and every sampler takes them.
 */
import type * as tf from '@tensorflow/tfjs-core';

/**
 * A time-dependent vector field on a batch: `(x: [batch, d], t: [batch]) → [batch, d]`.
 * Velocity b, v, score s and denoisers η all have this type. Inputs are borrowed; the result is owned by
 * the caller. Must be synchronous and free of `await` so it can run inside `tf.tidy` and gradient tapes.
 */
export type Field = (x: tf.Tensor2D, t: tf.Tensor1D) => tf.Tensor2D;

/** A velocity field b(t, x) (probability-flow drift). */
export type VelocityField = Field;
/** A score field s(t, x) = ∇ log ρ(t, x). */
export type ScoreField = Field;
/** A denoiser η(t, x), e.g. η_z = E[z | x_t = x]. */
export type DenoiserField = Field;
