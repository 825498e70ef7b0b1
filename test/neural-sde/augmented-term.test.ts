/**
 * The augmented Markov system of an fBM-driven SDE on the solver core: the Euler–Maruyama chain's exact
 * float64 covariance, the Girsanov KL column, and bad input.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { optimalOmega } from '../../src/fbm/optimal-omega.js';
import { speedGrid } from '../../src/fbm/speed-grid.js';
import { augmentedTerm } from '../../src/neural-sde/augmented-term.js';
import { integrate } from '../../src/solver/integrate.js';
import { expectNoLeaks } from '../helpers/index.js';

const K = 3;
const GAMMAS = Array.from(speedGrid({ K, gammaMax: 10 }));
const OMEGA = Array.from(optimalOmega({ hurst: 0.3, type: 'II', K, gammaMax: 10 }).omega);
const THETA = 1.5;
const SIGMA = 0.7;

/**
 * Exact covariance of the Euler–Maruyama chain z_{n+1} = A z_n + G ΔW on z = [x, y_1..y_K] (float64):
 * A = I + h·[[−θ, −σ ω_k γ_k], [0, −γ_k δ_kj]], G = [σ ω̄, 1, …, 1], P_{n+1} = A P Aᵀ + h G Gᵀ.
 */
function chainCovariance(steps: number, h: number): number[][] {
  const n = K + 1;
  const wbar = OMEGA.reduce((a, b) => a + b, 0);
  const A = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  A[0]![0]! -= h * THETA;
  for (let k = 0; k < K; k++) {
    A[0]![k + 1]! -= h * SIGMA * OMEGA[k]! * GAMMAS[k]!;
    A[k + 1]![k + 1]! -= h * GAMMAS[k]!;
  }
  const G = [SIGMA * wbar, ...new Array<number>(K).fill(1)];
  let P = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let s = 0; s < steps; s++) {
    const AP = A.map((row) => P[0]!.map((_, j) => row.reduce((acc: number, a: number, k: number) => acc + a * P[k]![j]!, 0)));
    P = AP.map((row, i) => A.map((arow, j) => row.reduce((acc: number, v: number, k: number) => acc + v * arow[k]!, 0) + h * G[i]! * G[j]!));
  }
  return P;
}

function makeTerm(control?: (t: number, x: tf.Tensor2D) => tf.Tensor2D) {
  return augmentedTerm({
    dim: 1,
    gammas: GAMMAS,
    omega: tf.tensor1d(OMEGA),
    drift: (_t, x) => tf.mul(x, -THETA) as tf.Tensor2D,
    sigma: () => tf.scalar(SIGMA),
    control: control === undefined ? undefined : (t, x) => control(t, x),
  });
}

describe('augmentedTerm: dX = (b − σΣω_kγ_kY_k) dt + σω̄ dW, dY_k = −γ_kY_k dt + dW on one state', () => {
  it('the prior chain reproduces the exact covariance of its Euler–Maruyama recursion (4 SE, n = 6000)', async () => {
    const n = 6000;
    const steps = 20;
    const h = 1 / steps;
    const { term, layout } = makeTerm();
    expect(term.noiseShape).toEqual([1]);
    const z0 = tf.tidy(() => layout.pack({ x: tf.zeros([n, 1]), y: tf.zeros([n, K, 1]), kl: tf.zeros([n]) }));
    const sol = await integrate(term, 'euler-maruyama', z0, { steps, seed: 3 });
    const z = sol.y.arraySync() as number[][];
    const P = chainCovariance(steps, h);
    for (const [i, j] of [
      [0, 0],
      [0, 1],
      [0, K],
      [K, K],
    ] as const) {
      let m = 0;
      for (const row of z) m += row[i]! * row[j]!;
      m /= n;
      const se = Math.sqrt((P[i]![i]! * P[j]![j]! + P[i]![j]! ** 2) / n);
      expect(Math.abs(m - P[i]![j]!), `cov[${i}][${j}] ${m} vs ${P[i]![j]} (SE ${se.toExponential(2)})`).toBeLessThan(4 * se);
    }
    // the kl column stays 0 under the prior
    expect(Math.max(...z.map((r) => Math.abs(r[K + 1]!)))).toBe(0);
    sol.dispose();
    z0.dispose();
  });

  it('a constant control c accumulates kl = ½c²T exactly and shifts the mean as the deterministic system does', async () => {
    const c = 0.8;
    const steps = 10;
    const { term, layout } = makeTerm((_t, x) => tf.fill(x.shape, c) as tf.Tensor2D);
    const z0 = tf.tidy(() => layout.pack({ x: tf.zeros([2000, 1]), y: tf.zeros([2000, K, 1]), kl: tf.zeros([2000]) }));
    const sol = await integrate(term, 'euler-maruyama', z0, { steps, seed: 5 });
    const kl = layout.get(sol.y, 'kl');
    expect(Math.max(...Array.from(kl.dataSync()).map((v) => Math.abs(v - 0.5 * c * c)))).toBeLessThan(1e-5);
    // mean: the chain m_{n+1} = A m_n + h·[σω̄c, c, …, c]
    const wbar = OMEGA.reduce((a, b) => a + b, 0);
    const h = 1 / steps;
    let m = new Array<number>(K + 1).fill(0);
    for (let s = 0; s < steps; s++) {
      const next = m.slice();
      next[0] = m[0]! + h * (-THETA * m[0]! - SIGMA * OMEGA.reduce((acc, w, k) => acc + w * GAMMAS[k]! * m[k + 1]!, 0) + SIGMA * wbar * c);
      for (let k = 0; k < K; k++) next[k + 1] = m[k + 1]! + h * (-GAMMAS[k]! * m[k + 1]! + c);
      m = next;
    }
    const x = Array.from(layout.get(sol.y, 'x').dataSync());
    const mean = x.reduce((a, b) => a + b, 0) / x.length;
    const P = chainCovariance(steps, h);
    expect(Math.abs(mean - m[0]!)).toBeLessThan(4 * Math.sqrt(P[0]![0]! / x.length));
    tf.dispose([kl, sol.y, ...sol.ys, z0]);
    await expectNoLeaks(async () => {
      const z = tf.tidy(() => layout.pack({ x: tf.zeros([4, 1]), y: tf.zeros([4, K, 1]), kl: tf.zeros([4]) }));
      (await integrate(term, 'euler-maruyama', z, { steps: 3, seed: 1 })).dispose();
      z.dispose();
    });
  });

  it('a posterior noise scale ρ multiplies the chain covariance by ρ² and adds (ρ² − 1 − 2 ln ρ)/2 per step to kl', async () => {
    const n = 6000;
    const steps = 20;
    const h = 1 / steps;
    const rho = 0.6;
    const { term, layout } = augmentedTerm({
      dim: 1,
      gammas: GAMMAS,
      omega: tf.tensor1d(OMEGA),
      drift: (_t, x) => tf.mul(x, -THETA) as tf.Tensor2D,
      sigma: () => tf.scalar(SIGMA),
      noiseScale: () => tf.scalar(rho),
      stepSize: h,
    });
    const z0 = tf.tidy(() => layout.pack({ x: tf.zeros([n, 1]), y: tf.zeros([n, K, 1]), kl: tf.zeros([n]) }));
    const sol = await integrate(term, 'euler-maruyama', z0, { steps, seed: 8 });
    const z = sol.y.arraySync() as number[][];
    const P = chainCovariance(steps, h);
    let m = 0;
    for (const row of z) m += row[0]! ** 2;
    m /= n;
    const want = rho * rho * P[0]![0]!;
    expect(Math.abs(m - want), `Var x(1) ${m} vs ρ²·${P[0]![0]}`).toBeLessThan(4 * want * Math.sqrt(2 / n));
    const kl = steps * 0.5 * (rho * rho - 1 - 2 * Math.log(rho));
    for (const row of z.slice(0, 5)) expect(Math.abs(row[K + 1]! - kl)).toBeLessThan(1e-4 * kl);
    tf.dispose([sol.y, ...sol.ys, z0]);
  });

  it('rejects bad input with the argument named', () => {
    const base = { dim: 1, gammas: GAMMAS, omega: tf.tensor1d(OMEGA), drift: (_t: number, x: tf.Tensor2D) => x, sigma: () => tf.scalar(1) };
    expect(() => augmentedTerm({ ...base, dim: 0 })).toThrow(/augmentedTerm: argument 'options.dim' must be a finite integer >= 1, got 0/);
    expect(() => augmentedTerm({ ...base, gammas: [] })).toThrow(/'options.gammas' must be a non-empty array of speeds > 0/);
    expect(() => augmentedTerm({ ...base, gammas: [1, -2, 3] })).toThrow(/'options.gammas\[1\]' must be a finite number > 0, got -2/);
    expect(() => augmentedTerm({ ...base, omega: tf.tensor1d([1, 2]) })).toThrow(/'options.omega' must be a float32 tensor of shape \[3\]/);
    expect(() => augmentedTerm({ ...base, drift: 3 as never })).toThrow(/'options.drift' must be a function/);
    expect(() => augmentedTerm({ ...base, noiseScale: () => tf.scalar(0.5) })).toThrow(/augmentedTerm: argument 'options.stepSize' must be a finite number > 0, got undefined/);
    tf.dispose(base.omega);
  });
});
