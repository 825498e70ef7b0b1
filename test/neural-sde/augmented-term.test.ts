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

  it("factorStep 'exponential' gives each factor the continuous OU variance (1 − e^{−2γt})/(2γ) at γ_max·Δt = 0.5 (4 SE, n = 6000), X = σΣω_kY_k", async () => {
    const n = 6000;
    const steps = 20;
    const h = 1 / steps; // γ_max·h = 0.5, where Euler's fast factor is off by a third
    const { term, layout } = augmentedTerm({
      dim: 1,
      gammas: GAMMAS,
      omega: tf.tensor1d(OMEGA),
      drift: (_t, x) => tf.zerosLike(x),
      sigma: () => tf.scalar(SIGMA),
      factorStep: 'exponential',
      stepSize: h,
    });
    const z0 = tf.tidy(() => layout.pack({ x: tf.zeros([n, 1]), y: tf.zeros([n, K, 1]), kl: tf.zeros([n]) }));
    const sol = await integrate(term, 'euler-maruyama', z0, { steps, seed: 6 });
    const z = sol.y.arraySync() as number[][];
    GAMMAS.forEach((g, k) => {
      const want = -Math.expm1(-2 * g) / (2 * g);
      const m = z.reduce((a, r) => a + r[k + 1]! ** 2, 0) / n;
      expect(Math.abs(m - want), `Var Y_${k}(1) ${m} vs ${want} (γ = ${g})`).toBeLessThan(4 * want * Math.sqrt(2 / n));
    });
    // with b = 0, X moves by exactly σ Σ_k ω_k ΔY_k: X(1) = σ Σ_k ω_k Y_k(1) on every path
    for (const r of z.slice(0, 50)) {
      const bhat = SIGMA * OMEGA.reduce((a, w, k) => a + w * r[k + 1]!, 0);
      expect(Math.abs(r[0]! - bhat), `X ${r[0]} vs σΣω_kY_k ${bhat}`).toBeLessThan(1e-4 * (1 + Math.abs(bhat)));
    }
    tf.dispose([sol.y, ...sol.ys, z0]);
  });

  it("observationStep draws the step into an observation from the chain's Gaussian conditional, with its KL", async () => {
    const n = 8000;
    const h = 0.05;
    const x0 = 0.3;
    const y0 = [0.4, -0.2, 0.1];
    const o = 0.9;
    const s = 0.05;
    const { term, layout } = augmentedTerm({
      dim: 1,
      gammas: GAMMAS,
      omega: tf.tensor1d(OMEGA),
      drift: (_t, x) => tf.mul(x, -THETA) as tf.Tensor2D,
      sigma: () => tf.scalar(SIGMA),
      observationStep: () => ({ observation: tf.fill([n, 1], o) as tf.Tensor2D, noiseStd: tf.scalar(s) }),
      stepSize: h,
    });
    const z0 = tf.tidy(() => layout.pack({ x: tf.fill([n, 1], x0), y: tf.tile(tf.tensor3d(y0, [1, K, 1]), [n, 1, 1]), kl: tf.zeros([n]) }));
    const sol = await integrate(term, 'euler-maruyama', z0, { steps: 1, t1: h, seed: 4 });
    const z = sol.y.arraySync() as number[][];
    // prior step X1 ~ N(x̂, v); Bayes with o = X1 + N(0, s²): mean x̂ + v(o − x̂)/(v + s²), variance v s²/(v + s²)
    const wbar = OMEGA.reduce((a, b) => a + b, 0);
    const xhat = x0 + h * (-THETA * x0 - SIGMA * OMEGA.reduce((acc, w, k) => acc + w * GAMMAS[k]! * y0[k]!, 0));
    const v = (SIGMA * wbar) ** 2 * h;
    const mean = xhat + (v * (o - xhat)) / (v + s * s);
    const variance = (v * s * s) / (v + s * s);
    const xs = z.map((r) => r[0]!);
    const m = xs.reduce((a, b) => a + b, 0) / n;
    const varHat = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1);
    expect(Math.abs(m - mean), `mean ${m} vs ${mean}`).toBeLessThan(4 * Math.sqrt(variance / n));
    expect(Math.abs(varHat / variance - 1), `variance ${varHat} vs ${variance}`).toBeLessThan(4 * Math.sqrt(2 / n));
    // kl: KL(N(mean, variance) ‖ N(x̂, v)), the same for every path (the step is Gaussian given z0)
    const kl = 0.5 * (variance / v + (mean - xhat) ** 2 / v - 1 - Math.log(variance / v));
    for (const row of z.slice(0, 5)) expect(Math.abs(row[K + 1]! - kl), `kl ${row[K + 1]} vs ${kl}`).toBeLessThan(1e-4 * kl + 1e-5);
    tf.dispose([sol.y, ...sol.ys, z0]);
  });

  it('observationStep two steps ahead: the two conditional steps give X(2Δt) the Bayes posterior and kl its KL (4 SE)', async () => {
    const n = 8000;
    const h = 0.05;
    const y0 = [0.4, -0.2, 0.1];
    const o = -0.6;
    const s = 0.1;
    const { term, layout } = augmentedTerm({
      dim: 1,
      gammas: GAMMAS,
      omega: tf.tensor1d(OMEGA),
      drift: (_t, x) => tf.zerosLike(x),
      sigma: () => tf.scalar(SIGMA),
      factorStep: 'exponential',
      observationStep: (t) => ({ observation: tf.fill([n, 1], o) as tf.Tensor2D, noiseStd: tf.scalar(s), steps: t < h / 2 ? 2 : 1 }),
      stepSize: h,
    });
    const z0 = tf.tidy(() => layout.pack({ x: tf.zeros([n, 1]), y: tf.tile(tf.tensor3d(y0, [1, K, 1]), [n, 1, 1]), kl: tf.zeros([n]) }));
    const sol = await integrate(term, 'euler-maruyama', z0, { steps: 2, t1: 2 * h, seed: 9 });
    const z = sol.y.arraySync() as number[][];
    // the prior chain (b = 0): X(2h) = σ Σ_k ω_k (Y_k(2h) − y_k), Y_k(2h) = e_k² y_k + g_k(e_k ΔW_1 + ΔW_2)
    const e = GAMMAS.map((g) => Math.exp(-g * h));
    const g = GAMMAS.map((gk) => Math.sqrt(-Math.expm1(-2 * gk * h) / (2 * gk * h)));
    const xhat = SIGMA * OMEGA.reduce((a, w, k) => a + w * (e[k]! ** 2 - 1) * y0[k]!, 0);
    const w1 = OMEGA.reduce((a, w, k) => a + w * g[k]! * e[k]!, 0);
    const w2 = OMEGA.reduce((a, w, k) => a + w * g[k]!, 0);
    const V = SIGMA ** 2 * h * (w1 ** 2 + w2 ** 2);
    const mean = xhat + (V * (o - xhat)) / (V + s * s);
    const variance = (V * s * s) / (V + s * s);
    const xs = z.map((r) => r[0]!);
    const m = xs.reduce((a, b) => a + b, 0) / n;
    const varHat = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1);
    expect(Math.abs(m - mean), `mean ${m} vs ${mean}`).toBeLessThan(4 * Math.sqrt(variance / n));
    expect(Math.abs(varHat / variance - 1), `variance ${varHat} vs ${variance}`).toBeLessThan(4 * Math.sqrt(2 / n));
    // the posterior is the prior conditioned on o, so its KL is that of X(2h)'s laws: E kl = KL(N(mean, variance) ‖ N(x̂, V))
    const kl = 0.5 * (variance / V + (mean - xhat) ** 2 / V - 1 - Math.log(variance / V));
    const kls = z.map((r) => r[K + 1]!);
    const klMean = kls.reduce((a, b) => a + b, 0) / n;
    const klSd = Math.sqrt(kls.reduce((a, b) => a + (b - klMean) ** 2, 0) / (n - 1));
    expect(Math.abs(klMean - kl), `E kl ${klMean} vs ${kl}`).toBeLessThan(4 * klSd / Math.sqrt(n) + 1e-4 * kl);
    tf.dispose([sol.y, ...sol.ys, z0]);
  });

  it('observationStep with a further observation: two conditional steps give (X(Δt), X(2Δt)) the Bayes posterior given both, kl its KL (4 SE)', async () => {
    const n = 8000;
    const h = 0.05;
    const y0 = [0.4, -0.2, 0.1];
    const o = [0.3, -0.4];
    const s = 0.1;
    const fill = (v: number) => tf.fill([n, 1], v) as tf.Tensor2D;
    const { term, layout } = augmentedTerm({
      dim: 1,
      gammas: GAMMAS,
      omega: tf.tensor1d(OMEGA),
      drift: (_t, x) => tf.zerosLike(x),
      sigma: () => tf.scalar(SIGMA),
      factorStep: 'exponential',
      observationStep: (t) =>
        t < h / 2 ? { observation: fill(o[0]!), noiseStd: tf.scalar(s), steps: 1, further: [{ observation: fill(o[1]!), steps: 2 }] } : { observation: fill(o[1]!), noiseStd: tf.scalar(s), steps: 1 },
      stepSize: h,
    });
    const z0 = tf.tidy(() => layout.pack({ x: tf.zeros([n, 1]), y: tf.tile(tf.tensor3d(y0, [1, K, 1]), [n, 1, 1]), kl: tf.zeros([n]) }));
    const sol = await integrate(term, 'euler-maruyama', z0, { steps: 2, t1: 2 * h, saveAt: [h, 2 * h], seed: 12 });
    const x1 = Array.from(layout.get(sol.ys[0]!, 'x').dataSync());
    const x2 = Array.from(layout.get(sol.ys[1]!, 'x').dataSync());
    const kls = Array.from(layout.get(sol.ys[1]!, 'kl').dataSync());
    // prior: X1 = x̂1 + σ a ΔW1, X2 = x̂2 + σ(b1 ΔW1 + b2 ΔW2); a = b2 = Σ ω_k g_k, b1 = Σ ω_k g_k e_k
    const e = GAMMAS.map((g) => Math.exp(-g * h));
    const g = GAMMAS.map((gk) => Math.sqrt(-Math.expm1(-2 * gk * h) / (2 * gk * h)));
    const a = OMEGA.reduce((acc, w, k) => acc + w * g[k]!, 0);
    const b1 = OMEGA.reduce((acc, w, k) => acc + w * g[k]! * e[k]!, 0);
    const xhat = [1, 2].map((m) => SIGMA * OMEGA.reduce((acc, w, k) => acc + w * (e[k]! ** m - 1) * y0[k]!, 0));
    const v = SIGMA * SIGMA * h;
    const P = [
      [v * a * a, v * a * b1],
      [v * a * b1, v * (b1 * b1 + a * a)],
    ];
    // Bayes: mean x̂ + P S⁻¹ (o − x̂), covariance P − P S⁻¹ P, S = P + s² I (2 × 2, float64)
    const S = [
      [P[0]![0]! + s * s, P[0]![1]!],
      [P[1]![0]!, P[1]![1]! + s * s],
    ];
    const det = S[0]![0]! * S[1]![1]! - S[0]![1]! * S[1]![0]!;
    const Si = [
      [S[1]![1]! / det, -S[0]![1]! / det],
      [-S[1]![0]! / det, S[0]![0]! / det],
    ];
    const mul = (A: number[][], B: number[][]) => A.map((row) => B[0]!.map((_, j) => row.reduce((acc, x, k) => acc + x * B[k]![j]!, 0)));
    const gain = mul(P, Si);
    const r = [o[0]! - xhat[0]!, o[1]! - xhat[1]!];
    const mean = [0, 1].map((i) => xhat[i]! + gain[i]![0]! * r[0]! + gain[i]![1]! * r[1]!);
    const GP = mul(gain, P);
    const Q = [0, 1].map((i) => [0, 1].map((j) => P[i]![j]! - GP[i]![j]!));
    [x1, x2].forEach((xs, i) => {
      const m = xs.reduce((acc, x) => acc + x, 0) / n;
      const vr = xs.reduce((acc, x) => acc + (x - m) ** 2, 0) / (n - 1);
      expect(Math.abs(m - mean[i]!), `mean X${i + 1} ${m} vs ${mean[i]}`).toBeLessThan(4 * Math.sqrt(Q[i]![i]! / n));
      expect(Math.abs(vr / Q[i]![i]! - 1), `variance X${i + 1} ${vr} vs ${Q[i]![i]}`).toBeLessThan(4 * Math.sqrt(2 / n));
    });
    // E kl = KL(N(mean, Q) ‖ N(x̂, P)) (two noises, two coordinates: the map is invertible)
    const detP = P[0]![0]! * P[1]![1]! - P[0]![1]! ** 2;
    const detQ = Q[0]![0]! * Q[1]![1]! - Q[0]![1]! ** 2;
    const Pi = [
      [P[1]![1]! / detP, -P[0]![1]! / detP],
      [-P[1]![0]! / detP, P[0]![0]! / detP],
    ];
    const PiQ = mul(Pi, Q);
    const dm = [mean[0]! - xhat[0]!, mean[1]! - xhat[1]!];
    const quad = dm.reduce((acc, x, i) => acc + x * (Pi[i]![0]! * dm[0]! + Pi[i]![1]! * dm[1]!), 0);
    const kl = 0.5 * (PiQ[0]![0]! + PiQ[1]![1]! + quad - 2 + Math.log(detP / detQ));
    const klMean = kls.reduce((acc, x) => acc + x, 0) / n;
    const klSd = Math.sqrt(kls.reduce((acc, x) => acc + (x - klMean) ** 2, 0) / (n - 1));
    expect(Math.abs(klMean - kl), `E kl ${klMean} vs ${kl}`).toBeLessThan((4 * klSd) / Math.sqrt(n) + 1e-4 * kl);
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
    expect(() => augmentedTerm({ ...base, observationStep: () => undefined })).toThrow(/augmentedTerm: argument 'options.stepSize' must be a finite number > 0, got undefined/);
    expect(() => augmentedTerm({ ...base, observationStep: 3 as never })).toThrow(/'options.observationStep' must be a function/);
    expect(() => augmentedTerm({ ...base, factorStep: 'exponential' })).toThrow(/augmentedTerm: argument 'options.stepSize' must be a finite number > 0, got undefined/);
    expect(() => augmentedTerm({ ...base, factorStep: 'rk' as never, stepSize: 0.1 })).toThrow(/'options.factorStep' must be 'euler' or 'exponential', got "rk"/);
    tf.dispose(base.omega);
  });
});
