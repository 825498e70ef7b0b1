/**
 * The distribution contracts: anything the library samples from (data, a base law, a trained flow) is a
 * distribution of events of a fixed shape, drawn batch-first as `[n, ...eventShape]`.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { SeedStream } from '../random.js';

/**
 * A law on events of shape `eventShape`, sampled synchronously; an exact, normalised log density where it has a
 * closed form.
 *
 * Tensors returned by `sample` and `logProb` are owned by the caller (dispose them); inputs are borrowed. Every
 * random draw takes its seed from `seeds`, so the same stream state gives the same samples.
 *
 * @example
 * ```ts
 * const rho0 = standardNormal([2, 2, 1]);
 * const x = rho0.sample(8, new SeedStream(0)); // float32 [8, 2, 2, 1]
 * const lp = rho0.logProb!(x);                  // float32 [8]
 * ```
 */
export interface Distribution {
  /** The shape of one event (`[d]` for vectors, `[h, w, c]` for images, `[]` for scalars). */
  readonly eventShape: readonly number[];
  /** One line describing the law, for reports. */
  readonly description?: string;
  /** Draws `n` independent events: float32 `[n, ...eventShape]`. */
  sample(n: number, seeds: SeedStream): tf.Tensor;
  /**
   * The exact, normalised log density of each event of `x` (`[batch, ...eventShape]` → `[batch]`), where it has
   * a closed form; points outside the support give `-Infinity`.
   */
  logProb?(x: tf.Tensor): tf.Tensor1D;
}

/**
 * A law sampled asynchronously (a trained flow integrated by an async sampler, data read from disk). Every
 * {@link Distribution} becomes one with {@link toAsync}.
 *
 * @example
 * ```ts
 * const x = await flow.sampleAsync(512, new SeedStream(1)); // [512, ...flow.eventShape]
 * ```
 */
export interface AsyncDistribution {
  /** The shape of one event. */
  readonly eventShape: readonly number[];
  /** One line describing the law, for reports. */
  readonly description?: string;
  /** Draws `n` independent events: float32 `[n, ...eventShape]`, owned by the caller. */
  sampleAsync(n: number, seeds: SeedStream): Promise<tf.Tensor>;
  /** The log density of each event of `x` (`[batch]`), where the law can evaluate it. */
  logProbAsync?(x: tf.Tensor): Promise<tf.Tensor1D>;
}

/** A synchronous or asynchronous law; {@link drawSamples} samples either. */
export type AnyDistribution = Distribution | AsyncDistribution;

/** Events with their class labels. Both tensors are owned by the caller. */
export interface LabelledSample {
  /** Events, float32 `[n, ...eventShape]`. */
  x: tf.Tensor;
  /** Class labels, int32 `[n]`, each in `0 … numClasses − 1`. */
  labels: tf.Tensor1D;
}

/**
 * A law of labelled events (class-conditional data): `sample` gives the events alone (the marginal), and
 * `sampleLabelled` the events with their labels.
 *
 * @example
 * ```ts
 * const { x, labels } = data.sampleLabelled(256, new SeedStream(0)); // [256, 2], int32 [256]
 * ```
 */
export interface LabelledDistribution extends Distribution {
  /** Number of classes K; labels lie in `0 … K − 1`. */
  readonly numClasses: number;
  /** Draws `n` events with their labels. */
  sampleLabelled(n: number, seeds: SeedStream): LabelledSample;
  /** log p(x | label) per row (`[batch]`), where every class has a closed-form density. */
  logProbGiven?(x: tf.Tensor, labels: tf.Tensor1D): tf.Tensor1D;
}
