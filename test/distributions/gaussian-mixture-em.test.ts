import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gaussianMixture } from '../../src/data/gaussian-mixture.js';
import { fitGaussianMixture } from '../../src/distributions/gaussian-mixture-em.js';
import { SeedStream } from '../../src/random.js';

describe('fitGaussianMixture (EM, float64)', () => {
  const truth = gaussianMixture({
    means: [
      [-3, 0],
      [2, 1],
    ],
    weights: [0.3, 0.7],
    covariances: [
      [
        [0.5, 0.2],
        [0.2, 0.4],
      ],
      [
        [1, -0.3],
        [-0.3, 0.6],
      ],
    ],
  });

  it('recovers the weights, means and covariances of a known mixture; the log-likelihood never decreases', () => {
    const n = 6000;
    const x = truth.sample(n, new SeedStream(1)) as tf.Tensor2D;
    const { mixture, history, iterations } = fitGaussianMixture(x, { components: 2, seed: 2 });
    expect(iterations).toBeGreaterThan(1);
    for (let i = 1; i < history.length; i++) expect(history[i]!).toBeGreaterThanOrEqual(history[i - 1]! - 1e-12);
    const order = mixture.means[0]![0]! < mixture.means[1]![0]! ? [0, 1] : [1, 0];
    order.forEach((k, j) => {
      // SE of a weight √(π(1−π)/n) ≈ 0.006; of a mean ≈ √(σ²/(nπ)) ≤ 0.02
      expect(Math.abs(mixture.weights[k]! - truth.weights[j]!)).toBeLessThan(0.03);
      for (let a = 0; a < 2; a++) {
        expect(Math.abs(mixture.means[k]![a]! - truth.means[j]![a]!)).toBeLessThan(0.08);
        for (let b = 0; b < 2; b++) expect(Math.abs(mixture.covariances[k]![a]![b]! - truth.covariances[j]![a]![b]!)).toBeLessThan(0.1);
      }
    });
    // the fitted law's logProb averages to the last EM log-likelihood (float32 vs float64)
    const lp = mixture.logProb(x);
    expect(tf.mean(lp).dataSync()[0]!).toBeCloseTo(history[history.length - 1]!, 3);
    // and it beats the truth on its own training data only slightly (it is the MLE)
    const lpTrue = truth.logProb(x);
    expect(tf.mean(lp).dataSync()[0]!).toBeGreaterThanOrEqual(tf.mean(lpTrue).dataSync()[0]! - 1e-4);
    tf.dispose([x, lp, lpTrue]);
  });

  it('is deterministic for a seed and rejects bad input', () => {
    const pts = [
      [0, 0],
      [1, 0],
      [0, 1],
      [5, 5],
      [6, 5],
      [5, 6],
    ];
    const a = fitGaussianMixture(pts, { components: 2, seed: 1 });
    const b = fitGaussianMixture(pts, { components: 2, seed: 1 });
    expect(a.mixture.means).toEqual(b.mixture.means);
    expect(() => fitGaussianMixture(pts, { components: 7 })).toThrow(/fitGaussianMixture: argument 'data' must be at least 7 points/);
    expect(() => fitGaussianMixture(pts, { components: 0 })).toThrow(/options.components/);
    expect(() => fitGaussianMixture([[0, Number.NaN]], { components: 1 })).toThrow(/finite numbers/);
  });
});
