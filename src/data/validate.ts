/**
 * Argument checks shared by the datasets (and reused by the metrics).
 *
 * @internal
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { SeedStream } from '../random.js';

/**
 * Throws unless `options` is undefined or a plain object whose keys are all in `allowed`; returns it as an
 * object (never undefined). Catches typos such as `{ nosie: 0.1 }`.
 */
export function checkOptions<T extends object>(fn: string, options: T | undefined, allowed: readonly string[]): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ArgumentError(fn, 'options', 'an options object', describeValue(options));
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      const expected = allowed.length > 0 ? `an object with keys among ${allowed.map((k) => `'${k}'`).join(', ')}` : 'an empty object';
      throw new ArgumentError(fn, 'options', expected, `unknown key '${key}'`);
    }
  }
  return options as Partial<T>;
}

/** Throws unless `n` is an integer ≥ 1. */
export function checkCount(fn: string, arg: string, n: unknown): number {
  return checkNumber(fn, arg, n, { integer: true, min: 1 });
}

/** Throws unless `seeds` is a {@link SeedStream}. */
export function checkSeeds(fn: string, seeds: unknown): SeedStream {
  if (!(seeds instanceof SeedStream)) {
    throw new ArgumentError(fn, 'seeds', 'a SeedStream (new SeedStream(seed))', describeValue(seeds));
  }
  return seeds;
}

/** Throws unless `x` is a float32 tensor of shape `[batch, dim]` (batch ≥ 0). */
export function checkPoints(fn: string, arg: string, x: unknown, dim: number): tf.Tensor2D {
  if (!(x instanceof tf.Tensor) || x.rank !== 2 || x.shape[1] !== dim || x.dtype !== 'float32') {
    throw new ArgumentError(fn, arg, `a float32 tensor of shape [batch, ${dim}]`, describeValue(x));
  }
  return x as tf.Tensor2D;
}

/** Throws unless `value` is an array of finite numbers (optionally of a given length and bounds). */
export function checkNumberArray(
  fn: string,
  arg: string,
  value: unknown,
  opts: { length?: number; min?: number; exclusiveMin?: boolean; nonEmpty?: boolean } = {},
): number[] {
  const { length, nonEmpty = true } = opts;
  const lengthText = length !== undefined ? ` of length ${length}` : nonEmpty ? ' (non-empty)' : '';
  if (!Array.isArray(value) || (length !== undefined && value.length !== length) || (nonEmpty && value.length === 0)) {
    throw new ArgumentError(fn, arg, `an array of finite numbers${lengthText}`, describeValue(value));
  }
  value.forEach((v, i) => checkNumber(fn, `${arg}[${i}]`, v, { min: opts.min, exclusiveMin: opts.exclusiveMin }));
  return value as number[];
}
