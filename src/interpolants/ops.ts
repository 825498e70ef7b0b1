/**
 * Internal: one arithmetic vocabulary over plain numbers (float64) and tfjs tensors (float32), so every
 * closed-form coefficient is written once and evaluated both ways. Not part of the public API.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Elementwise arithmetic over `T` (a JavaScript number or a tfjs tensor). */
export interface Ops<T> {
  c(value: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  neg(a: T): T;
  sqrt(a: T): T;
  sin(a: T): T;
  cos(a: T): T;
  sigmoid(a: T): T;
  /** `t < threshold ? a : b`, elementwise. */
  ifLess(t: T, threshold: number, a: T, b: T): T;
}

/** float64 arithmetic on JavaScript numbers. */
export const numberOps: Ops<number> = {
  c: (v) => v,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  neg: (a) => -a,
  sqrt: Math.sqrt,
  sin: Math.sin,
  cos: Math.cos,
  sigmoid: (a) => (a >= 0 ? 1 / (1 + Math.exp(-a)) : Math.exp(a) / (1 + Math.exp(a))),
  ifLess: (t, th, a, b) => (t < th ? a : b),
};

/** float32 arithmetic on tfjs tensors (call inside `tf.tidy`). */
export const tensorOps: Ops<tf.Tensor> = {
  c: (v) => tf.scalar(v),
  add: (a, b) => tf.add(a, b),
  sub: (a, b) => tf.sub(a, b),
  mul: (a, b) => tf.mul(a, b),
  div: (a, b) => tf.div(a, b),
  neg: (a) => tf.neg(a),
  sqrt: (a) => tf.sqrt(a),
  sin: (a) => tf.sin(a),
  cos: (a) => tf.cos(a),
  sigmoid: (a) => tf.sigmoid(a),
  ifLess: (t, th, a, b) => tf.where(tf.less(t, th), a, b),
};

/**
 * Broadcasts a (possibly scalar) tensor result to the shape of `t` and casts to float32. Never returns the
 * input `t` itself (a formula like β = t would otherwise hand the caller's tensor back to be disposed).
 */
export function asBatch(value: tf.Tensor, t: tf.Tensor1D): tf.Tensor1D {
  if (value === t) return tf.clone(t);
  const v = value.dtype === 'float32' ? value : tf.cast(value, 'float32');
  if (v.shape.length === 1 && v.shape[0] === t.shape[0]) return v as tf.Tensor1D;
  // Adding to zeros broadcasts in one binary kernel; tf.broadcastTo's Tile costs ~4× more on wasm.
  return tf.add(tf.zerosLike(t), tf.reshape(v, v.size === 1 ? [] : v.shape)) as tf.Tensor1D;
}
