/**
 * A quadratic (Gaussian) energy with a closed-form normaliser, for tests and as a baseline:
 * `E(x) = ½ Σᵢ pᵢ (xᵢ − μᵢ)²`, `log Z = Σᵢ ½ log(2π / pᵢ)`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../src/errors.js';
import type { EnergyModel } from '../src/ebm/energy-model.js';
import { checkBoolean, checkEventShape, checkNumberArray, checkOptions } from '../src/validate.js';
import { eventSize, sumEvent } from '../src/shapes.js';

/** Options of {@link quadraticEnergy}. */
export interface QuadraticEnergyOptions {
  /** The shape of one event. @default `[mean.length]` or `[precision.length]`, else `[1]` */
  eventShape?: readonly number[];
  /** μ: one number for every entry, or one per entry. @default 0 */
  mean?: number | readonly number[];
  /** The precisions pᵢ > 0 (1/σᵢ²): one number, or one per entry. @default 1 */
  precision?: number | readonly number[];
  /** Whether μ is trainable (a variable named `mean`). @default true */
  trainMean?: boolean;
  /** Whether the precisions are trainable (a variable named `precision`; keep steps small so they stay > 0). @default false */
  trainPrecision?: boolean;
}

/** The model returned by {@link quadraticEnergy}: an {@link EnergyModel} with its parameter tensors. */
export interface QuadraticEnergy extends EnergyModel {
  /** μ, `[D]` (a variable when trained). */
  readonly mean: tf.Tensor1D;
  /** The precisions, `[D]` (a variable when trained). */
  readonly precision: tf.Tensor1D;
  logPartition(): number;
  /** Disposes μ and the precisions. */
  dispose(): void;
}

function expand(fn: string, arg: string, v: number | readonly number[], size: number, positive: boolean): number[] {
  const bound = positive ? { min: 0, exclusiveMin: true } : {};
  if (typeof v === 'number') return new Array<number>(size).fill(checkNumber(fn, arg, v, bound));
  const arr = checkNumberArray(fn, arg, v, bound);
  if (arr.length !== size) throw new ArgumentError(fn, arg, `a number or ${size} numbers`, `an array of length ${arr.length}`);
  return [...arr];
}

/**
 * The energy `E(x) = ½ Σᵢ pᵢ (xᵢ − μᵢ)²` over the D entries of an event, i.e. N(μ, diag 1/p) unnormalised,
 * with `log Z = Σᵢ ½ log(2π/pᵢ)`. The paper's 1-D checks are `quadraticEnergy({ mean: 0 })` (the mean model
 * `(x − θ)²/2`, θ = `mean`) and `quadraticEnergy({ trainMean: false, trainPrecision: true })` (the precision
 * model `θx²/2`, θ = `precision`).
 *
 * @throws ArgumentError for a bad shape, a non-finite mean or a precision ≤ 0
 * @example
 * ```ts
 * const model = quadraticEnergy({ mean: 0 });            // (x − θ)²/2 on [batch, 1], θ trainable
 * model.energy(tf.tensor2d([[1], [2]])).print();         // [0.5, 2]
 * model.logPartition();                                  // ½ log 2π
 * ```
 */
export function quadraticEnergy(options: QuadraticEnergyOptions = {}): QuadraticEnergy {
  const fn = 'quadraticEnergy';
  const o = checkOptions(fn, options, ['eventShape', 'mean', 'precision', 'trainMean', 'trainPrecision']);
  const meanIn = o.mean ?? 0;
  const precIn = o.precision ?? 1;
  let shape: readonly number[];
  if (o.eventShape !== undefined) shape = checkEventShape(fn, 'options.eventShape', o.eventShape);
  else if (Array.isArray(meanIn)) shape = [meanIn.length];
  else if (Array.isArray(precIn)) shape = [precIn.length];
  else shape = [1];
  const size = eventSize(shape);
  if (size < 1) throw new ArgumentError(fn, 'options.eventShape', 'a shape with at least one entry', describeValue(shape));
  const trainMean = checkBoolean(fn, 'options.trainMean', o.trainMean ?? true);
  const trainPrecision = checkBoolean(fn, 'options.trainPrecision', o.trainPrecision ?? false);
  const mean = tf.tensor1d(expand(fn, 'options.mean', meanIn, size, false));
  const precision = tf.tensor1d(expand(fn, 'options.precision', precIn, size, true));
  const meanT = trainMean ? tf.variable(mean, true) : mean;
  const precT = trainPrecision ? tf.variable(precision, true) : precision;
  if (trainMean) mean.dispose();
  if (trainPrecision) precision.dispose();
  const variables: Record<string, tf.Variable> = {};
  if (trainMean) variables.mean = meanT as tf.Variable;
  if (trainPrecision) variables.precision = precT as tf.Variable;
  const full = [1, ...shape];
  return {
    eventShape: shape,
    modules: {},
    variables,
    mean: meanT as tf.Tensor1D,
    precision: precT as tf.Tensor1D,
    description: `quadratic energy ½ Σ p (x − μ)² on events of shape [${shape.join(', ')}]`,
    energy(x) {
      return tf.tidy(() => tf.mul(0.5, sumEvent(tf.mul(tf.reshape(precT, full), tf.square(tf.sub(x, tf.reshape(meanT, full)))))) as tf.Tensor1D);
    },
    logPartition() {
      const p = precT.dataSync();
      let s = 0;
      for (const v of p) s += 0.5 * Math.log((2 * Math.PI) / v);
      return s;
    },
    dispose() {
      meanT.dispose();
      precT.dispose();
    },
  };
}
