/**
 * Gaussians with a diagonal covariance on events of any shape.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import type { SeedStream } from '../random.js';
import { checkBatch, checkCount, checkEventShape, checkNumberArray, checkOptions, checkSeeds } from '../validate.js';
import { eventSize, sumEvent } from '../shapes.js';
import type { Distribution } from './types.js';

/** Options of {@link diagonalGaussian}. */
export interface DiagonalGaussianOptions {
  /** The shape of one event. @default `[mean.length]` (or `[std.length]`) when one of them is an array */
  eventShape?: readonly number[];
  /** The mean μ: one number for every entry, or one per entry (row-major over the event). @default 0 */
  mean?: number | readonly number[];
  /** The standard deviations σ > 0: one number for every entry, or one per entry. @default 1 */
  std?: number | readonly number[];
}

/** The law returned by {@link diagonalGaussian}; its parameters, expanded to one per entry, are exposed. */
export interface DiagonalGaussian extends Distribution {
  readonly description: string;
  /** μ, one per entry of an event (row-major). */
  readonly mean: readonly number[];
  /** σ, one per entry of an event (row-major). */
  readonly std: readonly number[];
  sample(n: number, seeds: SeedStream): tf.Tensor;
  logProb(x: tf.Tensor): tf.Tensor1D;
}

function expand(fn: string, arg: string, value: number | readonly number[], size: number, positive: boolean): number[] {
  if (typeof value === 'number') {
    checkNumber(fn, arg, value, positive ? { min: 0, exclusiveMin: true } : {});
    return new Array<number>(size).fill(value);
  }
  const arr = checkNumberArray(fn, arg, value, positive ? { min: 0, exclusiveMin: true } : {});
  if (arr.length !== size) throw new ArgumentError(fn, arg, `a number or an array of ${size} numbers (one per entry of the event)`, `an array of length ${arr.length}`);
  return [...arr];
}

/**
 * N(μ, diag σ²) on events of shape `eventShape`: x = μ + σ ⊙ z with z ~ N(0, I), and the exact log density
 * log p(x) = −½ Σᵢ ((xᵢ − μᵢ)/σᵢ)² − Σᵢ log σᵢ − (D/2) log 2π over the D entries of an event.
 *
 * Sampling takes one seed (the draws of {@link standardNormal}, scaled and shifted).
 *
 * @throws ArgumentError for a bad event shape, a non-finite mean, a σ ≤ 0 or arrays of the wrong length
 * @example
 * ```ts
 * const q = diagonalGaussian({ mean: [1, -1], std: [0.5, 2] });     // event shape [2]
 * const img = diagonalGaussian({ eventShape: [2, 2, 1], std: 0.1 }); // N(0, 0.01 I) on 2×2 images
 * ```
 */
export function diagonalGaussian(options: DiagonalGaussianOptions): DiagonalGaussian {
  const fn = 'diagonalGaussian';
  const opts = checkOptions(fn, options, ['eventShape', 'mean', 'std']);
  const meanIn = opts.mean ?? 0;
  const stdIn = opts.std ?? 1;
  let shape: readonly number[];
  if (opts.eventShape !== undefined) shape = checkEventShape(fn, 'options.eventShape', opts.eventShape);
  else if (Array.isArray(meanIn)) shape = [meanIn.length];
  else if (Array.isArray(stdIn)) shape = [stdIn.length];
  else throw new ArgumentError(fn, 'options.eventShape', 'an event shape when mean and std are both numbers', describeValue(opts.eventShape));
  const size = eventSize(shape);
  const mean = expand(fn, 'options.mean', meanIn, size, false);
  const std = expand(fn, 'options.std', stdIn, size, true);
  const logNorm = std.reduce((s, v) => s + Math.log(v), 0) + 0.5 * size * Math.log(2 * Math.PI);
  const fullShape = [1, ...shape];
  return {
    eventShape: shape,
    mean,
    std,
    description: `diagonal Gaussian on events of shape [${shape.join(', ')}]`,
    sample(n, seeds) {
      checkCount(`${fn}.sample`, 'n', n);
      checkSeeds(`${fn}.sample`, seeds);
      return tf.tidy(() => {
        const z = tf.randomNormal([n, ...shape], 0, 1, 'float32', seeds.next());
        return tf.add(tf.mul(z, tf.tensor(std, fullShape, 'float32')), tf.tensor(mean, fullShape, 'float32'));
      });
    },
    logProb(x) {
      checkBatch(`${fn}.logProb`, 'x', x, shape);
      return tf.tidy(() => {
        const u = tf.div(tf.sub(x, tf.tensor(mean, fullShape, 'float32')), tf.tensor(std, fullShape, 'float32'));
        return tf.sub(tf.mul(sumEvent(tf.square(u)), -0.5), logNorm) as tf.Tensor1D;
      });
    },
  };
}
