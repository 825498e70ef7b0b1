/**
 * Internal: the batches of noise-contrastive and compositional training — data points and noise draws with
 * their `log q`, drawn outside the gradient tape from the step's seeds (so a resumed run draws the same).
 */
import * as tf from '@tensorflow/tfjs-core';
import { isDistribution } from '../distributions/check.js';
import type { Distribution } from '../distributions/types.js';
import { ArgumentError, describeValue } from '../errors.js';
import type { SeedStream } from '../random.js';
import type { NoiseSource } from './noise-source.js';

/** Training data of an EBM task: a fixed set of points `[N, ...event]`, or a law sampled afresh each step. */
export type EnergyData = tf.Tensor | Distribution;

/** One step's batch; all tensors owned by the batch. */
export interface ContrastiveBatch {
  /** Data points `[n, ...event]`. */
  x: tf.Tensor;
  /** `log q(x)` at the data, `[n]`. */
  logqX: tf.Tensor1D;
  /** Noise draws `[m, ...event]`. */
  y: tf.Tensor;
  /** `log q(y)`, `[m]`. */
  logqY: tf.Tensor1D;
}

/** Draws {@link ContrastiveBatch}es; keeps `log q` of a fixed data set after the first draw. */
export interface BatchDrawer {
  /** Event shape of the data. */
  readonly eventShape: readonly number[];
  /** Data points per batch. */
  readonly batchSize: number;
  draw(seeds: SeedStream, noiseCount: number): Promise<ContrastiveBatch>;
  dispose(): void;
}

/** Checks the data against the noise's event shape and returns a drawer of `batchSize` points per step. */
export function batchDrawer(fn: string, data: EnergyData, noise: NoiseSource, batchSize: number | undefined): BatchDrawer {
  const isTensor = data instanceof tf.Tensor;
  if (!isTensor && !isDistribution(data)) {
    throw new ArgumentError(fn, 'options.data', 'a tensor of points [N, ...event] or a Distribution', describeValue(data));
  }
  const event = isTensor ? data.shape.slice(1) : [...data.eventShape];
  if (isTensor && (data.rank < 2 || data.shape[0]! < 1 || data.dtype !== 'float32')) {
    throw new ArgumentError(fn, 'options.data', 'a float32 tensor [N, ...event] with N ≥ 1', describeValue(data));
  }
  if (event.length !== noise.eventShape.length || event.some((v, i) => v !== noise.eventShape[i])) {
    throw new ArgumentError(fn, 'options.noise', `a law on events of the data's shape [${event.join(', ')}]`, `events of shape [${noise.eventShape.join(', ')}]`);
  }
  if (!isTensor && batchSize === undefined) {
    throw new ArgumentError(fn, 'options.batchSize', 'a batch size when the data are a Distribution', 'undefined');
  }
  const n = batchSize ?? (data as tf.Tensor).shape[0]!;
  let cached: tf.Tensor1D | undefined;
  return {
    eventShape: event,
    batchSize: n,
    async draw(seeds, noiseCount) {
      let x: tf.Tensor;
      let logqX: tf.Tensor1D;
      if (isTensor) {
        cached ??= tf.keep(await noise.logProb(data as tf.Tensor));
        const full = cached;
        if (batchSize === undefined) {
          x = (data as tf.Tensor).clone();
          logqX = full.clone();
        } else {
          const idx = tf.randomUniformInt([n], 0, (data as tf.Tensor).shape[0]!, seeds.next());
          x = tf.gather(data as tf.Tensor, idx);
          logqX = tf.gather(full, idx) as tf.Tensor1D;
          idx.dispose();
        }
      } else {
        x = (data as Distribution).sample(n, seeds);
        logqX = await noise.logProb(x);
      }
      const { x: y, logq: logqY } = await noise.draw(noiseCount, seeds);
      return { x, logqX, y, logqY };
    },
    dispose() {
      cached?.dispose();
      cached = undefined;
    },
  };
}

/**
 * Reads back whether the energies are finite and throws a clear error naming `fn` when not (one boolean
 * read per step, at the batch boundary).
 */
export async function checkFiniteEnergies(fn: string, step: number, energies: tf.Tensor, what: string): Promise<void> {
  const ok = tf.tidy(() => tf.all(tf.isFinite(energies)));
  const good = (await ok.data())[0] === 1;
  ok.dispose();
  if (!good) throw new ArgumentError(fn, 'options.model', `an energy with finite values E_θ(x) on every point`, `a non-finite energy (NaN or ±Infinity) at ${what} at step ${step}`);
}
