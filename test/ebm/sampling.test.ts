import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { energyMlp } from '../../models/energy-mlp.js';
import { quadraticEnergy } from '../../models/quadratic-energy.js';
import { gaussianMixture } from '../../src/data/gaussian-mixture.js';
import { annealedLangevin, distributionEnergy, langevinTerm, sampleMala, scoreFromEnergy } from '../../src/ebm/index.js';
import { integrate } from '../../src/solver/integrate.js';
import { getScheme } from '../../src/solver/schemes/registry.js';
import { expectNoLeaks } from '../helpers/index.js';

/** Sample mean and covariance (float64) of [n, 2] points. */
function moments(x: tf.Tensor): { mean: number[]; cov: number[][]; n: number } {
  const d = x.dataSync();
  const n = d.length / 2;
  const mean = [0, 0];
  for (let i = 0; i < n; i++) for (let j = 0; j < 2; j++) mean[j] += d[2 * i + j]! / n;
  const cov = [
    [0, 0],
    [0, 0],
  ];
  for (let i = 0; i < n; i++) for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) cov[a]![b] += ((d[2 * i + a]! - mean[a]!) * (d[2 * i + b]! - mean[b]!)) / (n - 1);
  return { mean, cov, n };
}

// A 2-D Gaussian mixture with full covariances; its mean and covariance in closed form.
const W = [0.4, 0.6];
const MU = [
  [-1, 0],
  [1, 0.5],
];
const SIGMA = [
  [
    [0.6, 0.2],
    [0.2, 0.4],
  ],
  [
    [0.5, -0.1],
    [-0.1, 0.7],
  ],
];
const MIX_MEAN = [0, 1].map((j) => W[0]! * MU[0]![j]! + W[1]! * MU[1]![j]!);
const MIX_COV = [0, 1].map((a) => [0, 1].map((b) => W.reduce((s, w, k) => s + w * (SIGMA[k]![a]![b]! + MU[k]![a]! * MU[k]![b]!), 0) - MIX_MEAN[a]! * MIX_MEAN[b]!));

describe('MALA on a 2-D Gaussian-mixture energy', () => {
  it('matches the mixture’s mean and covariance within Monte-Carlo error and reports its acceptance rate', async () => {
    const target = distributionEnergy(gaussianMixture({ means: MU, weights: W, covariances: SIGMA }));
    const n = 4000;
    const x0 = tf.randomNormal([n, 2], 0, 1, 'float32', 21);
    const r = await sampleMala(target.energy, x0, { steps: 150, stepSize: 0.5, seed: 4, adapt: { steps: 150, every: 10 } });
    const { mean, cov } = moments(r.x);
    for (let a = 0; a < 2; a++) {
      // independent chains: SE of a mean √(Σ_aa/n); of a covariance entry ≈ √((Σ_aa Σ_bb + Σ_ab²)/n) (Gaussian value, ×1.5 for the mixture's tails)
      expect(Math.abs(mean[a]! - MIX_MEAN[a]!)).toBeLessThan(4 * Math.sqrt(MIX_COV[a]![a]! / n));
      for (let b = 0; b < 2; b++) {
        const se = 1.5 * Math.sqrt((MIX_COV[a]![a]! * MIX_COV[b]![b]! + MIX_COV[a]![b]! ** 2) / n);
        expect(Math.abs(cov[a]![b]! - MIX_COV[a]![b]!)).toBeLessThan(4 * se);
      }
    }
    // adaptation lands near the target rate 0.574
    expect(r.acceptanceRate).toBeGreaterThan(0.45);
    expect(r.acceptanceRate).toBeLessThan(0.7);
    expect(r.adaptation.length).toBe(15);
    expect(r.stepSize).toBeGreaterThan(0);
    // 4 energy evaluations per step
    expect(r.nfeEnergy).toBe(4 * 300);
    r.x.dispose();
    x0.dispose();
  });

  it('is registered by name and its acceptance counts arrive in Solution.stats.scheme; same seed same chain; no leaks', async () => {
    expect(getScheme('mala').name).toBe('mala');
    const model = quadraticEnergy({ mean: [0, 0], trainMean: false });
    const term = { drift: (_t: number, y: tf.Tensor) => tf.zerosLike(y), energy: (_t: number, y: tf.Tensor) => model.energy(y) };
    const y0 = tf.randomNormal([256, 2], 0, 1, 'float32', 2);
    const sol = await integrate(term, 'mala', y0, { steps: 10, t1: 10 * 0.3, seed: 1 });
    const s = sol.stats.scheme!;
    expect(s.proposed).toBe(2560);
    expect((s.accepted as number) / 2560).toBeGreaterThan(0.5);
    const again = await integrate(term, 'mala', y0, { steps: 10, t1: 3, seed: 1 });
    expect(Array.from(again.y.dataSync())).toEqual(Array.from(sol.y.dataSync()));
    sol.dispose();
    again.dispose();
    await expectNoLeaks(() => sampleMala(model.energy, y0, { steps: 3, stepSize: 0.1, seed: 1, adapt: { steps: 4, every: 2 } }).then((r) => r.x));
    model.dispose();
    y0.dispose();
  });

  it('rejects a step size ≤ 0 and a bad target rate', async () => {
    const model = quadraticEnergy({ mean: [0, 0], trainMean: false });
    const y0 = tf.zeros([4, 2]);
    for (const stepSize of [0, -0.1, Number.NaN]) {
      await expect(sampleMala(model.energy, y0, { steps: 1, stepSize, seed: 1 })).rejects.toThrow(/sampleMala: argument 'options.stepSize' must be a finite number > 0/);
    }
    await expect(sampleMala(model.energy, y0, { steps: 1, stepSize: 0.1, seed: 1, adapt: { steps: 5, targetAcceptance: 1.2 } })).rejects.toThrow(/options.adapt.targetAcceptance/);
    model.dispose();
    y0.dispose();
  });
});

describe('unadjusted Langevin (Euler–Maruyama on the Langevin term)', () => {
  it('has the exact stationary variance σ²/(1 − h/(2σ²)) of the discretised chain: the bias shrinks with the step', async () => {
    const sigma2 = 0.5;
    const model = quadraticEnergy({ mean: [0, 0], precision: 1 / sigma2, trainMean: false });
    const n = 20000;
    const biases: number[] = [];
    for (const h of [0.4, 0.2, 0.1]) {
      const steps = Math.ceil((8 * sigma2) / h) * 4;
      const y0 = tf.zeros([n, 2]);
      const sol = await integrate(langevinTerm(model.energy), 'euler-maruyama', y0, { steps, t1: steps * h, seed: 7 });
      const { cov } = moments(sol.y);
      const v = (cov[0]![0]! + cov[1]![1]!) / 2;
      const exact = sigma2 / (1 - h / (2 * sigma2));
      // SE of a variance from 2n normal draws: v √(2/(2n))
      expect(Math.abs(v - exact)).toBeLessThan(4 * exact * Math.sqrt(1 / n));
      biases.push(v - sigma2);
      sol.dispose();
      y0.dispose();
    }
    expect(biases[0]!).toBeGreaterThan(biases[1]!);
    expect(biases[1]!).toBeGreaterThan(biases[2]!);
    model.dispose();
  });

  it('annealed Langevin over T = 4, 2, 1 ends at the T = 1 chain’s law (ULA and with Metropolis)', async () => {
    const model = quadraticEnergy({ mean: [3, -3], trainMean: false });
    const n = 10000;
    const y0 = tf.fill([n, 2], 20);
    const eps = 0.2;
    const ula = await annealedLangevin(model.energy, y0, { temperatures: [4, 2, 1], stepsPerLevel: 150, stepSize: eps, seed: 2 });
    let m = moments(ula.x);
    const exact = 1 / (1 - eps / 2);
    expect(Math.abs(m.mean[0]! - 3)).toBeLessThan(4 * Math.sqrt(exact / n));
    expect(Math.abs(m.mean[1]! + 3)).toBeLessThan(4 * Math.sqrt(exact / n));
    expect(Math.abs((m.cov[0]![0]! + m.cov[1]![1]!) / 2 - exact)).toBeLessThan(4 * exact * Math.sqrt(1 / n));
    const mh = await annealedLangevin(model.energy, y0, { temperatures: [4, 2, 1], stepsPerLevel: 150, stepSize: eps, seed: 2, metropolis: true });
    m = moments(mh.x);
    expect(Math.abs((m.cov[0]![0]! + m.cov[1]![1]!) / 2 - 1)).toBeLessThan(4 * Math.sqrt(1 / n));
    expect(mh.acceptanceRates).toHaveLength(3);
    expect(mh.acceptanceRates[2]!).toBeGreaterThan(0.8);
    tf.dispose([ula.x, mh.x]);
    await expect(annealedLangevin(model.energy, y0, { temperatures: [1, 2], stepsPerLevel: 1, stepSize: 0.1, seed: 1 })).rejects.toThrow(/non-increasing/);
    model.dispose();
    y0.dispose();
  });
});

describe('scoreFromEnergy', () => {
  it('is −∇E: −P(x − μ) for a quadratic energy; fresh per call; an MLP energy’s score matches finite differences', () => {
    const model = quadraticEnergy({ mean: [1, -2], precision: [2, 0.5], trainMean: false });
    const score = scoreFromEnergy(model.energy);
    const x = tf.tensor2d([
      [0, 0],
      [1, 1],
    ]);
    const t = tf.zeros([2]) as tf.Tensor1D;
    score(x, t).dataSync().forEach((v, i) => expect(v).toBeCloseTo([2, -1, 0, -1.5][i]!, 6));
    const x2 = tf.tensor2d([[1, -2]]);
    score(x2, tf.zeros([1]) as tf.Tensor1D).dataSync().forEach((v) => expect(v).toBeCloseTo(0, 6));
    const mlp = energyMlp({ dim: 2, hidden: 16, layers: 2, confinement: 0.1, seed: 3 });
    const s = scoreFromEnergy(mlp.energy)(x, t).dataSync();
    const e = (p: number[]) => mlp.energy(tf.tensor2d([p])).dataSync()[0]!;
    const hstep = 1e-2;
    for (let i = 0; i < 2; i++) {
      const p = [1, 1];
      const plus = [...p];
      plus[i] += hstep;
      const minus = [...p];
      minus[i] -= hstep;
      expect(s[2 + i]!).toBeCloseTo(-(e(plus) - e(minus)) / (2 * hstep), 2);
    }
    expect(() => scoreFromEnergy(3 as never)).toThrow(/scoreFromEnergy: argument 'energy' must be a function/);
    model.dispose();
    mlp.dispose();
    tf.dispose([x, x2, t]);
  });
});
