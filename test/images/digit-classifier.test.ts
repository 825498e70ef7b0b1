import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { arrayImageDataset } from '../../src/images/labelled-images.js';
import type { DigitClassifier} from '../../src/images/digit-classifier.js';
import { loadDigitClassifier, saveDigitClassifier, trainDigitClassifier } from '../../src/images/digit-classifier.js';
import { digitFrechetDistance } from '../../src/images/frechet-distance.js';
import { loadMnist } from '../../src/images/mnist.js';
import { SeedStream } from '../../src/random.js';
import { expectAllClose } from '../helpers/index.js';

let classifier: DigitClassifier;
let held: { x: tf.Tensor4D; labels: tf.Tensor1D };
const dir = mkdtempSync(join(tmpdir(), 'si-classifier-'));

beforeAll(async () => {
  classifier = await loadDigitClassifier();
  const heldOut = await loadMnist({ split: 'heldout' });
  held = heldOut.gather(Int32Array.from({ length: heldOut.size }, (_, i) => i));
});
afterAll(() => {
  classifier.dispose();
  tf.dispose([held.x, held.labels]);
  rmSync(dir, { recursive: true, force: true });
});

describe('the committed digit classifier', () => {
  it('classifies the 2,000 held-out digits as recorded (≥ 97%)', () => {
    const acc = classifier.accuracy(held.x, held.labels);
    expect(acc).toBeGreaterThanOrEqual(0.97);
    expect(Math.abs(acc - classifier.info!.heldOutAccuracy)).toBeLessThanOrEqual(0.002);
    expect(classifier.info!.trainSize).toBe(8000);
  });

  it('gives a Fréchet distance near 0 between halves of real digits, far from that for one class or noise', async () => {
    const a = tf.slice(held.x, 0, 1000);
    const b = tf.slice(held.x, 1000, 1000);
    const floor = await digitFrechetDistance(classifier, a, b);
    const labels = held.labels.dataSync();
    const ones = Array.from(labels.keys()).filter((i) => labels[i] === 1);
    const onlyOnes = tf.gather(held.x, ones);
    const noise = tf.clipByValue(tf.randomNormal([1000, 28, 28, 1], -0.5, 0.8, 'float32', 3), -1, 1);
    const fdOnes = await digitFrechetDistance(classifier, onlyOnes, b);
    const fdNoise = await digitFrechetDistance(classifier, noise, b);
    expect(fdOnes).toBeGreaterThan(10 * floor);
    expect(fdNoise).toBeGreaterThan(10 * floor);
    const before = tf.memory().numTensors;
    await digitFrechetDistance(classifier, a, b);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b, onlyOnes, noise]);
  });

  it('round-trips through save and load with identical outputs', async () => {
    await saveDigitClassifier(classifier, dir);
    const again = await loadDigitClassifier(dir);
    const x = tf.slice(held.x, 0, 50);
    const f1 = classifier.features(x);
    const f2 = again.features(x);
    expectAllClose(f2, f1, { atol: 0 });
    expect(again.info).toEqual(classifier.info);
    tf.dispose([x, f1, f2]);
    again.dispose();
  });

  it('rejects bad inputs', async () => {
    await expect(loadDigitClassifier(join(dir, 'missing'))).rejects.toThrow(/loadDigitClassifier: argument 'dir' must be a directory with model.json/);
    expect(() => classifier.accuracy(held.x, tf.tensor1d([1, 2]))).toThrow(ArgumentError);
    expect(() => classifier.predict(tf.zeros([2, 8, 8, 1]))).toThrow(/\[batch, 28, 28, 1\]/);
  });
});

describe('trainDigitClassifier', () => {
  it('is reproducible from its seed and leaves no tensors behind', async () => {
    const train = await loadMnist();
    const small = train.gather(Int32Array.from({ length: 256 }, (_, i) => i));
    const data = arrayImageDataset({
      name: 'small',
      images: small.x.dataSync() as Float32Array,
      labels: small.labels.dataSync() as Int32Array,
      eventShape: [28, 28, 1],
      classNames: train.classNames,
    });
    tf.dispose([small.x, small.labels]);
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    const c1 = await trainDigitClassifier(data, { epochs: 2, batchSize: 64, seed: 4, onEpoch: (_, l) => losses.push(l) });
    const c2 = await trainDigitClassifier(data, { epochs: 2, batchSize: 64, seed: 4 });
    const x = tf.slice(held.x, 0, 20);
    const l1 = c1.logits(x);
    const l2 = c2.logits(x);
    expectAllClose(l2, l1, { atol: 0 });
    expect(losses[1]!).toBeLessThan(losses[0]!);
    tf.dispose([x, l1, l2]);
    c1.dispose();
    c2.dispose();
    expect(tf.memory().numTensors).toBe(before);
    await expect(trainDigitClassifier(data, { epochs: 0 })).rejects.toThrow(/options.epochs/);
    const shapes = arrayImageDataset({ name: 's', images: new Float32Array(16), labels: Int32Array.from([0]), eventShape: [4, 4, 1], classNames: ['a'] });
    await expect(trainDigitClassifier(shapes)).rejects.toThrow(/28×28×1 images in 10 classes/);
  });
});

describe('arrayImageDataset', () => {
  it('rejects a label out of range, mismatched sizes, and bad row indices', () => {
    const base = { name: 't', images: new Float32Array(8), eventShape: [2, 2, 1] as const, classNames: ['a', 'b'] };
    expect(() => arrayImageDataset({ ...base, labels: Int32Array.from([0, 2]) })).toThrow(/arrayImageDataset: argument 'labels' must be class indices in 0 … 1, got 2 at row 1/);
    expect(() => arrayImageDataset({ ...base, labels: Int32Array.from([-1, 0]) })).toThrow(/got -1 at row 0/);
    expect(() => arrayImageDataset({ ...base, labels: Int32Array.from([0]) })).toThrow(/argument 'images'/);
    const ok = arrayImageDataset({ ...base, labels: Int32Array.from([0, 1]) });
    expect(() => ok.gather([2])).toThrow(/t.gather: argument 'indices' must be row indices in 0 … 1, got 2 at position 0/);
    expect(() => ok.sample(2, new SeedStream(0))).not.toThrow();
  });
});
