/**
 * The dataset interface shared by the toy distributions, user data and the registry.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Distribution } from '../distributions/types.js';
import type { SeedStream } from '../random.js';

/**
 * A distribution on R^dim that can be sampled exactly, and, where the density has a closed form, evaluated.
 * A dataset is a {@link Distribution} with `eventShape = [dim]`; where it has a density, `logProb` and
 * `logDensity` are the same function.
 *
 * Tensors returned by `sample` and `logDensity` are owned by the caller (dispose them); inputs are borrowed.
 *
 * @example
 * ```ts
 * const data = getDataset('checkerboard');
 * const x = data.sample(512, new SeedStream(0));   // float32 [512, 2]
 * const logp = data.logProb!(x);                   // float32 [512], all −log 32
 * ```
 */
export interface Dataset extends Distribution {
  /** The registry name (or a user-chosen name for array and CSV data). */
  readonly name: string;
  /** Dimension d of the samples. */
  readonly dim: number;
  /** `[dim]`: the dataset as a {@link Distribution} of vectors. */
  readonly eventShape: readonly number[];
  /** One line describing the distribution and its parameters. */
  readonly description: string;
  /**
   * Draws `n` independent samples, shape `[n, dim]`, float32. Every random draw takes its seed from `seeds`,
   * so the same stream state gives the same samples on every backend.
   */
  sample(n: number, seeds: SeedStream): tf.Tensor2D;
  /**
   * The exact, normalised log density at each row of `x` (`[batch, dim]` → `[batch]`), present only where
   * it has a closed form. Points outside the support give `-Infinity`.
   */
  logDensity?(x: tf.Tensor2D): tf.Tensor1D;
  /** The same function as `logDensity` (the {@link Distribution} name), present exactly when it is. */
  logProb?(x: tf.Tensor2D): tf.Tensor1D;
}

/**
 * A dataset as user code may write it: a {@link Dataset} whose `eventShape` may be left out (it is then
 * `[dim]`). Hand-written datasets from before datasets were distributions have no `eventShape`; functions
 * that take data from users accept this type and normalise it with {@link toDataset}.
 *
 * @example
 * ```ts
 * const mine: DatasetInput = { name: 'line', dim: 2, description: 'points on y = x',
 *   sample: (n, seeds) => tf.tile(tf.randomUniform([n, 1], 0, 1, 'float32', seeds.next()), [1, 2]) as tf.Tensor2D };
 * const data = toDataset(mine); // data.eventShape: [2]
 * ```
 */
export type DatasetInput = Omit<Dataset, 'eventShape'> & { readonly eventShape?: readonly number[] };

/** The event shape of a dataset: its `eventShape` when it declares one, else `[dim]`. */
export function datasetEventShape(data: DatasetInput): readonly number[] {
  return Array.isArray(data.eventShape) ? data.eventShape : [data.dim];
}

/**
 * A {@link DatasetInput} as a {@link Dataset}: the same object when it declares `eventShape`, else a wrapper
 * with `eventShape = [dim]` whose methods call the input's (so `this` inside them is the input).
 *
 * @example
 * ```ts
 * const data = toDataset({ name: 'mine', dim: 3, description: '…', sample }); // data.eventShape: [3]
 * ```
 */
export function toDataset(data: DatasetInput): Dataset {
  if (Array.isArray(data.eventShape)) return data as Dataset;
  const logDensity = data.logDensity?.bind(data) ?? data.logProb?.bind(data);
  return {
    name: data.name,
    dim: data.dim,
    description: data.description,
    eventShape: datasetEventShape(data),
    sample: (n, seeds) => data.sample(n, seeds),
    ...(logDensity ? { logDensity, logProb: logDensity } : {}),
  };
}

/** Builds a dataset from an options object; what {@link registerDataset} stores. */
export type DatasetFactory = (options?: Record<string, unknown>) => Dataset;
