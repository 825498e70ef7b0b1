/**
 * Labelled image datasets: the interface every image source in `src/images` implements, and an in-memory
 * implementation over flat arrays that the digits and the image-folder loader share.
 *
 * Images are batch-first `[n, height, width, channels]` float32 tensors with values in [−1, 1]; labels are
 * `[n]` int32 class indices in `0 … numClasses − 1`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { LabelledDistribution, LabelledSample } from '../distributions/types.js';
import { ArgumentError, describeValue } from '../errors.js';
import { SeedStream } from '../random.js';
import { checkCount, checkSeeds } from '../validate.js';

/**
 * A batch of images with their labels (the {@link LabelledSample} of `src/distributions`): `x` float32
 * `[n, height, width, channels]` in [−1, 1], `labels` int32 `[n]`. Both owned by the caller.
 */
export interface LabelledImages extends LabelledSample {
  x: tf.Tensor4D;
  labels: tf.Tensor1D;
}

/**
 * A law of labelled images: a {@link LabelledDistribution} whose `eventShape` is `[height, width, channels]`,
 * so every trainer and metric that takes a distribution takes it. `sample` gives the images alone,
 * `sampleLabelled` the images with their labels; for the same stream state both draw the same images.
 *
 * @example
 * ```ts
 * const data = shapesDataset({ size: 16 });
 * const { x, labels } = data.sampleLabelled(64, new SeedStream(0)); // [64, 16, 16, 3], int32 [64]
 * ```
 */
export interface LabelledImageDataset extends LabelledDistribution {
  /** A short name (`'mnist'`, `'shapes'`, the folder's base name). */
  readonly name: string;
  /** One line describing the data. */
  readonly description: string;
  /** `[height, width, channels]` of one image. */
  readonly eventShape: readonly [number, number, number];
  /** Number of classes; labels lie in `0 … numClasses − 1`. */
  readonly numClasses: number;
  /** A name per class (`'0'`…`'9'` for digits, sub-folder names for a folder). */
  readonly classNames: readonly string[];
  /** Number of stored images for a finite dataset; `undefined` for a procedural (infinite) one. */
  readonly size: number | undefined;
  /** Draws `n` images, float32 `[n, height, width, channels]` in [−1, 1]. */
  sample(n: number, seeds: SeedStream): tf.Tensor4D;
  /**
   * Draws `n` labelled images. Every random choice takes its seed from `seeds`, so the same stream state
   * gives the same batch. Finite datasets draw rows uniformly with replacement.
   */
  sampleLabelled(n: number, seeds: SeedStream): LabelledImages;
}

/** A finite dataset whose rows can also be read in order (for evaluation and full passes). */
export interface FiniteImageDataset extends LabelledImageDataset {
  readonly size: number;
  /** The images and labels at the given row indices (each in `0 … size − 1`), in that order. */
  gather(indices: ArrayLike<number>): LabelledImages;
  /** The label of every row, in order (a copy). */
  labelArray(): Int32Array;
}

/** What {@link arrayImageDataset} takes. */
export interface ArrayImageDatasetOptions {
  /** Dataset name. */
  name: string;
  /** Row-major images, `size · height · width · channels` values already in [−1, 1]. Not copied. */
  images: Float32Array;
  /** One class index per image. Not copied. */
  labels: Int32Array;
  /** `[height, width, channels]`. */
  eventShape: readonly [number, number, number];
  /** A name per class; its length is the number of classes. */
  classNames: readonly string[];
  /** Description line. @default built from the sizes */
  description?: string;
}

/**
 * A {@link FiniteImageDataset} over arrays in memory. Checks that the sizes agree and that every label is in
 * range.
 *
 * @throws ArgumentError on mismatched sizes or a label outside `0 … classNames.length − 1`
 * @example
 * ```ts
 * const data = arrayImageDataset({ name: 'tiny', images: new Float32Array(2 * 4), labels: Int32Array.from([0, 1]),
 *   eventShape: [2, 2, 1], classNames: ['a', 'b'] });
 * ```
 */
export function arrayImageDataset(options: ArrayImageDatasetOptions): FiniteImageDataset {
  const fn = 'arrayImageDataset';
  const { name, images, labels, eventShape, classNames } = options;
  const per = eventShape[0] * eventShape[1] * eventShape[2];
  const numClasses = classNames.length;
  if (numClasses < 1) throw new ArgumentError(fn, 'classNames', 'at least one class', describeValue(classNames));
  if (!(images instanceof Float32Array) || images.length !== labels.length * per || labels.length === 0) {
    throw new ArgumentError(fn, 'images', `a non-empty Float32Array of labels.length · ${per} values`, `${images.length} values for ${labels.length} labels`);
  }
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!(y >= 0 && y < numClasses)) {
      throw new ArgumentError(fn, 'labels', `class indices in 0 … ${numClasses - 1}`, `${y} at row ${i}`);
    }
  }
  const size = labels.length;
  const shape = Object.freeze([eventShape[0], eventShape[1], eventShape[2]] as const);
  const gather = (indices: ArrayLike<number>, caller: string): LabelledImages => {
    const n = indices.length;
    const out = new Float32Array(n * per);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const r = indices[i]!;
      if (!(Number.isInteger(r) && r >= 0 && r < size)) {
        throw new ArgumentError(caller, 'indices', `row indices in 0 … ${size - 1}`, `${describeValue(r)} at position ${i}`);
      }
      out.set(images.subarray(r * per, (r + 1) * per), i * per);
      y[i] = labels[r]!;
    }
    return { x: tf.tensor4d(out, [n, ...shape], 'float32'), labels: tf.tensor1d(y, 'int32') };
  };
  return {
    name,
    description: options.description ?? `${name}: ${size} labelled ${shape.join('×')} images in ${numClasses} classes`,
    eventShape: shape,
    numClasses,
    classNames: Object.freeze([...classNames]),
    size,
    sample(n, seeds) {
      const { x, labels: y } = this.sampleLabelled(n, seeds);
      y.dispose();
      return x;
    },
    sampleLabelled(n, seeds) {
      checkCount(`${name}.sampleLabelled`, 'n', n);
      checkSeeds(`${name}.sampleLabelled`, seeds);
      const rng = new SeedStream(seeds.next());
      const rows = new Int32Array(n);
      for (let i = 0; i < n; i++) rows[i] = Math.min(size - 1, Math.floor(rng.uniform() * size));
      return gather(rows, `${name}.sampleLabelled`);
    },
    gather: (indices) => gather(indices, `${name}.gather`),
    labelArray: () => labels.slice(),
  };
}

/**
 * A seeded permutation of `0 … n − 1` (Fisher–Yates driven by the library's splitmix32 stream).
 *
 * @internal
 */
export function seededPermutation(n: number, seed: number): Int32Array {
  const rng = new SeedStream(seed);
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const tmp = p[i]!;
    p[i] = p[j]!;
    p[j] = tmp;
  }
  return p;
}
