/**
 * Internal: event-shape arithmetic shared by the distributions.
 *
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';

/** Number of entries in one event: the product of the event shape (1 for `[]`). */
export function eventSize(eventShape: readonly number[]): number {
  return eventShape.reduce((a, b) => a * b, 1);
}

/** Sums a `[batch, ...event]` tensor over its event axes → `[batch]`. Call inside `tf.tidy`. */
export function sumEvent(x: tf.Tensor): tf.Tensor1D {
  if (x.rank === 1) return x as tf.Tensor1D;
  return tf.sum(tf.reshape(x, [x.shape[0]!, -1]), 1) as tf.Tensor1D;
}
