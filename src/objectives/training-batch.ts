/**
 * Drawing the randomness of one training step: endpoints, noise and times.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../data/types.js';
import { fillTfjsNormal } from '../data/tfjs-normal.js';
import { fillTfjsUniform } from '../data/tfjs-uniform.js';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import type { Interpolant } from '../interpolants/types.js';
import type { SeedStream } from '../random.js';
import { formatShape } from '../shapes.js';
import type { TrainingBatch } from './types.js';

/** A dataset's event shape: its `eventShape` when it declares one, else `[dim]`. */
function datasetEventShape(data: Dataset): readonly number[] {
  const declared = (data as { eventShape?: readonly number[] }).eventShape;
  return Array.isArray(declared) ? declared : [data.dim];
}

/** Options of {@link drawTrainingBatch}. */
export interface DrawTrainingBatchOptions {
  /** The interpolant (decides whether x0 is N(0, I), a dataset, or unused). */
  interpolant: Interpolant;
  /** ρ1. */
  target: Dataset;
  /**
   * ρ0 for two-sided interpolants: a dataset (data-to-data bridges) or `'gaussian'` for N(0, I).
   * One-sided interpolants always use N(0, I); mirror interpolants use none.
   * @default 'gaussian'
   */
  base?: Dataset | 'gaussian';
  /** Batch size. */
  size: number;
  /** Times are drawn from `U[tMin, 1 − tMin]`. */
  tMin: number;
  /** Seeds for every draw. */
  seeds: SeedStream;
}

/**
 * Draws `{ x0, x1, t, z }` for one step: x1 ~ ρ1, x0 ~ ρ0 (N(0, I) for one-sided; null for mirror),
 * z ~ N(0, I), t ~ U[tMin, 1 − tMin]. x0, x1 and z are `[size, ...event]`, the event shape being the
 * dataset's `eventShape` (`[dim]` when it declares none); the Gaussian draws take the same numbers as for
 * the flattened `[size, n]` shape. The type parameter names the tensors' type (`[batch, d]` by default;
 * `drawTrainingBatch<tf.Tensor4D>(…)` for images). The caller owns the tensors (`tf.dispose(Object.values(batch))`).
 *
 * @example
 * ```ts
 * const batch = drawTrainingBatch({ interpolant, target: getDataset('checkerboard'), size: 512, tMin: 1e-3, seeds });
 * ```
 */
export function drawTrainingBatch<X extends tf.Tensor = tf.Tensor2D>(options: DrawTrainingBatchOptions): TrainingBatch<X> {
  const fn = 'drawTrainingBatch';
  const { interpolant, target, seeds } = options;
  const size = checkNumber(fn, 'options.size', options.size, { min: 1, integer: true });
  const tMin = checkNumber(fn, 'options.tMin', options.tMin, { min: 0, max: 0.49 });
  const base = options.base ?? 'gaussian';
  if (base !== 'gaussian' && (typeof base !== 'object' || base === null || typeof base.sample !== 'function')) {
    throw new ArgumentError(fn, 'options.base', "a Dataset or 'gaussian'", describeValue(base));
  }
  const event = datasetEventShape(target);
  if (base !== 'gaussian') {
    const baseEvent = datasetEventShape(base);
    if (baseEvent.length !== event.length || baseEvent.some((s, i) => s !== event[i])) {
      throw new ArgumentError(fn, 'options.base', `a dataset of event shape ${formatShape(event)} (the target's)`, `event shape ${formatShape(baseEvent)}`);
    }
  }
  if (base !== 'gaussian' && interpolant.oneSided) {
    throw new ArgumentError(fn, 'options.base', `'gaussian' for the one-sided interpolant '${interpolant.name}' (x0 plays the noise)`, `dataset '${base.name}'`);
  }
  const shape = [size, ...event];
  const x1: tf.Tensor = target.sample(size, seeds);
  const x0: tf.Tensor | null = interpolant.mirror ? null : base === 'gaussian' ? standardNormal(shape, seeds.next()) : base.sample(size, seeds);
  const z = standardNormal(shape, seeds.next());
  // tf.randomUniform([size], tMin, 1 − tMin, 'float32', seed), bit for bit (tfjs-uniform.ts), without tfjs's per-value calls
  const times = new Float32Array(size);
  fillTfjsUniform(times, tMin, 1 - tMin, seeds.next());
  const t = tf.tensor1d(times, 'float32');
  return { x0, x1, t, z } as TrainingBatch<X>;
}

/**
 * `tf.randomNormal(shape, 0, 1, 'float32', seed)`, bit for bit, its numbers drawn by one JavaScript loop
 * (tfjs-normal.ts) and uploaded once; tfjs's own op for seed 0 (which tfjs replaces by a random seed).
 */
function standardNormal(shape: number[], seed: number): tf.Tensor {
  if (!seed) return tf.randomNormal(shape, 0, 1, 'float32', seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  fillTfjsNormal(values, 0, 1, seed);
  return tf.tensor(values, shape, 'float32');
}
