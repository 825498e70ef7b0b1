/**
 * The contract between the one `Trainer` and what it trains: a training task names its trainable variables
 * (networks and free tensors), draws a batch, computes a loss with named terms, and says what it checkpoints.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { SeedStream } from '../random.js';
import type { JsonValue } from './checkpoint-format.js';

/** What {@link TrainingTask.loss} returns: the total (minimised) and named terms for the log (scalars). */
export interface TaskLoss {
  /** The scalar the optimiser minimises. */
  total: tf.Scalar;
  /** The named terms reported in the log and the loss history, one per name in {@link TrainingTask.terms}. */
  terms?: Record<string, tf.Scalar>;
}

/**
 * A training task: everything the `Trainer` needs to fit a model, and nothing about how it is optimised.
 *
 * - `modules` and `variables` are what is trained (every trainable weight of every module, then every free
 *   variable, in key order: that order is the optimiser's and the EMA's) and what is checkpointed;
 * - `drawBatch(step, seeds)` draws step `step`'s data outside the gradient tape (it may be async, e.g. a
 *   sampler); draw everything from `seeds` so the same step draws the same batch in a resumed run;
 * - `loss(batch)` runs inside the tape (`tf.variableGrads`) and returns the total and its named terms;
 * - `afterStep(step)` runs after each update (e.g. a moving average kept in the task's state);
 * - `getState()` / `setState(state)` save and restore the task's own JSON state with the checkpoint;
 * - `runConfig()` is the run config stored when the trainer is given none (a tagged union by task:
 *   `{ task: 'interpolant', … }`).
 *
 * The batch is disposed by the trainer after the step (`disposeBatch`, or `tf.dispose` of the whole object).
 *
 * @example
 * ```ts
 * // Your own task: fit the mean μ of N(μ, 1) to data by maximum likelihood (a free tf.Variable).
 * const mu = tf.variable(tf.scalar(0), true, 'mu');
 * const data = tf.tensor1d([1.9, 2.2, 2.05, 1.85]);
 * const gaussianMean: TrainingTask<tf.Tensor1D> = {
 *   name: 'gaussian-mean',
 *   modules: {},
 *   variables: { mu },
 *   terms: ['nll'],
 *   drawBatch: (step, seeds) => tf.gather(data, tf.randomUniformInt([2], 0, 4, seeds.next())) as tf.Tensor1D,
 *   loss: (x) => {
 *     const nll = tf.mul(0.5, tf.mean(tf.square(tf.sub(x, mu)))) as tf.Scalar; // −log N(x; μ, 1) + const
 *     return { total: nll, terms: { nll } };
 *   },
 * };
 * const trainer = new Trainer({ task: gaussianMean, steps: 500, learningRate: 0.05, schedule: 'constant', checkpointDir: 'runs/mu' });
 * await trainer.train();            // mu → the data mean, 2.0; resumable with Trainer.resume('runs/mu', …)
 * ```
 */
export interface TrainingTask<Batch = unknown> {
  /** The task's name, stored in checkpoints (`'interpolant'`, `'gaussian-mean'`, …). */
  readonly name: string;
  /** The networks it trains, by name (letters, digits, `_`, `-`); may be empty. */
  readonly modules: Readonly<Record<string, tfl.LayersModel>>;
  /** Free trainable variables by name (e.g. a Hurst logit, a log-normaliser). */
  readonly variables?: Readonly<Record<string, tf.Variable>>;
  /** Names of the loss terms, in log order. @default [] */
  readonly terms?: readonly string[];
  /** Draws step `step`'s batch (0-based) from `seeds`, outside the gradient tape; may be async. */
  drawBatch(step: number, seeds: SeedStream): Batch | Promise<Batch>;
  /** The loss on a batch (runs inside `tf.variableGrads`; the trainer tidies). */
  loss(batch: Batch): TaskLoss;
  /** Disposes a batch. @default `tf.dispose(batch)` */
  disposeBatch?(batch: Batch): void;
  /** Called after each update with the number of steps completed. */
  afterStep?(step: number): void;
  /** The task's own state to checkpoint (JSON: numbers, arrays, strings). */
  getState?(): Record<string, JsonValue>;
  /** Restores a state from {@link TrainingTask.getState} (on resume). */
  setState?(state: Record<string, JsonValue>): void;
  /** The run config stored in checkpoints when the trainer's options give none. */
  runConfig?(): object;
}
