/**
 * Reference samples of a comparison: drawn from a distribution (an oracle's exact target, a dataset), or
 * subsampled from a fixed set (a `--reference` file).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/types.js';
import { checkDistribution } from '../distributions/check.js';
import type { Distribution } from '../distributions/types.js';
import { ArgumentError, checkNumber } from '../errors.js';
import { SeedStream } from '../random.js';
import { checkFunction } from '../validate.js';

/** Where a comparison's reference samples come from. */
export interface ReferenceSource {
  /** One line for reports (`exact samples of gmm2d`, `dataset moons`, `file ref.csv (5000 rows)`). */
  readonly description: string;
  readonly dim: number;
  /** The reference set of one repeat: `[n, dim]`, owned by the caller. */
  draw(n: number, seed: number): tf.Tensor2D;
  /**
   * A second set independent of `draw(n, seed)` for the floor: `[m, dim]` with m = n when the source is a
   * distribution (m ≤ n for a small file); `null` when no independent set can be had.
   */
  drawIndependent(n: number, seed: number, floorSeed: number): tf.Tensor2D | null;
  /** The exact log density of the reference law, where known (for the best achievable NLL). */
  logDensity?(x: tf.Tensor2D): tf.Tensor1D;
}

/**
 * A reference drawn from a distribution: each repeat draws fresh samples from its seed, the floor an
 * independent set from the floor's seed, and the distribution's exact `logProb` (if any) gives the floor's NLL.
 *
 * Either a {@link Distribution} of vectors (`eventShape = [dim]`; `description` defaults to the law's own), or,
 * as before, a description, a dimension, a sampler and an optional log density.
 *
 * @throws ArgumentError when the distribution's events are not vectors
 * @example
 * ```ts
 * const ref = distributionReference(diagonalGaussian({ mean: [0, 0], std: 2 }), 'wide Gaussian');
 * const same = distributionReference('wide Gaussian', 2, (n, seeds) => wide.sample(n, seeds) as tf.Tensor2D);
 * ```
 */
export function distributionReference(distribution: Distribution, description?: string): ReferenceSource;
export function distributionReference(
  description: string,
  dim: number,
  sample: (n: number, seeds: SeedStream) => tf.Tensor2D,
  logDensity?: (x: tf.Tensor2D) => tf.Tensor1D,
): ReferenceSource;
export function distributionReference(
  first: Distribution | string,
  second?: string | number,
  sample?: (n: number, seeds: SeedStream) => tf.Tensor2D,
  logDensity?: (x: tf.Tensor2D) => tf.Tensor1D,
): ReferenceSource {
  const fn = 'distributionReference';
  const dist: Distribution =
    typeof first === 'string'
      ? {
          eventShape: [checkNumber(fn, 'dim', second, { integer: true, min: 1 })],
          sample: checkFunction<(n: number, seeds: SeedStream) => tf.Tensor2D>(fn, 'sample', sample, 'a function (n, seeds) => Tensor2D'),
          ...(logDensity ? { logProb: (x: tf.Tensor) => logDensity(x as tf.Tensor2D) } : {}),
        }
      : checkDistribution(fn, 'distribution', first);
  if (dist.eventShape.length !== 1) {
    throw new ArgumentError(fn, 'distribution', 'a distribution of vectors (event shape [dim])', `event shape [${dist.eventShape.join(', ')}]`);
  }
  const description = typeof first === 'string' ? first : typeof second === 'string' ? second : (dist.description ?? `a distribution of dimension ${dist.eventShape[0]}`);
  const draw = (n: number, seed: number) => dist.sample(n, new SeedStream(seed)) as tf.Tensor2D;
  return {
    description,
    dim: dist.eventShape[0]!,
    draw,
    drawIndependent: (n, _seed, floorSeed) => draw(n, floorSeed),
    ...(dist.logProb ? { logDensity: (x: tf.Tensor2D) => dist.logProb!(x) } : {}),
  };
}

/**
 * A dataset as a reference (its exact log density, when it has one, gives the floor's NLL).
 *
 * @example
 * ```ts
 * const ref = datasetReference(getDataset('checkerboard')); // description 'dataset checkerboard'
 * ```
 */
export function datasetReference(dataset: Dataset): ReferenceSource {
  return distributionReference(dataset, `dataset ${dataset.name}`);
}

/** A seeded permutation of 0..rows−1 (Fisher–Yates with the library's splitmix32 stream). */
function permutation(rows: number, seed: number): Int32Array {
  const p = Int32Array.from({ length: rows }, (_, i) => i);
  const rng = new SeedStream(seed);
  for (let i = rows - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/**
 * A fixed sample set (`[rows, dim]`, row-major) as a reference: each repeat uses a seeded random subset of n
 * rows (without replacement; all rows, shuffled, when n = rows), and the floor a seeded subset of the rows the
 * reference left out (up to n of them; fewer when the file has fewer than 2n rows, none when it has fewer than
 * n + 2).
 */
export function arrayReference(description: string, values: Float32Array, rows: number, dim: number): ReferenceSource {
  checkNumber('arrayReference', 'rows', rows, { min: 1, integer: true });
  checkNumber('arrayReference', 'dim', dim, { min: 1, integer: true });
  if (values.length !== rows * dim) throw new ArgumentError('arrayReference', 'values', `${rows} × ${dim} numbers`, `${values.length}`);
  const take = (idx: Int32Array) => {
    const out = new Float32Array(idx.length * dim);
    idx.forEach((r, i) => out.set(values.subarray(r * dim, (r + 1) * dim), i * dim));
    return tf.tensor2d(out, [idx.length, dim]);
  };
  const check = (n: number) => {
    if (n > rows) throw new ArgumentError('arrayReference', 'n', `at most the ${rows} rows of the reference ${description}`, String(n));
  };
  return {
    description: `${description} (${rows} rows)`,
    dim,
    draw(n, seed) {
      check(n);
      return take(permutation(rows, seed).subarray(0, n));
    },
    drawIndependent(n, seed, floorSeed) {
      check(n);
      const m = Math.min(n, rows - n);
      if (m < 2) return null;
      // The rows the reference did not use, in an order of their own.
      const rest = permutation(rows, seed).subarray(n);
      const order = permutation(rest.length, floorSeed);
      return take(Int32Array.from(order.subarray(0, m), (i) => rest[i]!));
    },
  };
}
