import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DATASETS, getDataset } from '../../src/data/registry.js';
import { arrayDataset } from '../../src/data/array.js';
import { gaussianMixture } from '../../src/data/gaussian-mixture.js';
import {
  checkDistribution,
  diagonalGaussian,
  drawSamples,
  isAsyncDistribution,
  isDistribution,
  isLabelledDistribution,
  labelledMixture,
  resolveDistribution,
  standardNormal,
  toAsync,
} from '../../src/distributions/index.js';
import { ArgumentError } from '../../src/errors.js';
import { SeedStream } from '../../src/random.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';
import { expectMomentsMatch } from '../helpers/statistics.js';

/** log N(x; μ, diag σ²) per row, in float64. */
function logNormal64(rows: number[][], mean: number[], std: number[]): number[] {
  return rows.map((r) => r.reduce((s, x, i) => s - 0.5 * ((x - mean[i]!) / std[i]!) ** 2 - Math.log(std[i]!) - 0.5 * Math.log(2 * Math.PI), 0));
}

const points = [
  [0, 0, 0, 0],
  [1, -2, 0.5, 3],
  [-0.3, 0.7, 2, -1],
];

describe('standardNormal', () => {
  it('draws exactly what the gaussian base draws (tf.randomNormal with one seed from the stream)', () => {
    const x = standardNormal([2]).sample(64, new SeedStream(7));
    const seeds = new SeedStream(7);
    const y = tf.randomNormal([64, 2], 0, 1, 'float32', seeds.next());
    expect(Array.from(x.dataSync())).toEqual(Array.from(y.dataSync()));
    tf.dispose([x, y]);
  });

  it('samples [n, ...eventShape] with mean 0 and covariance I (Monte Carlo, 4 SE)', () => {
    const x = standardNormal([2, 2, 1]).sample(20000, new SeedStream(1));
    expect(x.shape).toEqual([20000, 2, 2, 1]);
    const flat = tf.reshape(x, [20000, 4]) as tf.Tensor2D;
    const eye = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => (i === j ? 1 : 0)));
    expectMomentsMatch(flat, { mean: [0, 0, 0, 0], cov: eye }, { k: 4 });
    tf.dispose([x, flat]);
  });

  it('has the closed-form log density, the same for image-shaped and flat events', () => {
    const flat = standardNormal([4]).logProb(tf.tensor2d(points));
    const img = standardNormal([2, 2, 1]).logProb(tf.tensor4d(points.flat(), [3, 2, 2, 1]));
    const exact = logNormal64(points, [0, 0, 0, 0], [1, 1, 1, 1]);
    expectAllClose(flat, exact, { rtol: 1e-6 });
    expect(Array.from(img.dataSync())).toEqual(Array.from(flat.dataSync()));
    tf.dispose([flat, img]);
  });

  it('supports scalar events', () => {
    const x = tf.tensor1d([0, 1, -2]);
    const lp = standardNormal([]).logProb(x);
    expectAllClose(lp, [0, 1, -2].map((v) => -0.5 * v * v - 0.5 * Math.log(2 * Math.PI)), { rtol: 1e-6 });
    tf.dispose([x, lp]);
  });

  it('rejects bad arguments naming the function and argument', () => {
    expect(() => standardNormal([2, 0])).toThrow(/standardNormal: argument 'eventShape' must be an event shape/);
    const bad = tf.zeros([3, 2]);
    expect(() => standardNormal([4]).logProb(bad)).toThrow("standardNormal.logProb: argument 'x' must be a float32 tensor of shape [batch, 4], got a float32 tensor of shape [3, 2]");
    expect(() => standardNormal([4]).sample(0, new SeedStream(0))).toThrow(ArgumentError);
    bad.dispose();
  });

  it('leaks no tensors', async () => {
    const d = standardNormal([2, 2, 1]);
    const seeds = new SeedStream(3);
    await expectNoLeaks(() => {
      const x = d.sample(16, seeds);
      const lp = d.logProb(x);
      x.dispose();
      return lp;
    });
  });
});

describe('diagonalGaussian', () => {
  const mean = [1, -1, 0.5, 2];
  const std = [0.5, 2, 1, 0.1];

  it('matches the float64 log density on flat and image-shaped events', () => {
    const flat = diagonalGaussian({ mean, std }).logProb(tf.tensor2d(points));
    const img = diagonalGaussian({ eventShape: [2, 2, 1], mean, std }).logProb(tf.tensor4d(points.flat(), [3, 2, 2, 1]));
    const exact = logNormal64(points, mean, std);
    expectAllClose(flat, exact, { rtol: 1e-5 });
    expectAllClose(img, exact, { rtol: 1e-5 });
    tf.dispose([flat, img]);
  });

  it('agrees with the one-component Gaussian mixture dataset (an independent implementation)', () => {
    const x = tf.tensor2d([[0.2, -0.4], [3, 1]]);
    const q = diagonalGaussian({ mean: [1, -1], std: 0.7 });
    const g = gaussianMixture({ means: [[1, -1]], covariances: 0.49 });
    const a = q.logProb(x);
    const b = g.logProb(x);
    expectAllClose(a, b, { rtol: 1e-5 });
    tf.dispose([x, a, b]);
  });

  it('samples μ + σ z (Monte Carlo moments, 4 SE)', () => {
    const x = diagonalGaussian({ mean, std }).sample(20000, new SeedStream(2)) as tf.Tensor2D;
    const cov = std.map((s, i) => std.map((_, j) => (i === j ? s * s : 0)));
    expectMomentsMatch(x, { mean, cov }, { k: 4 });
    x.dispose();
  });

  it('rejects bad parameters', () => {
    expect(() => diagonalGaussian({ mean: 0, std: 1 })).toThrow(/diagonalGaussian: argument 'options.eventShape' must be an event shape when mean and std are both numbers/);
    expect(() => diagonalGaussian({ mean: [0, 0], std: [1, 0] })).toThrow("diagonalGaussian: argument 'options.std[1]' must be a finite number > 0, got 0");
    expect(() => diagonalGaussian({ eventShape: [3], mean: [0, 0] })).toThrow(/'options.mean' must be a number or an array of 3 numbers/);
    expect(() => diagonalGaussian({ mean: [0], sd: 1 } as never)).toThrow(/unknown key 'sd'/);
  });
});

describe('labelledMixture', () => {
  const classes = [diagonalGaussian({ mean: [-4, 0], std: 0.5 }), diagonalGaussian({ mean: [4, 0], std: 0.5 }), diagonalGaussian({ mean: [0, 4], std: 0.5 })];
  const weights = [0.2, 0.5, 0.3];

  it('draws labels with the class probabilities (binomial error bars) and each row from its class', () => {
    const data = labelledMixture(classes, { weights });
    const n = 6000;
    const { x, labels } = data.sampleLabelled(n, new SeedStream(4));
    expect(x.shape).toEqual([n, 2]);
    expect(labels.dtype).toBe('int32');
    const lab = labels.dataSync();
    const xs = x.dataSync();
    const counts = [0, 0, 0];
    for (let i = 0; i < n; i++) {
      const k = lab[i]!;
      counts[k]!++;
      // the class means are 8 standard deviations apart: the nearest mean is the row's class
      const nearest = [0, 1, 2].reduce((best, c) => {
        const d = (m: number[]) => (xs[2 * i]! - m[0]!) ** 2 + (xs[2 * i + 1]! - m[1]!) ** 2;
        return d([...classes[c]!.mean]) < d([...classes[best]!.mean]) ? c : best;
      }, 0);
      expect(nearest).toBe(k);
    }
    weights.forEach((w, k) => expect(Math.abs(counts[k]! / n - w)).toBeLessThan(4 * Math.sqrt((w * (1 - w)) / n)));
    tf.dispose([x, labels]);
  });

  it('is reproducible and its marginal equals the Gaussian mixture dataset', () => {
    const data = labelledMixture(classes, { weights });
    const a = data.sample(50, new SeedStream(9));
    const b = data.sample(50, new SeedStream(9));
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const gmm = gaussianMixture({ weights, means: classes.map((c) => [...c.mean]), covariances: 0.25 });
    const lp = data.logProb!(a);
    const ref = gmm.logProb(a as tf.Tensor2D);
    expectAllClose(lp, ref, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([a, b, lp, ref]);
  });

  it('gives log p(x | label) for each row, without NaN where another class has −Infinity', () => {
    const box = arrayDataset([[100, 100]]); // no density: no logProb on the mixture
    expect(labelledMixture([classes[0]!, box]).logProb).toBeUndefined();
    const data = labelledMixture(classes, { weights });
    const x = tf.tensor2d([[-4, 0], [4, 1], [0, 4]]);
    const labels = tf.tensor1d([0, 1, 2], 'int32');
    const lp = data.logProbGiven!(x, labels);
    const exact = [
      ...logNormal64([[-4, 0]], [-4, 0], [0.5, 0.5]),
      ...logNormal64([[4, 1]], [4, 0], [0.5, 0.5]),
      ...logNormal64([[0, 4]], [0, 4], [0.5, 0.5]),
    ];
    expectAllClose(lp, exact, { rtol: 1e-5 });
    const board = getDataset('checkerboard');
    const mixed = labelledMixture([board, classes[0]!]);
    const y = tf.tensor2d([[-3.5, 0]]); // outside the checkerboard's support: −Infinity for class 0
    const given = mixed.logProbGiven!(y, tf.tensor1d([1], 'int32'));
    expectAllClose(given, logNormal64([[-3.5, 0]], [-4, 0], [0.5, 0.5]), { rtol: 1e-5 });
    tf.dispose([x, labels, lp, y, given]);
  });

  it('leaks no tensors and rejects bad input', async () => {
    const data = labelledMixture(classes);
    const seeds = new SeedStream(5);
    await expectNoLeaks(() => {
      const { x, labels } = data.sampleLabelled(32, seeds);
      const lp = data.logProbGiven!(x, labels);
      const m = data.logProb!(x);
      return [x, labels, lp, m];
    });
    expect(() => labelledMixture([])).toThrow("labelledMixture: argument 'classes' must be a non-empty array of distributions, got []");
    expect(() => labelledMixture([classes[0]!, standardNormal([3])])).toThrow(/'classes\[1\]' must be a distribution of event shape \[2\]/);
    expect(() => labelledMixture(classes, { weights: [1, 1] })).toThrow(/'options.weights' must be an array of finite numbers of length 3/);
  });
});

describe('datasets are distributions', () => {
  it('every built-in dataset has eventShape [dim], and logProb is logDensity', () => {
    for (const name of BUILTIN_DATASETS) {
      const data = name === 'gmm' ? getDataset('gmm', { means: [[0, 0], [3, 3]] }) : getDataset(name);
      expect(isDistribution(data)).toBe(true);
      expect(data.eventShape).toEqual([data.dim]);
      expect(data.logProb).toBe(data.logDensity);
    }
    expect(arrayDataset([[1, 2, 3]]).eventShape).toEqual([3]);
    expect(checkDistribution('f', 'data', getDataset('moons'), [2]).eventShape).toEqual([2]);
    expect(() => checkDistribution('f', 'data', getDataset('moons'), [3])).toThrow("f: argument 'data' must be a distribution of event shape [3], got event shape [2]");
    expect(() => checkDistribution('f', 'data', 'gaussian')).toThrow(/f: argument 'data' must be a distribution/);
  });
});

describe('async distributions', () => {
  it('toAsync gives the same draws and densities; drawSamples samples either kind', async () => {
    const d = standardNormal([3]);
    const a = toAsync(d);
    expect(isAsyncDistribution(a)).toBe(true);
    expect(isDistribution(a)).toBe(false);
    expect(isLabelledDistribution(labelledMixture([d]))).toBe(true);
    const x = await a.sampleAsync(10, new SeedStream(11));
    const y = await drawSamples(d, 10, new SeedStream(11));
    const z = await drawSamples(a, 10, new SeedStream(11));
    expect(Array.from(x.dataSync())).toEqual(Array.from(y.dataSync()));
    expect(Array.from(z.dataSync())).toEqual(Array.from(y.dataSync()));
    const lp = await a.logProbAsync!(x);
    const ref = d.logProb(x);
    expect(Array.from(lp.dataSync())).toEqual(Array.from(ref.dataSync()));
    tf.dispose([x, y, z, lp, ref]);
    await expect(drawSamples({} as never, 1, new SeedStream(0))).rejects.toThrow(/drawSamples: argument 'source' must be a distribution/);
  });
});

describe('resolveDistribution', () => {
  it("turns 'gaussian' into the standard normal with the former base's draws, and passes distributions through", () => {
    const base = resolveDistribution('f', 'options.base', 'gaussian', [2]);
    expect(base.eventShape).toEqual([2]);
    const x = base.sample(32, new SeedStream(12));
    const y = tf.randomNormal([32, 2], 0, 1, 'float32', new SeedStream(12).next());
    expect(Array.from(x.dataSync())).toEqual(Array.from(y.dataSync()));
    const moons = getDataset('moons');
    expect(resolveDistribution('f', 'options.base', moons, [2])).toBe(moons);
    expect(resolveDistribution('f', 'options.base', moons)).toBe(moons);
    tf.dispose([x, y]);
  });

  it('rejects other values naming the function and argument', () => {
    expect(() => resolveDistribution('train', 'options.base', 'gauss', [2])).toThrow(
      "train: argument 'options.base' must be a distribution { eventShape, sample(n, seeds) } (a dataset) or 'gaussian', got \"gauss\"",
    );
    expect(() => resolveDistribution('train', 'options.base', getDataset('moons'), [3])).toThrow(
      "train: argument 'options.base' must be a distribution of event shape [3], got event shape [2]",
    );
    expect(() => resolveDistribution('train', 'options.base', 'gaussian')).toThrow(/'gaussian' needs the event shape/);
  });
});
