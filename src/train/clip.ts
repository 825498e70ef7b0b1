/**
 * Gradient clipping by global norm.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';

/** Result of {@link clipByGlobalNorm}; every tensor is new and owned by the caller. */
export interface ClippedGradients<G> {
  /** The clipped gradients, in the container type that came in (same keys / order, same shapes). */
  grads: G;
  /** The global norm before clipping, a float32 scalar (not read back). */
  norm: tf.Scalar;
}

/**
 * Rescales a set of gradients so that their global norm is at most `maxNorm`:
 *
 *   N = √(Σ_i ‖g_i‖²),   g_i ← g_i · maxNorm / max(N, maxNorm)
 *
 * (unchanged when N ≤ maxNorm, scaled onto the sphere of radius maxNorm otherwise; a non-finite N gives
 * non-finite gradients, as in TensorFlow's `clip_by_global_norm`). Works on a `NamedTensorMap` (what
 * `tf.variableGrads` / `optimizer.computeGradients` return; null entries pass through as null) or on an array
 * of tensors. Inputs are borrowed; nothing is read back.
 *
 * @param grads - the gradients (any shapes)
 * @param maxNorm - the largest allowed global norm (finite, > 0)
 * @example
 * ```ts
 * const { value, grads } = tf.variableGrads(loss, variables);
 * const clipped = clipByGlobalNorm(grads, 1.0);
 * optimizer.applyGradients(clipped.grads);
 * tf.dispose([value, grads, clipped.grads]);   // keep clipped.norm for logging, then dispose it
 * ```
 */
export function clipByGlobalNorm<G extends tf.NamedTensorMap | tf.Tensor[]>(grads: G, maxNorm: number): ClippedGradients<G> {
  const fn = 'clipByGlobalNorm';
  checkNumber(fn, 'maxNorm', maxNorm, { min: 0, exclusiveMin: true });
  const isArray = Array.isArray(grads);
  if (grads === null || typeof grads !== 'object') {
    throw new ArgumentError(fn, 'grads', 'a NamedTensorMap or an array of tensors', describeValue(grads));
  }
  const entries: [string, tf.Tensor | null][] = isArray
    ? (grads as tf.Tensor[]).map((g, i) => [String(i), g])
    : Object.entries(grads as tf.NamedTensorMap).map(([k, g]) => [k, g ?? null]);
  for (const [key, g] of entries) {
    if (g !== null && !(g instanceof tf.Tensor)) {
      throw new ArgumentError(fn, isArray ? `grads[${key}]` : `grads.${key}`, 'a tensor', describeValue(g));
    }
  }
  return tf.tidy(() => {
    const present = entries.filter((e): e is [string, tf.Tensor] => e[1] !== null);
    const squares = present.map(([, g]) => tf.sum(tf.square(tf.cast(g, 'float32'))));
    const norm = tf.sqrt(squares.length > 0 ? tf.addN(squares) : tf.scalar(0)) as tf.Scalar;
    const scale = tf.div(maxNorm, tf.maximum(norm, maxNorm));
    const clipped = entries.map(([k, g]) => [k, g === null ? null : tf.mul(g, scale)] as const);
    const out = isArray ? clipped.map(([, g]) => g as tf.Tensor) : Object.fromEntries(clipped);
    return { grads: out, norm } as unknown as tf.TensorContainerObject;
  }) as unknown as ClippedGradients<G>;
}
