/**
 * Types of the quadratic interpolant objectives.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { FieldName } from '../fields/names.js';

// The field vocabulary lives with the fields (src/fields/names.ts); objectives re-export it.
export { FIELD_NAMES } from '../fields/names.js';
export type { FieldName } from '../fields/names.js';

/**
 * A trainable field: a network evaluated on `x: [batch, ...event]` (typed `[batch, d]` for compatibility;
 * objectives call it with the batch's own shape and expect that shape back), `t: [batch]` and, for
 * class-conditional models, `label: [batch]` (class indices; the null class for classifier-free guidance).
 */
export type TrainableField = (x: tf.Tensor2D, t: tf.Tensor1D, label?: tf.Tensor1D) => tf.Tensor2D;

/**
 * One batch of the interpolant's randomness, batch-first: x0, x1 and z share one shape `[batch, ...event]`
 * (`[batch, d]` for points, `[batch, h, w, c]` for images; the type parameter defaults to `[batch, d]`).
 * All tensors are borrowed.
 */
export interface TrainingBatch<X extends tf.Tensor = tf.Tensor2D> {
  /** Samples of ρ0 `[batch, ...event]` (of N(0, I) for one-sided interpolants; `null` for mirror). */
  x0: X | null;
  /** Samples of ρ1 `[batch, ...event]`. */
  x1: X;
  /** Times `[batch]` in `[tMin, 1 − tMin]`. */
  t: tf.Tensor1D;
  /** Standard normal noise `[batch, ...event]` (unused when γ ≡ 0). */
  z?: X;
  /** Class labels `[batch]` for conditional models. */
  label?: tf.Tensor1D;
}

/** What an objective's loss returns: the total and each field's term (scalars, owned by the caller). */
export interface ObjectiveLoss {
  total: tf.Scalar;
  perField: Partial<Record<FieldName, tf.Scalar>>;
}

/**
 * A quadratic interpolant objective over one or several fields. `loss` is differentiable in the fields'
 * weights and is meant to run inside `tf.variableGrads`.
 */
export interface Objective {
  /** The fields it learns, in order. */
  readonly fields: readonly FieldName[];
  /** Times are drawn from `U[tMin, 1 − tMin]`. */
  readonly tMin: number;
  /** Whether the loss averages the antithetic pair `x± = I ± γ z`. */
  readonly antithetic: boolean;
  /** The loss on one batch of any event shape (`[batch, d]` points, `[batch, h, w, c]` images, …). */
  loss(fields: Partial<Record<FieldName, TrainableField>>, batch: TrainingBatch<tf.Tensor>): ObjectiveLoss;
}
