/**
 * The variational fBM SDE model: its posterior starts at the prior, ω follows H, type I factors start from
 * their stationary law, and bad options are named.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { optimalOmega } from '../../src/fbm/optimal-omega.js';
import { variationalSde } from '../../src/neural-sde/variational-sde.js';

describe('variationalSde', () => {
  it("a 'gru' encoder reads the observations backward: code i depends on observations i … M−1 only", () => {
    const sde = variationalSde({ dim: 1, horizon: 1, contextDim: 4, encoder: { kind: 'gru', inputDim: 1, codeDim: 3, hidden: 8 }, seed: 2 });
    expect(sde.config.encoderKind).toBe('gru');
    const times = [0.25, 0.5, 0.75, 1];
    const base = [0.3, -0.2, 0.9, 0.4, -1, 0.5, 0.1, 0.7];
    const codes = (values: number[]) =>
      tf.tidy(() => {
        const seq = sde.encodeSequence(tf.tensor3d(values, [2, 4, 1]), times);
        expect(seq.shape).toEqual([2, 4, 3]);
        return seq.arraySync() as number[][][];
      });
    const c0 = codes(base);
    const firstChanged = codes(base.map((v, i) => (i % 4 === 0 ? v + 1 : v))); // observation 0 of each row
    const lastChanged = codes(base.map((v, i) => (i % 4 === 3 ? v + 1 : v))); // observation 3
    for (let b = 0; b < 2; b++) {
      expect(firstChanged[b]!.slice(1)).toEqual(c0[b]!.slice(1)); // codes 1..3 have not read observation 0
      expect(firstChanged[b]![0]).not.toEqual(c0[b]![0]);
      for (let i = 0; i < 4; i++) expect(lastChanged[b]![i], `code ${i}`).not.toEqual(c0[b]![i]); // every code has read observation 3
    }
    expect(() => sde.encode(tf.zeros([2, 4]))).toThrow(/VariationalSde.encode: argument 'this' must be a model built with an 'mlp' encoder/);
    expect(() => sde.encodeSequence(tf.zeros([2, 4, 1]), [0.5, 1])).toThrow(/VariationalSde.encodeSequence: argument 'times' must be 4 observation times/);
    sde.dispose();
    const mlp = variationalSde({ dim: 1, horizon: 1, contextDim: 4, encoder: { inputDim: 4, codeDim: 3 } });
    expect(() => mlp.encodeSequence(tf.zeros([2, 4, 1]), times)).toThrow(/must be a model built with a 'gru' encoder, got a 'mlp' encoder/);
    mlp.dispose();
  });

  it('starts with u = 0, H = sigmoid(h), ω(H) = optimalOmega, σ = the initial value', () => {
    const sde = variationalSde({ dim: 2, horizon: 1, hurst: 0.3, K: 4, gammaMax: 20, contextDim: 3, sigma: 0.7 });
    expect(sde.hurst()).toBeCloseTo(0.3, 6);
    const omega = sde.omega();
    const ref = optimalOmega({ hurst: 0.3, type: 'II', K: 4, gammaMax: 20 }).omega;
    Array.from(omega.dataSync()).forEach((w, k) => expect(Math.abs(w - ref[k]!)).toBeLessThan(1e-5 * Math.abs(ref[k]!) + 1e-5));
    const u = tf.tidy(() => sde.control(0.3, tf.randomNormal([5, 2]), tf.randomNormal([5, 4, 2]), tf.randomNormal([5, 3])));
    expect(Array.from(u.dataSync())).toEqual(new Array(10).fill(0));
    const s = tf.tidy(() => sde.sigma(0, tf.zeros([5, 2])));
    expect(s.dataSync()[0]).toBeCloseTo(0.7, 6);
    expect(Object.keys(sde.modules).sort()).toEqual(['posterior', 'prior']);
    expect(Object.keys(sde.variables).sort()).toEqual(['hurstLogit', 'logSigma']);
    tf.dispose([omega, u, s]);
    sde.dispose();
  });

  it('type I factors start from the stationary law Cov = 1/(γ_i + γ_j) (4 SE, n = 20000); type II at 0', () => {
    const sde = variationalSde({ dim: 1, horizon: 1, type: 'I', K: 3, gammaMax: 10 });
    const n = 20000;
    const y = sde.initialFactors(n, 4);
    expect(y.shape).toEqual([n, 3, 1]);
    const v = y.dataSync();
    const g = sde.gammas;
    for (const [i, j] of [
      [0, 0],
      [0, 2],
      [2, 2],
    ] as const) {
      let m = 0;
      for (let r = 0; r < n; r++) m += v[3 * r + i]! * v[3 * r + j]!;
      m /= n;
      const c = (a: number, b: number) => 1 / (g[a]! + g[b]!);
      const se = Math.sqrt((c(i, i) * c(j, j) + c(i, j) ** 2) / n);
      expect(Math.abs(m - c(i, j)), `cov[${i}][${j}]`).toBeLessThan(4 * se);
    }
    y.dispose();
    sde.dispose();
    const two = variationalSde({ dim: 1, horizon: 1, K: 2, gammaMax: 10 });
    const z = two.initialFactors(3, 1);
    expect(Array.from(z.dataSync())).toEqual([0, 0, 0, 0, 0, 0]);
    z.dispose();
    two.dispose();
  });

  it('rejects H outside (0, 1), K < 1, bad speed bounds, horizon ≤ 0 and a step too large for γ_max, naming them', () => {
    const base = { dim: 1, horizon: 1 };
    expect(() => variationalSde({ ...base, hurst: 1 })).toThrow(/variationalSde: argument 'options.hurst' must be a Hurst index strictly between 0 and 1, got 1/);
    expect(() => variationalSde({ ...base, hurst: 0 })).toThrow(/'options.hurst' must be a Hurst index strictly between 0 and 1, got 0/);
    expect(() => variationalSde({ ...base, K: 0 })).toThrow(/variationalSde: argument 'options.K' must be .*>= 1, got 0/);
    expect(() => variationalSde({ ...base, gammaMax: 5, gammaMin: 8 })).toThrow(/'options.gammaMin' must be < options.gammaMax = 5.*got 8/);
    expect(() => variationalSde({ ...base, gammaMax: -1 })).toThrow(/'options.gammaMax' must be a finite number > 0, got -1/);
    expect(() => variationalSde({ ...base, gammaMax: 10, gammaMin: 0 })).toThrow(/variationalSde: argument 'options.gammaMin' must be a finite number > 0, got 0/);
    expect(() => variationalSde({ ...base, K: 2.5 })).toThrow(/'options.K' must be a finite integer >= 1, got 2.5/);
    expect(() => variationalSde({ ...base, hurst: -0.2 })).toThrow(/'options.hurst' must be a Hurst index strictly between 0 and 1, got -0.2/);
    expect(() => variationalSde({ dim: 1, horizon: -1 })).toThrow(/'options.horizon' must be a finite number > 0, got -1/);
    expect(() => variationalSde({ ...base, contextDim: 3, encoder: { kind: 'lstm' as never, inputDim: 1, codeDim: 2 } })).toThrow(/'options.encoder.kind' must be one of 'mlp', 'gru', got "lstm"/);
    expect(() => variationalSde({ dim: 1, horizon: 0 })).toThrow(/variationalSde: argument 'options.horizon' must be a finite number > 0, got 0/);
    expect(() => variationalSde({ ...base, diffusion: 'full' as never })).toThrow(/'options.diffusion' must be one of 'constant', 'diagonal', 'state'/);
    expect(() => variationalSde({ ...base, initialState: 'encoded' })).toThrow(/'options.encoder' must be an encoder when options.initialState is 'encoded'/);
    const sde = variationalSde({ ...base, gammaMax: 20 });
    expect(() => sde.checkStep('fit', 'dt', 0.05)).toThrow(/fit: argument 'dt' must be a step with gammaMax·dt <= 0.5 .*gammaMax = 20 allows dt <= 0.025.*got dt = 0.05/);
    expect(() => sde.checkStep('fit', 'dt', 0.025)).not.toThrow();
    sde.dispose();
  });
});
