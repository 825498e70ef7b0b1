import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { makeOracle, oracleProblem } from '../../src/fields/index.js';
import { makeInterpolant } from '../../src/interpolants/index.js';
import { SeedStream } from '../../src/random.js';
import { sampleSde } from '../../samplers/generative-sde.js';
import { logLikelihood } from '../../samplers/likelihood.js';
import { sampleOde } from '../../samplers/probability-flow.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';
import { componentFractions, expectMomentsMatch, mixtureMoments } from '../helpers/statistics.js';

const linear = makeInterpolant('linear', { gamma: 'sqrt' });
const gauss = makeOracle('gaussian', linear);
/** The same transport with curved flow paths (trig interpolant), where schemes differ. */
const gaussTrig = makeOracle('gaussian', makeInterpolant('trig', { gamma: 'sqrt' }));
const gmm = makeOracle('gmm2d', linear);
const gmmSpec = oracleProblem('gmm2d').target;
const gmmCovs = gmmSpec.covariances as number[][][];
const gmmExact = mixtureMoments(gmmSpec.weights, gmmSpec.means, gmmCovs);
const gaussExact = { mean: [2], cov: [[0.25]] };

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describe('transport with exact fields: N(0,1) → N(2, 0.5²), linear interpolant, γ = √(t(1−t))', () => {
  const x0 = gauss.sampleBase(20000, new SeedStream(11));

  it('the probability-flow ODE (RK4, 200 steps, and Dopri5) reproduces the target mean and variance on curved paths (trig)', async () => {
    // With the linear interpolant and γ = √(t(1−t)) the flow paths of this problem are straight lines
    // (σ(t) = 1 − t/2), so every scheme is exact; the trig interpolant bends them.
    for (const run of [{ scheme: 'rk4', steps: 200 }, { scheme: 'dopri5', adaptive: { rtol: 1e-5, atol: 1e-5 } }]) {
      const sol = await sampleOde(x0, { velocity: gaussTrig.velocity, ...run });
      expectMomentsMatch(sol.y, gaussExact, { label: run.scheme });
      sol.dispose();
    }
  });

  it('the probability-flow ODE shows each scheme’s order on curved paths: errors against the exact map x1 = 2 + x0/2', async () => {
    // In 1-D the flow is the monotone map pushing N(0, 1) to N(2, 0.5²): x1 = 2 + x0/2, for any interpolant.
    const points = gauss.sampleBase(64, new SeedStream(21));
    const exact = tf.tidy(() => tf.add(tf.mul(points, 0.5), 2));
    const runs = [
      { scheme: 'euler', order: 1, steps: [8, 16, 32, 64] },
      { scheme: 'midpoint', order: 2, steps: [8, 16, 32, 64] },
      { scheme: 'heun', order: 2, steps: [8, 16, 32, 64] },
      { scheme: 'rk4', order: 4, steps: [2, 4, 8, 16] },
    ];
    for (const { scheme, order, steps } of runs) {
      const errors: number[] = [];
      for (const n of steps) {
        const sol = await sampleOde(points, { velocity: gaussTrig.velocity, scheme, steps: n });
        errors.push(maxAbsDiff(sol.y, exact));
        sol.dispose();
      }
      const slopes = errors.slice(1).map((e, i) => Math.log2(errors[i]! / e));
      const mean = slopes.reduce((a, b) => a + b, 0) / slopes.length;
      expect(Math.abs(mean - order), `${scheme}: errors ${errors.map((e) => e.toExponential(2)).join(', ')}, measured order ${mean.toFixed(2)}`).toBeLessThan(0.3);
    }
    tf.dispose([points, exact]);
  });

  it('the forward SDE for ε ∈ {0.5, 1, 2} reproduces the target mean and variance', async () => {
    for (const epsilon of [0.5, 1, 2]) {
      const sol = await sampleSde(x0, { velocity: gauss.velocity, score: gauss.score, epsilon, steps: 400, seed: 5 });
      expectMomentsMatch(sol.y, gaussExact, { label: `ε = ${epsilon}` });
      sol.dispose();
    }
  });

  it('the backward SDE maps target samples back to N(0, 1)', async () => {
    const x1 = gauss.sampleTarget(20000, new SeedStream(12));
    const sol = await sampleSde(x1, { velocity: gauss.velocity, score: gauss.score, epsilon: 1, steps: 400, seed: 6, direction: 'backward' });
    expectMomentsMatch(sol.y, { mean: [0], cov: [[1]] }, { label: 'backward' });
    sol.dispose();
    x1.dispose();
  });

  it('the ODE likelihood equals the exact log density to 1e-3', async () => {
    const x = gauss.sampleTarget(500, new SeedStream(13));
    const exact = gauss.logDensityTarget(x);
    for (const run of [{ scheme: 'rk4', steps: 100 }, { scheme: 'dopri5', adaptive: { rtol: 1e-6, atol: 1e-6 } }]) {
      const r = await logLikelihood(x, { velocity: gauss.velocity, baseLogDensity: (z) => gauss.logDensityBase(z), ...run });
      expect(maxAbsDiff(r.logDensity, exact)).toBeLessThan(1e-3);
      r.dispose();
    }
    // Hutchinson is unbiased for the divergence; in 1-D a Rademacher probe gives it exactly (ε² = 1).
    const h = await logLikelihood(x, { velocity: gauss.velocity, baseLogDensity: (z) => gauss.logDensityBase(z), steps: 100, divergence: 'hutchinson', seed: 3 });
    expect(maxAbsDiff(h.logDensity, exact)).toBeLessThan(1e-3);
    h.dispose();
    exact.dispose();
    x.dispose();
  });
});

describe('transport with exact fields: N(0, I) → 2-D Gaussian mixture (gmm2d)', () => {
  const n = 6000;
  const x0 = gmm.sampleBase(n, new SeedStream(21));
  const reference = gmm.sampleTarget(n, new SeedStream(22));
  const refFractions = componentFractions(reference, gmmSpec.weights, gmmSpec.means, gmmCovs);

  function expectMixture(samples: tf.Tensor2D, label: string) {
    expectMomentsMatch(samples, gmmExact, { label });
    const fractions = componentFractions(samples, gmmSpec.weights, gmmSpec.means, gmmCovs);
    fractions.forEach((p, k) => {
      const q = refFractions[k]!;
      const se = Math.sqrt((q * (1 - q) * 2) / n);
      expect(Math.abs(p - q), `${label}: component ${k} fraction ${p} vs ${q}`).toBeLessThan(3 * se);
    });
  }

  it('ODE with RK4 (200 steps) and Dopri5 reproduces mean, covariance and component weights', async () => {
    for (const run of [{ scheme: 'rk4', steps: 200 }, { scheme: 'dopri5', adaptive: { rtol: 1e-4, atol: 1e-4 } }]) {
      const sol = await sampleOde(x0, { velocity: gmm.velocity, ...run });
      expectMixture(sol.y, run.scheme);
      sol.dispose();
    }
  });

  it('forward SDE for ε ∈ {0.5, 1, 2} reproduces mean, covariance and component weights', async () => {
    for (const epsilon of [0.5, 1, 2]) {
      const sol = await sampleSde(x0, { velocity: gmm.velocity, score: gmm.score, epsilon, steps: 300, seed: 7 });
      expectMixture(sol.y, `ε = ${epsilon}`);
      sol.dispose();
    }
  });

  it('the ODE likelihood of the mixture matches the exact log density', async () => {
    const x = gmm.sampleTarget(200, new SeedStream(23));
    const r = await logLikelihood(x, { velocity: gmm.velocity, baseLogDensity: (z) => gmm.logDensityBase(z), scheme: 'dopri5', adaptive: { rtol: 1e-6, atol: 1e-6 } });
    const exact = gmm.logDensityTarget(x);
    expect(maxAbsDiff(r.logDensity, exact)).toBeLessThan(5e-3);
    r.dispose();
    exact.dispose();
    x.dispose();
  });
});

describe('generative samplers: reproducibility, ε = 0, denoising, leaks, bad input', () => {
  const x0 = gmm.sampleBase(256, new SeedStream(31));

  it('ε = 0 reduces exactly to the ODE path (Euler–Maruyama → Euler, stochastic Heun → Heun)', async () => {
    for (const [sde, ode] of [['euler-maruyama', 'euler'], ['stochastic-heun', 'heun']] as const) {
      const a = await sampleSde(x0, { velocity: gmm.velocity, score: gmm.score, epsilon: 0, scheme: sde, steps: 20 });
      const b = await sampleOde(x0, { velocity: gmm.velocity, scheme: ode, steps: 20 });
      expectAllClose(a.y, b.y, { rtol: 0, atol: 0 });
      a.dispose();
      b.dispose();
    }
  });

  it('a vanishing ε schedule is a valid SDE (ε(0) = ε(1) = 0)', async () => {
    const sol = await sampleSde(x0, { velocity: gmm.velocity, score: gmm.score, epsilon: { schedule: 'bump', scale: 1 }, steps: 20, seed: 1 });
    expect(Number.isFinite(tf.sum(sol.y).dataSync()[0])).toBe(true);
    sol.dispose();
  });

  it('same seed → identical samples; different seeds → different samples', async () => {
    const run = (seed: number) => sampleSde(x0, { velocity: gmm.velocity, score: gmm.score, epsilon: 1, steps: 10, seed });
    const [a, b, c] = [await run(4), await run(4), await run(5)];
    expectAllClose(a.y, b.y, { rtol: 0, atol: 0 });
    expect(maxAbsDiff(a.y, c.y)).toBeGreaterThan(1e-3);
    [a, b, c].forEach((s) => s.dispose());
  });

  it('the final denoising step with η_z recovers E[x1 | x_t] for a one-sided interpolant', async () => {
    const oneSided = makeInterpolant('one-sided-linear');
    const oracle = makeOracle('gmm2d', oneSided);
    const base = oracle.sampleBase(6000, new SeedStream(32));
    const tMin = 0.02;
    const plain = await sampleOde(base, { velocity: oracle.velocity, scheme: 'rk4', steps: 100, tMin });
    const denoised = await sampleOde(base, {
      velocity: oracle.velocity,
      scheme: 'rk4',
      steps: 100,
      tMin,
      denoise: { kind: 'z', denoiser: oracle.denoiser, interpolant: oneSided },
    });
    // Without denoising the samples keep α(1−tMin)² = tMin² of extra variance... and a β = 1 − tMin shrink;
    // with it, X ← (X − α η_z)/β must equal η_1 (E[x1 | x_t]) of the oracle at 1 − tMin.
    const eta1 = tf.tidy(() => oracle.eta1(plain.y, tf.fill([6000], 1 - tMin) as tf.Tensor1D));
    expectAllClose(denoised.y, eta1, { rtol: 1e-3, atol: 1e-3 });
    expectMomentsMatch(denoised.y, gmmExact, { label: 'denoised', slack: 0.02 });
    [plain, denoised].forEach((s) => s.dispose());
    eta1.dispose();
    base.dispose();
  });

  it('does not leak (ODE, SDE, adaptive with saveAt, likelihood exact and Hutchinson)', async () => {
    await expectNoLeaks(async () => (await sampleOde(x0, { velocity: gmm.velocity, steps: 5 })).dispose());
    await expectNoLeaks(async () => (await sampleSde(x0, { velocity: gmm.velocity, score: gmm.score, epsilon: 0.5, steps: 5, seed: 1 })).dispose());
    await expectNoLeaks(async () =>
      (await sampleOde(x0, { velocity: gmm.velocity, scheme: 'dopri5', adaptive: true, saveAt: [0.5, 1] })).dispose(),
    );
    const x = tf.slice(x0, [0, 0], [16, 2]);
    for (const divergence of ['exact', 'hutchinson'] as const) {
      await expectNoLeaks(async () =>
        (await logLikelihood(x, { velocity: gmm.velocity, baseLogDensity: (z) => gmm.logDensityBase(z), steps: 4, divergence })).dispose(),
      );
    }
    x.dispose();
  });

  it('rejects bad input with the argument named', async () => {
    const velocity = gmm.velocity;
    const score = gmm.score;
    await expect(sampleSde(x0, { velocity, score, epsilon: -0.5, steps: 4, seed: 1 })).rejects.toThrow(
      "sampleSde: argument 'options.epsilon' must be a finite number >= 0, got -0.5",
    );
    await expect(sampleOde(tf.tensor2d([[0, Number.NaN]]), { velocity, steps: 4 })).rejects.toThrow(/non-finite|finite/);
    await expect(sampleOde(tf.ones([3]) as unknown as tf.Tensor2D, { velocity, steps: 4 })).rejects.toThrow(/sampleOde: argument 'x0' must be a float32 Tensor2D/);
    await expect(sampleOde(x0, { velocity, steps: 4, scheme: 'rk5' })).rejects.toThrow(/sampleOde: argument 'options.scheme' must be one of .*'rk4'.*got "rk5"/);
    await expect(sampleOde(x0, { velocity, steps: 4, tMin: 0.5 })).rejects.toThrow(/'options.tMin' must be a finite number in \[0, 0.5\)/);
    await expect(sampleOde(x0, { velocity, grid: [0, 0.5, 0.4, 1] })).rejects.toThrow(/sampleOde: argument 'options.grid' must be strictly increasing/);
    await expect(sampleOde(x0, { velocity })).rejects.toThrow(/exactly one of options.steps, options.grid or options.adaptive/);
    await expect(sampleSde(x0, { velocity, score, epsilon: 1, steps: 4, seed: 1, scheme: 'rk4' })).rejects.toThrow(/rk4.*ODE/);
    await expect(sampleSde(x0, { velocity, score: undefined as never, epsilon: 1, steps: 4 })).rejects.toThrow(/'options.score' must be a field/);
    await expect(sampleOde(x0, { velocity, scheme: 'dopri5', adaptive: { rtol: 0 } })).rejects.toThrow(/rtol/);
    await expect(
      logLikelihood(x0, { velocity, baseLogDensity: (z) => gmm.logDensityBase(z), steps: 4, divergence: 'trace' as never }),
    ).rejects.toThrow(/'options.divergence' must be one of 'exact', 'hutchinson'/);
  });
});
