/**
 * Argument checks shared by the whole library: numbers, names, options objects, arrays, seed streams and
 * tensors (dtype, rank, shape, batch-first `[batch, ...event]` layout, finiteness).
 *
 * Every check throws an {@link ArgumentError} naming the function, the argument, what was expected and what
 * came, and returns the value narrowed to its type. The older locations (`src/data/validate.ts`,
 * `src/interpolants/validate.ts`) re-export from here.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from './errors.js';
import { SeedStream } from './random.js';

export { ArgumentError, checkNumber, checkOneOf, describeValue } from './errors.js';

/**
 * Throws unless `options` is undefined or a plain object whose keys are all in `allowed`; returns it as an
 * object (never undefined). Catches typos such as `{ nosie: 0.1 }`.
 *
 * @example
 * ```ts
 * const opts = checkOptions('moons', options, ['noise']); // {} when options is undefined
 * ```
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

/**
 * Throws unless `n` is an integer ≥ 1 (a sample count, a batch size).
 *
 * @example
 * ```ts
 * checkCount('sample', 'n', 512); // 512
 * ```
 */
export function checkCount(fn: string, arg: string, n: unknown): number {
  return checkNumber(fn, arg, n, { integer: true, min: 1 });
}

/**
 * Throws unless `seeds` is a {@link SeedStream}. The argument is named `seeds` unless `arg` says otherwise.
 *
 * @example
 * ```ts
 * const stream = checkSeeds('sample', seeds);
 * ```
 */
export function checkSeeds(fn: string, seeds: unknown, arg = 'seeds'): SeedStream {
  if (!(seeds instanceof SeedStream)) {
    throw new ArgumentError(fn, arg, 'a SeedStream (new SeedStream(seed))', describeValue(seeds));
  }
  return seeds;
}

/**
 * Throws unless `value` is a boolean.
 *
 * @example
 * ```ts
 * checkBoolean('train', 'options.ema', true); // true
 * ```
 */
export function checkBoolean(fn: string, arg: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ArgumentError(fn, arg, 'true or false', describeValue(value));
  return value;
}

/**
 * Throws unless `value` is a string (non-empty unless `allowEmpty`; @default allowEmpty false).
 *
 * @example
 * ```ts
 * checkString('arrayDataset', 'options.name', 'points'); // 'points'
 * ```
 */
export function checkString(fn: string, arg: string, value: unknown, { allowEmpty = false }: { allowEmpty?: boolean } = {}): string {
  if (typeof value !== 'string' || (!allowEmpty && value === '')) {
    throw new ArgumentError(fn, arg, allowEmpty ? 'a string' : 'a non-empty string', describeValue(value));
  }
  return value;
}

/**
 * Throws unless `value` is a function. `signature` describes it in the message (@default 'a function').
 *
 * @example
 * ```ts
 * const alpha = checkFunction<(t: number) => number>('customInterpolant', 'alpha', options.alpha, 'a function (t) => number');
 * ```
 */
export function checkFunction<F extends (...args: never[]) => unknown>(fn: string, arg: string, value: unknown, signature = 'a function'): F {
  if (typeof value !== 'function') throw new ArgumentError(fn, arg, signature, describeValue(value));
  return value as F;
}

/**
 * Throws unless `value` is an array of finite numbers (optionally of a given length and bounds; non-empty by
 * default).
 *
 * @example
 * ```ts
 * checkNumberArray('gaussianMixture', 'options.weights', [0.3, 0.7], { length: 2, min: 0 });
 * ```
 */
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

/**
 * Throws unless `value` is an event shape: an array of integers ≥ 1 (`[]` for scalar events is allowed).
 * Returns a frozen copy.
 *
 * @example
 * ```ts
 * checkEventShape('standardNormal', 'eventShape', [2, 2, 1]); // [2, 2, 1]
 * ```
 */
export function checkEventShape(fn: string, arg: string, value: unknown): readonly number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1)) {
    throw new ArgumentError(fn, arg, 'an event shape (an array of integers >= 1, e.g. [2] or [28, 28, 1])', describeValue(value));
  }
  return Object.freeze([...(value as number[])]);
}

/** A tensor's expected dtype: one dtype or several. */
type DTypes = tf.DataType | readonly tf.DataType[];

/** What {@link checkTensor} requires. Dimensions given as `null` are free. */
export interface TensorSpec {
  /** Required dtype(s). @default 'float32' */
  dtype?: DTypes;
  /** Exact rank. */
  rank?: number;
  /** Exact shape; `null` entries match any size (and fix the rank). */
  shape?: readonly (number | null)[];
  /** Minimum rank (e.g. 1 for batch-first data). */
  minRank?: number;
  /** A description of the shape for the message (e.g. `'[batch, d]'`). @default built from the spec */
  shapeText?: string;
}

function dtypeList(dtype: DTypes): readonly tf.DataType[] {
  return typeof dtype === 'string' ? [dtype] : dtype;
}

/**
 * Throws unless `value` is a tensor of the given dtype, rank and shape; returns it. Useful for every tensor
 * that enters a public function.
 *
 * @example
 * ```ts
 * checkTensor('logProb', 'x', x, { shape: [null, 4] });                 // float32 [batch, 4]
 * checkTensor('labels', 'y', y, { rank: 1, dtype: 'int32' });
 * ```
 */
export function checkTensor(fn: string, arg: string, value: unknown, spec: TensorSpec = {}): tf.Tensor {
  const dtypes = dtypeList(spec.dtype ?? 'float32');
  const shape = spec.shape;
  const rank = shape ? shape.length : spec.rank;
  let shapeText = spec.shapeText;
  if (shapeText === undefined) {
    if (shape) shapeText = `[${shape.map((s, i) => (s === null ? (i === 0 ? 'batch' : '*') : String(s))).join(', ')}]`;
    else if (rank !== undefined) shapeText = `rank ${rank}`;
    else if (spec.minRank !== undefined) shapeText = `rank >= ${spec.minRank}`;
  }
  const expected = `a ${dtypes.join(' or ')} tensor${shapeText ? (shapeText.startsWith('[') ? ` of shape ${shapeText}` : ` of ${shapeText}`) : ''}`;
  const ok =
    value instanceof tf.Tensor &&
    dtypes.includes(value.dtype) &&
    (rank === undefined || value.rank === rank) &&
    (spec.minRank === undefined || value.rank >= spec.minRank) &&
    (shape === undefined || shape.every((s, i) => s === null || value.shape[i] === s));
  if (!ok) throw new ArgumentError(fn, arg, expected, describeValue(value));
  return value;
}

/**
 * Throws unless `value` is a float32 `[rows, cols]` tensor (`undefined` dimensions are free).
 *
 * @example
 * ```ts
 * checkTensor2D('velocity', 'x', x, undefined, 2); // x: float32 [batch, 2]
 * ```
 */
export function checkTensor2D(fn: string, arg: string, value: unknown, rows?: number, cols?: number): asserts value is tf.Tensor2D {
  checkTensor(fn, arg, value, { shape: [rows ?? null, cols ?? null], shapeText: `[${rows ?? 'batch'}, ${cols ?? 'd'}]` });
}

/**
 * Throws unless `value` is a float32 `[length]` tensor (any length when `length` is undefined).
 *
 * @example
 * ```ts
 * checkTensor1D('velocity', 't', t, x.shape[0]); // one time per row
 * ```
 */
export function checkTensor1D(fn: string, arg: string, value: unknown, length?: number): asserts value is tf.Tensor1D {
  checkTensor(fn, arg, value, { shape: [length ?? null], shapeText: `[${length ?? 'batch'}]` });
}

/**
 * Throws unless `value` is a float32 batch of events, shape `[batch, ...eventShape]` (batch ≥ 0); returns it.
 *
 * @example
 * ```ts
 * checkBatch('logProb', 'x', x, [2, 2, 1]); // x: float32 [n, 2, 2, 1]
 * ```
 */
export function checkBatch(fn: string, arg: string, value: unknown, eventShape: readonly number[]): tf.Tensor {
  return checkTensor(fn, arg, value, { shape: [null, ...eventShape], shapeText: `[batch${eventShape.map((s) => `, ${s}`).join('')}]` });
}

/**
 * Throws unless `value` is a float32 batch-first tensor `[batch, ...event]` of rank ≥ 2; with `shape`, of
 * exactly that shape (`undefined` entries are free, e.g. the batch size). Unlike {@link checkBatch}, the event
 * shape need not be known.
 *
 * @example
 * ```ts
 * checkBatchTensor('sample', 'x1', x1);                                  // any [batch, ...event]
 * checkBatchTensor('sample', 'z', z, [undefined, ...x1.shape.slice(1)]); // same event as x1
 * ```
 */
export function checkBatchTensor(fn: string, arg: string, value: unknown, shape?: readonly (number | undefined)[]): asserts value is tf.Tensor {
  if (shape === undefined) checkTensor(fn, arg, value, { minRank: 2, shapeText: '[batch, ...event]' });
  else checkTensor(fn, arg, value, { shape: shape.map((s) => s ?? null), shapeText: `[${shape.map((s) => s ?? 'batch').join(', ')}]` });
}

/**
 * Throws unless `x` is a float32 tensor of shape `[batch, dim]` (batch ≥ 0). The 2-D case of {@link checkBatch}.
 *
 * @example
 * ```ts
 * checkPoints('checkerboard.logDensity', 'x', x, 2);
 * ```
 */
export function checkPoints(fn: string, arg: string, x: unknown, dim: number): tf.Tensor2D {
  return checkTensor(fn, arg, x, { shape: [null, dim], shapeText: `[batch, ${dim}]` }) as tf.Tensor2D;
}

/**
 * Throws unless every entry of the tensor is finite. Reads the tensor back synchronously, so use it at API
 * boundaries on inputs, not inside a step. Integer tensors always pass.
 *
 * @example
 * ```ts
 * checkFinite('fit', 'x', tf.tensor1d([1, NaN])); // throws: "... containing NaN at flat index 1"
 * ```
 */
export function checkFinite(fn: string, arg: string, value: tf.Tensor): tf.Tensor {
  checkTensor(fn, arg, value, { dtype: ['float32', 'int32'] });
  if (value.dtype === 'int32') return value;
  const data = value.dataSync();
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i]!)) {
      throw new ArgumentError(fn, arg, 'a tensor of finite values', `${describeValue(value)} containing ${data[i]} at flat index ${i}`);
    }
  }
  return value;
}
