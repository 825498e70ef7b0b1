/**
 * The interpolant task: fits the fields of a quadratic interpolant objective with one network whose output
 * holds one head per field (what `si train` trains), as a {@link TrainingTask} for the one `Trainer`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { toDataset } from '../../data/types.js';
import type { Dataset, DatasetInput } from '../../data/types.js';
import { ArgumentError, checkNumber, describeValue } from '../../errors.js';
import { modelAdapter, namedOrPositionalInputs } from '../../fields/model-adapter.js';
import { GAMMA_NAMES } from '../../interpolants/gamma.js';
import type { GammaName } from '../../interpolants/gamma.js';
import type { Interpolant } from '../../interpolants/types.js';
import { drawTrainingBatch } from '../../objectives/training-batch.js';
import type { FieldName, Objective, TrainableField, TrainingBatch } from '../../objectives/types.js';
import type { SeedStream } from '../../random.js';
import type { ModuleSpec } from '../model-builders.js';
import type { TrainingTask } from '../task.js';

/** What every interpolant run config records (format 1 `si-run` and format 2 `task: 'interpolant'` alike). */
export interface InterpolantRunFields {
  /** ρ1: a registered dataset name or the path of a CSV file. */
  dataset: string;
  /** ρ0: `'gaussian'`, a registered dataset name or a CSV path (data-to-data bridges). */
  base: string;
  /** Registered interpolant name. */
  interpolant: string;
  /** γ option name, when one was chosen. */
  gamma?: GammaName;
  /** Learned fields, in head order. */
  fields: FieldName[];
  /** Data dimension. */
  dim: number;
  /** Training time range `[tMin, 1 − tMin]`. */
  tMin: number;
}

/**
 * The run config of an interpolant run (checkpoint format 2): the member `task: 'interpolant'` of the
 * tagged union of run configs. Enough to rebuild the data, the interpolant and the fields' meaning.
 */
export interface InterpolantRunConfig extends InterpolantRunFields {
  task: 'interpolant';
  version: 2;
  /** How the network is built (a registered model builder and its options), when known. */
  model?: ModuleSpec;
  /** Training settings, for the record. */
  training?: Record<string, unknown>;
}

/** Options of {@link interpolantTask}. */
export interface InterpolantTaskOptions {
  /** The interpolant (it decides x0's law and the targets). */
  interpolant: Interpolant;
  /** The objective; its `fields` are the model's heads, in order. */
  objective: Objective;
  /** One network whose output holds one head of width d per objective field (see `timeConditionedMlp`'s `heads`). */
  model: tfl.LayersModel;
  /** ρ1 (a dataset without `eventShape` is taken as vectors `[dim]`). */
  target: DatasetInput;
  /** ρ0 for two-sided interpolants: a dataset or `'gaussian'`. @default 'gaussian' */
  base?: DatasetInput | 'gaussian';
  /** Batch size. @default 512 */
  batchSize?: number;
  /** How the model was built, stored in the run config (lets a run be rebuilt from its config). */
  modelSpec?: ModuleSpec;
}

/** The interpolant task, with its fields. */
export interface InterpolantTask extends TrainingTask<TrainingBatch> {
  readonly name: 'interpolant';
  readonly modules: { readonly model: tfl.LayersModel };
  readonly interpolant: Interpolant;
  readonly objective: Objective;
  readonly target: Dataset;
  readonly base: Dataset | 'gaussian';
  readonly batchSize: number;
  /** Draws `{ x0, x1, t, z }` of step `step` from `seeds` (synchronously). */
  drawBatch(step: number, seeds: SeedStream): TrainingBatch;
  /** The learned fields by name (a fresh forward pass per call; for sampling). */
  fields(): Record<FieldName, TrainableField>;
  runConfig(): InterpolantRunConfig;
}

/** @internal The validation of {@link interpolantTask}, with `fn` and an argument prefix for messages. */
export function makeInterpolantTask(options: InterpolantTaskOptions, fn: string): InterpolantTask {
  if (typeof options !== 'object' || options === null) throw new ArgumentError(fn, 'options', 'an options object', describeValue(options));
  const { objective, model, interpolant } = options;
  if (typeof objective?.loss !== 'function') throw new ArgumentError(fn, 'options.objective', 'an Objective (see quadraticObjective)', describeValue(objective));
  if (typeof interpolant?.sample !== 'function') throw new ArgumentError(fn, 'options.interpolant', 'an Interpolant', describeValue(interpolant));
  if (typeof options.target?.sample !== 'function') throw new ArgumentError(fn, 'options.target', 'a Dataset', describeValue(options.target));
  const target = toDataset(options.target);
  if (typeof model?.apply !== 'function' || !Array.isArray(model.inputs)) throw new ArgumentError(fn, 'options.model', 'a tfjs-layers LayersModel', describeValue(model));
  const width = model.outputs[0]?.shape[1];
  const expectedWidth = objective.fields.length * target.dim;
  if (width !== expectedWidth) {
    throw new ArgumentError(fn, 'options.model', `a model with output width ${expectedWidth} (${objective.fields.length} head(s) × d = ${target.dim})`, `output width ${width}`);
  }
  const batchSize = checkNumber(fn, 'options.batchSize', options.batchSize ?? 512, { min: 1, integer: true });
  const base = options.base === undefined || options.base === 'gaussian' ? 'gaussian' : toDataset(options.base);
  const fields = objective.fields as readonly FieldName[];
  const inputs = namedOrPositionalInputs(model);
  const nets = modelAdapter(model, { heads: fields, inputs, shareForwardPass: true }).fields as Record<FieldName, TrainableField>;
  const sampling = modelAdapter(model, { heads: fields, inputs }).fields as Record<FieldName, TrainableField>;
  return {
    name: 'interpolant',
    modules: { model },
    interpolant,
    objective,
    target,
    base,
    batchSize,
    terms: fields,
    drawBatch(_step: number, seeds: SeedStream): TrainingBatch {
      return tf.tidy(() => drawTrainingBatch({ interpolant, target, base, size: batchSize, tMin: objective.tMin, seeds }) as unknown as tf.TensorContainer) as unknown as TrainingBatch;
    },
    loss(batch: TrainingBatch) {
      const out = objective.loss(nets, batch);
      const terms: Record<string, tf.Scalar> = {};
      for (const f of fields) terms[f] = out.perField[f]!;
      return { total: out.total, terms };
    },
    fields: () => ({ ...sampling }),
    runConfig(): InterpolantRunConfig {
      const gamma = interpolant.gammaSchedule?.name;
      return {
        task: 'interpolant',
        version: 2,
        dataset: target.name,
        base: interpolant.oneSided || base === 'gaussian' ? 'gaussian' : base.name,
        interpolant: interpolant.name,
        ...(!interpolant.oneSided && (GAMMA_NAMES as readonly string[]).includes(gamma) ? { gamma: gamma as GammaName } : {}),
        fields: [...fields],
        dim: target.dim,
        tMin: objective.tMin,
        ...(options.modelSpec ? { model: options.modelSpec } : {}),
      };
    },
  };
}

/**
 * The interpolant task for the `Trainer`: batches `{ x0, x1, t, z }` drawn from (seed, step), the objective's
 * loss with one term per field. Gives exactly the losses of the earlier interpolant-only trainer.
 *
 * @example
 * ```ts
 * const interpolant = makeInterpolant('one-sided-linear');
 * const task = interpolantTask({ interpolant, objective: quadraticObjective(interpolant, ['b']),
 *   model: timeConditionedMlp({ dim: 2 }), target: getDataset('checkerboard'), batchSize: 512 });
 * const trainer = new Trainer({ task, steps: 2000, checkpointDir: 'runs/checker' });
 * await trainer.train();
 * const { b } = task.fields();
 * ```
 */
export function interpolantTask(options: InterpolantTaskOptions): InterpolantTask {
  return makeInterpolantTask(options, 'interpolantTask');
}
