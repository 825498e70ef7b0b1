/**
 * A small convolutional digit classifier used to score generated digits: the fraction of class-conditional
 * samples assigned to their class, and (through its penultimate features) a Fréchet distance to real digits.
 *
 * Architecture (28×28×1 input, about 27k weights, ≈ 110 KB as float32):
 *   conv 5×5, 8 filters, ReLU → max-pool 2 → conv 3×3, 16 filters, ReLU → max-pool 2 → flatten (400)
 *   → dense 64, ReLU (the "features" layer) → dense 10 (logits).
 * It is trained by `examples/train-digit-classifier.ts` on the 8,000 training digits of {@link loadMnist}
 * and saved under {@link DIGIT_CLASSIFIER_DIR} (`assets/digit-classifier/`, committed: small enough that the
 * digit example can score its samples without retraining).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { writeFileAtomic } from '../atomic-write.js';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { SeedStream } from '../random.js';
import { checkBatch, checkOptions, checkTensor } from '../validate.js';
import { seededPermutation, type FiniteImageDataset } from './labelled-images.js';

/** Name of the penultimate (feature) layer. */
export const DIGIT_FEATURES_LAYER = 'features';
/** Width of the feature vector the Fréchet distance is computed on. */
export const DIGIT_FEATURE_DIM = 64;

function findAssets(): string {
  // src/images → ../../assets (sources) or dist/src/images → ../../../assets (built package).
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [join(here, '..', '..', 'assets'), join(here, '..', '..', '..', 'assets')];
  return join(candidates.find((c) => existsSync(join(c, 'digit-classifier'))) ?? candidates[0]!, 'digit-classifier');
}

/** Where the trained classifier lives: `assets/digit-classifier/` at the repository root (model.json + weights.bin). */
export const DIGIT_CLASSIFIER_DIR: string = findAssets();

/** What {@link saveDigitClassifier} records next to the weights. */
export interface DigitClassifierInfo {
  /** Fraction of the held-out digits classified correctly. */
  heldOutAccuracy: number;
  /** Number of training digits. */
  trainSize: number;
  /** Number of held-out digits. */
  heldOutSize: number;
  /** Epochs trained. */
  epochs: number;
  /** Wall-clock training time in seconds. */
  trainSeconds: number;
  /** The backend it was trained on. */
  backend: string;
  /** Seed of the run. */
  seed: number;
}

/**
 * A trained digit classifier: a tfjs-layers model with a `features` layer. Inputs are `[n, 28, 28, 1]`
 * float32 digits in [−1, 1] (ink = +1), as {@link loadMnist} gives them.
 */
export class DigitClassifier {
  /** The full model: image → logits `[n, 10]`. */
  readonly model: tfl.LayersModel;
  /** The model up to the features layer: image → `[n, 64]`. */
  readonly featureModel: tfl.LayersModel;
  /** Training record, when loaded from disk or just trained. */
  info: DigitClassifierInfo | undefined;

  /** @param model - a model built by {@link buildDigitClassifierModel} (or reloaded from one) */
  constructor(model: tfl.LayersModel, info?: DigitClassifierInfo) {
    let features: tfl.layers.Layer;
    try {
      features = model.getLayer(DIGIT_FEATURES_LAYER);
    } catch {
      throw new ArgumentError('DigitClassifier', 'model', `a model with a '${DIGIT_FEATURES_LAYER}' layer`, 'a model without one');
    }
    this.model = model;
    this.featureModel = tfl.model({ inputs: model.inputs, outputs: features.output as tfl.SymbolicTensor });
    this.info = info;
  }

  private run(fn: string, images: tf.Tensor, net: tfl.LayersModel, batchSize: number): tf.Tensor2D {
    checkBatch(fn, 'images', images, [28, 28, 1]);
    const n = images.shape[0];
    if (n === 0) return tf.zeros([0, net.outputs[0]!.shape[1] as number]);
    const parts: tf.Tensor2D[] = [];
    for (let s = 0; s < n; s += batchSize) {
      parts.push(tf.tidy(() => net.predict(tf.slice(images, s, Math.min(batchSize, n - s))) as tf.Tensor2D));
    }
    if (parts.length === 1) return parts[0]!;
    const out = tf.concat(parts, 0);
    tf.dispose(parts);
    return out;
  }

  /** Logits `[n, 10]` of `[n, 28, 28, 1]` digits, evaluated in batches of `batchSize`. */
  logits(images: tf.Tensor, batchSize = 500): tf.Tensor2D {
    return this.run('DigitClassifier.logits', images, this.model, batchSize);
  }

  /** Penultimate features `[n, 64]` (float32) of `[n, 28, 28, 1]` digits. */
  features(images: tf.Tensor, batchSize = 500): tf.Tensor2D {
    return this.run('DigitClassifier.features', images, this.featureModel, batchSize);
  }

  /** The predicted class of each digit, int32 `[n]`. */
  predict(images: tf.Tensor, batchSize = 500): tf.Tensor1D {
    const logits = this.logits(images, batchSize);
    const out = tf.argMax(logits, 1) as tf.Tensor1D;
    logits.dispose();
    return out;
  }

  /**
   * The fraction of `images` whose predicted class equals `labels` (int32 `[n]`), read back as a number.
   * For class-conditional samples this is "how often the generator drew the class it was asked for".
   *
   * @example
   * ```ts
   * const acc = classifier.accuracy(samples, wantedLabels); // e.g. 0.93
   * ```
   */
  accuracy(images: tf.Tensor, labels: tf.Tensor): number {
    checkBatch('DigitClassifier.accuracy', 'images', images, [28, 28, 1]);
    checkTensor('DigitClassifier.accuracy', 'labels', labels, { dtype: 'int32', shape: [images.shape[0]] });
    const predicted = this.predict(images);
    const hits = tf.tidy(() => tf.sum(tf.cast(tf.equal(predicted, labels), 'float32')).dataSync()[0]!);
    predicted.dispose();
    return images.shape[0] === 0 ? NaN : hits / images.shape[0];
  }

  /** Releases the weights. */
  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Builds the untrained classifier network (architecture in the module comment), weights drawn from `seed`.
 *
 * @example
 * ```ts
 * const model = buildDigitClassifierModel(0);
 * ```
 */
export function buildDigitClassifierModel(seed = 0): tfl.LayersModel {
  checkNumber('buildDigitClassifierModel', 'seed', seed, { integer: true });
  const seeds = new SeedStream(seed);
  const init = () => tfl.initializers.heNormal({ seed: seeds.next() % 2147483647 });
  const model = tfl.sequential({ name: 'digit_classifier' });
  model.add(tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 5, activation: 'relu', kernelInitializer: init() }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.conv2d({ filters: 16, kernelSize: 3, activation: 'relu', kernelInitializer: init() }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: DIGIT_FEATURE_DIM, activation: 'relu', name: DIGIT_FEATURES_LAYER, kernelInitializer: init() }));
  model.add(tfl.layers.dense({ units: 10, name: 'logits', kernelInitializer: tfl.initializers.glorotUniform({ seed: seeds.next() % 2147483647 }) }));
  return model;
}

/** Options of {@link trainDigitClassifier}. */
export interface TrainDigitClassifierOptions {
  /** Passes over the training digits. @default 12 */
  epochs?: number;
  /** Minibatch size. @default 64 */
  batchSize?: number;
  /** Adam learning rate (decayed linearly to 10% over the run). @default 2e-3 */
  learningRate?: number;
  /** Seed of the weights and the batch order. @default 0 */
  seed?: number;
  /** Called after each epoch with the epoch (1-based) and the mean training loss. */
  onEpoch?: (epoch: number, loss: number) => void;
}

/**
 * Trains the classifier with softmax cross-entropy and Adam on a finite digit dataset, visiting the digits
 * in a seeded order each epoch. One `tf.tidy` per step; the loss is read back once per epoch.
 *
 * @example
 * ```ts
 * const classifier = await trainDigitClassifier(await loadMnist(), { epochs: 12 });
 * ```
 */
export async function trainDigitClassifier(train: FiniteImageDataset, options?: TrainDigitClassifierOptions): Promise<DigitClassifier> {
  const fn = 'trainDigitClassifier';
  const opts = checkOptions(fn, options, ['epochs', 'batchSize', 'learningRate', 'seed', 'onEpoch']);
  const epochs = checkNumber(fn, 'options.epochs', opts.epochs ?? 12, { integer: true, min: 1 });
  const batchSize = checkNumber(fn, 'options.batchSize', opts.batchSize ?? 64, { integer: true, min: 1 });
  const lr = checkNumber(fn, 'options.learningRate', opts.learningRate ?? 2e-3, { min: 0, exclusiveMin: true });
  const seed = checkNumber(fn, 'options.seed', opts.seed ?? 0, { integer: true });
  if (train.eventShape.join(',') !== '28,28,1' || train.numClasses !== 10) {
    throw new ArgumentError(fn, 'train', 'a dataset of 28×28×1 images in 10 classes', `${train.eventShape.join('×')} images in ${train.numClasses} classes`);
  }
  const model = buildDigitClassifierModel(seed);
  const optimizer = tf.train.adam(lr);
  const seeds = new SeedStream(seed);
  const steps = Math.ceil(train.size / batchSize);
  const total = epochs * steps;
  let step = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = seededPermutation(train.size, seeds.next());
    let lossSum = tf.scalar(0);
    for (let s = 0; s < steps; s++) {
      (optimizer as unknown as { learningRate: number }).learningRate = lr * (1 - (0.9 * step) / total);
      const { x: images, labels } = train.gather(order.subarray(s * batchSize, Math.min(train.size, (s + 1) * batchSize)));
      const loss = optimizer.minimize(() => {
        const logits = model.apply(images, { training: true }) as tf.Tensor2D;
        return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 10), logits);
      }, true)!;
      const next = tf.add(lossSum, loss);
      tf.dispose([images, labels, loss, lossSum]);
      lossSum = next as tf.Scalar;
      step++;
    }
    const mean = (await lossSum.data())[0]! / steps;
    lossSum.dispose();
    opts.onEpoch?.(epoch, mean);
  }
  optimizer.dispose();
  return new DigitClassifier(model);
}

/**
 * Saves a classifier to `dir` as `model.json` (topology, weight specs, the {@link DigitClassifierInfo}) and
 * `weights.bin`, each written atomically. Only these two files are written.
 */
export async function saveDigitClassifier(classifier: DigitClassifier, dir: string): Promise<void> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await classifier.model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  const data = artifacts!.weightData!;
  const buffers = Array.isArray(data) ? data : [data];
  const bytes = new Uint8Array(buffers.reduce((s, b) => s + b.byteLength, 0));
  let offset = 0;
  for (const b of buffers) {
    bytes.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  const json = {
    format: 'stochastic-interpolants/digit-classifier',
    modelTopology: artifacts!.modelTopology,
    weightSpecs: artifacts!.weightSpecs,
    info: classifier.info ?? null,
  };
  writeFileAtomic(join(dir, 'weights.bin'), bytes);
  writeFileAtomic(join(dir, 'model.json'), `${JSON.stringify(json)}\n`);
}

/**
 * Loads a classifier saved by {@link saveDigitClassifier} (by default the committed one in
 * {@link DIGIT_CLASSIFIER_DIR}).
 *
 * @throws ArgumentError if the directory holds no classifier (train one with
 *   `npx tsx examples/train-digit-classifier.ts`)
 * @example
 * ```ts
 * const classifier = await loadDigitClassifier();
 * console.log(classifier.info?.heldOutAccuracy);
 * ```
 */
export async function loadDigitClassifier(dir: string = DIGIT_CLASSIFIER_DIR): Promise<DigitClassifier> {
  const fn = 'loadDigitClassifier';
  if (typeof dir !== 'string' || !existsSync(join(dir, 'model.json')) || !existsSync(join(dir, 'weights.bin'))) {
    throw new ArgumentError(fn, 'dir', 'a directory with model.json and weights.bin (npx tsx examples/train-digit-classifier.ts)', describeValue(dir));
  }
  const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
    format?: string;
    modelTopology: object;
    weightSpecs: tf.io.WeightsManifestEntry[];
    info: DigitClassifierInfo | null;
  };
  if (json.format !== 'stochastic-interpolants/digit-classifier') {
    throw new ArgumentError(fn, 'dir', 'a digit classifier saved by saveDigitClassifier', `${JSON.stringify(join(dir, 'model.json'))} of format ${describeValue(json.format)}`);
  }
  const weights = await readFile(join(dir, 'weights.bin'));
  const model = await tfl.loadLayersModel(
    tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightSpecs, weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer }),
  );
  return new DigitClassifier(model, json.info ?? undefined);
}
