/**
 * The tensor side of the oracles: fields equal the float64 reference, per-sample and shared times agree,
 * the score is the tf.grad of logDensityAt, nothing leaks, and a 10,000-sample batch is fast.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { makeOracle, type GaussianMixtureOracle } from '../../src/fields/index.js';
import { makeInterpolant } from '../../src/interpolants/index.js';
import { SeedStream } from '../../src/random.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';
import { oracleCases } from './cases.js';

const FIELDS = ['velocity', 'v', 'score', 'denoiser', 'eta0', 'eta1'] as const;
const POINT_KEY = { velocity: 'velocity', v: 'v', score: 'score', denoiser: 'etaZ', eta0: 'eta0', eta1: 'eta1' } as const;

/** Points spread over ρ(t) at per-sample times, endpoints included. */
function inputs(oracle: GaussianMixtureOracle, n: number, seed: number): { x: tf.Tensor2D; t: tf.Tensor1D } {
  const seeds = new SeedStream(seed);
  const ts = Array.from({ length: n }, (_, i) => (i === 0 ? 0 : i === 1 ? 1 : seeds.uniform()));
  const x = tf.tidy(() => tf.div(tf.add(oracle.sampleBase(n, seeds), tf.mul(1.5, oracle.sampleTarget(n, seeds))), 2) as tf.Tensor2D);
  return { x, t: tf.tensor1d(ts) };
}

describe('oracle tensor fields', () => {
  for (const { label, interpolant: I, oracle: make } of oracleCases()) {
    it(`${label}: every field equals the float64 reference (per-sample t, endpoints included)`, () => {
      const oracle = make();
      const { x, t } = inputs(oracle, 40, 11);
      const xs = x.arraySync();
      const ts = Array.from(t.dataSync());
      const ref = ts.map((s, i) => oracle.evaluateAt(s, xs[i]!));
      for (const name of FIELDS) {
        const out = oracle[name](x, t);
        expect(out.shape).toEqual(x.shape);
        expectAllClose(
          out,
          ref.map((p) => p[POINT_KEY[name]]),
          { rtol: 5e-4, atol: 5e-4, label: `${label} ${name}` },
        );
        out.dispose();
      }
      const logp = oracle.logDensityAt(t, x);
      expectAllClose(logp, ref.map((p) => p.logDensity), { rtol: 1e-4, atol: 1e-4, label: `${label} logDensityAt` });
      tf.dispose([x, t, logp]);
      void I;
    });
  }

  it('shared time ([1] tensor, filled [batch] tensor, number) equals per-sample evaluation', () => {
    const oracle = makeOracle('gmm2d', makeInterpolant('trig', { gamma: 'sigmoid' }));
    const { x } = inputs(oracle, 32, 3);
    const t1 = tf.tensor1d([0.37]);
    const tb = tf.fill([32], 0.37) as tf.Tensor1D;
    const a = oracle.velocity(x, t1);
    const b = oracle.velocity(x, tb);
    expectAllClose(a, b, { rtol: 1e-6, atol: 1e-6 });
    const la = oracle.logDensityAt(0.37, x);
    const lb = oracle.logDensityAt(tb, x);
    expectAllClose(la, lb, { rtol: 1e-6, atol: 1e-6 });
    tf.dispose([x, t1, tb, a, b, la, lb]);
  });

  it('logDensityAt at t = 0 and 1 equals logDensityBase and logDensityTarget', () => {
    for (const name of ['linear', 'one-sided-vp', 'mirror'] as const) {
      const oracle = makeOracle('gmm2d', makeInterpolant(name));
      const { x } = inputs(oracle, 50, 5);
      const [l0, lb, l1, lt] = [oracle.logDensityAt(0, x), oracle.logDensityBase(x), oracle.logDensityAt(1, x), oracle.logDensityTarget(x)];
      expectAllClose(l0, lb, { rtol: 1e-5, atol: 1e-5, label: `${name} base` });
      expectAllClose(l1, lt, { rtol: 1e-5, atol: 1e-5, label: `${name} target` });
      tf.dispose([x, l0, lb, l1, lt]);
    }
  });

  it('score = tf.grad of logDensityAt (float32), mixture and Gaussian', () => {
    for (const problem of ['gmm2d', 'gaussian'] as const) {
      const oracle = makeOracle(problem, makeInterpolant('linear', { gamma: 'quadratic' }));
      const { x, t } = inputs(oracle, 64, 9);
      const grad = tf.grad((y: tf.Tensor) => tf.sum(oracle.logDensityAt(t, y as tf.Tensor2D)))(x);
      const s = oracle.score(x, t);
      expectAllClose(grad, s, { rtol: 2e-3, atol: 2e-3, label: problem });
      tf.dispose([x, t, grad, s]);
    }
  });

  it('fields are differentiable in x: divergence of b by tf.grad matches finite differences of the reference', () => {
    const oracle = makeOracle('gmm2d', makeInterpolant('linear', { gamma: 'sqrt' }));
    const x = tf.tensor2d([[0.3, -0.4], [-1.2, 0.8]]);
    const t = tf.tensor1d([0.3, 0.6]);
    const div = tf.tidy(() => {
      const parts = [0, 1].map((i) =>
        tf.slice(tf.grad((y: tf.Tensor) => tf.sum(tf.slice(oracle.velocity(y as tf.Tensor2D, t), [0, i], [-1, 1])))(x), [0, i], [-1, 1]),
      );
      return tf.reshape(tf.add(parts[0]!, parts[1]!), [2]);
    });
    const h = 1e-5;
    const ref = [[0.3, -0.4], [-1.2, 0.8]].map((p, k) => {
      const s = [0.3, 0.6][k]!;
      let sum = 0;
      for (let i = 0; i < 2; i++) {
        const up = p.slice();
        const dn = p.slice();
        up[i]! += h;
        dn[i]! -= h;
        sum += (oracle.evaluateAt(s, up).velocity[i]! - oracle.evaluateAt(s, dn).velocity[i]!) / (2 * h);
      }
      return sum;
    });
    expectAllClose(div, ref, { rtol: 2e-3, atol: 2e-3 });
    tf.dispose([x, t, div]);
  });

  it('no tensor leaks from fields, densities and samplers', async () => {
    for (const problem of ['gmm2d', 'gaussian'] as const) {
      const oracle = makeOracle(problem, makeInterpolant('vp-trig'));
      const { x, t } = inputs(oracle, 16, 1);
      for (const name of FIELDS) await expectNoLeaks(() => oracle[name](x, t), { label: `${problem} ${name}` });
      await expectNoLeaks(() => oracle.logDensityAt(t, x), { label: 'logDensityAt' });
      await expectNoLeaks(() => oracle.logDensityAt(0.5, x), { label: 'logDensityAt number' });
      await expectNoLeaks(() => oracle.logDensityTarget(x), { label: 'logDensityTarget' });
      await expectNoLeaks(() => oracle.logDensityBase(x), { label: 'logDensityBase' });
      const seeds = new SeedStream(1);
      await expectNoLeaks(() => oracle.sampleTarget(10, seeds), { label: 'sampleTarget' });
      await expectNoLeaks(() => oracle.sampleBase(10, seeds), { label: 'sampleBase' });
      await expectNoLeaks(() => oracle.sampleAt(0.4, 10, seeds), { label: 'sampleAt' });
      await expectNoLeaks(() => tf.grad((y: tf.Tensor) => tf.sum(oracle.velocity(y as tf.Tensor2D, t)))(x), { label: 'grad' });
      tf.dispose([x, t]);
    }
  });

  it('batch 10,000 with per-sample t (d = 2, K = 4) is fast', () => {
    const oracle = makeOracle('gmm2d', makeInterpolant('linear'));
    const seeds = new SeedStream(4);
    const x = oracle.sampleAt(0.5, 10_000, seeds);
    const t = tf.randomUniform([10_000], 0, 1, 'float32', seeds.next()) as tf.Tensor1D;
    oracle.velocity(x, t).dispose(); // warm-up
    const start = performance.now();
    const b = oracle.velocity(x, t);
    const s = oracle.score(x, t);
    b.dataSync();
    s.dataSync();
    const ms = performance.now() - start;
    expect(ms).toBeLessThan(3000);
    expect(Array.from(b.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([x, t, b, s]);
  });
});
