import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { eulerMaruyama } from '../../samplers/euler-maruyama.js';
import { stochasticHeun } from '../../samplers/stochastic-heun.js';
import { integrate } from '../../src/solver/integrate.js';
import type { Term } from '../../src/solver/types.js';
import { moments, ouExact } from '../solver/problems.js';

// Ornstein–Uhlenbeck with time-dependent additive noise: dX = −θ X dt + σ(t) dW, σ(t) = 0.5 + t, X(0) = 1.
const theta = 1;
const sigma = (t: number) => 0.5 + t;
const ou: Term = {
  drift: (_t, y) => tf.mul(y, -theta),
  diffusion: (t) => tf.scalar(sigma(t)),
};

describe('SDE schemes on Ornstein–Uhlenbeck (mean and variance at t = 1 within 3 Monte-Carlo SE)', () => {
  const batch = 20_000;
  const exact = ouExact(theta, sigma, 1, 0, 1);
  for (const scheme of [eulerMaruyama, stochasticHeun]) {
    it(scheme.name, async () => {
      const x0 = tf.ones([batch, 1]) as tf.Tensor2D;
      // 250 steps keep the time-discretisation bias (O(h) for Euler–Maruyama: ≈ 0.001 in the mean) well
      // below the Monte-Carlo error (≈ 0.005).
      const sol = await integrate(ou, scheme, x0, { steps: 250, seed: 2024 });
      const m = moments(sol.y.dataSync());
      sol.dispose();
      x0.dispose();
      expect(Math.abs(m.mean - exact.mean)).toBeLessThanOrEqual(3 * m.seMean);
      expect(Math.abs(m.variance - exact.variance)).toBeLessThanOrEqual(3 * m.seVariance);
    });
  }

  it('stochastic Heun is weak order 2 for additive noise: its mean bias at 10 steps is far below Euler–Maruyama’s', async () => {
    // For a linear drift with additive noise the scheme's mean follows its deterministic recursion,
    // E[X_{k+1}] = (1 − θh) E[X_k] (Euler–Maruyama) and (1 − θh + θ²h²/2) E[X_k] (stochastic Heun);
    // with zero diffusion the schemes compute exactly these means.
    const x0 = tf.ones([1, 1]) as tf.Tensor2D;
    const noNoise: Term = { drift: ou.drift, diffusion: () => tf.zeros([1, 1]) };
    const em = await integrate(noNoise, eulerMaruyama, x0, { steps: 10, seed: 1 });
    const sh = await integrate(noNoise, stochasticHeun, x0, { steps: 10, seed: 1 });
    const exactMean = Math.exp(-theta);
    const emBias = Math.abs(em.y.dataSync()[0]! - exactMean);
    const shBias = Math.abs(sh.y.dataSync()[0]! - exactMean);
    expect(emBias).toBeCloseTo(Math.abs(Math.pow(1 - 0.1, 10) - exactMean), 6);
    expect(shBias).toBeCloseTo(Math.abs(Math.pow(1 - 0.1 + 0.005, 10) - exactMean), 6);
    expect(shBias * 10).toBeLessThan(emBias);
    em.dispose();
    sh.dispose();
    x0.dispose();
  });
});
