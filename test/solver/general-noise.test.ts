/**
 * The general noise model: a state driven by a narrower Brownian motion through `diffusionProd`, the
 * Itô/Stratonovich reading, and gradients through `integrateSync` against finite differences.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { brownianPath } from '../../src/solver/brownian-path.js';
import { integrate, integrateSync } from '../../src/solver/integrate.js';
import type { Term } from '../../src/solver/types.js';
import { expectNoLeaks } from '../helpers/index.js';

// dx = −a x dt + σ dW, dy = −b y dt + σ dW with ONE Brownian motion W (noise event [1], state event [2]).
const A = 1;
const B = 3;
const SIGMA = 0.8;
const T = 1;
const X0 = [1, -0.5];

function sharedNoiseTerm(a: number | tf.Tensor = A, b: number | tf.Tensor = B): Term {
  return {
    drift: (_t, y) => tf.mul(y, tf.neg(tf.stack([a as tf.Scalar, b as tf.Scalar].map((v) => (typeof v === 'number' ? tf.scalar(v) : v))))),
    noiseShape: [1],
    diffusionProd: (_t, _y, dW) => tf.mul(tf.tile(dW, [1, 2]), SIGMA),
    additiveNoise: true,
  };
}

/** Sample mean and covariance of `[n, 2]` rows (float64). */
function moments(y: tf.Tensor): { mean: number[]; cov: number[][]; n: number } {
  const d = y.dataSync();
  const n = y.shape[0]!;
  const mean = [0, 0];
  for (let i = 0; i < n; i++) for (let j = 0; j < 2; j++) mean[j]! += d[2 * i + j]! / n;
  const cov = [
    [0, 0],
    [0, 0],
  ];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) cov[j]![k]! += ((d[2 * i + j]! - mean[j]!) * (d[2 * i + k]! - mean[k]!)) / (n - 1);
  }
  return { mean, cov, n };
}

/**
 * Asserts mean and covariance within 4 Monte-Carlo standard errors: SE(mean_j) = √(Σ_jj/n),
 * SE(cov_jk) = √((Σ_jj Σ_kk + Σ_jk²)/n) (Gaussian samples).
 */
function expectGaussianMoments(y: tf.Tensor, mean: number[], cov: number[][], label: string): void {
  const m = moments(y);
  for (let j = 0; j < 2; j++) {
    const se = Math.sqrt(cov[j]![j]! / m.n);
    expect(Math.abs(m.mean[j]! - mean[j]!), `${label}: mean[${j}] ${m.mean[j]} vs ${mean[j]} (SE ${se.toExponential(2)})`).toBeLessThan(4 * se);
    for (let k = 0; k < 2; k++) {
      const se2 = Math.sqrt((cov[j]![j]! * cov[k]![k]! + cov[j]![k]! ** 2) / m.n);
      expect(Math.abs(m.cov[j]![k]! - cov[j]![k]!), `${label}: cov[${j}][${k}] ${m.cov[j]![k]} vs ${cov[j]![k]} (SE ${se2.toExponential(2)})`).toBeLessThan(4 * se2);
    }
  }
}

/** Exact moments of the SDE at time t: mean e^{−a t} x0, covariance σ²(1 − e^{−(κi+κj) t})/(κi + κj). */
function exactMoments(t: number): { mean: number[]; cov: number[][] } {
  const k = [A, B];
  return {
    mean: X0.map((x, i) => x * Math.exp(-k[i]! * t)),
    cov: k.map((ki) => k.map((kj) => (SIGMA ** 2 * (1 - Math.exp(-(ki + kj) * t))) / (ki + kj))),
  };
}

/**
 * Exact moments of the Euler–Maruyama chain with N steps of h: y_{n+1} = (1 − κ h) y_n + σ ΔW, so
 * mean (1 − κh)^N x0 and covariance σ² h (1 − (r_i r_j)^N)/(1 − r_i r_j), r = 1 − κh.
 */
function eulerMaruyamaMoments(steps: number): { mean: number[]; cov: number[][] } {
  const h = T / steps;
  const r = [1 - A * h, 1 - B * h];
  return {
    mean: X0.map((x, i) => x * r[i]! ** steps),
    cov: r.map((ri) => r.map((rj) => (SIGMA ** 2 * h * (1 - (ri * rj) ** steps)) / (1 - ri * rj))),
  };
}

describe('an augmented SDE whose noise is narrower than the state: [x, y] driven by one Brownian motion', () => {
  const n = 20000;
  const y0 = tf.tidy(() => tf.tile(tf.tensor2d([X0]), [n, 1]));

  it('Euler–Maruyama reproduces the exact covariance of its chain (4 SE, n = 20000), including the strong x–y correlation', async () => {
    const steps = 40;
    const sol = await integrate(sharedNoiseTerm(), 'euler-maruyama', y0, { steps, seed: 1 });
    expect(sol.y.shape).toEqual([n, 2]);
    const truth = eulerMaruyamaMoments(steps);
    expectGaussianMoments(sol.y, truth.mean, truth.cov, 'EM');
    // One shared W: the correlation is far from 0 (independent noises would give 0).
    const m = moments(sol.y);
    expect(m.cov[0]![1]! / Math.sqrt(m.cov[0]![0]! * m.cov[1]![1]!)).toBeGreaterThan(0.8);
    expect(sol.stats.nfeDiffusion).toBe(steps);
    sol.dispose();
  });

  it('adaptive stochastic Heun reproduces the continuous-time covariance σ²(1 − e^{−(κi+κj)T})/(κi+κj) (4 SE)', async () => {
    const sol = await integrate(sharedNoiseTerm(), 'stochastic-heun', y0, { adaptive: { rtol: 1e-2, atol: 1e-2 }, seed: 2, saveAt: [0.25] });
    const truth = exactMoments(T);
    expectGaussianMoments(sol.y, truth.mean, truth.cov, 'stochastic Heun at T');
    const early = exactMoments(0.25);
    expectGaussianMoments(sol.ys[0]!, early.mean, early.cov, 'stochastic Heun at 0.25');
    expect(sol.stats.acceptedSteps).toBeGreaterThan(3);
    sol.dispose();
  });

  it('the increments have the noise shape [batch, 1]; a wrong shape from the term is named', async () => {
    const seen: number[][] = [];
    const term: Term = { ...sharedNoiseTerm(), diffusionProd: (_t, _y, dW) => (seen.push(dW.shape), tf.mul(tf.tile(dW, [1, 2]), SIGMA)) };
    const small = tf.ones([3, 2]);
    (await integrate(term, 'euler-maruyama', small, { steps: 2, seed: 1 })).dispose();
    expect(seen).toEqual([
      [3, 1],
      [3, 1],
    ]);
    const bad: Term = { ...sharedNoiseTerm(), diffusionProd: (_t, _y, dW) => tf.mul(dW, SIGMA) };
    await expect(integrate(bad, 'euler-maruyama', small, { steps: 2, seed: 1 })).rejects.toThrow(
      /'term.diffusionProd' must be a function returning a float32 tensor of shape \[3, 2\]/,
    );
    const diagonalWithShape: Term = { drift: (_t, y) => y, diffusion: () => tf.scalar(1), diffusionProd: (_t, _y, dW) => dW, noiseShape: [1] };
    await expect(integrate(diagonalWithShape, 'euler-maruyama', small, { steps: 2, seed: 1 })).rejects.toThrow(/'term.noiseShape' must be the state's event shape \[2\]/);
    small.dispose();
  });

  it('gradients through integrateSync match central finite differences (fixed noise), without leaks', async () => {
    const batch = 256;
    const start = tf.tidy(() => tf.add(tf.tile(tf.tensor2d([X0]), [batch, 1]), tf.randomNormal([batch, 2], 0, 0.3, 'float32', 4)));
    const loss = (a: tf.Scalar, b: tf.Scalar, x: tf.Tensor): tf.Scalar => {
      const sol = integrateSync(sharedNoiseTerm(a, b), 'euler-maruyama', x, { steps: 20, seed: 9, checkFinite: false });
      const [px, py] = tf.split(sol.y, 2, 1);
      return tf.mean(tf.add(tf.mul(px!, py!), tf.square(sol.y))) as tf.Scalar;
    };
    const at = (a: number, b: number, x: tf.Tensor = start) => tf.tidy(() => loss(tf.scalar(a), tf.scalar(b), x).dataSync()[0]!);
    const grads = () =>
      tf.tidy(() => {
        const g = tf.grads((a: tf.Tensor, b: tf.Tensor, x: tf.Tensor) => loss(a as tf.Scalar, b as tf.Scalar, x));
        return g([tf.scalar(A), tf.scalar(B), start]);
      });
    const [ga, gb, gx] = grads();
    const delta = 1e-2;
    const fdA = (at(A + delta, B) - at(A - delta, B)) / (2 * delta);
    const fdB = (at(A, B + delta) - at(A, B - delta)) / (2 * delta);
    expect(ga!.dataSync()[0]!).toBeCloseTo(fdA, 3);
    expect(gb!.dataSync()[0]!).toBeCloseTo(fdB, 3);
    expect(Math.abs(fdA)).toBeGreaterThan(0.01);
    // One entry of y0.
    const bump = (s: number) => {
      const e = new Float32Array(batch * 2);
      e[0] = s;
      return tf.tidy(() => tf.add(start, tf.tensor2d(e, [batch, 2])));
    };
    const [plus, minus] = [bump(delta), bump(-delta)];
    const fdX = (at(A, B, plus) - at(A, B, minus)) / (2 * delta);
    expect(gx!.dataSync()[0]!).toBeCloseTo(fdX, 3);
    tf.dispose([ga!, gb!, gx!, plus, minus]);
    await expectNoLeaks(() => grads(), { label: 'grads through integrateSync (SDE)' });
    start.dispose();
  });
});

describe('Itô and Stratonovich: what a scheme requires and a term offers', () => {
  // Geometric Brownian motion dX = μ X dt + σ X dW: multiplicative noise.
  const mu = 0.2;
  const sig = 0.5;
  const gbm = (calculus?: 'ito' | 'stratonovich'): Term => ({
    drift: (_t, y) => tf.mul(y, mu),
    diffusion: (_t, y) => tf.mul(y, sig),
    ...(calculus === undefined ? {} : { calculus }),
  });

  it('stochastic Heun refuses an Itô term with state-dependent noise, saying why; additive noise is fine', async () => {
    const y0 = tf.ones([4, 1]);
    const error = await integrate(gbm(), 'stochastic-heun', y0, { steps: 4, seed: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as Error).message).toMatch(
      /^integrate: scheme 'stochastic-heun' converges to the Stratonovich solution, got a term read in the Itô sense whose noise may depend on the state .* differ by the drift ½ g ∂g\/∂y; use a scheme for Itô SDEs such as 'euler-maruyama', declare additiveNoise: true/,
    );
    // A general-noise term is state-dependent unless it says otherwise.
    const prodOnly: Term = { drift: (_t, y) => tf.neg(y), diffusionProd: (_t, _y, dW) => dW };
    await expect(integrate(prodOnly, 'stochastic-heun', y0, { steps: 2, seed: 1 })).rejects.toThrow(/converges to the Stratonovich solution/);
    (await integrate({ ...prodOnly, additiveNoise: true }, 'stochastic-heun', y0, { steps: 2, seed: 1 })).dispose();
    (await integrate({ drift: (_t, y) => tf.neg(y), diffusion: (t) => tf.scalar(1 + t) }, 'stochastic-heun', y0, { steps: 2, seed: 1 })).dispose();
    y0.dispose();
  });

  it('Stratonovich GBM with stochastic Heun has mean e^{(μ+σ²/2)T}; Itô GBM with Euler–Maruyama e^{μT} (4 SE, n = 20000)', async () => {
    const n = 20000;
    const y0 = tf.ones([n, 1]);
    const check = async (term: Term, scheme: string, drift: number, steps: number) => {
      const sol = await integrate(term, scheme, y0, { steps, seed: 5 });
      const mean = tf.tidy(() => tf.mean(sol.y).dataSync()[0]!);
      const expected = Math.exp(drift);
      const se = Math.sqrt((Math.exp(2 * drift) * (Math.exp(sig * sig) - 1)) / n);
      expect(Math.abs(mean - expected), `${scheme}: mean ${mean} vs ${expected} (SE ${se.toExponential(2)})`).toBeLessThan(4 * se);
      sol.dispose();
    };
    await check(gbm('stratonovich'), 'stochastic-heun', mu + sig * sig / 2, 50);
    await check(gbm('ito'), 'euler-maruyama', mu, 400);
    y0.dispose();
  });

  it('adaptive stochastic Heun runs a general-noise term on a queryable path of the noise shape', async () => {
    const y0 = tf.ones([5, 2]);
    const sol = await integrate(sharedNoiseTerm(), 'stochastic-heun', y0, { adaptive: true, seed: 3, noise: brownianPath() });
    expect(sol.y.shape).toEqual([5, 2]);
    sol.dispose();
    y0.dispose();
  });
});

describe('gradients through integrateSync: an ODE', () => {
  it('rk4 and dopri5 (fixed) on y′ = −θ ⊙ y + sin(t): d/dθ matches central finite differences, no leaks', async () => {
    const y0 = tf.tensor2d([
      [1, 2],
      [-0.5, 0.3],
    ]);
    for (const scheme of ['rk4', 'dopri5', 'heun']) {
      const loss = (theta: tf.Tensor) => {
        const term: Term = { drift: (t, y) => tf.add(tf.mul(y, tf.neg(theta)), Math.sin(t)) };
        const sol = integrateSync(term, scheme, y0, { steps: 8, checkFinite: false });
        return tf.sum(tf.square(sol.y)) as tf.Scalar;
      };
      const theta0 = [0.7, 1.9];
      const g = tf.tidy(() => tf.grad(loss)(tf.tensor1d(theta0)).dataSync());
      const delta = 1e-2;
      for (let j = 0; j < 2; j++) {
        const at = (s: number) => tf.tidy(() => loss(tf.tensor1d(theta0.map((v, i) => (i === j ? v + s : v)))).dataSync()[0]!);
        const fd = (at(delta) - at(-delta)) / (2 * delta);
        expect(g[j]!, `${scheme} dθ${j}`).toBeCloseTo(fd, 3);
      }
      await expectNoLeaks(() => tf.tidy(() => tf.grad(loss)(tf.tensor1d(theta0))), { label: scheme });
    }
    y0.dispose();
  });
});
