/**
 * Internal: shape and dtype checks for tensors at the public boundary of interpolants and fields.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, describeValue } from '../errors.js';

function isTensor(value: unknown): value is tf.Tensor {
  return value instanceof tf.Tensor;
}

/** Throws unless `value` is a float32 `[rows, cols]` tensor (`undefined` dimensions are free). */
export function checkTensor2D(
  fn: string,
  arg: string,
  value: unknown,
  rows?: number,
  cols?: number,
): asserts value is tf.Tensor2D {
  const expected =
    `a float32 tensor of shape [${rows ?? 'batch'}, ${cols ?? 'd'}]`;
  if (
    !isTensor(value) ||
    value.rank !== 2 ||
    value.dtype !== 'float32' ||
    (rows !== undefined && value.shape[0] !== rows) ||
    (cols !== undefined && value.shape[1] !== cols)
  ) {
    throw new ArgumentError(fn, arg, expected, describeValue(value));
  }
}

/** Throws unless `value` is a float32 `[length]` tensor (any length when `length` is undefined). */
export function checkTensor1D(fn: string, arg: string, value: unknown, length?: number): asserts value is tf.Tensor1D {
  if (!isTensor(value) || value.rank !== 1 || value.dtype !== 'float32' || (length !== undefined && value.shape[0] !== length)) {
    throw new ArgumentError(fn, arg, `a float32 tensor of shape [${length ?? 'batch'}]`, describeValue(value));
  }
}
