/**
 * Checks shared by the sample metrics.
 *
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { SeedStream } from '../random.js';
import { eventSize, flattenEvent, formatShape } from '../shapes.js';
import { checkTensor } from '../validate.js';

/**
 * Checks two sample sets `[n, ...event]` and `[m, ...event]` (float32 or int32, at least `minRows` rows each,
 * the same event shape, event size ≥ 1); `d` is the event size (the metrics flatten the event).
 */
export function checkSampleSets(fn: string, a: unknown, b: unknown, minRows = 1): { n: number; m: number; d: number } {
  const check = (arg: string, value: unknown) => {
    const x = checkTensor(fn, arg, value, { dtype: ['float32', 'int32'], minRank: 2, shapeText: '[samples, dim] (or [samples, ...event])' });
    if (x.shape[0]! < minRows || eventSize(x.shape.slice(1)) === 0) {
      const rows = minRows === 1 ? 'at least one sample' : `at least ${minRows} samples`;
      throw new ArgumentError(fn, arg, `a tensor of shape [samples, dim] with ${rows} and dim >= 1`, describeValue(x));
    }
  };
  check('a', a);
  check('b', b);
  const sa = (a as tf.Tensor).shape;
  const sb = (b as tf.Tensor).shape;
  const event = sa.slice(1);
  if (sb.length !== sa.length || sb.slice(1).some((s, i) => s !== event[i])) {
    const expected = event.length === 1 ? `[samples, ${event[0]}] (the dimension of a)` : `${formatShape(['samples', ...event])} (the event shape of a)`;
    throw new ArgumentError(fn, 'b', `a tensor of shape ${expected}`, describeValue(b));
  }
  return { n: sa[0]!, m: sb[0]!, d: eventSize(event) };
}

/** A scalar float tensor: 1 when every entry of `x` is finite, else 0. Call inside `tf.tidy`. */
export function finiteFlag(x: tf.Tensor): tf.Scalar {
  // integers are finite (and tf.isFinite on int32 returns false on the wasm backend of tfjs 4.22)
  if (x.dtype === 'int32') return tf.scalar(1);
  return tf.cast(tf.all(tf.isFinite(x)), 'float32') as tf.Scalar;
}

/** Throws the ArgumentError for non-finite samples once the flags have been read back. */
export function throwIfNotFinite(fn: string, a: tf.Tensor, b: tf.Tensor, finiteA: number, finiteB: number): void {
  if (finiteA !== 1) throw new ArgumentError(fn, 'a', 'a tensor of finite values', `${describeValue(a)} containing NaN or ±Infinity`);
  if (finiteB !== 1) throw new ArgumentError(fn, 'b', 'a tensor of finite values', `${describeValue(b)} containing NaN or ±Infinity`);
}

/** A seed stream from `options.seed` (a number or a stream, from which one seed is taken). */
export function seedStreamFrom(fn: string, seed: unknown, fallback: number): SeedStream {
  if (seed instanceof SeedStream) return new SeedStream(seed.next());
  return new SeedStream(checkNumber(fn, 'options.seed', seed ?? fallback, { integer: true }));
}

/**
 * Flattens the event (`[n, ...event]` → `[n, d]`; a `[n, d]` tensor is not copied) and casts to float32
 * (int32 input) without copying float32 input. Call inside `tf.tidy`.
 */
export function asFloat(x: tf.Tensor): tf.Tensor2D {
  const flat = flattenEvent(x);
  return flat.dtype === 'float32' ? flat : (tf.cast(flat, 'float32') as tf.Tensor2D);
}

/** Subtracts the pooled mean of `a` and `b` from both (costs are translation invariant). Call inside `tf.tidy`. */
export function centrePooled(a: tf.Tensor2D, b: tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D] {
  const n = a.shape[0];
  const m = b.shape[0];
  const mean = tf.div(tf.add(tf.sum(a, 0, true), tf.sum(b, 0, true)), n + m);
  return [tf.sub(a, mean), tf.sub(b, mean)];
}

/**
 * Pairwise squared Euclidean distances `|x_i − y_j|²`, `[n, m]`, by `|x|² + |y|² − 2 x·y` (one matrix product),
 * clamped at 0. Centre the inputs first ({@link centrePooled}) to keep float32 cancellation small.
 * Call inside `tf.tidy`.
 */
export function squaredDistances(x: tf.Tensor2D, y: tf.Tensor2D): tf.Tensor2D {
  const xx = tf.sum(tf.square(x), 1, true); // [n, 1]
  const yy = tf.reshape(tf.sum(tf.square(y), 1), [1, -1]); // [1, m]
  return tf.relu(tf.sub(tf.add(xx, yy), tf.mul(2, tf.matMul(x, y, false, true)))) as tf.Tensor2D;
}
