import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fullGaussian } from '../../src/distributions/full-gaussian.js';
import { SeedStream } from '../../src/random.js';

describe('fullGaussian', () => {
  const mean = [1, -2];
  const cov = [
    [2, 0.9],
    [0.9, 1],
  ];

  it('logProb is the closed form −½ (x − μ)ᵀ Σ⁻¹ (x − μ) − ½ log det 2πΣ', () => {
    const q = fullGaussian({ mean, covariance: cov });
    const det = cov[0]![0]! * cov[1]![1]! - cov[0]![1]! ** 2;
    const inv = [
      [cov[1]![1]! / det, -cov[0]![1]! / det],
      [-cov[1]![0]! / det, cov[0]![0]! / det],
    ];
    const pts = [
      [0, 0],
      [1, -2],
      [3, 1],
    ];
    const lp = q.logProb(tf.tensor2d(pts)).dataSync();
    pts.forEach((p, i) => {
      const d = [p[0]! - mean[0]!, p[1]! - mean[1]!];
      const quad = d[0]! * (inv[0]![0]! * d[0]! + inv[0]![1]! * d[1]!) + d[1]! * (inv[1]![0]! * d[0]! + inv[1]![1]! * d[1]!);
      expect(lp[i]!).toBeCloseTo(-0.5 * quad - 0.5 * Math.log((2 * Math.PI) ** 2 * det), 4);
    });
  });

  it('samples have mean μ and covariance Σ within Monte-Carlo error; same seed, same draws', () => {
    const q = fullGaussian({ mean, covariance: cov });
    const n = 40000;
    const x = q.sample(n, new SeedStream(3));
    const d = x.dataSync();
    const m = [0, 0];
    for (let i = 0; i < n; i++) for (let j = 0; j < 2; j++) m[j] += d[2 * i + j]! / n;
    let c01 = 0;
    for (let i = 0; i < n; i++) c01 += ((d[2 * i]! - m[0]!) * (d[2 * i + 1]! - m[1]!)) / n;
    expect(Math.abs(m[0]! - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(m[1]! + 2)).toBeLessThan(4 * Math.sqrt(1 / n));
    expect(Math.abs(c01 - 0.9)).toBeLessThan(4 * Math.sqrt((2 * 1 + 0.81) / n));
    expect(Array.from(q.sample(5, new SeedStream(3)).dataSync())).toEqual(Array.from(d.slice(0, 10)));
    expect(q.mean).toEqual(mean);
    x.dispose();
  });

  it('rejects a covariance that is not symmetric positive definite', () => {
    expect(() => fullGaussian({ mean, covariance: [[1, 2], [2, 1]] })).toThrow(/fullGaussian: argument 'options.covariance' must be a 2 × 2 symmetric positive-definite matrix/);
    expect(() => fullGaussian({ mean, covariance: [[1, 0]] })).toThrow(/options.covariance/);
    expect(() => fullGaussian({ mean: [] })).toThrow(/options.mean/);
  });
});
