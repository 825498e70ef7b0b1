/**
 * Types of the quadratic interpolant objectives.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** The fields an objective can learn (MATH.md §1.2). */
export const FIELD_NAMES = ['b', 'v', 's', 'eta-z', 'eta-0', 'eta-1'] as const;

/**
 * A learnable field: `b` velocity, `v` = E[∂_t I | x], `s` score, `eta-z` = E[z | x], `eta-0` = E[x0 | x],
 * `eta-1` = E[x1 | x].
 */
export type FieldName = (typeof FIELD_NAMES)[number];

/**
 * A trainable field: a network evaluated on `x: [batch, d]`, `t: [batch]` and, for class-conditional
 * models, `label: [batch]` (class indices; the null class for classifier-free guidance).
 */
export type TrainableField = (x: tf.Tensor2D, t: tf.Tensor1D, label?: tf.Tensor1D) => tf.Tensor2D;

/** One batch of the interpolant's randomness. All tensors are borrowed. */
export interface TrainingBatch {
  /** Samples of ρ0 `[batch, d]` (of N(0, I) for one-sided interpolants; `null` for mirror). */
  x0: tf.Tensor2D | null;
  /** Samples of ρ1 `[batch, d]`. */
  x1: tf.Tensor2D;
  /** Times `[batch]` in `[tMin, 1 − tMin]`. */
  t: tf.Tensor1D;
  /** Standard normal noise `[batch, d]` (unused when γ ≡ 0). */
  z?: tf.Tensor2D;
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
  /** The loss on one batch. */
  loss(fields: Partial<Record<FieldName, TrainableField>>, batch: TrainingBatch): ObjectiveLoss;
}
