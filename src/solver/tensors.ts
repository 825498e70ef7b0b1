/**
 * Tensor bookkeeping for the solver core: finding the tensors held by a state, telling the tensors a solve
 * created from borrowed ones, and checking the outputs of user fields.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, describeValue } from '../errors.js';

/** Every tensor in `value`: a tensor, or arrays and plain objects holding tensors (not class instances). */
export function collectTensors(value: unknown, out: tf.Tensor[] = [], seen = new Set<unknown>()): tf.Tensor[] {
  if (value === null || typeof value !== 'object' || seen.has(value)) return out;
  seen.add(value);
  if (value instanceof tf.Tensor) {
    out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, out, seen);
  } else if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, out, seen);
  }
  return out;
}

/**
 * The id the next tensor will get. tfjs numbers tensors in creation order, so a tensor with a larger or
 * equal id was created after this call: the core uses that to never dispose tensors it borrowed (`y0`,
 * constants captured by a drift).
 */
export function tensorIdWatermark(): number {
  const probe = tf.scalar(0);
  const id = probe.id;
  probe.dispose();
  return id;
}

function broadcastsTo(shape: readonly number[], target: readonly number[]): boolean {
  if (shape.length > target.length) return false;
  for (let i = 1; i <= shape.length; i++) {
    const d = shape[shape.length - i]!;
    if (d !== 1 && d !== target[target.length - i]) return false;
  }
  return true;
}

/**
 * Checks what a field returned: a float32 tensor of exactly `shape` (`exact`), or broadcastable to it.
 * `what` describes the expected shape for the message (default: "the shape of y").
 */
export function checkFieldOutput(fn: string, arg: string, out: unknown, shape: readonly number[], exact: boolean, what = 'the shape of y'): void {
  const ok =
    out instanceof tf.Tensor &&
    out.dtype === 'float32' &&
    (exact ? out.rank === shape.length && out.shape.every((d: number, i: number) => d === shape[i]) : broadcastsTo(out.shape, shape));
  if (!ok) {
    const expected = exact
      ? `a function returning a float32 tensor of shape [${shape.join(', ')}] (${what})`
      : `a function returning a float32 tensor broadcastable to [${shape.join(', ')}] (${what})`;
    throw new ArgumentError(fn, arg, expected, `a function that returned ${describeValue(out)}`);
  }
}
