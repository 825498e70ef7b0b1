/**
 * Batch-first tensor shapes: every state, sample and field value is `[batch, ...event]` (a point cloud in
 * R^d is `[batch, d]`, an image batch `[batch, height, width, channels]`). These helpers are the only place
 * that knows how a per-row quantity meets a tensor of any rank, so no module hand-writes `reshape([-1, 1])`
 * or `sum(x, 1)`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, describeValue } from './errors.js';

/**
 * The event shape of a batch-first tensor: its shape without the leading batch axis.
 *
 * @param x - a tensor `[batch, ...event]` of rank ≥ 1
 * @returns `event` (`[]` for a `[batch]` tensor)
 * @example
 * ```ts
 * eventShape(tf.zeros([8, 2, 2, 1])); // [2, 2, 1]
 * ```
 */
export function eventShape(x: tf.Tensor): number[] {
  if (!(x instanceof tf.Tensor) || x.rank < 1) {
    throw new ArgumentError('eventShape', 'x', 'a tensor of rank >= 1 ([batch, ...event])', describeValue(x));
  }
  return x.shape.slice(1);
}

/**
 * The number of entries of one event: the product of `shape` (1 for `[]`).
 *
 * @example
 * ```ts
 * eventSize([2, 2, 1]); // 4
 * ```
 */
export function eventSize(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * Reshapes a per-row coefficient `[batch]` to `[batch, 1, …, 1]` with `rank` axes, so it broadcasts
 * against a `[batch, ...event]` tensor of that rank. A scalar stays a scalar. Call inside `tf.tidy`.
 *
 * @param c - `[batch]` coefficients (or a scalar)
 * @param rank - the rank of the tensor it multiplies (≥ 1)
 * @example
 * ```ts
 * const scaled = tf.mul(expandToRank(alpha, x.rank), x); // α_i · x_i for every row i
 * ```
 */
export function expandToRank<T extends tf.Tensor>(c: tf.Tensor, rank: number): T {
  if (c.rank === 0) return c as T;
  if (c.rank !== 1) {
    throw new ArgumentError('expandToRank', 'c', 'a [batch] tensor or a scalar', describeValue(c));
  }
  if (!Number.isInteger(rank) || rank < 1) {
    throw new ArgumentError('expandToRank', 'rank', 'an integer >= 1', describeValue(rank));
  }
  if (rank === 1) return c as T;
  return tf.reshape(c, [c.shape[0]!, ...new Array<number>(rank - 1).fill(1)]) as T;
}

/**
 * Multiplies each row of `x: [batch, ...event]` by its coefficient `c: [batch]` (a scalar multiplies
 * everything). Call inside `tf.tidy`.
 *
 * @example
 * ```ts
 * scaleRows(tf.tensor1d([1, 2]), tf.ones([2, 3, 3])); // row 0 ones, row 1 twos
 * ```
 */
export function scaleRows<T extends tf.Tensor>(c: tf.Tensor, x: T): T {
  return tf.mul(expandToRank(c, x.rank), x) as T;
}

/**
 * Divides each row of `x: [batch, ...event]` by its coefficient `c: [batch]`. Call inside `tf.tidy`.
 */
export function divideRows<T extends tf.Tensor>(x: T, c: tf.Tensor): T {
  return tf.div(x, expandToRank(c, x.rank)) as T;
}

/**
 * The axes of the event of a rank-`rank` batch-first tensor: `[1, …, rank − 1]`.
 */
export function eventAxes(rank: number): number[] {
  return Array.from({ length: Math.max(rank - 1, 0) }, (_, i) => i + 1);
}

/**
 * Sums `x: [batch, ...event]` over its event axes (all but axis 0), giving `[batch]`. On a `[batch, d]`
 * tensor this is exactly `tf.sum(x, 1)`; a `[batch]` tensor is returned as a copy. Call inside `tf.tidy`.
 *
 * @example
 * ```ts
 * sumEvent(tf.ones([3, 2, 2, 1])); // [4, 4, 4]
 * ```
 */
export function sumEvent(x: tf.Tensor): tf.Tensor1D {
  if (!(x instanceof tf.Tensor) || x.rank < 1) {
    throw new ArgumentError('sumEvent', 'x', 'a tensor of rank >= 1 ([batch, ...event])', describeValue(x));
  }
  if (x.rank === 1) return tf.clone(x) as tf.Tensor1D;
  if (x.rank === 2) return tf.sum(x, 1) as tf.Tensor1D;
  return tf.sum(x, eventAxes(x.rank)) as tf.Tensor1D;
}

/**
 * Flattens the event of `x: [batch, ...event]` to `[batch, n]` with `n` = the event size (a `[batch, d]`
 * tensor is returned unchanged, not copied; a `[batch]` tensor becomes `[batch, 1]`). Undo it with
 * {@link unflattenEvent}. Call inside `tf.tidy` when the result may be a new tensor.
 *
 * @example
 * ```ts
 * flattenEvent(tf.zeros([8, 2, 2, 1])).shape; // [8, 4]
 * ```
 */
export function flattenEvent(x: tf.Tensor): tf.Tensor2D {
  if (!(x instanceof tf.Tensor) || x.rank < 1) {
    throw new ArgumentError('flattenEvent', 'x', 'a tensor of rank >= 1 ([batch, ...event])', describeValue(x));
  }
  if (x.rank === 2) return x as tf.Tensor2D;
  return tf.reshape(x, [x.shape[0]!, eventSize(x.shape.slice(1))]) as tf.Tensor2D;
}

/**
 * Reshapes `[batch, n]` back to `[batch, ...event]` (`n` must equal the event size; the tensor itself is
 * returned when the event is `[n]`).
 *
 * @example
 * ```ts
 * unflattenEvent(tf.zeros([8, 4]), [2, 2, 1]).shape; // [8, 2, 2, 1]
 * ```
 */
export function unflattenEvent<T extends tf.Tensor = tf.Tensor>(x: tf.Tensor, event: readonly number[]): T {
  if (!(x instanceof tf.Tensor) || x.rank !== 2) {
    throw new ArgumentError('unflattenEvent', 'x', 'a tensor of shape [batch, n]', describeValue(x));
  }
  if (eventSize(event) !== x.shape[1]) {
    throw new ArgumentError('unflattenEvent', 'event', `an event shape of size ${x.shape[1]}`, `[${event.join(', ')}]`);
  }
  if (event.length === 1) return x as T;
  return tf.reshape(x, [x.shape[0]!, ...event]) as T;
}

/** `[a, b, …]` as text for messages. */
export function formatShape(shape: readonly (number | string | null)[]): string {
  return `[${shape.map((s) => (s === null ? 'batch' : s)).join(', ')}]`;
}

// The batch-tensor check moved to the shared validators (src/validate.ts); re-exported for existing imports.
export { checkBatchTensor } from './validate.js';
