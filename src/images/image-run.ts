/**
 * Image runs: train a U-Net field on labelled images (digits, a folder of pictures, procedural shapes)
 * through the one `Trainer` and reload it from its run folder for sampling (`sampleImages` in `samplers/`:
 * classifier-free guidance with any ODE or SDE sampler). What `examples/mnist.ts`, `examples/image-folder.ts`
 * and `si train --model unet` / `si sample --label --guidance` call.
 *
 * The library imports no network: the U-Net is built by name through the model-builder registry, so import
 * `stochastic-interpolants/models` (which registers `'unet'`, `models/unet-builder.ts`) before training or
 * reloading an image run.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { makeInterpolant } from '../interpolants/index.js';
import type { Interpolant } from '../interpolants/types.js';
import { quadraticObjective } from '../objectives/quadratic-objective.js';
import type { FieldName } from '../objectives/types.js';
import { checkOptions } from '../validate.js';
import { CheckpointError, loadCheckpoint } from '../train/checkpoint.js';
import { Trainer } from '../train/trainer.js';
import type { TrainingLogEntry, TrainingResult } from '../train/trainer.js';
import type { LabelledField } from './guidance.js';
import { loadImageFolder } from './image-folder.js';
import { labelledFields, labelledImageTask } from './labelled-image-task.js';
import type { LabelledImageRunConfig, LabelledImageTask } from './labelled-image-task.js';
import type { LabelledImageDataset } from './labelled-images.js';
import { loadMnist } from './mnist.js';
import { shapesDataset } from './shapes-dataset.js';
import { buildModel, modelBuilderNames } from '../train/model-builders.js';
import type { ModuleSpec } from '../train/model-builders.js';

/** Options of {@link loadImageData}. */
export interface ImageDataOptions {
  /** Side of the images for `'shapes'` and `'folder:PATH'` (digits are always 28). @default 32 */
  size?: number;
  /** Channels of a folder's images (1 or 3). @default 3 */
  channels?: 1 | 3;
  /** Where a folder's decoded cache is kept (see `loadImageFolder`). */
  cacheDir?: string;
  /** Receives one message per skipped picture of a folder. @default console.warn */
  onWarning?: (message: string) => void;
}

/**
 * The labelled images a data spec names: `'mnist'` (the 8,000 training digits of the fixed split),
 * `'shapes'` (procedural coloured shapes, 3 classes), or `'folder:PATH'` (a folder of pictures, labels
 * from sub-folders).
 *
 * @throws ArgumentError for an unknown spec, or whatever the loader throws (empty folder, …)
 * @example
 * ```ts
 * const digits = await loadImageData('mnist');
 * const pets = await loadImageData('folder:photos/pets', { size: 32, channels: 3 });
 * ```
 */
export async function loadImageData(spec: string, options: ImageDataOptions = {}): Promise<LabelledImageDataset> {
  const fn = 'loadImageData';
  const opts = checkOptions(fn, options, ['size', 'channels', 'cacheDir', 'onWarning']);
  if (typeof spec !== 'string') throw new ArgumentError(fn, 'spec', "'mnist', 'shapes' or 'folder:PATH'", describeValue(spec));
  if (spec === 'mnist') return loadMnist();
  const size = checkNumber(fn, 'options.size', opts.size ?? 32, { min: 1, integer: true });
  if (spec === 'shapes') return shapesDataset({ size });
  if (spec.startsWith('folder:') && spec.length > 'folder:'.length) {
    const channels = checkNumber(fn, 'options.channels', opts.channels ?? 3, { integer: true, min: 1, max: 3 });
    if (channels === 2) throw new ArgumentError(fn, 'options.channels', '1 or 3', '2');
    return loadImageFolder(spec.slice('folder:'.length), { size, channels: channels as 1 | 3, ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}), ...(opts.onWarning ? { onWarning: opts.onWarning } : {}) });
  }
  throw new ArgumentError(fn, 'spec', "'mnist', 'shapes' or 'folder:PATH'", JSON.stringify(spec));
}

/** Options of {@link trainImageRun}. */
export interface ImageRunOptions {
  /** The data: a spec for {@link loadImageData} or a dataset. */
  data: string | LabelledImageDataset;
  /** Data options for a spec (size, channels …). */
  dataOptions?: ImageDataOptions;
  /** The run folder (checkpoints, `history.jsonl`). */
  dir?: string;
  /** Continue the run in `dir` (extending it to `steps` if more). @default false */
  resume?: boolean;
  /** Replace a run already in `dir`. @default false */
  overwrite?: boolean;
  /** Registered interpolant name. @default 'one-sided-linear' (flow matching) */
  interpolant?: string;
  /** Fields learned, heads of the U-Net. @default ['b'] */
  fields?: FieldName[];
  /** Condition on the labels (with label dropout for guidance). @default whether the data has ≥ 2 classes */
  conditional?: boolean;
  /** Label dropout probability. @default 0.1 */
  labelDropout?: number;
  /**
   * Network options besides size, channels, classes and heads (the U-Net's: widths, groups,
   * blocksPerLevel …). @default { widths: [16, 32], groups: 8 }
   */
  unet?: Record<string, unknown>;
  /** The registered model builder. @default 'unet' */
  builder?: string;
  /** Training steps. */
  steps: number;
  /**
   * Images per step, stored in the run's config. On resume it is the run's own: leave it out or give the
   * same number (another is refused). @default 64
   */
  batchSize?: number;
  /** Peak learning rate (linear decay to 0). @default 1e-3 */
  learningRate?: number;
  /** EMA decay of the weights sampled with (0: off). @default min(0.999, 1 − 7/steps) */
  ema?: number;
  /** @default 0 */
  seed?: number;
  /** @default 100 */
  logEvery?: number;
  /** @default 500 */
  checkpointEvery?: number;
  onLog?: (entry: TrainingLogEntry) => void;
  onProgress?: (step: number, steps: number) => void;
  /** Stops training between steps (a checkpoint of the last step is written). */
  signal?: AbortSignal;
}

/** What {@link trainImageRun} returns (dispose the trainer when done). */
export interface ImageRun {
  trainer: Trainer;
  task: LabelledImageTask;
  data: LabelledImageDataset;
  interpolant: Interpolant;
  result: TrainingResult;
  /** Steps done before this call (resumed runs). */
  resumedFrom: number;
}

/**
 * Trains (or resumes) an image run: a U-Net with one head per field on the data, through the one
 * `Trainer` with the labelled-image task (label dropout to the null class), checkpointing into `dir`.
 *
 * @throws ArgumentError for bad options or a U-Net that cannot take the data's size; CheckpointError when
 *   resuming from a folder without a matching run
 * @example
 * ```ts
 * import 'stochastic-interpolants/models'; // registers the 'unet' builder
 * const run = await trainImageRun({ data: 'mnist', steps: 3000, dir: 'out/mnist' });
 * run.trainer.dispose();
 * const loaded = await loadImageRun('out/mnist');
 * ```
 */
export async function trainImageRun(options: ImageRunOptions): Promise<ImageRun> {
  const fn = 'trainImageRun';
  const opts = checkOptions(fn, options, [
    'data', 'dataOptions', 'builder', 'dir', 'resume', 'overwrite', 'interpolant', 'fields', 'conditional', 'labelDropout', 'unet', 'steps', 'batchSize',
    'learningRate', 'ema', 'seed', 'logEvery', 'checkpointEvery', 'onLog', 'onProgress', 'signal',
  ]);
  const builder = requireBuilder(fn, opts.builder ?? 'unet');
  const data = typeof opts.data === 'string' ? await loadImageData(opts.data, opts.dataOptions) : opts.data;
  if (typeof data?.sampleLabelled !== 'function') throw new ArgumentError(fn, 'options.data', "a data spec or a labelled image dataset", describeValue(opts.data));
  const steps = checkNumber(fn, 'options.steps', opts.steps, { min: 1, integer: true });
  const fields = opts.fields ?? (['b'] as FieldName[]);
  const interpolant = makeInterpolant(opts.interpolant ?? 'one-sided-linear');
  const objective = quadraticObjective(interpolant, fields);
  const conditional = opts.conditional ?? data.numClasses > 1;
  const [h, w, c] = data.eventShape;
  const unetOptions: Record<string, unknown> = {
    widths: [16, 32],
    groups: 8,
    ...opts.unet,
    imageSize: [h, w],
    channels: c,
    numClasses: conditional ? data.numClasses : 0,
    heads: fields.length,
    seed: (opts.unet?.seed as number | undefined) ?? opts.seed ?? 0,
  };
  const settings = {
    steps,
    learningRate: opts.learningRate ?? 1e-3,
    schedule: 'linear' as const,
    // Default EMA decay: 0.999, but short enough that the initial weights weigh < 0.1% at the end (d^steps ≤ e^−7).
    ema: opts.ema ?? Math.min(0.999, Math.max(0, 1 - 7 / steps)),
    seed: opts.seed ?? 0,
    logEvery: opts.logEvery ?? 100,
    checkpointEvery: opts.checkpointEvery ?? 500,
    onLog: opts.onLog,
    onProgress: opts.onProgress,
    ...(opts.dir !== undefined ? { checkpointDir: opts.dir } : {}),
  };
  const datasetSpec = typeof opts.data === 'string' ? opts.data : data.name;
  let batchSize = opts.batchSize ?? 64;
  const makeTask = (model: tfl.LayersModel, spec: { builder: string; options: Record<string, unknown> }) =>
    labelledImageTask({ interpolant, objective, model, data, conditional, labelDropout: opts.labelDropout ?? 0.1, batchSize, datasetSpec, modelSpec: spec });
  let trainer: Trainer;
  let task!: LabelledImageTask;
  let resumedFrom = 0;
  if (opts.resume) {
    if (opts.dir === undefined) throw new ArgumentError(fn, 'options.dir', 'the run folder to resume', 'undefined');
    trainer = await Trainer.resume(opts.dir, (saved) => {
      const config = saved.config as unknown as Partial<LabelledImageRunConfig>;
      if (config.task !== 'labelled-image') throw new CheckpointError(fn, opts.dir!, `${opts.dir} holds a run of the '${String(config.task)}' task, not an image run`);
      resumedFrom = saved.step;
      const savedBatch = config.batchSize ?? 64;
      if (opts.batchSize !== undefined && opts.batchSize !== savedBatch) {
        throw new ArgumentError(fn, 'options.batchSize', `the run's own batch size ${savedBatch} when resuming (or left out)`, String(opts.batchSize));
      }
      batchSize = savedBatch;
      task = makeTask(saved.model, (config.model as { builder: string; options: Record<string, unknown> }) ?? { builder: 'unet', options: {} });
      return { ...settings, task, steps: Math.max(steps, saved.step) };
    });
    if (steps > trainer.settings.steps) trainer.setTraining({ steps });
  } else {
    const spec: ModuleSpec = { builder, options: unetOptions };
    task = makeTask(buildModel(spec), spec);
    trainer = new Trainer({ ...settings, task, overwrite: opts.overwrite ?? false });
  }
  const result = await trainer.train({ signal: opts.signal });
  return { trainer, task, data, interpolant, result, resumedFrom };
}

/** An image run reloaded from its folder for sampling. */
export interface LoadedImageRun {
  config: LabelledImageRunConfig;
  model: tfl.LayersModel;
  interpolant: Interpolant;
  /** The learned fields (labelled). */
  fields: Record<FieldName, LabelledField>;
  step: number;
  dispose(): void;
}

/**
 * Reloads an image run from its run folder (the EMA weights when it kept them) for sampling.
 *
 * @throws CheckpointError when `dir` holds no checkpoint or one of another task
 * @example
 * ```ts
 * const run = await loadImageRun('out/mnist');
 * const x = await sampleImages(run.fields, { labels: [0, 1, 2, 3], guidance: 2, ...imageRunShape(run) });
 * run.dispose();
 * ```
 */
export async function loadImageRun(dir: string, { useEma = true }: { useEma?: boolean } = {}): Promise<LoadedImageRun> {
  const fn = 'loadImageRun';
  const loaded = await loadCheckpoint(dir);
  const config = loaded.config as unknown as LabelledImageRunConfig;
  try {
    if (config.task !== 'labelled-image' || loaded.model === undefined) {
      throw new CheckpointError(fn, dir, `${dir} is a checkpoint of the '${String(config.task)}' task, not an image run`);
    }
    if (useEma && loaded.emaWeights) {
      const weights = loaded.model.trainableWeights;
      const ema = loaded.emaWeights;
      if (ema.length < weights.length || weights.some((wt, i) => wt.shape.join() !== ema[i]!.tensor.shape.join())) {
        throw new CheckpointError(fn, dir, `the EMA weights in ${dir} do not match the model's trainable weights`);
      }
      weights.forEach((wt, i) => wt.write(ema[i]!.tensor));
    }
  } catch (err) {
    loaded.model?.dispose();
    loaded.dispose();
    throw err;
  }
  loaded.dispose();
  const model = loaded.model;
  const interpolant = makeInterpolant(config.interpolant);
  const fields = labelledFields(model, config.fields);
  return {
    config,
    model,
    interpolant,
    fields,
    step: loaded.step,
    dispose: () => model.dispose(),
  };
}

/** Rebuilds a fresh (untrained) network from an image run's config (`buildModel` on its model spec). */
export function rebuildImageModel(config: LabelledImageRunConfig): tfl.LayersModel {
  if (!config.model) throw new ArgumentError('rebuildImageModel', 'config.model', 'a model spec { builder, options }', 'none');
  return buildModel(config.model);
}

/**
 * What `sampleImages` needs to know about a reloaded run: its event shape, interpolant and classes.
 *
 * @example
 * ```ts
 * const x = await sampleImages(run.fields, { labels: [7, 7], guidance: 4, ...imageRunShape(run) });
 * ```
 */
export function imageRunShape(run: LoadedImageRun): { eventShape: [number, number, number]; interpolant: Interpolant; numClasses: number } {
  return { eventShape: run.config.eventShape, interpolant: run.interpolant, numClasses: run.config.numClasses };
}

/** Checks that a model builder is registered, saying how to register the U-Net's. */
function requireBuilder(fn: string, name: string): string {
  if (!modelBuilderNames().includes(name)) {
    throw new ArgumentError(
      fn,
      'options.builder',
      `a registered model builder (${name === 'unet' ? "import 'stochastic-interpolants/models' or models/unet-builder.ts to register 'unet'" : `one of ${modelBuilderNames().join(', ') || 'none registered'}`})`,
      `'${name}', which is not registered`,
    );
  }
  return name;
}
