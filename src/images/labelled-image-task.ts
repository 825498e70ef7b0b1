/**
 * The labelled-image task: the interpolant objective on `[batch, h, w, c]` images with class labels and
 * label dropout (for classifier-free guidance), as a {@link TrainingTask} for the one `Trainer`. The loss is
 * the objective's own (`objective.loss`), the batch the one `drawTrainingBatch` draws, plus the labels.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { modelAdapter } from '../fields/model-adapter.js';
import type { ModelField } from '../fields/model-adapter.js';
import type { Dataset } from '../data/types.js';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import type { Interpolant } from '../interpolants/types.js';
import { drawTrainingBatch } from '../objectives/training-batch.js';
import type { FieldName, Objective, TrainableField, TrainingBatch } from '../objectives/types.js';
import { SeedStream } from '../random.js';
import { formatShape } from '../shapes.js';
import type { ModuleSpec } from '../train/model-builders.js';
import type { TrainingTask } from '../train/task.js';
import { dropLabels } from './guidance.js';
import type { LabelledField } from './guidance.js';
import type { LabelledImageDataset } from './labelled-images.js';

/**
 * The run config of a labelled-image run (checkpoint format 2): the member `task: 'labelled-image'` of the
 * tagged union of run configs. Enough to rebuild the data, the interpolant, the network and the fields.
 */
export interface LabelledImageRunConfig {
  task: 'labelled-image';
  version: 2;
  /** The data spec (`'mnist'`, `'shapes'`, `'folder:PATH'`) or the dataset's name. */
  dataset: string;
  /** Registered interpolant name. */
  interpolant: string;
  /** Learned fields, in head order. */
  fields: FieldName[];
  /** `[height, width, channels]`. */
  eventShape: [number, number, number];
  /** Number of classes the model is conditioned on (0: unconditional); the null label is this number. */
  numClasses: number;
  /** Class names, in label order. */
  classNames: string[];
  /** Probability of replacing a label by the null class during training. */
  labelDropout: number;
  /** Training time range `[tMin, 1 − tMin]`. */
  tMin: number;
  /** How the network is built (a registered model builder and its options), when known. */
  model?: ModuleSpec;
  /** Images per training step (absent in runs written before it was stored: those used 64). */
  batchSize?: number;
}

/** Options of {@link labelledImageTask}. */
export interface LabelledImageTaskOptions {
  /** The interpolant (it decides x0's law and the targets). */
  interpolant: Interpolant;
  /** The objective; its `fields` are the model's heads, in order along the channel axis. */
  objective: Objective;
  /**
   * The network: inputs `x: [b, h, w, c]`, `t: [b, 1]` and, for a conditional run, `label: [b, 1]`; output
   * `[b, h, w, heads·c]` (see `timeConditionedUNet`).
   */
  model: tfl.LayersModel;
  /** The images (ρ1) and their labels. */
  data: LabelledImageDataset;
  /**
   * Condition on the labels (the model must take a `label` input of `numClasses + 1` classes, the last the
   * null class). @default whether the model has a label input
   */
  conditional?: boolean;
  /** Probability of replacing each label by the null class (classifier-free guidance). @default 0.1 */
  labelDropout?: number;
  /** Batch size. @default 64 */
  batchSize?: number;
  /** The data spec stored in the run config. @default data.name */
  datasetSpec?: string;
  /** How the model was built, stored in the run config. */
  modelSpec?: ModuleSpec;
}

/** One batch of the labelled-image task: the interpolant's randomness on images plus (dropped) labels. */
export type LabelledImageBatch = TrainingBatch<tf.Tensor4D>;

/** The labelled-image task, with its fields. */
export interface LabelledImageTask extends TrainingTask<LabelledImageBatch> {
  readonly name: 'labelled-image';
  readonly modules: { readonly model: tfl.LayersModel };
  readonly interpolant: Interpolant;
  readonly objective: Objective;
  readonly data: LabelledImageDataset;
  readonly batchSize: number;
  /** Whether the model takes labels. */
  readonly conditional: boolean;
  /** The null class (= `data.numClasses`) of a conditional model. */
  readonly nullLabel: number;
  /** The learned fields by name: `(x, t, labels) → [b, h, w, c]` ({@link LabelledField}s; for sampling). */
  fields(): Record<FieldName, LabelledField>;
  runConfig(): LabelledImageRunConfig;
}

/** The label input's class count (`inputDim` of the embedding after it), or 0 when the model takes no labels. */
function labelClasses(model: tfl.LayersModel): number {
  if (!model.inputNames.includes('label')) return 0;
  const embedding = model.layers.find((l) => l.getClassName() === 'Embedding');
  const dim = (embedding?.getConfig() as { inputDim?: number } | undefined)?.inputDim;
  return typeof dim === 'number' ? dim : -1;
}

/**
 * Wraps a model's heads as labelled fields `(x, t, labels) → [b, h, w, c]`. For an unconditional model the
 * fields ignore labels and carry `conditional: false` (so `guidedField` refuses a guidance weight).
 *
 * @example
 * ```ts
 * const { b } = labelledFields(unet, ['b']);
 * const v = b(x, t, labels); // [b, h, w, c]
 * ```
 */
export function labelledFields(model: tfl.LayersModel, heads: readonly FieldName[], options: { shareForwardPass?: boolean } = {}): Record<FieldName, LabelledField> {
  const adapter = modelAdapter(model, { heads, shareForwardPass: options.shareForwardPass ?? false });
  const out = {} as Record<FieldName, LabelledField>;
  for (const name of heads) {
    const f: ModelField = adapter.fields[name];
    const field: LabelledField = adapter.conditional ? (x, t, labels) => f(x, t, labels) : (x, t, _labels) => f(x, t);
    field.conditional = adapter.conditional;
    out[name] = field;
  }
  return out;
}

/**
 * The labelled-image task for the `Trainer`: each step draws `batchSize` labelled images from `data`, the
 * interpolant's `x0`, `z` and `t` (exactly as `drawTrainingBatch` does for any dataset), replaces each label
 * by the null class with probability `labelDropout`, and returns the objective's loss with one term per
 * field. Every draw comes from the step's seed stream, so a resumed run sees the same batches.
 *
 * @throws ArgumentError when the model's input or output shape does not match the images
 *   (`[b, h, w, fields·c]`), a conditional model's label input does not have `numClasses + 1` classes, or
 *   a number is out of range
 * @example
 * ```ts
 * const data = await loadMnist();
 * const interpolant = makeInterpolant('one-sided-linear');
 * const model = timeConditionedUNet({ imageSize: 28, widths: [16, 32], numClasses: 10, groups: 8 });
 * const task = labelledImageTask({ interpolant, objective: quadraticObjective(interpolant, ['b']), model, data });
 * const trainer = new Trainer({ task, steps: 3000, learningRate: 1e-3, ema: 0.999, checkpointDir: 'out/mnist' });
 * await trainer.train();
 * ```
 */
export function labelledImageTask(options: LabelledImageTaskOptions): LabelledImageTask {
  const fn = 'labelledImageTask';
  if (typeof options !== 'object' || options === null) throw new ArgumentError(fn, 'options', 'an options object', describeValue(options));
  const { objective, model, data, interpolant } = options;
  if (typeof objective?.loss !== 'function') throw new ArgumentError(fn, 'options.objective', 'an Objective (see quadraticObjective)', describeValue(objective));
  if (typeof interpolant?.sample !== 'function') throw new ArgumentError(fn, 'options.interpolant', 'an Interpolant', describeValue(interpolant));
  if (typeof data?.sampleLabelled !== 'function' || !Array.isArray(data.eventShape) || data.eventShape.length !== 3) {
    throw new ArgumentError(fn, 'options.data', 'a labelled image dataset (loadMnist, loadImageFolder, shapesDataset)', describeValue(data));
  }
  if (typeof model?.apply !== 'function' || !Array.isArray(model.inputs)) throw new ArgumentError(fn, 'options.model', 'a tfjs-layers LayersModel', describeValue(model));
  const [h, w, c] = data.eventShape;
  const fields = [...objective.fields] as FieldName[];
  const xIndex = model.inputNames.indexOf('x');
  const inShape = model.inputs[xIndex < 0 ? 0 : xIndex]!.shape.slice(1);
  if (inShape.join(',') !== [h, w, c].join(',')) {
    throw new ArgumentError(fn, 'options.model', `a model taking images x of shape [b, ${h}, ${w}, ${c}] (the data's)`, `input shape ${formatShape([null, ...inShape] as number[])}`);
  }
  const outShape = model.outputs[0]!.shape.slice(1);
  if (outShape.join(',') !== [h, w, fields.length * c].join(',')) {
    throw new ArgumentError(fn, 'options.model', `a model with output [b, ${h}, ${w}, ${fields.length * c}] (${fields.length} head(s) × ${c} channel(s))`, `output shape ${formatShape([null, ...outShape] as number[])}`);
  }
  const classes = labelClasses(model);
  const conditional = options.conditional ?? classes > 0;
  if (typeof conditional !== 'boolean') throw new ArgumentError(fn, 'options.conditional', 'a boolean', describeValue(conditional));
  if (conditional && classes !== data.numClasses + 1) {
    throw new ArgumentError(
      fn,
      'options.model',
      `a class-conditional model with ${data.numClasses + 1} label classes (${data.numClasses} of the data + the null class)`,
      classes === 0 ? 'a model without a label input' : `a label input of ${classes} classes`,
    );
  }
  const labelDropout = checkNumber(fn, 'options.labelDropout', options.labelDropout ?? 0.1, { min: 0, max: 1 });
  const batchSize = checkNumber(fn, 'options.batchSize', options.batchSize ?? 64, { min: 1, integer: true });
  const nullLabel = data.numClasses;
  // The unconditional network of a model with a label input sees only the null class.
  const nets = labelledFields(model, fields, { shareForwardPass: true });
  const target = { ...(data as object), name: data.name, dim: h * w * c, eventShape: data.eventShape, sample: (n: number, s: SeedStream) => data.sample(n, s) } as unknown as Dataset;
  return {
    name: 'labelled-image',
    modules: { model },
    interpolant,
    objective,
    data,
    batchSize,
    conditional,
    nullLabel,
    terms: fields,
    drawBatch(_step: number, seeds: SeedStream): LabelledImageBatch {
      // One image draw with labels: the dataset's sampleLabelled takes the first seed, as sample() would.
      let labels: tf.Tensor1D | undefined;
      const labelled: Dataset = {
        ...target,
        sample: (n: number, s: SeedStream) => {
          const out = data.sampleLabelled(n, s);
          labels = out.labels;
          return out.x as unknown as tf.Tensor2D;
        },
      };
      const batch = drawTrainingBatch<tf.Tensor4D>({ interpolant, target: labelled, size: batchSize, tMin: objective.tMin, seeds });
      const y = labels!;
      if (!conditional) {
        y.dispose();
        return batch;
      }
      const dropped = labelDropout > 0 ? dropLabels(y, labelDropout, nullLabel, new SeedStream(seeds.next())) : tf.clone(y);
      y.dispose();
      return { ...batch, label: dropped };
    },
    loss(batch: LabelledImageBatch) {
      const label = batch.label;
      const wrapped: Partial<Record<FieldName, TrainableField>> = {};
      for (const f of fields) {
        const net = nets[f];
        wrapped[f] = ((x: tf.Tensor, t: tf.Tensor1D) => (conditional ? net(x, t, label!) : net(x, t, label as tf.Tensor1D))) as unknown as TrainableField;
      }
      const out = objective.loss(wrapped, batch as unknown as TrainingBatch<tf.Tensor>);
      const terms: Record<string, tf.Scalar> = {};
      for (const f of fields) terms[f] = out.perField[f]!;
      return { total: out.total, terms };
    },
    fields: () => labelledFields(model, fields),
    runConfig(): LabelledImageRunConfig {
      return {
        task: 'labelled-image',
        version: 2,
        dataset: options.datasetSpec ?? data.name,
        interpolant: interpolant.name,
        fields: [...fields],
        eventShape: [h, w, c],
        numClasses: conditional ? data.numClasses : 0,
        classNames: [...data.classNames],
        labelDropout: conditional ? labelDropout : 0,
        tMin: objective.tMin,
        ...(options.modelSpec ? { model: options.modelSpec } : {}),
        batchSize,
      };
    },
  };
}
