/**
 * The trainer: fits the fields of an interpolant objective with one network, seeded batches, a
 * learning-rate schedule, gradient clipping, an EMA of the weights, logging and atomic checkpoints from
 * which a run resumes exactly.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { modelFields } from '../../models/mlp.js';
import type { Dataset } from '../data/types.js';
import { ArgumentError, checkNumber, checkOneOf, describeValue } from '../errors.js';
import type { Interpolant } from '../interpolants/types.js';
import { drawTrainingBatch } from '../objectives/training-batch.js';
import type { FieldName, Objective, TrainableField } from '../objectives/types.js';
import { SeedStream } from '../random.js';
import { clipByGlobalNorm } from './clip.js';
import { CheckpointError, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { ExponentialMovingAverage } from './ema.js';
import { makeOptimizer, OPTIMIZER_NAMES } from './optimizers.js';
import type { OptimizerName } from './optimizers.js';
import type { ScheduledOptimizer } from './optimizer-state.js';
import { learningRateSchedule, SCHEDULE_KINDS } from './schedules.js';
import type { LearningRateSchedule, ScheduleKind } from './schedules.js';

/** One log line: the mean losses over the steps since the previous log. */
export interface TrainingLogEntry {
  /** Steps completed. */
  step: number;
  /** Mean total loss over the window. */
  loss: number;
  /** Mean loss of each field over the window. */
  perField: Partial<Record<FieldName, number>>;
  /** Learning rate of the last step. */
  learningRate: number;
  /** Steps per second over the window. */
  stepsPerSecond: number;
}

/** Options of {@link Trainer}. */
export interface TrainerOptions {
  /** The interpolant (it decides x0's law and the targets). */
  interpolant: Interpolant;
  /** The objective; its `fields` are the model's heads, in order. */
  objective: Objective;
  /** One network whose output holds one head of width d per objective field (see `timeConditionedMlp`'s `heads`). */
  model: tfl.LayersModel;
  /** ρ1. */
  target: Dataset;
  /** ρ0 for two-sided interpolants: a dataset or `'gaussian'`. @default 'gaussian' */
  base?: Dataset | 'gaussian';
  /** Total training steps (the schedule decays to its final value here). */
  steps: number;
  /** Batch size. @default 512 */
  batchSize?: number;
  /** Seed of every batch (batch k uses a stream derived from (seed, k), so resumed runs see the same data). @default 0 */
  seed?: number;
  /** @default 'adam' */
  optimizer?: OptimizerName;
  /** Peak learning rate. @default 2e-3 */
  learningRate?: number;
  /** @default 'linear' (warm-up, then linear decay to 0) */
  schedule?: ScheduleKind;
  /** Linear warm-up steps. @default 0 */
  warmupSteps?: number;
  /** Clip the gradient's global norm to this value; 0 disables. @default 0 */
  clipNorm?: number;
  /** EMA decay of the weights; 0 disables. @default 0 */
  ema?: number;
  /** Log (and check the loss for NaN) every N steps. @default 100 */
  logEvery?: number;
  /** Called with every log entry. */
  onLog?: (entry: TrainingLogEntry) => void;
  /** Directory of the checkpoint (written atomically); none when absent. */
  checkpointDir?: string;
  /** Write the checkpoint every N steps (and at the end). @default 1000 */
  checkpointEvery?: number;
  /** Extra configuration stored in the checkpoint (how to rebuild the run: dataset, interpolant, …). */
  config?: Record<string, unknown>;
}

/** What {@link Trainer.train} returns. */
export interface TrainingResult {
  steps: number;
  /** Mean loss over the last log window. */
  finalLoss: number;
  /** Wall seconds per step over this call of `train`. */
  secondsPerStep: number;
  /** Every log entry of this call. */
  history: TrainingLogEntry[];
}

/** Training stopped because the loss became NaN or infinite. */
export class NonFiniteLossError extends Error {
  /** The first step whose loss was not finite (1-based). */
  readonly step: number;
  constructor(step: number, checkpoint: string | undefined) {
    super(
      `Trainer: the loss became non-finite at step ${step}; training stopped` +
        (checkpoint ? ` and the last good checkpoint (${checkpoint}) was kept` : ' (no checkpoint directory was set)') +
        '. Lower the learning rate, enable clipNorm, or raise tMin.',
    );
    this.name = 'NonFiniteLossError';
    this.step = step;
  }
}

function stepSeed(seed: number, step: number): number {
  // A stream per step: batches depend only on (seed, step), never on how the run was split.
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(step + 1, 0x85ebca77)) >>> 0;
}

/**
 * Trains the fields of an objective with one network.
 *
 * @example
 * ```ts
 * const interpolant = makeInterpolant('one-sided-linear');
 * const objective = quadraticObjective(interpolant, ['b']);
 * const model = timeConditionedMlp({ dim: 2, hidden: 128, layers: 3 });
 * const trainer = new Trainer({ interpolant, objective, model, target: getDataset('checkerboard'), steps: 2000 });
 * const { finalLoss } = await trainer.train();
 * const { b } = trainer.fields();   // velocity field for sampleOde
 * ```
 */
export class Trainer {
  readonly options: Readonly<Required<Pick<TrainerOptions, 'steps' | 'batchSize' | 'seed' | 'logEvery' | 'checkpointEvery'>>> & TrainerOptions;
  readonly model: tfl.LayersModel;
  readonly optimizer: ScheduledOptimizer;
  readonly ema?: ExponentialMovingAverage;
  private readonly schedule: LearningRateSchedule;
  private readonly clipNorm: number;
  private readonly nets: Record<FieldName, TrainableField>;
  private readonly variables: tf.Variable[];
  private readonly lossSums: tf.Variable;
  private readonly firstBad: tf.Variable;
  private windowSteps = 0;
  private lastLoss = Number.NaN;
  /** Steps completed so far (restored when resuming). */
  step = 0;

  constructor(options: TrainerOptions) {
    const fn = 'Trainer';
    if (typeof options !== 'object' || options === null) throw new ArgumentError(fn, 'options', 'an options object', describeValue(options));
    const { objective, model, target, interpolant } = options;
    if (typeof objective?.loss !== 'function') throw new ArgumentError(fn, 'options.objective', 'an Objective (see quadraticObjective)', describeValue(objective));
    if (typeof interpolant?.sample !== 'function') throw new ArgumentError(fn, 'options.interpolant', 'an Interpolant', describeValue(interpolant));
    if (typeof target?.sample !== 'function') throw new ArgumentError(fn, 'options.target', 'a Dataset', describeValue(target));
    if (typeof model?.apply !== 'function' || !Array.isArray(model.inputs)) throw new ArgumentError(fn, 'options.model', 'a tfjs-layers LayersModel', describeValue(model));
    const width = model.outputs[0]?.shape[1];
    const expectedWidth = objective.fields.length * target.dim;
    if (width !== expectedWidth) {
      throw new ArgumentError(fn, 'options.model', `a model with output width ${expectedWidth} (${objective.fields.length} head(s) × d = ${target.dim})`, `output width ${width}`);
    }
    const steps = checkNumber(fn, 'options.steps', options.steps, { min: 1, integer: true });
    const batchSize = checkNumber(fn, 'options.batchSize', options.batchSize ?? 512, { min: 1, integer: true });
    const seed = checkNumber(fn, 'options.seed', options.seed ?? 0, { integer: true });
    const logEvery = checkNumber(fn, 'options.logEvery', options.logEvery ?? 100, { min: 1, integer: true });
    const checkpointEvery = checkNumber(fn, 'options.checkpointEvery', options.checkpointEvery ?? 1000, { min: 1, integer: true });
    const learningRate = checkNumber(fn, 'options.learningRate', options.learningRate ?? 2e-3, { min: 0, exclusiveMin: true });
    const optimizerName = checkOneOf(fn, 'options.optimizer', options.optimizer ?? 'adam', OPTIMIZER_NAMES);
    const kind = checkOneOf(fn, 'options.schedule', options.schedule ?? 'linear', SCHEDULE_KINDS);
    this.clipNorm = checkNumber(fn, 'options.clipNorm', options.clipNorm ?? 0, { min: 0 });
    const emaDecay = checkNumber(fn, 'options.ema', options.ema ?? 0, { min: 0, max: 1 });
    this.options = { ...options, steps, batchSize, seed, logEvery, checkpointEvery };
    this.model = model;
    this.schedule = learningRateSchedule({ kind, peak: learningRate, warmupSteps: options.warmupSteps ?? 0, totalSteps: steps });
    this.optimizer = makeOptimizer(optimizerName, { learningRate });
    this.variables = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    this.ema = emaDecay > 0 ? new ExponentialMovingAverage(model, { decay: emaDecay }) : undefined;
    this.nets = modelFields(model, objective.fields as FieldName[], { shareForwardPass: true }) as Record<FieldName, TrainableField>;
    this.lossSums = tf.variable(tf.zeros([objective.fields.length + 1]), false);
    this.firstBad = tf.variable(tf.scalar(-1), false);
  }

  /**
   * Rebuilds a trainer from a checkpoint directory: model, optimiser state, EMA, step, and the trainer
   * options saved with it (override any with `overrides`, e.g. more `steps`). Continuing gives the same
   * losses as a run that was never interrupted.
   */
  static async resume(
    dir: string,
    make: (saved: { config: Record<string, unknown>; model: tfl.LayersModel }) => TrainerOptions | Promise<TrainerOptions>,
  ): Promise<Trainer> {
    const loaded = await loadCheckpoint(dir);
    try {
      const trainer = new Trainer(await make({ config: loaded.config, model: loaded.model }));
      if (loaded.optimizerWeights) await trainer.optimizer.setWeights(loaded.optimizerWeights);
      if (trainer.ema && loaded.emaWeights) trainer.ema.setWeights(loaded.emaWeights, loaded.ema?.numUpdates);
      trainer.step = loaded.step;
      return trainer;
    } catch (err) {
      loaded.model.dispose();
      throw err instanceof ArgumentError ? new CheckpointError('Trainer.resume', dir, `the checkpoint at ${dir} does not match the run: ${err.message}`) : err;
    } finally {
      tf.dispose((loaded.optimizerWeights ?? []).map((w) => w.tensor));
      tf.dispose((loaded.emaWeights ?? []).map((w) => w.tensor));
    }
  }

  /** The learned fields by name (EMA weights are used only inside {@link Trainer.withEmaWeights}). */
  fields(): Record<FieldName, TrainableField> {
    return modelFields(this.model, this.options.objective.fields as FieldName[]) as Record<FieldName, TrainableField>;
  }

  /** Runs `fn` with the EMA weights swapped in (plain weights when no EMA), restoring them after. */
  async withEmaWeights<T>(fn: () => Promise<T> | T): Promise<T> {
    if (!this.ema) return fn();
    this.ema.swapIn();
    try {
      return await fn();
    } finally {
      this.ema.swapOut();
    }
  }

  /** One optimisation step (synchronous, no read-back). */
  trainStep(): void {
    const { interpolant, objective, target, base, batchSize, seed } = this.options;
    const k = this.step;
    const lr = this.schedule(k);
    this.optimizer.setLearningRate(lr);
    tf.tidy(() => {
      const batch = drawTrainingBatch({ interpolant, target, base, size: batchSize, tMin: objective.tMin, seeds: new SeedStream(stepSeed(seed, k)) });
      let perField: tf.Tensor1D | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const out = objective.loss(this.nets, batch);
        // Kept past variableGrads' own scope (tf.keep outlives every tidy): disposed right after use below.
        perField = tf.keep(tf.stack(objective.fields.map((f) => out.perField[f]!)) as tf.Tensor1D);
        return out.total;
      }, this.variables);
      const applied = this.clipNorm > 0 ? clipByGlobalNorm(grads, this.clipNorm).grads : grads;
      this.optimizer.applyGradients(applied);
      const kept = perField as unknown as tf.Tensor1D;
      const losses = tf.concat([tf.reshape(value, [1]), kept]);
      kept.dispose();
      this.lossSums.assign(tf.add(this.lossSums, losses));
      const bad = tf.logicalAnd(tf.less(this.firstBad, 0), tf.logicalNot(tf.isFinite(value)));
      this.firstBad.assign(tf.where(bad, tf.scalar(k + 1), this.firstBad as tf.Scalar));
    });
    this.ema?.update();
    this.step = k + 1;
    this.windowSteps++;
  }

  /** Reads the window's losses (one read-back), resets the window, and stops on a non-finite loss. */
  private async flush(started: number, since: number): Promise<TrainingLogEntry> {
    const [sums, bad] = await Promise.all([this.lossSums.data(), this.firstBad.data()]);
    if ((bad[0] as number) >= 0) throw new NonFiniteLossError(bad[0] as number, this.options.checkpointDir);
    const n = Math.max(this.windowSteps, 1);
    const perField: Partial<Record<FieldName, number>> = {};
    this.options.objective.fields.forEach((f, i) => (perField[f] = (sums[i + 1] as number) / n));
    const entry: TrainingLogEntry = {
      step: this.step,
      loss: (sums[0] as number) / n,
      perField,
      learningRate: this.schedule(this.step - 1),
      stepsPerSecond: (this.step - since) / Math.max((performance.now() - started) / 1000, 1e-9),
    };
    tf.tidy(() => this.lossSums.assign(tf.zerosLike(this.lossSums)));
    this.windowSteps = 0;
    this.lastLoss = entry.loss;
    return entry;
  }

  /** Writes the checkpoint (atomically) if a directory was given. */
  async saveCheckpoint(): Promise<void> {
    const dir = this.options.checkpointDir;
    if (!dir) return;
    await saveCheckpoint(dir, {
      model: this.model,
      optimizer: this.optimizer,
      ema: this.ema,
      step: this.step,
      config: this.options.config ?? {},
      extra: { lastLoss: this.lastLoss },
    });
  }

  /**
   * Trains until `options.steps` (or `untilStep`), logging every `logEvery` steps and checkpointing every
   * `checkpointEvery` steps and at the end. A non-finite loss stops training with a
   * {@link NonFiniteLossError} before anything bad is checkpointed.
   */
  async train({ untilStep, signal }: { untilStep?: number; signal?: AbortSignal } = {}): Promise<TrainingResult> {
    const end = Math.min(untilStep ?? this.options.steps, this.options.steps);
    const { logEvery, checkpointEvery } = this.options;
    const history: TrainingLogEntry[] = [];
    const t0 = performance.now();
    const first = this.step;
    let windowStart = performance.now();
    let windowFrom = this.step;
    while (this.step < end) {
      if (signal?.aborted) break;
      this.trainStep();
      const logNow = this.step % logEvery === 0 || this.step === end;
      const checkpointNow = this.step % checkpointEvery === 0 || this.step === end;
      if (logNow || checkpointNow) {
        const entry = await this.flush(windowStart, windowFrom);
        if (logNow) {
          history.push(entry);
          this.options.onLog?.(entry);
        }
        windowStart = performance.now();
        windowFrom = this.step;
        if (checkpointNow) await this.saveCheckpoint();
      }
    }
    const done = this.step - first;
    return {
      steps: this.step,
      finalLoss: history.length ? history[history.length - 1]!.loss : this.lastLoss,
      secondsPerStep: done > 0 ? (performance.now() - t0) / 1000 / done : 0,
      history,
    };
  }

  /** Disposes the model, optimiser, EMA and the trainer's own tensors. */
  dispose(): void {
    this.optimizer.dispose();
    this.ema?.dispose();
    this.lossSums.dispose();
    this.firstBad.dispose();
    this.model.dispose();
  }
}
