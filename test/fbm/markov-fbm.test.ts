import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { markovCovariance } from '../../src/fbm/covariance.js';
import { markovFbm } from '../../src/fbm/markov-fbm.js';
import type { MarkovFbmPath } from '../../src/fbm/markov-fbm-path.js';
import type { MarkovFbm, MarkovFbmOptions } from '../../src/fbm/markov-fbm-options.js';
import { SeedStream } from '../../src/random.js';
import { integrate } from '../../src/solver/integrate.js';
import type { IntegrateOptions } from '../../src/solver/options.js';
import type { Term } from '../../src/solver/types.js';
import { expectNoLeaks } from '../helpers/index.js';
import { sampleMoments } from '../helpers/statistics.js';

/** dX = dB̂_H: X(t) − X(0) is the noise path itself. */
const pureNoise: Term = { drift: (_t, y) => tf.zerosLike(y), diffusion: () => tf.scalar(1) };

/** Rows = independent copies (every state entry), columns = X at the save times. */
async function simulate(noise: MarkovFbm, scheme: string, options: Partial<IntegrateOptions>, batch = 2000, dim = 2): Promise<tf.Tensor2D> {
  const x0 = tf.zeros([batch, dim]) as tf.Tensor2D;
  const sol = await integrate(pureNoise, scheme, x0, { ...options, noise } as IntegrateOptions);
  const cols = sol.ys.map((y) => y.dataSync());
  sol.dispose();
  x0.dispose();
  const n = batch * dim;
  const out = new Float32Array(n * cols.length);
  for (let r = 0; r < n; r++) for (let c = 0; c < cols.length; c++) out[r * cols.length + c] = cols[c]![r]!;
  return tf.tensor2d(out, [n, cols.length]);
}

/**
 * Empirical covariance vs the analytic Markov covariance, entry by entry within k standard errors (SE of
 * a covariance entry from the sample fourth moments, see test/helpers/statistics.ts). Returns the worst
 * |error|/SE for the report.
 */
function expectCovarianceMatches(x: tf.Tensor2D, noise: MarkovFbm, times: number[], k = 4): string {
  const m = sampleMoments(x);
  x.dispose();
  let worst = 0;
  times.forEach((t, a) =>
    times.forEach((s, b) => {
      const exact = markovCovariance({ type: noise.type, gammas: noise.gammas, omega: noise.omega }, t, s);
      const z = Math.abs(m.cov[a]![b]! - exact) / m.covSE[a]![b]!;
      worst = Math.max(worst, z);
      expect(z, `cov(${t}, ${s}): ${m.cov[a]![b]} vs ${exact} (SE ${m.covSE[a]![b]})`).toBeLessThan(k);
    }),
  );
  m.mean.forEach((mu, a) => expect(Math.abs(mu) / m.meanSE[a]!).toBeLessThan(k));
  const last = times.length - 1;
  const exactLast = markovCovariance({ type: noise.type, gammas: noise.gammas, omega: noise.omega }, times[last]!, times[last]!);
  return `worst |cov error|/SE = ${worst.toFixed(2)} over ${times.length}x${times.length} entries (n = ${m.n}); Var(${times[last]}) = ${m.cov[last]![last]!.toFixed(4)} vs ${exactLast.toFixed(4)}, SE ${m.covSE[last]![last]!.toFixed(4)}`;
}

describe('markovFbm', () => {
  const times = [0.25, 0.5, 1];

  it('Euler–Maruyama paths have the analytic Markov covariance (type II, H = 0.3, K = 5, γ_max = 20)', async () => {
    const noise = markovFbm({ hurst: 0.3, type: 'II', K: 5, gammaMax: 20, horizon: 1 });
    const x = await simulate(noise, 'euler-maruyama', { steps: 64, seed: 11, saveAt: times });
    console.info(`markovFbm II H=0.3 EM: ${expectCovarianceMatches(x, noise, times)}`);
  });

  it('type I starts from the stationary law (H = 0.7, K = 5, γ_max = 100; exact transitions at γ_max·dt = 1.6)', async () => {
    const noise = markovFbm({ hurst: 0.7, type: 'I', K: 5, gammaMax: 100, horizon: 1, maxSpeedStep: Infinity });
    const x = await simulate(noise, 'euler-maruyama', { steps: 64, seed: 12, saveAt: times });
    console.info(`markovFbm I H=0.7 EM: ${expectCovarianceMatches(x, noise, times)}`);
  });

  it('the queryable form drives adaptive stochastic Heun with the same covariance', async () => {
    const noise = markovFbm({ hurst: 0.7, type: 'II', K: 5, gammaMax: 20, queryable: true });
    expect(noise.queryable).toBe(true);
    // Columns 0–1: dX = dB̂_H. Column 2: an ODE x' = 10 cos(20 t) (no diffusion) whose error estimate
    // makes the controller vary the step and reject some, so the noise is queried over retried intervals.
    const term: Term = {
      drift: (t, y) => tf.concat([tf.zeros([y.shape[0]!, 2]), tf.fill([y.shape[0]!, 1], 10 * Math.cos(20 * t))], 1),
      diffusion: () => tf.tensor2d([[1, 1, 0]]),
    };
    const batch = 1200;
    const x0 = tf.zeros([batch, 3]);
    const sol = await integrate(term, 'stochastic-heun', x0, { adaptive: { maxStep: 0.025, rtol: 1e-3, atol: 1e-3 }, seed: 13, saveAt: times, noise });
    expect(sol.stats.rejectedSteps).toBeGreaterThan(0);
    expect(sol.stats.acceptedSteps).toBeGreaterThan(40);
    const cols = sol.ys.map((y) => y.dataSync());
    const { acceptedSteps, rejectedSteps } = sol.stats;
    sol.dispose();
    x0.dispose();
    const out = new Float32Array(2 * batch * times.length);
    for (let r = 0; r < batch; r++) for (let j = 0; j < 2; j++) for (let c = 0; c < times.length; c++) out[(2 * r + j) * times.length + c] = cols[c]![3 * r + j]!;
    const x = tf.tensor2d(out, [2 * batch, times.length]);
    console.info(`markovFbm II H=0.7 adaptive stochastic Heun (${acceptedSteps} accepted, ${rejectedSteps} rejected steps): ${expectCovarianceMatches(x, noise, times)}`);
  });

  it('the queryable form is one path: X(1) is the same at every step count, forward', async () => {
    const noise = markovFbm({ hurst: 0.3, type: 'I', K: 4, gammaMax: 10, queryable: true });
    const x0 = tf.zeros([16, 3]) as tf.Tensor2D;
    const finals: Float32Array[] = [];
    for (const steps of [20, 37, 64]) {
      const sol = await integrate(pureNoise, 'euler-maruyama', x0, { steps, seed: 5, noise });
      finals.push(sol.y.dataSync() as Float32Array);
      sol.dispose();
    }
    x0.dispose();
    for (const f of finals.slice(1)) f.forEach((v, i) => expect(Math.abs(v - finals[0]![i]!)).toBeLessThan(2e-5));
    // and the value is Σ ω_k (Y_k(1) − Y_k(0)) evaluated directly
    const path = noise as MarkovFbmPath;
    const direct = tf.tidy(() => {
      let st = path.init({ batch: 16, dim: 3, t0: 0, t1: 1, seeds: new SeedStream(5) });
      const y0 = path.evaluate(st, 0);
      st = y0.state;
      const y1 = path.evaluate(st, 1);
      return tf.matMul(tf.sub(y1.y, y0.y), tf.tensor2d(Array.from(noise.omega), [noise.omega.length, 1])).dataSync();
    });
    direct.forEach((v, i) => expect(Math.abs(v - finals[0]![i]!)).toBeLessThan(2e-5));
  });

  it('serves any-rank states: a [4, 2, 3] state gets the same noise as its [4, 6] flattening', async () => {
    for (const queryable of [false, true]) {
      const noise = markovFbm({ hurst: 0.3, type: 'II', queryable });
      const y3 = tf.zeros([4, 2, 3]);
      const y2 = tf.zeros([4, 6]);
      const a = await integrate(pureNoise, 'euler-maruyama', y3, { steps: 40, seed: 3, noise });
      const b = await integrate(pureNoise, 'euler-maruyama', y2, { steps: 40, seed: 3, noise });
      expect(a.y.shape).toEqual([4, 2, 3]);
      expect(Array.from(a.y.dataSync())).toEqual(Array.from(b.y.dataSync()));
      a.dispose();
      b.dispose();
      tf.dispose([y3, y2]);
    }
  });

  it('backward solves: the queryable path gives minus the forward increment; the stream keeps the variance', async () => {
    const x0 = tf.zeros([2000, 1]);
    const path = markovFbm({ hurst: 0.3, type: 'II', queryable: true });
    const fwd = await integrate(pureNoise, 'euler-maruyama', x0, { steps: 64, seed: 9, noise: path });
    const bwd = await integrate(pureNoise, 'euler-maruyama', x0, { t0: 1, t1: 0, steps: 48, seed: 9, noise: path });
    const f = fwd.y.dataSync();
    // Same path, so the sums telescope to −(B̂(1) − B̂(0)) up to float32 rounding: each step forms
    // Σ ω_k ΔY_k with |ω| up to 38 and |Y| up to ~3 (≈1e-5 per step, a random walk over the steps).
    const diffs = Array.from(bwd.y.dataSync(), (v, i) => Math.abs(v + f[i]!));
    expect(Math.max(...diffs)).toBeLessThan(5e-4);
    expect(diffs.reduce((a, b) => a + b, 0) / diffs.length).toBeLessThan(5e-5);
    const stream = markovFbm({ hurst: 0.3, type: 'II' });
    const back = await integrate(pureNoise, 'euler-maruyama', x0, { t0: 1, t1: 0, steps: 64, seed: 9, noise: stream });
    const m = sampleMoments(back.y as tf.Tensor2D);
    const exact = markovCovariance({ type: 'II', gammas: stream.gammas, omega: stream.omega }, 1, 1);
    expect(Math.abs(m.cov[0]![0]! - exact)).toBeLessThan(4 * m.covSE[0]![0]!);
    [fwd, bwd, back].forEach((s) => s.dispose());
    x0.dispose();
  });

  it('H = ½, K = 1, γ → 0 is Brownian motion', async () => {
    const noise = markovFbm({ hurst: 0.5, type: 'II', K: 1, gammaMin: 1e-8, gammaMax: 1e-8 });
    expect(Math.abs(noise.omega[0]! - 1)).toBeLessThan(1e-6);
    const x = await simulate(noise, 'euler-maruyama', { steps: 16, seed: 21, saveAt: times }, 4000, 1);
    const m = sampleMoments(x);
    x.dispose();
    times.forEach((t, a) => times.forEach((s, b) => expect(Math.abs(m.cov[a]![b]! - Math.min(t, s))).toBeLessThan(4 * m.covSE[a]![b]!)));
  });

  it('same seed, same path; different seed, different path', async () => {
    const noise = markovFbm({ hurst: 0.3, type: 'I', K: 3, gammaMax: 10 });
    const run = async (seed: number) => {
      const x = await simulate(noise, 'euler-maruyama', { steps: 25, seed, saveAt: [1] }, 8, 1);
      const d = Array.from(x.dataSync());
      x.dispose();
      return d;
    };
    expect(await run(3)).toEqual(await run(3));
    expect(await run(3)).not.toEqual(await run(4));
  });

  it('a step too large for γ_max is a clear error naming both numbers', async () => {
    const x0 = tf.zeros([4, 1]) as tf.Tensor2D;
    for (const queryable of [false, true]) {
      const noise = markovFbm({ hurst: 0.3, type: 'II', gammaMax: 20, queryable });
      const err = await integrate(pureNoise, 'euler-maruyama', x0, { steps: 10, seed: 1, noise }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ArgumentError);
      expect(String(err)).toMatch(/markovFbm: argument 'step size'.*gammaMax = 20/);
      expect(String(err)).toMatch(/\|dt\| = 0\.1 .*gammaMax·\|dt\| = 2 /);
    }
    // 40 steps: γ_max·dt = 0.5 is allowed
    const ok = await integrate(pureNoise, 'euler-maruyama', x0, { steps: 40, seed: 1, noise: markovFbm({ hurst: 0.3, type: 'II', gammaMax: 20 }) });
    ok.dispose();
    x0.dispose();
  });

  it('rejects bad options with messages naming the argument', () => {
    const bad: [Partial<MarkovFbmOptions>, RegExp][] = [
      [{ hurst: 0 }, /options\.hurst' must be a Hurst index strictly between 0 and 1, got 0/],
      [{ hurst: 1.2 }, /options\.hurst'.*got 1\.2/],
      [{ K: 0 }, /options\.K' must be a finite integer >= 1, got 0/],
      [{ K: 2.5 }, /options\.K'/],
      [{ gammaMax: -1 }, /options\.gammaMax' must be a finite number > 0, got -1/],
      [{ gammaMin: 30, gammaMax: 20 }, /options\.gammaMin' must be < options\.gammaMax = 20.*got 30/],
      [{ gammaMax: 0.5 }, /options\.gammaMin'.*default gammaMin is 1\/gammaMax/],
      [{ gammaMin: 0 }, /options\.gammaMin' must be a finite number > 0/],
      [{ horizon: 0 }, /options\.horizon' must be a finite number > 0, got 0/],
      [{ type: 'III' as never }, /options\.type' must be one of 'I', 'II'/],
      [{ maxSpeedStep: 0 }, /options\.maxSpeedStep'/],
      [{ queryable: true, tol: 2 }, /options\.tol'/],
      [{ queryable: true, span: [1, 0] }, /options\.span'/],
    ];
    for (const [patch, message] of bad) {
      expect(() => markovFbm({ hurst: 0.3, type: 'II', ...patch } as MarkovFbmOptions)).toThrow(ArgumentError);
      expect(() => markovFbm({ hurst: 0.3, type: 'II', ...patch } as MarkovFbmOptions)).toThrow(message);
    }
  });

  it('leaks no tensors (both forms, fixed and adaptive steps)', async () => {
    const x0 = tf.zeros([8, 2]) as tf.Tensor2D;
    const stream = markovFbm({ hurst: 0.3, type: 'I', gammaMax: 20 });
    const path = markovFbm({ hurst: 0.3, type: 'I', gammaMax: 20, queryable: true });
    await expectNoLeaks(() => integrate(pureNoise, 'euler-maruyama', x0, { steps: 50, seed: 2, noise: stream, saveAt: [0.5] }), { label: 'stream' });
    await expectNoLeaks(() => integrate(pureNoise, 'euler-maruyama', x0, { steps: 50, seed: 2, noise: path, saveAt: [0.5] }), { label: 'path' });
    await expectNoLeaks(() => integrate(pureNoise, 'stochastic-heun', x0, { adaptive: { maxStep: 0.025 }, seed: 2, noise: path }), { label: 'adaptive' });
    x0.dispose();
  });
});
