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

/** Builds a dataset from an options object; what {@link registerDataset} stores. */
export type DatasetFactory = (options?: Record<string, unknown>) => Dataset;
