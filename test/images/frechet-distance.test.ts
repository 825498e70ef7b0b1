import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { featureFrechetDistance, featureMoments, frechetDistance, type GaussianMoments } from '../../src/images/frechet-distance.js';
import { sqrtmPsd, symmetricEigen } from '../../src/symmetric-eigen.js';
import { SeedStream } from '../../src/random.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';

/** A random orthogonal d×d matrix (Gram–Schmidt on seeded Gaussian columns), row-major float64. */
function randomOrthogonal(d: number, seed: number): Float64Array {
  const rng = new SeedStream(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
  const q = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const v = Float64Array.from({ length: d }, gauss);
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += v[i]! * q[i * d + k]!;
      for (let i = 0; i < d; i++) v[i]! -= dot * q[i * d + k]!;
    }
    const norm = Math.hypot(...v);
    for (let i = 0; i < d; i++) q[i * d + j] = v[i]! / norm;
  }
  return q;
}

/** Q diag(λ) Qᵀ. */
function compose(q: Float64Array, lambda: number[], d: number): Float64Array {
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += q[i * d + k]! * lambda[k]! * q[j * d + k]!;
    a[i * d + j] = s;
  }
  return a;
}

describe('symmetricEigen and sqrtmPsd', () => {
  it('diagonalises a known 2×2 matrix', () => {
    const { values, vectors } = symmetricEigen([2, 1, 1, 2], 2);
    expectAllClose(values, [1, 3], { atol: 1e-14 });
    // eigenvector of 3 is ±(1, 1)/√2
    expect(Math.abs(vectors[1]!)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(vectors[1]! * vectors[3]!).toBeGreaterThan(0);
  });

  it('sqrt of diag(4, 9) is diag(2, 3); sqrt of [[2,1],[1,2]] is the closed form', () => {
    expectAllClose(sqrtmPsd([4, 0, 0, 9], 2), [2, 0, 0, 3], { atol: 1e-14 });
    const r = Math.sqrt(3);
    expectAllClose(sqrtmPsd([2, 1, 1, 2], 2), [(1 + r) / 2, (r - 1) / 2, (r - 1) / 2, (1 + r) / 2], { atol: 1e-14 });
  });

  it('recovers B from A = B² for a random 30×30 SPD B with spread eigenvalues', () => {
    const d = 30;
    const q = randomOrthogonal(d, 3);
    const mu = Array.from({ length: d }, (_, i) => 10 ** (-3 + (5 * i) / (d - 1)));
    const b = compose(q, mu, d);
    const a = compose(q, mu.map((m) => m * m), d);
    const s = sqrtmPsd(a, d);
    expectAllClose(s, b, { atol: 1e-9, rtol: 1e-9 });
    const { values } = symmetricEigen(a, d);
    expectAllClose(values, mu.map((m) => m * m), { rtol: 1e-9, atol: 1e-12 });
  });

  it('handles a singular PSD matrix and rejects an indefinite or malformed one', () => {
    expectAllClose(sqrtmPsd([1, 1, 1, 1], 2), [Math.SQRT1_2, Math.SQRT1_2, Math.SQRT1_2, Math.SQRT1_2], { atol: 1e-14 });
    expect(() => sqrtmPsd([1, 2, 2, 1], 2)).toThrow(/positive semi-definite matrix, got one with eigenvalue -(1|0\.9999)/);
    expect(() => sqrtmPsd([1, 2, 3], 2)).toThrow(ArgumentError);
    expect(() => symmetricEigen([1, NaN, NaN, 1], 2)).toThrow(/finite/);
  });
});

describe('frechetDistance', () => {
  it('matches the 2-D closed form for non-commuting covariances', () => {
    // For 2×2 PSD M: tr √M = √(tr M + 2√det M); with M = C1^{1/2} C2 C1^{1/2}: tr M = tr(C1 C2), det M = det C1 det C2.
    const c1 = [2, 0.6, 0.6, 1];
    const c2 = [0.5, -0.3, -0.3, 1.5];
    const m1 = [0.3, -1];
    const m2 = [1.2, 0.5];
    const trC1C2 = c1[0]! * c2[0]! + c1[1]! * c2[2]! + c1[2]! * c2[1]! + c1[3]! * c2[3]!;
    const det = (c: number[]) => c[0]! * c[3]! - c[1]! * c[2]!;
    const expected =
      (m1[0]! - m2[0]!) ** 2 + (m1[1]! - m2[1]!) ** 2 + c1[0]! + c1[3]! + c2[0]! + c2[3]! - 2 * Math.sqrt(trC1C2 + 2 * Math.sqrt(det(c1) * det(c2)));
    const g = (m: number[], c: number[]): GaussianMoments => ({ dim: 2, mean: Float64Array.from(m), cov: Float64Array.from(c) });
    expect(frechetDistance(g(m1, c1), g(m2, c2))).toBeCloseTo(expected, 12);
    expect(frechetDistance(g(m2, c2), g(m1, c1))).toBeCloseTo(expected, 12);
  });

  it('is (1 − k)² tr C for C and k²C in 40 dimensions, and 0 for equal moments', () => {
    const d = 40;
    const c = compose(randomOrthogonal(d, 5), Array.from({ length: d }, (_, i) => 0.01 + i / 10), d);
    let tr = 0;
    for (let i = 0; i < d; i++) tr += c[i * d + i]!;
    const mean = new Float64Array(d);
    const k = 1.7;
    const fd = frechetDistance({ dim: d, mean, cov: c }, { dim: d, mean, cov: c.map((v) => k * k * v) });
    expect(fd).toBeCloseTo((1 - k) ** 2 * tr, 9);
    expect(frechetDistance({ dim: d, mean, cov: c }, { dim: d, mean, cov: c })).toBeLessThan(1e-10);
    expect(() => frechetDistance({ dim: d, mean, cov: c }, { dim: 2, mean: new Float64Array(2), cov: new Float64Array(4) })).toThrow(ArgumentError);
  });

  it('featureMoments gives the exact mean and unbiased covariance', () => {
    const m = featureMoments([0, 0, 2, 2, 4, 1], 3, 2);
    expectAllClose(m.mean, [2, 1], { atol: 1e-15 });
    expectAllClose(m.cov, [4, 1, 1, 1], { atol: 1e-15 });
    expect(() => featureMoments([1, 2], 1, 2)).toThrow(/n >= 2/);
  });

  it('on sampled Gaussian features approaches the closed form, within Monte-Carlo error', async () => {
    // N(0, I) vs N(μ, 4I) in d = 3: FD = |μ|² + 3(2 − 1)² = |μ|² + 3.
    const n = 20000;
    const d = 3;
    const a = tf.randomNormal([n, d], 0, 1, 'float32', 11);
    const b = tf.tidy(() => tf.add(tf.mul(tf.randomNormal([n, d], 0, 1, 'float32', 12), 2), tf.tensor1d([1, 0, -1])));
    const fd = await featureFrechetDistance(a, b);
    // finite-sample bias and noise are O(d/√n) for these moments: a few hundredths.
    expect(Math.abs(fd - 5)).toBeLessThan(0.1);
    await expectNoLeaks(() => featureFrechetDistance(a, b));
    tf.dispose([a, b]);
  });
});
