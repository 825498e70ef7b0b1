/**
 * The one trainer: fits any {@link TrainingTask} (networks and free variables) with seeded batches, an
 * optimiser, a learning-rate schedule with warm-up, gradient clipping, an EMA of the weights, logging with
 * per-term losses, a loss history file and atomic checkpoints from which a run resumes exactly.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset } from '../data/types.js';
import { ArgumentError, checkNumber, checkOneOf, describeValue } from '../errors.js';
import type { WasmBackendLike } from '../kernels/wasm-common.js';
import { directWasmKernels } from '../kernels/wasm-direct.js';
import type { Interpolant } from '../interpolants/types.js';
import type { FieldName, Objective, TrainableField } from '../objectives/types.js';
import { SeedStream } from '../random.js';
import { engineState } from '../tape-node.js';
import { clipByGlobalNorm } from './clip.js';
import { CheckpointError, cleanRunFolder, loadCheckpoint, readCheckpointManifest, writeCheckpoint } from './checkpoint.js';
import type { CheckpointManifest, LoadedCheckpoint } from './checkpoint.js';
import { MANIFEST_FILE } from './checkpoint-format.js';
import { ExponentialMovingAverage } from './ema.js';
import { appendLossHistory, LOSS_HISTORY_FILE, truncateLossHistory } from './loss-history.js';
import { makeOptimizer, OPTIMIZER_NAMES } from './optimizers.js';
import type { OptimizerName } from './optimizers.js';
import type { ScheduledOptimizer } from './optimizer-state.js';
import { learningRateSchedule, SCHEDULE_KINDS } from './schedules.js';
import type { LearningRateSchedule, ScheduleKind } from './schedules.js';
import type { TrainingTask } from './task.js';
import { makeInterpolantTask } from './tasks/interpolant.js';
import type { InterpolantTask } from './tasks/interpolant.js';

/** One log line: the mean losses over the steps since the previous log. */
export interface TrainingLogEntry {
  /** Steps completed. */
  step: number;
  /** Mean total loss over the window. */
  loss: number;
  /** Mean of each named loss term over the window (the task's `terms`). */
  terms: Record<string, number>;
  /** The same as `terms`, keyed by field for the interpolant task (kept for earlier code). */
  perField: Partial<Record<FieldName, number>>;
  /** Learning rate of the last step. */
  learningRate: number;
  /** Steps per second over the window. */
  stepsPerSecond: number;
  /** Wall seconds spent training this run so far (summed over resumed sessions). */
  seconds: number;
}

/** Options of {@link Trainer} shared by every task: how to optimise, log and checkpoint. */
export interface TrainerSettings {
  /** Total training steps: the schedule is defined over steps 0 … steps − 1 and decays to its final value here. */
  steps: number;
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
  /** EMA decay of the weights (and free variables); 0 disables. @default 0 */
  ema?: number;
  /** Log (and check the loss for NaN) every N steps. @default 100 */
  logEvery?: number;
  /** Called with every log entry. */
  onLog?: (entry: TrainingLogEntry) => void;
  /** Called after every step with the steps done and the total (for progress bars; no read-back). */
  onProgress?: (step: number, steps: number) => void;
  /**
   * The run folder: checkpoints (written atomically; other files in it are never touched) and the loss
   * history `history.jsonl`. None when absent.
   */
  checkpointDir?: string;
  /** Write the checkpoint every N steps (and at the end). @default 1000 */
  checkpointEvery?: number;
  /**
   * The run config stored in the checkpoint (how to rebuild the run). @default the task's `runConfig()`
   * (for the interpolant task `{ task: 'interpolant', dataset, interpolant, fields, … }`), which
   * `loadTrainedModel` reads
   */
  config?: Record<string, unknown>;
  /**
   * Start a fresh run in a `checkpointDir` that already holds one (its checkpoint and loss history are
   * replaced; other files stay). Without it the constructor refuses, saying to resume or overwrite.
   * @default false
   */
  overwrite?: boolean;
}

/** Options of a {@link Trainer} of any task. */
export interface TaskTrainerOptions extends TrainerSettings {
  /** What to train. */
  task: TrainingTask<unknown>;
}

/** Options of {@link Trainer} for the interpolant task (the original form; see {@link interpolantTask}). */
export interface TrainerOptions extends TrainerSettings {
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
  /** Batch size. @default 512 */
  batchSize?: number;
}

/** The trainer's settings after defaults, as stored in checkpoints (`manifest.trainer`). */
export interface ResolvedTrainerSettings {
  steps: number;
  seed: number;
  optimizer: OptimizerName;
  learningRate: number;
  schedule: ScheduleKind;
  warmupSteps: number;
  clipNorm: number;
  ema: number;
  logEvery: number;
  checkpointEvery: number;
  /** The interpolant task's batch size (absent for other tasks). */
  batchSize?: number;
}

/** What may change when a run continues: see {@link Trainer.setTraining}. */
export interface TrainingChanges {
  /** New total steps (> the steps done). */
  steps?: number;
  /** New peak learning rate. */
  learningRate?: number;
  /** New schedule shape. */
  schedule?: ScheduleKind;
  /** New warm-up length. */
  warmupSteps?: number;
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
  /** True when `signal` stopped training early (a checkpoint of the last step was written, if a folder was given). */
  interrupted: boolean;
}

/** What `Trainer.resume`'s callback receives: the saved run. */
export interface SavedRun {
  /** The run config stored in the checkpoint. */
  config: Record<string, unknown>;
  /** The module `model` (or the first module): for one-network runs. */
  model: tfl.LayersModel;
  /** Every saved network by name. Pass them to your task, or build fresh ones (the saved weights are copied in). */
  modules: Record<string, tfl.LayersModel>;
  /** Steps done. */
  step: number;
  /** The trainer settings saved with the run (null for runs of earlier versions). */
  settings: ResolvedTrainerSettings | null;
  /** The task that wrote it (null for runs of earlier versions). */
  task: string | null;
}

/** Training stopped because the loss became NaN or infinite. */
export class NonFiniteLossError extends Error {
  /** The first step whose loss was not finite (1-based). */
  readonly step: number;
  /** The step of the last good checkpoint kept on disk, or null when none was written. */
  readonly checkpointStep: number | null;
  /** The run folder, if any. */
  readonly checkpointDir: string | undefined;
  constructor(step: number, checkpointDir: string | undefined, checkpointStep: number | null) {
    super(
      `Trainer: the loss became non-finite at step ${step}; training stopped` +
        (checkpointDir === undefined
          ? ' (no checkpoint directory was set)'
          : checkpointStep === null
            ? ` before any checkpoint was written in ${checkpointDir}`
            : ` and the last good checkpoint (step ${checkpointStep}) in ${checkpointDir} was kept`) +
        '. Lower the learning rate, or clip the gradient norm.',
    );
    this.name = 'NonFiniteLossError';
    this.step = step;
    this.checkpointStep = checkpointStep;
    this.checkpointDir = checkpointDir;
  }
}

/** Resolves after pending I/O and timer events have run (setImmediate in Node, setTimeout elsewhere). */
function nextMacrotask(): Promise<void> {
  const immediate = (globalThis as { setImmediate?: (fn: () => void) => unknown }).setImmediate;
  return new Promise((resolve) => (immediate ? immediate(resolve) : setTimeout(resolve, 0)));
}

function stepSeed(seed: number, step: number): number {
  // A stream per step: batches depend only on (seed, step), never on how the run was split.
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(step + 1, 0x85ebca77)) >>> 0;
}

function isTaskOptions(options: TrainerOptions | TaskTrainerOptions): options is TaskTrainerOptions {
  return typeof options === 'object' && options !== null && 'task' in options;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown })?.then === 'function';
}

const RESUMING = Symbol('resuming');

/**
 * Trains any {@link TrainingTask} — or, in the original form, the fields of an interpolant objective with
 * one network (`new Trainer({ interpolant, objective, model, target, … })` is `interpolantTask` underneath).
 *
 * The variables trained are every trainable weight of the task's modules (in key order) then its free
 * variables (key order); the optimiser's state and the EMA follow that order. Step k draws its batch from a
 * seed stream derived from (seed, k) and uses the learning rate `schedule(k)` of a schedule defined over
 * `steps` (see {@link Trainer.setTraining} for extending a run). With a `checkpointDir` the trainer writes a
 * checkpoint every `checkpointEvery` steps and at the end, appends each log entry to `history.jsonl`, and
 * refuses to start a fresh run over an existing one unless `overwrite: true`.
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
  /** The options given, with defaults filled in (`onLog` may be replaced; `batchSize` is 0 for tasks other than the interpolant form). */
  readonly options: Readonly<Required<Pick<TrainerOptions, 'steps' | 'batchSize' | 'seed' | 'logEvery' | 'checkpointEvery'>>> & Partial<TrainerOptions> & TrainerSettings;
  /** The task trained. */
  readonly task: TrainingTask<unknown>;
  /** The module `model` of the task (or its first module; undefined for a task without networks). */
  readonly model: tfl.LayersModel;
  readonly optimizer: ScheduledOptimizer;
  readonly ema?: ExponentialMovingAverage;
  /** The run config saved in the checkpoint this trainer resumed from (null for a fresh run). */
  savedConfig: Record<string, unknown> | null = null;
  /** The trainer settings saved in the checkpoint this trainer resumed from (null for a fresh run or a run of an earlier version). */
  savedSettings: ResolvedTrainerSettings | null = null;
  private resolved: ResolvedTrainerSettings;
  private schedule: LearningRateSchedule;
  private readonly clipNorm: number;
  private readonly variables: tf.Variable[];
  private readonly termNames: readonly string[];
  /**
   * The window's sums `[Σ loss, Σ term_1, …, Σ term_n, Σ (loss − loss)]`: the last slot is 0 while every
   * loss of the window was finite and NaN from the first non-finite one on (NaN and ±∞ stay non-finite
   * under float32 addition, and a sum of zeros cannot overflow).
   */
  private readonly lossSums: tf.Variable;
  /** Per slot of {@link lossSums}, the last (1-based) step after which that running sum was finite. */
  private readonly lastFinite: tf.Variable;
  private windowSteps = 0;
  private lastLoss = Number.NaN;
  private seconds = 0;
  private checkpointStep: number | null = null;
  /** The variables that got a gradient at this Trainer's first step, in order (see {@link gradientSetError}). */
  private gradientNames: string[] | null = null;
  private folderReady = false;
  /** Steps completed so far (restored when resuming). */
  step = 0;

  /**
   * @param options - a task and settings ({@link TaskTrainerOptions}), or the interpolant form ({@link TrainerOptions})
   */
  constructor(options: TrainerOptions | TaskTrainerOptions, internal?: symbol) {
    const fn = 'Trainer';
    if (typeof options !== 'object' || options === null) throw new ArgumentError(fn, 'options', 'an options object', describeValue(options));
    let task: TrainingTask<unknown>;
    let batchSize: number | undefined;
    if (isTaskOptions(options)) {
      task = options.task as TrainingTask<unknown>;
      if (task === null || typeof task !== 'object' || typeof task.drawBatch !== 'function' || typeof task.loss !== 'function' || typeof task.modules !== 'object' || task.modules === null) {
        throw new ArgumentError(fn, 'options.task', 'a TrainingTask { name, modules, drawBatch, loss, … }', describeValue(task));
      }
    } else {
      const it: InterpolantTask = makeInterpolantTask(options, fn);
      task = it as unknown as TrainingTask<unknown>;
      batchSize = it.batchSize;
    }
    const steps = checkNumber(fn, 'options.steps', options.steps, { min: 1, integer: true });
    const seed = checkNumber(fn, 'options.seed', options.seed ?? 0, { integer: true });
    const logEvery = checkNumber(fn, 'options.logEvery', options.logEvery ?? 100, { min: 1, integer: true });
    const checkpointEvery = checkNumber(fn, 'options.checkpointEvery', options.checkpointEvery ?? 1000, { min: 1, integer: true });
    const learningRate = checkNumber(fn, 'options.learningRate', options.learningRate ?? 2e-3, { min: 0, exclusiveMin: true });
    const optimizerName = checkOneOf(fn, 'options.optimizer', options.optimizer ?? 'adam', OPTIMIZER_NAMES);
    const kind = checkOneOf(fn, 'options.schedule', options.schedule ?? 'linear', SCHEDULE_KINDS);
    const warmupSteps = checkNumber(fn, 'options.warmupSteps', options.warmupSteps ?? 0, { min: 0, integer: true });
    this.clipNorm = checkNumber(fn, 'options.clipNorm', options.clipNorm ?? 0, { min: 0 });
    const emaDecay = checkNumber(fn, 'options.ema', options.ema ?? 0, { min: 0, max: 1 });
    if (options.checkpointDir !== undefined && (typeof options.checkpointDir !== 'string' || options.checkpointDir === '')) {
      throw new ArgumentError(fn, 'options.checkpointDir', 'a non-empty path', describeValue(options.checkpointDir));
    }
    if (options.config !== undefined && (options.config === null || typeof options.config !== 'object' || Array.isArray(options.config))) {
      throw new ArgumentError(fn, 'options.config', 'a JSON-serialisable plain object', describeValue(options.config));
    }
    if (options.checkpointDir !== undefined && existsSync(options.checkpointDir) && !statSync(options.checkpointDir).isDirectory()) {
      throw new ArgumentError(fn, 'options.checkpointDir', 'a folder (or a path that does not exist yet)', `'${options.checkpointDir}', which is a file`);
    }
    if (options.checkpointDir !== undefined && internal !== RESUMING && options.overwrite !== true) {
      const manifestPath = path.join(options.checkpointDir, MANIFEST_FILE);
      if (existsSync(manifestPath)) {
        let at = '';
        try {
          const step = (JSON.parse(readFileSync(manifestPath, 'utf8')) as { step?: unknown }).step;
          if (typeof step === 'number') at = ` at step ${step}`;
        } catch {
          // An unreadable manifest still marks the folder as taken.
        }
        throw new ArgumentError(
          fn,
          'options.checkpointDir',
          'a folder without a run: resume the run there with Trainer.resume, or pass overwrite: true to replace it',
          `'${options.checkpointDir}', which holds a run${at}`,
        );
      }
    }
    this.task = task;
    this.resolved = { steps, seed, optimizer: optimizerName, learningRate, schedule: kind, warmupSteps, clipNorm: this.clipNorm, ema: emaDecay, logEvery, checkpointEvery, ...(batchSize !== undefined ? { batchSize } : {}) };
    this.options = { ...(options as TrainerOptions), steps, batchSize: batchSize ?? 0, seed, logEvery, checkpointEvery };
    const modules = Object.values(task.modules);
    this.model = (task.modules.model ?? modules[0]) as tfl.LayersModel;
    const free = Object.entries(task.variables ?? {});
    for (const [name, v] of free) {
      if (!(v instanceof tf.Variable) || !v.trainable) throw new ArgumentError(fn, `options.task.variables.${name}`, 'a trainable tf.Variable', describeValue(v));
    }
    this.variables = [...modules.flatMap((m) => m.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val)), ...free.map(([, v]) => v)];
    if (this.variables.length === 0) throw new ArgumentError(fn, 'options.task', 'a task with at least one trainable variable (modules or variables)', 'none');
    this.termNames = [...(task.terms ?? [])];
    this.schedule = learningRateSchedule({ kind, peak: learningRate, warmupSteps, totalSteps: steps });
    this.optimizer = makeOptimizer(optimizerName, { learningRate });
    this.ema = emaDecay > 0 ? new ExponentialMovingAverage(this.variables, { decay: emaDecay }) : undefined;
    // Inside tidy: tf.variable keeps its own handle on the initial value, so the initial tensors must go.
    this.lossSums = tf.tidy(() => tf.variable(tf.zeros([this.termNames.length + 2]), false));
    this.lastFinite = tf.tidy(() => tf.variable(tf.fill([this.termNames.length + 2], -1), false));
  }

  /** The settings in force (after defaults and any {@link Trainer.setTraining}); stored in checkpoints. */
  get settings(): Readonly<ResolvedTrainerSettings> {
    return { ...this.resolved };
  }

  /**
   * The settings and run config saved in a run folder (no tensors are loaded): what a caller compares with
   * new settings before resuming.
   *
   * @throws {CheckpointError} when `dir` holds no readable checkpoint
   * @example
   * ```ts
   * const saved = await Trainer.savedRun('runs/checker');   // { step: 2000, config: {…}, settings: { steps: 2000, … } }
   * ```
   */
  static async savedRun(dir: string): Promise<{ step: number; config: Record<string, unknown>; settings: ResolvedTrainerSettings | null; task: string | null; manifest: CheckpointManifest }> {
    const { manifest } = await readCheckpointManifest(dir);
    return { step: manifest.step, config: manifest.config, settings: manifest.trainer as ResolvedTrainerSettings | null, task: manifest.task, manifest };
  }

  /**
   * Rebuilds a trainer from a run folder: its networks, free variables, optimiser state, EMA, task state,
   * step and elapsed time. `make` receives the saved run ({@link SavedRun}) and returns the trainer options
   * (a task built on `saved.modules`, or on fresh networks into which the saved weights are copied; or the
   * interpolant form with `model: saved.model`). Continuing gives the same losses as a run that was never
   * interrupted, when the settings are the same; change `steps`, `learningRate` or `schedule` by returning
   * new ones or with {@link Trainer.setTraining}.
   *
   * @throws {CheckpointError} when the folder holds no checkpoint, or one that does not match the options
   * @example
   * ```ts
   * const trainer = await Trainer.resume('runs/mu', () => ({ task: gaussianMeanTask(), steps: 1000, checkpointDir: 'runs/mu' }));
   * ```
   */
  static async resume(dir: string, make: (saved: SavedRun) => TrainerOptions | TaskTrainerOptions | Promise<TrainerOptions | TaskTrainerOptions>): Promise<Trainer> {
    const loaded = await loadCheckpoint(dir);
    let trainer: Trainer | undefined;
    try {
      const options = await make({
        config: loaded.config,
        model: loaded.model,
        modules: loaded.modules,
        step: loaded.step,
        settings: loaded.trainer as ResolvedTrainerSettings | null,
        task: loaded.task,
      });
      trainer = new Trainer(options, RESUMING);
      await trainer.restore(dir, loaded);
      return trainer;
    } catch (err) {
      const used = new Set(trainer ? Object.values(trainer.task.modules) : []);
      trainer?.disposeOwn();
      for (const m of Object.values(loaded.modules)) if (!used.has(m)) m.dispose();
      if (trainer) for (const m of used) m.dispose();
      throw err instanceof ArgumentError ? new CheckpointError('Trainer.resume', dir, `the checkpoint at ${dir} does not match the run: ${err.message}`) : err;
    } finally {
      loaded.dispose();
    }
  }

  private async restore(dir: string, loaded: LoadedCheckpoint): Promise<void> {
    const fn = 'Trainer.resume';
    const task = this.task;
    // Networks: the task's own, or fresh ones that get the saved weights.
    const savedNames = Object.keys(loaded.modules).sort();
    const taskNames = Object.keys(task.modules).sort();
    if (savedNames.join() !== taskNames.join()) {
      throw new ArgumentError(fn, 'task.modules', `modules named ${savedNames.join(', ') || '(none)'} (the saved run's)`, `${taskNames.join(', ') || '(none)'}`);
    }
    for (const name of taskNames) {
      const saved = loaded.modules[name]!;
      const mine = task.modules[name]!;
      if (saved === mine) continue;
      const from = saved.getWeights();
      const to = mine.getWeights();
      if (from.length !== to.length || from.some((w, i) => w.shape.join() !== to[i]!.shape.join())) {
        throw new ArgumentError(fn, `task.modules.${name}`, 'a network of the saved architecture', 'one whose weights differ in number or shape');
      }
      mine.setWeights(from);
      saved.dispose();
    }
    const free = task.variables ?? {};
    const savedVars = Object.keys(loaded.variables).sort();
    if (savedVars.join() !== Object.keys(free).sort().join()) {
      throw new ArgumentError(fn, 'task.variables', `variables named ${savedVars.join(', ') || '(none)'} (the saved run's)`, Object.keys(free).join(', ') || '(none)');
    }
    for (const [name, v] of Object.entries(free)) {
      const value = loaded.variables[name]!;
      if (value.shape.join() !== v.shape.join()) throw new ArgumentError(fn, `task.variables.${name}`, `shape [${value.shape.join(', ')}]`, `[${v.shape.join(', ')}]`);
      v.assign(value);
    }
    if (loaded.optimizerWeights) await this.optimizer.setWeights(loaded.optimizerWeights);
    if (this.ema && loaded.emaWeights) this.ema.setWeights(loaded.emaWeights, loaded.ema?.numUpdates);
    if (loaded.taskState !== null) {
      if (typeof task.setState !== 'function') throw new ArgumentError(fn, 'task.setState', 'a function (the saved run has task state)', 'none');
      task.setState(loaded.taskState);
    }
    this.step = loaded.step;
    this.checkpointStep = loaded.step;
    this.seconds = typeof loaded.extra?.seconds === 'number' ? loaded.extra.seconds : 0;
    this.lastLoss = typeof loaded.extra?.lastLoss === 'number' ? loaded.extra.lastLoss : Number.NaN;
    this.savedConfig = loaded.config;
    this.savedSettings = loaded.trainer as ResolvedTrainerSettings | null;
    if (this.options.checkpointDir !== undefined && path.resolve(this.options.checkpointDir) !== path.resolve(dir)) {
      // Continuing into another folder is a fresh folder for the refusal rule: say so rather than overwrite.
      const other = path.join(this.options.checkpointDir, MANIFEST_FILE);
      if (existsSync(other) && this.options.overwrite !== true) {
        throw new ArgumentError(fn, 'options.checkpointDir', `'${dir}' (the folder resumed from), a folder without a run, or overwrite: true`, `'${this.options.checkpointDir}', which holds another run`);
      }
    }
  }

  /**
   * Changes the length, peak learning rate, schedule or warm-up of the run, typically right after
   * {@link Trainer.resume}. The rule for extending a run: **the schedule is defined over the new total** —
   * step k uses `schedule(k)` of the schedule with `totalSteps = steps` — so a linear decay extended from
   * 2000 to 4000 steps continues at step 2000 with half the peak rate and reaches 0 at step 4000, as if
   * the run had been planned for 4000 steps from the start (the first 2000 steps, already done, followed
   * the old schedule). The new `steps` must exceed the steps done.
   *
   * @example
   * ```ts
   * const trainer = await Trainer.resume('runs/checker', make);
   * trainer.setTraining({ steps: 4000, learningRate: 1e-3 });
   * await trainer.train();
   * ```
   */
  setTraining(changes: TrainingChanges): void {
    const fn = 'Trainer.setTraining';
    if (changes === null || typeof changes !== 'object') throw new ArgumentError(fn, 'changes', 'an object { steps?, learningRate?, schedule?, warmupSteps? }', describeValue(changes));
    const steps = changes.steps !== undefined ? checkNumber(fn, 'changes.steps', changes.steps, { min: 1, integer: true }) : this.resolved.steps;
    if (changes.steps !== undefined && steps <= this.step) {
      throw new ArgumentError(fn, 'changes.steps', `more than the ${this.step} steps already done`, String(steps));
    }
    const learningRate = changes.learningRate !== undefined ? checkNumber(fn, 'changes.learningRate', changes.learningRate, { min: 0, exclusiveMin: true }) : this.resolved.learningRate;
    const schedule = changes.schedule !== undefined ? checkOneOf(fn, 'changes.schedule', changes.schedule, SCHEDULE_KINDS) : this.resolved.schedule;
    const warmupSteps = changes.warmupSteps !== undefined ? checkNumber(fn, 'changes.warmupSteps', changes.warmupSteps, { min: 0, integer: true }) : this.resolved.warmupSteps;
    this.schedule = learningRateSchedule({ kind: schedule, peak: learningRate, warmupSteps, totalSteps: steps });
    this.resolved = { ...this.resolved, steps, learningRate, schedule, warmupSteps };
    (this.options as { steps: number }).steps = steps;
    (this.options as TrainerSettings).learningRate = learningRate;
    (this.options as TrainerSettings).schedule = schedule;
    (this.options as TrainerSettings).warmupSteps = warmupSteps;
  }

  /** The learning rate step `step` (0-based) uses. */
  learningRateAt(step: number): number {
    return this.schedule(step);
  }

  /** The learned fields by name (interpolant task only; EMA weights are used only inside {@link Trainer.withEmaWeights}). */
  fields(): Record<FieldName, TrainableField> {
    const fields = (this.task as Partial<InterpolantTask>).fields;
    if (typeof fields !== 'function') throw new ArgumentError('Trainer.fields', 'this', 'a trainer of the interpolant task', `a trainer of task '${this.task.name}'`);
    return fields.call(this.task);
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

  /**
   * One optimisation step: draws the batch, applies the gradients, updates the EMA (no read-back).
   * Synchronous when the task's `drawBatch` is; returns a promise when it is async.
   */
  trainStep(): void | Promise<void> {
    const k = this.step;
    this.optimizer.setLearningRate(this.schedule(k));
    const batch = this.task.drawBatch(k, new SeedStream(stepSeed(this.resolved.seed, k)));
    if (isPromise(batch)) return batch.then((b) => this.applyStep(k, b));
    this.applyStep(k, batch);
  }

  /**
   * Refuses a step whose loss gives gradients for a different set of variables than the first step did.
   * tfjs's Adam-family optimisers (and the fused step) keep their moments in a list indexed by the
   * gradient's position, so a variable whose gradient is missing on some steps would silently shift every
   * later variable onto another's moments. A variable that never gets a gradient is harmless (it is never
   * in the list). Returns the error to throw, or null.
   */
  private gradientSetError(k: number, names: string[]): ArgumentError | null {
    if (this.gradientNames === null) {
      this.gradientNames = names;
      return null;
    }
    const first = this.gradientNames;
    if (names.length === first.length && names.every((n, i) => n === first[i])) return null;
    const missing = first.filter((n) => !names.includes(n));
    const extra = names.filter((n) => !first.includes(n));
    const parts = [
      ...(missing.length > 0 ? [`no gradient for ${missing.join(', ')} (it had one at the first step)`] : []),
      ...(extra.length > 0 ? [`a gradient for ${extra.join(', ')} (it had none at the first step)`] : []),
      ...(missing.length === 0 && extra.length === 0 ? ['its gradients in another order'] : []),
    ];
    return new ArgumentError(
      `${this.task.name}.loss`,
      'loss',
      `a function that gives gradients for the same variables at every step (the optimiser keys its moments by position): make the loss depend on every trained variable at every step (adding 0·sum(v) is enough) or leave the variable out of the task's variables`,
      `at step ${k}, ${parts.join(' and ')}`,
    );
  }

  private applyStep(k: number, batch: unknown): void {
    const task = this.task;
    // The terms, kept past variableGrads' own scope (tf.keep outlives every tidy) so that they are stacked
    // off the gradient tape; disposed in the finally below.
    const terms: tf.Tensor[] = [];
    try {
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const out = task.loss(batch);
          for (const n of this.termNames) {
            const term = out.terms?.[n];
            if (!(term instanceof tf.Tensor)) throw new ArgumentError(`${task.name}.loss`, 'terms', `a scalar for each of ${this.termNames.join(', ')}`, `none for '${n}'`);
            terms.push(tf.keep(term));
          }
          return out.total;
        }, this.variables);
        const mismatch = this.gradientSetError(k, Object.keys(grads));
        if (mismatch !== null) throw mismatch;
        const applied = this.clipNorm > 0 ? clipByGlobalNorm(grads, this.clipNorm).grads : grads;
        this.optimizer.applyGradients(applied);
        this.accumulateLosses(k, value, terms);
      });
    } finally {
      tf.dispose(terms);
      if (task.disposeBatch) task.disposeBatch(batch);
      else tf.dispose(batch as tf.TensorContainer);
    }
    task.afterStep?.(k + 1);
    this.ema?.update();
    this.step = k + 1;
    this.windowSteps++;
  }

  /**
   * Adds step k's loss and terms to the window's sums and records whether the sums are still finite, in six
   * kernels and no read-back (call inside a tidy): `sums += [loss, …terms, loss − loss]` (the same float32
   * additions, slot by slot, as summing each loss alone), then `lastFinite = isFinite(sums) ? k + 1 :
   * lastFinite`. The last slot turns NaN at the first non-finite loss and stays NaN, so its `lastFinite`
   * stops at the step before that one ({@link flush} reports it). `Select` is run directly: `tf.where`
   * would first copy its three same-shape operands through `broadcastTo`.
   */
  private accumulateLosses(k: number, value: tf.Scalar, terms: readonly tf.Tensor[]): void {
    if (this.accumulateLossesOnHeap(k, value, terms)) return;
    const sums = tf.add(this.lossSums, tf.stack([value, ...terms, tf.sub(value, value)]));
    this.lossSums.assign(sums);
    const inputs = { condition: tf.isFinite(sums), t: tf.fill(sums.shape, k + 1), e: this.lastFinite };
    this.lastFinite.assign(tf.engine().runKernel(tf.Select, inputs) as tf.Tensor);
  }

  /**
   * {@link accumulateLosses} on the wasm backend without the engine: the same float32 sums and the same
   * `lastFinite`, computed by JavaScript on the backend's memory (each float32 sum is the float64 sum of two
   * float32 numbers rounded to float32, which is the float32 addition bit for bit), written in place into
   * the trainer's own two variables (private: no other tensor shares their data). No kernel, no tensor and
   * no read-back across devices (wasm kernels finish before they return). Returns false, doing nothing,
   * off wasm, with direct kernel calls switched off (`setDirectWasmKernels`), or for a tensor that is not a
   * float32 scalar held by the wasm backend; the kernels then run.
   */
  private accumulateLossesOnHeap(k: number, value: tf.Scalar, terms: readonly tf.Tensor[]): boolean {
    if (!directWasmKernels()) return false;
    const backend = tf.backend() as unknown as WasmBackendLike;
    const info = engineState().tensorInfo;
    const held = (x: tf.Tensor) => x.dtype === 'float32' && info.get(x.dataId)?.backend === (backend as unknown);
    if (!held(this.lossSums) || !held(this.lastFinite)) return false;
    for (const x of [value, ...terms]) if (x.size !== 1 || !held(x)) return false;
    const read = (x: tf.Tensor) => (backend.typedArrayFromHeap(x) as Float32Array)[0]!;
    const loss = read(value);
    const sums = backend.typedArrayFromHeap(this.lossSums) as Float32Array;
    const last = backend.typedArrayFromHeap(this.lastFinite) as Float32Array;
    const n = sums.length;
    for (let i = 0; i < n; i++) {
      const x = i === 0 ? loss : i === n - 1 ? loss - loss : read(terms[i - 1]!);
      sums[i] += x; // a Float32Array store rounds the float64 sum to float32
      if (Number.isFinite(sums[i])) last[i] = k + 1;
    }
    return true;
  }

  /** Reads the window's losses (one read-back), resets the window, and stops on a non-finite loss. */
  private async flush(started: number, since: number): Promise<TrainingLogEntry> {
    const [sums, lastFinite] = await Promise.all([this.lossSums.data(), this.lastFinite.data()]);
    const flag = this.termNames.length + 1;
    if (!Number.isFinite(sums[flag])) {
      // The window began after step `this.step − windowSteps`; an older lastFinite means its first step was bad.
      const firstBad = Math.max(lastFinite[flag] as number, this.step - this.windowSteps) + 1;
      throw new NonFiniteLossError(firstBad, this.options.checkpointDir, this.checkpointStep);
    }
    const n = Math.max(this.windowSteps, 1);
    const terms: Record<string, number> = {};
    this.termNames.forEach((f, i) => (terms[f] = (sums[i + 1] as number) / n));
    const now = performance.now();
    const entry: TrainingLogEntry = {
      step: this.step,
      loss: (sums[0] as number) / n,
      terms,
      perField: terms as Partial<Record<FieldName, number>>,
      learningRate: this.schedule(this.step - 1),
      stepsPerSecond: (this.step - since) / Math.max((now - started) / 1000, 1e-9),
      seconds: this.seconds,
    };
    tf.tidy(() => this.lossSums.assign(tf.zerosLike(this.lossSums)));
    this.windowSteps = 0;
    this.lastLoss = entry.loss;
    return entry;
  }

  /** The run config stored in checkpoints: the options' `config`, else the task's `runConfig()`, else `{ task: name }`. */
  runConfig(): Record<string, unknown> {
    const own = this.options.config ?? (this.task.runConfig?.() as Record<string, unknown> | undefined) ?? { task: this.task.name };
    if (this.options.config !== undefined) return own;
    return { ...own, training: { ...this.resolved } };
  }

  /** Writes the checkpoint (atomically) if a directory was given. */
  async saveCheckpoint(): Promise<void> {
    const dir = this.options.checkpointDir;
    if (!dir) return;
    await this.prepareFolder();
    await writeCheckpoint(dir, {
      modules: { ...this.task.modules },
      variables: { ...(this.task.variables ?? {}) },
      optimizer: this.optimizer,
      ema: this.ema,
      ...(this.task.getState ? { taskState: this.task.getState() } : {}),
      task: this.task.name,
      trainer: { ...this.resolved },
      step: this.step,
      config: this.runConfig(),
      extra: { lastLoss: Number.isFinite(this.lastLoss) ? this.lastLoss : null, seconds: this.seconds },
    });
    this.checkpointStep = this.step;
  }

  /** Once per trainer: clean what a killed writer left, and cut the loss history back to the steps done. */
  private async prepareFolder(): Promise<void> {
    const dir = this.options.checkpointDir;
    if (!dir || this.folderReady) return;
    this.folderReady = true;
    if (existsSync(dir)) await cleanRunFolder(dir);
    await truncateLossHistory(path.join(dir, LOSS_HISTORY_FILE), this.step);
  }

  /**
   * Trains until `options.steps` (or `untilStep`), logging every `logEvery` steps (to `onLog` and the run
   * folder's `history.jsonl`) and checkpointing every `checkpointEvery` steps and at the end. A non-finite
   * loss stops training with a {@link NonFiniteLossError} before anything bad is checkpointed. When `signal`
   * aborts, the step in progress finishes, a checkpoint of it is written (with a run folder) and the result
   * says `interrupted: true`.
   *
   * @throws {ArgumentError} when the run is already at (or past) the end: raise `steps` with {@link Trainer.setTraining}
   */
  async train({ untilStep, signal }: { untilStep?: number; signal?: AbortSignal } = {}): Promise<TrainingResult> {
    const total = this.resolved.steps;
    if (untilStep !== undefined) checkNumber('Trainer.train', 'untilStep', untilStep, { min: 1, integer: true });
    const end = Math.min(untilStep ?? total, total);
    if (this.step >= end) {
      throw new ArgumentError(
        'Trainer.train',
        untilStep !== undefined && untilStep < total ? 'untilStep' : 'options.steps',
        `more than the ${this.step} steps already done (extend the run with trainer.setTraining({ steps }))`,
        String(untilStep !== undefined && untilStep < total ? untilStep : total),
      );
    }
    const { logEvery, checkpointEvery } = this.resolved;
    const dir = this.options.checkpointDir;
    if (dir) await this.prepareFolder();
    const history: TrainingLogEntry[] = [];
    const t0 = performance.now();
    const first = this.step;
    let windowStart = performance.now();
    let windowFrom = this.step;
    let interrupted = false;
    let tick = performance.now();
    const clock = () => {
      const now = performance.now();
      this.seconds += (now - tick) / 1000;
      tick = now;
    };
    while (this.step < end) {
      if (signal?.aborted) {
        interrupted = true;
        break;
      }
      const pending = this.trainStep();
      if (pending) await pending;
      // With a signal, let pending events (a SIGINT handler that aborts it) run before the next step.
      if (signal) await nextMacrotask();
      this.options.onProgress?.(this.step, this.resolved.steps);
      const logNow = this.step % logEvery === 0 || this.step === end;
      const checkpointNow = this.step % checkpointEvery === 0 || this.step === end;
      if (logNow || checkpointNow) {
        clock();
        const entry = await this.flush(windowStart, windowFrom);
        if (logNow) {
          history.push(entry);
          this.options.onLog?.(entry);
          if (dir) await appendLossHistory(path.join(dir, LOSS_HISTORY_FILE), entry);
        }
        windowStart = performance.now();
        windowFrom = this.step;
        if (checkpointNow) await this.saveCheckpoint();
      }
    }
    if (interrupted && this.step > first && this.checkpointStep !== this.step) {
      clock();
      if (this.windowSteps > 0) {
        const entry = await this.flush(windowStart, windowFrom);
        history.push(entry);
        this.options.onLog?.(entry);
        if (dir) await appendLossHistory(path.join(dir, LOSS_HISTORY_FILE), entry);
      }
      await this.saveCheckpoint();
    }
    const done = this.step - first;
    return {
      steps: this.step,
      finalLoss: history.length ? history[history.length - 1]!.loss : this.lastLoss,
      secondsPerStep: done > 0 ? (performance.now() - t0) / 1000 / done : 0,
      history,
      interrupted,
    };
  }

  private disposeOwn(): void {
    this.optimizer.dispose();
    this.ema?.dispose();
    this.lossSums.dispose();
    this.lastFinite.dispose();
  }

  /** Disposes the networks, the optimiser, the EMA and the trainer's own tensors (not the task's free variables). */
  dispose(): void {
    this.disposeOwn();
    for (const m of Object.values(this.task.modules)) m.dispose();
  }
}

/** Whether a folder holds a run (a `manifest.json`). */
export async function hasRun(dir: string): Promise<boolean> {
  try {
    await fs.access(path.join(dir, MANIFEST_FILE));
    return true;
  } catch {
    return false;
  }
}
