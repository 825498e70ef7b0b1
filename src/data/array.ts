/**
 * User data held in memory, sampled row-wise with replacement.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { SeedStream } from '../random.js';
import type { Dataset } from './types.js';
import { checkCount, checkOptions, checkSeeds } from './validate.js';

/** Options of {@link arrayDataset}. */
export interface ArrayDatasetOptions {
  /** Shape `[rows, dim]`; required when the data is a flat `Float32Array` / `Float64Array`, checked otherwise. */
  shape?: [number, number];
  /** The dataset's name. @default 'array' */
  name?: string;
}

/** A dataset of stored rows. */
export interface ArrayDataset extends Dataset {
  /** Number of stored rows. */
  readonly size: number;
  /** A copy of the stored rows as a float32 tensor `[size, dim]` (owned by the caller). */
  toTensor(): tf.Tensor2D;
}

/**
 * A dataset from rows of numbers: `number[][]`, a flat `Float32Array` / `Float64Array` with `options.shape`, or
 * a `Tensor2D` (read once, synchronously). The rows are copied into JavaScript memory (float32), so the
 * dataset holds no tensor and needs no disposal.
 *
 * `sample(n, seeds)` draws n rows uniformly with replacement. It takes one seed from `seeds` and draws the row
 * indices in JavaScript from it (exactly uniform for any number of rows), then uploads the `[n, dim]` batch.
 * Every value must be finite.
 *
 * @example
 * ```ts
 * const data = arrayDataset([[0, 0], [1, 1], [2, 0]]);
 * const batch = data.sample(8, new SeedStream(0)); // [8, 2], rows drawn from the three
 * ```
 */
export function arrayDataset(
  data: number[][] | Float32Array | Float64Array | tf.Tensor2D,
  options?: ArrayDatasetOptions,
): ArrayDataset {
  const fn = 'arrayDataset';
  const opts = checkOptions(fn, options, ['shape', 'name']);
  const name = opts.name ?? 'array';
  if (typeof name !== 'string' || name === '') throw new ArgumentError(fn, 'options.name', 'a non-empty string', describeValue(name));

  let values: Float32Array;
  let rows: number;
  let dim: number;
  if (data instanceof tf.Tensor) {
    if (data.rank !== 2 || data.shape[0] === 0 || data.shape[1] === 0 || (data.dtype !== 'float32' && data.dtype !== 'int32')) {
      throw new ArgumentError(fn, 'data', 'a non-empty float32 or int32 tensor of shape [rows, dim]', describeValue(data));
    }
    [rows, dim] = data.shape as [number, number];
    values = Float32Array.from(data.dataSync());
  } else if (data instanceof Float32Array || data instanceof Float64Array) {
    const shape = opts.shape;
    if (!Array.isArray(shape) || shape.length !== 2) {
      throw new ArgumentError(fn, 'options.shape', '[rows, dim] when the data is a flat typed array', describeValue(shape));
    }
    rows = checkNumber(fn, 'options.shape[0]', shape[0], { integer: true, min: 1 });
    dim = checkNumber(fn, 'options.shape[1]', shape[1], { integer: true, min: 1 });
    if (data.length !== rows * dim) {
      throw new ArgumentError(fn, 'data', `a typed array of length ${rows} × ${dim} = ${rows * dim} (options.shape)`, `length ${data.length}`);
    }
    values = Float32Array.from(data);
  } else if (Array.isArray(data) && data.length > 0 && Array.isArray(data[0]) && data[0].length > 0) {
    rows = data.length;
    dim = data[0].length;
    values = new Float32Array(rows * dim);
    for (let i = 0; i < rows; i++) {
      const row = data[i];
      if (!Array.isArray(row) || row.length !== dim) {
        throw new ArgumentError(fn, `data[${i}]`, `a row of ${dim} numbers (the width of data[0])`, describeValue(row));
      }
      for (let j = 0; j < dim; j++) values[i * dim + j] = row[j] as number;
    }
  } else {
    throw new ArgumentError(fn, 'data', 'number[][], a Float32Array/Float64Array with options.shape, or a Tensor2D', describeValue(data));
  }
  if (opts.shape !== undefined && (opts.shape[0] !== rows || opts.shape[1] !== dim)) {
    throw new ArgumentError(fn, 'options.shape', `[${rows}, ${dim}] (the data's shape)`, describeValue(opts.shape));
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) {
      const row = Math.floor(i / dim);
      throw new ArgumentError(fn, 'data', 'finite numbers', `${values[i]} at row ${row}, column ${i - row * dim}`);
    }
  }

  return {
    name,
    dim,
    eventShape: [dim],
    size: rows,
    description: `${name}: ${rows} rows of dimension ${dim}, sampled with replacement`,
    sample(n: number, seeds) {
      checkCount(`${name}.sample`, 'n', n);
      checkSeeds(`${name}.sample`, seeds);
      const rng = new SeedStream(seeds.next());
      const out = new Float32Array(n * dim);
      for (let i = 0; i < n; i++) {
        const r = Math.min(rows - 1, Math.floor(rng.uniform() * rows));
        out.set(values.subarray(r * dim, (r + 1) * dim), i * dim);
      }
      return tf.tensor2d(out, [n, dim], 'float32');
    },
    toTensor() {
      return tf.tensor2d(values, [rows, dim], 'float32');
    },
  };
}
