import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { eightGaussians } from '../../src/data/eight-gaussians.js';
import { gaussian, gaussianMixture } from '../../src/data/gaussian-mixture.js';
import { SeedStream } from '../../src/random.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';
import { gridIntegral } from './quadrature.js';

const weights = [0.2, 0.5, 0.3];
const means = [
  [-2, 0, 1],
  [1, 1, -1],
  [3, -2, 0],
];
const covariances = [
  [
    [1, 0.3, 0],
    [0.3, 0.5, 0.1],
    [0, 0.1, 0.8],
  ],
  [
    [0.2, 0, 0],
    [0, 0.4, -0.15],
    [0, -0.15, 0.3],
  ],
  [
    [0.6, -0.2, 0.1],
    [-0.2, 0.9, 0],
    [0.1, 0, 0.25],
  ],
];

/** log N(x; μ, Σ) in float64 by explicit 3×3 inverse and determinant. */
function logNormal3(x: number[], mu: number[], s: number[][]): number {
  const [a, b, c] = s[0]!;
  const [d, e, f] = s[1]!;
  const [g, h, i] = s[2]!;
  const det = a! * (e! * i! - f! * h!) - b! * (d! * i! - f! * g!) + c! * (d! * h! - e! * g!);
  const inv = [
    [e! * i! - f! * h!, c! * h! - b! * i!, b! * f! - c! * e!],
    [f! * g! - d! * i!, a! * i! - c! * g!, c! * d! - a! * f!],
    [d! * h! - e! * g!, b! * g! - a! * h!, a! * e! - b! * d!],
  ].map((row) => row.map((v) => v / det));
  const r = x.map((v, k) => v - mu[k]!);
  let q = 0;
  for (let p = 0; p < 3; p++) for (let t = 0; t < 3; t++) q += r[p]! * inv[p]![t]! * r[t]!;
  return -1.5 * Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * q;
}

describe('gaussianMixture', () => {
  const mix = gaussianMixture({ weights, means, covariances });

  it('samples with the mixture mean and covariance (within Monte-Carlo error)', async () => {
    const n = 40_000;
    const x = mix.sample(n, new SeedStream(11));
    expect(x.shape).toEqual([n, 3]);
    const v = await x.data();
    x.dispose();
    const d = 3;
    const m = new Array<number>(d).fill(0);
    for (let k = 0; k < 3; k++) for (let p = 0; p < d; p++) m[p]! += weights[k]! * means[k]![p]!;
    const cov = Array.from({ length: d }, (_, p) =>
      Array.from({ length: d }, (_, t) => {
        let s = 0;
        for (let k = 0; k < 3; k++) s += weights[k]! * (covariances[k]![p]![t]! + means[k]![p]! * means[k]![t]!);
        return s - m[p]! * m[t]!;
      }),
    );
    const em = new Array<number>(d).fill(0);
    for (let i = 0; i < n; i++) for (let p = 0; p < d; p++) em[p]! += v[i * d + p]! / n;
    const ec = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let i = 0; i < n; i++)
      for (let p = 0; p < d; p++) for (let t = 0; t < d; t++) ec[p]![t]! += ((v[i * d + p]! - em[p]!) * (v[i * d + t]! - em[t]!)) / (n - 1);
    for (let p = 0; p < d; p++) {
      expect(Math.abs(em[p]! - m[p]!)).toBeLessThan(4 * Math.sqrt(cov[p]![p]! / n));
      for (let t = 0; t < d; t++) {
        // SE of a sample covariance; the mixture has heavier tails than a Gaussian, hence the factor 6
        const se = Math.sqrt((cov[p]![p]! * cov[t]![t]! + cov[p]![t]! ** 2) / n);
        expect(Math.abs(ec[p]![t]! - cov[p]![t]!)).toBeLessThan(6 * se);
      }
    }
  });

  it('has the exact log density (matches a direct float64 computation)', async () => {
    const pts = [
      [0, 0, 0],
      [-2, 0.5, 1],
      [1, 1, -1],
      [3, -2, 0.2],
      [8, 8, -8],
      [-1, 4, 2],
    ];
    const expected = pts.map((x) => {
      const terms = means.map((mu, k) => Math.log(weights[k]!) + logNormal3(x, mu, covariances[k]!));
      const top = Math.max(...terms);
      return top + Math.log(terms.reduce((s, t) => s + Math.exp(t - top), 0));
    });
    const x = tf.tensor2d(pts);
    const lp = mix.logDensity(x);
    expect(lp.shape).toEqual([6]);
    expectAllClose(lp, expected, { rtol: 1e-4, atol: 1e-4 });
    tf.dispose([x, lp]);
    expect(mix.weights).toEqual(weights);
    expect(mix.covariances[1]).toEqual(covariances[1]);
  });

  it('is reproducible and does not leak', async () => {
    const a = mix.sample(50, new SeedStream(5));
    const b = mix.sample(50, new SeedStream(5));
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    tf.dispose([a, b]);
    await expectNoLeaks(() => mix.sample(32, new SeedStream(2)));
    const x = tf.zeros([4, 3]) as tf.Tensor2D;
    await expectNoLeaks(() => mix.logDensity(x));
    x.dispose();
  });

  it('validates means, weights and covariances', () => {
    expect(() => gaussianMixture({ means: [] })).toThrow(/'options.means' must be a non-empty array/);
    expect(() => gaussianMixture({ means: [[0, 0], [1]] })).toThrow(/'options.means\[1\]' must be an array of finite numbers of length 2/);
    expect(() => gaussianMixture({ means: [[0], [1]], weights: [1] })).toThrow(/'options.weights' must be an array of finite numbers of length 2/);
    expect(() => gaussianMixture({ means: [[0], [1]], weights: [-1, 2] })).toThrow(/'options.weights\[0\]' must be a finite number >= 0/);
    expect(() => gaussianMixture({ means: [[0], [1]], weights: [0, 0] })).toThrow(/positive sum/);
    expect(() => gaussianMixture({ means: [[0, 0], [1, 1]], covariances: [[[1, 0], [0, 1]], [[1, 2], [2, 1]]] })).toThrow(
      /gaussianMixture: argument 'options.covariances\[1\]' must be a symmetric positive-definite matrix/,
    );
    expect(() => gaussianMixture({ means: [[0, 0]], covariances: [[[1, 0.5], [0, 1]]] })).toThrow(/symmetric positive-definite/);
    expect(() => gaussianMixture({ means: [[0, 0]], covariances: -1 })).toThrow(/'options.covariances' must be a finite number > 0/);
  });
});

describe('eightGaussians and gaussian', () => {
  it('8gaussians: isotropic components on a circle, density integrates to 1 and matches float64', async () => {
    const eight = eightGaussians();
    expect(eight.name).toBe('8gaussians');
    expect(eight.means).toHaveLength(8);
    expectAllClose(eight.means[2]!, [0, 2 * Math.SQRT2], { atol: 1e-12 });
    expect(await gridIntegral(eight, 5, 250)).toBeCloseTo(1, 4);
    const s2 = 0.125; // (0.5/√2)²
    const pts = [[2 * Math.SQRT2, 0], [0.3, -0.7], [5, 5]];
    const expected = pts.map(([a, b]) => {
      const terms = eight.means.map(([m1, m2]) => Math.log(1 / 8) - Math.log(2 * Math.PI * s2) - ((a! - m1!) ** 2 + (b! - m2!) ** 2) / (2 * s2));
      const top = Math.max(...terms);
      return top + Math.log(terms.reduce((s, t) => s + Math.exp(t - top), 0));
    });
    const x = tf.tensor2d(pts);
    const lp = eight.logDensity(x);
    expectAllClose(lp, expected, { rtol: 1e-4, atol: 1e-4 });
    tf.dispose([x, lp]);

    const y = eight.sample(8000, new SeedStream(9));
    const r = tf.tidy(() => tf.sqrt(tf.sum(tf.square(y), 1)));
    const meanRadius = tf.mean(r).dataSync()[0]!;
    tf.dispose([y, r]);
    expect(Math.abs(meanRadius - 2 * Math.SQRT2)).toBeLessThan(0.05);
  });

  it('gaussian: standard normal by default; options checked', async () => {
    const g = gaussian();
    expect(g.dim).toBe(2);
    const x = tf.tensor2d([[0, 0]]);
    const lp = g.logDensity(x);
    expect((await lp.data())[0]).toBeCloseTo(-Math.log(2 * Math.PI), 5);
    tf.dispose([x, lp]);
    const g3 = gaussian({ mean: [1, 2, 3], std: 2 });
    expect(g3.dim).toBe(3);
    const s = g3.sample(20_000, new SeedStream(1));
    const m = tf.mean(s, 0);
    expectAllClose(m, [1, 2, 3], { atol: 4 * (2 / Math.sqrt(20_000)) });
    tf.dispose([s, m]);
    expect(() => gaussian({ dim: 2, mean: [0, 0, 0] })).toThrow(/'options.dim' must be the length of options.mean \(3\)/);
    expect(() => gaussian({ std: 0 })).toThrow(/'options.std' must be a finite number > 0/);
  });
});
