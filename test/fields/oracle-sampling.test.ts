/**
 * Exact samplers (moments within 3 standard errors, reproducibility) and normalisation of the log densities.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { GaussianMixtureOracle, makeOracle, oracleProblem, type GaussianMixtureParams } from '../../src/fields/index.js';
import { makeInterpolant } from '../../src/interpolants/index.js';
import { SeedStream } from '../../src/random.js';

/** Checks sample mean and covariance against the law within 3 standard errors (SE from the samples). */
function expectMoments(samples: tf.Tensor2D, law: GaussianMixtureParams, label: string): void {
  const rows = samples.arraySync();
  const n = rows.length;
  const d = law.dim;
  const mean = Array.from({ length: d }, (_, i) => rows.reduce((s, r) => s + r[i]!, 0) / n);
  for (let i = 0; i < d; i++) {
    const variance = rows.reduce((s, r) => s + (r[i]! - mean[i]!) ** 2, 0) / (n - 1);
    const se = Math.sqrt(variance / n);
    expect(Math.abs(mean[i]! - law.mean[i]!), `${label} mean[${i}] ${mean[i]} vs ${law.mean[i]} (SE ${se})`).toBeLessThan(3 * se);
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      // centre at the true mean so the products are iid with mean Σ_ij
      const p = rows.map((r) => (r[i]! - law.mean[i]!) * (r[j]! - law.mean[j]!));
      const m = p.reduce((a, b) => a + b, 0) / n;
      const se = Math.sqrt(p.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1) / n);
      const want = law.covariance[i]![j]!;
      expect(Math.abs(m - want), `${label} cov[${i}][${j}] ${m} vs ${want} (SE ${se})`).toBeLessThan(3 * se);
    }
  }
}

describe('exact samplers', () => {
  const N = 20_000;

  it('gmm2d: sampleTarget, sampleBase and sampleAt(t) match mean and covariance (3 SE)', () => {
    const oracle = makeOracle('gmm2d', makeInterpolant('linear', { gamma: 'sqrt' }));
    const seeds = new SeedStream(2024);
    const x1 = oracle.sampleTarget(N, seeds);
    expect(x1.shape).toEqual([N, 2]);
    expectMoments(x1, oracle.target, 'target');
    const x0 = oracle.sampleBase(N, seeds);
    expectMoments(x0, oracle.base, 'base');
    for (const t of [0.3, 0.8]) {
      const xt = oracle.sampleAt(t, N, seeds);
      expectMoments(xt, oracle.marginal(t), `ρ(${t})`);
      xt.dispose();
    }
    tf.dispose([x1, x0]);
  });

  it('gmm2d: component frequencies match the weights', () => {
    const oracle = makeOracle('gmm2d', makeInterpolant('linear'));
    const x = oracle.sampleTarget(N, new SeedStream(5));
    const rows = x.arraySync();
    // the satellite component 4 (π = 0.1, μ = (2.5, 2.5), Σ = 0.05 I) is the only mass near (2.5, 2.5)
    const near = rows.filter((r) => Math.hypot(r[0]! - 2.5, r[1]! - 2.5) < 0.7).length / N;
    expect(Math.abs(near - 0.1)).toBeLessThan(3 * Math.sqrt((0.1 * 0.9) / N) + 0.002);
    x.dispose();
  });

  it('gaussian 1-D and the interpolant marginal of a two-sided Gaussian pair match (3 SE)', () => {
    const oracle = makeOracle('gaussian', makeInterpolant('trig', { gamma: 'quadratic' }));
    const seeds = new SeedStream(9);
    const x1 = oracle.sampleTarget(N, seeds);
    expectMoments(x1, oracle.target, 'target');
    expect(oracle.target.mean[0]).toBe(2);
    expect(oracle.target.covariance[0]![0]).toBe(0.25);
    // x_t built from the interpolant's own sample() has the law marginal(t)
    const t = 0.4;
    const x0 = oracle.sampleBase(N, seeds);
    const z = tf.randomNormal([N, 1], 0, 1, 'float32', seeds.next()) as tf.Tensor2D;
    const tt = tf.fill([N], t) as tf.Tensor1D;
    const s = oracle.interpolant.sample(x0, x1, tt, z);
    expectMoments(s.xt, oracle.marginal(t), 'x_t from sample()');
    tf.dispose([x1, x0, z, tt, ...Object.values(s)]);
  });

  it('mirror: base is the target', () => {
    const oracle = makeOracle('gmm2d', makeInterpolant('mirror'));
    expect(oracle.base).toEqual(oracle.target);
    const x0 = oracle.sampleBase(N, new SeedStream(3));
    expectMoments(x0, oracle.target, 'mirror base');
    x0.dispose();
  });

  it('same seed, same samples', () => {
    const oracle = makeOracle('gmm2d', makeInterpolant('linear'));
    const a = oracle.sampleTarget(100, new SeedStream(77));
    const b = oracle.sampleTarget(100, new SeedStream(77));
    const c = oracle.sampleTarget(100, new SeedStream(78));
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    tf.dispose([a, b, c]);
  });
});

describe('log densities normalise', () => {
  it('1-D: ∫ exp(log ρ) dx = 1 for base, target and ρ(t) (trapezoid on a fine grid)', () => {
    const oracles = [
      makeOracle('gaussian', makeInterpolant('linear')),
      new GaussianMixtureOracle({
        interpolant: makeInterpolant('vp-trig', { gamma: 'sigmoid' }),
        base: { mean: [0.5], covariance: 2 },
        target: { weights: [0.3, 0.7], means: [[-2], [1.5]], covariances: [0.2, [0.5]] },
      }),
    ];
    const n = 6001;
    const [lo, hi] = [-15, 15];
    const h = (hi - lo) / (n - 1);
    const x = tf.tensor2d(Array.from({ length: n }, (_, i) => lo + i * h), [n, 1]);
    const integrate = (logp: tf.Tensor1D) => {
      const p = Array.from(logp.dataSync(), Math.exp);
      logp.dispose();
      return h * (p.reduce((a, b) => a + b, 0) - 0.5 * (p[0]! + p[n - 1]!));
    };
    for (const oracle of oracles) {
      expect(integrate(oracle.logDensityBase(x))).toBeCloseTo(1, 4);
      expect(integrate(oracle.logDensityTarget(x))).toBeCloseTo(1, 4);
      for (const t of [0.2, 0.5, 0.9]) expect(integrate(oracle.logDensityAt(t, x))).toBeCloseTo(1, 4);
    }
    x.dispose();
  });

  it('2-D gmm2d: grid quadrature of exp(log ρ) is 1 for the target and ρ(½)', () => {
    const oracle = makeOracle('gmm2d', makeInterpolant('linear', { gamma: 'quadratic' }));
    const m = 281;
    const [lo, hi] = [-7, 7];
    const h = (hi - lo) / (m - 1);
    const pts: number[] = [];
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) pts.push(lo + i * h, lo + j * h);
    const x = tf.tensor2d(pts, [m * m, 2]);
    for (const logp of [oracle.logDensityTarget(x), oracle.logDensityAt(0.5, x)]) {
      const total = Array.from(logp.dataSync(), Math.exp).reduce((a, b) => a + b, 0) * h * h;
      expect(total).toBeCloseTo(1, 3);
      logp.dispose();
    }
    x.dispose();
  });

  it('problem definitions are documented values and fresh copies', () => {
    const p = oracleProblem('gmm2d');
    expect(p.target.weights).toEqual([0.4, 0.3, 0.2, 0.1]);
    p.target.weights[0] = 0;
    expect(oracleProblem('gmm2d').target.weights[0]).toBe(0.4);
    expect(oracleProblem('gaussian')).toMatchObject({ dim: 1, base: { mean: [0] }, target: { means: [[2]], covariances: [0.25] } });
  });
});
