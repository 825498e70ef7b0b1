import { describe, expect, it } from 'vitest';
import ref from '../fixtures/fbm/reference.json' with { type: 'json' };
import { ArgumentError } from '../../src/errors.js';
import { fbmCovariance } from '../../src/fbm/covariance.js';
import { fouCovariance, fouCovarianceMatrix, sampleFouPaths } from '../../src/fbm/fou.js';
import { expectNoLeaks } from '../helpers/index.js';
import { sampleMoments } from '../helpers/statistics.js';

describe('fractional Ornstein–Uhlenbeck', () => {
  it('H = ½ is the OU process (both types)', () => {
    const theta = 1.3;
    for (const type of ['I', 'II'] as const) {
      for (const [t, s] of [
        [1, 1],
        [1, 0.4],
        [2, 0.1],
        [5, 4.5],
      ]) {
        const ou = (Math.exp(-theta * Math.abs(t - s)) - Math.exp(-theta * (t + s))) / (2 * theta);
        expect(Math.abs(fouCovariance({ hurst: 0.5, type, theta, sigma: 1 }, t!, s!) / ou - 1), `${type} (${t}, ${s})`).toBeLessThan(1e-12);
      }
    }
  });

  it('type I: the stationary autocovariance matches its spectral form (mpmath) to 1e-12', () => {
    let worst = 0;
    for (const r of ref.fouStationary) {
      const T = 80 / r.theta; // e^{−θT} terms vanish: Cov(X_T, X_{T−τ}) = ρ(τ)
      const v = fouCovariance({ hurst: r.hurst, type: 'I', theta: r.theta }, T, T - r.tau);
      worst = Math.max(worst, Math.abs(v - r.rho) / Math.abs(r.rho));
    }
    console.info(`fOU stationary autocovariance: worst relative error ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-12);
  });

  it('θ → 0 gives back the fBM covariance; σ scales it by σ²', () => {
    for (const hurst of [0.3, 0.7]) {
      const c = fouCovariance({ hurst, type: 'II', theta: 1e-7 }, 1, 0.4);
      expect(Math.abs(c / fbmCovariance({ hurst, type: 'II' }, 1, 0.4) - 1)).toBeLessThan(1e-6);
      const ci = fouCovariance({ hurst, type: 'I', theta: 1e-4 }, 1, 0.4);
      expect(Math.abs(ci / fbmCovariance({ hurst, type: 'I' }, 1, 0.4) - 1)).toBeLessThan(3e-4);
    }
    const a = fouCovariance({ hurst: 0.3, type: 'II', theta: 2, sigma: 3 }, 1, 0.5);
    expect(a / fouCovariance({ hurst: 0.3, type: 'II', theta: 2 }, 1, 0.5)).toBeCloseTo(9, 12);
  });

  it('exact paths have the covariance within 4 SE and start from x0', () => {
    const spec = { hurst: 0.3, type: 'II' as const, theta: 1, sigma: 0.5 };
    const times = [0.25, 0.5, 1, 2];
    const x = sampleFouPaths({ ...spec, times, samples: 5000, seed: 4, x0: 1 });
    const m = sampleMoments(x);
    x.dispose();
    const cov = fouCovarianceMatrix(spec, times);
    let worst = 0;
    times.forEach((t, a) => {
      expect(Math.abs(m.mean[a]! - Math.exp(-t))).toBeLessThan(4 * m.meanSE[a]!);
      times.forEach((_s, b) => (worst = Math.max(worst, Math.abs(m.cov[a]![b]! - cov[a * 4 + b]!) / m.covSE[a]![b]!)));
    });
    console.info(`fOU paths: worst |cov error|/SE = ${worst.toFixed(2)} (n = 5000)`);
    expect(worst).toBeLessThan(4);
  });

  it('rejects bad input and leaks nothing', async () => {
    expect(() => fouCovariance({ hurst: 0.3, type: 'I', theta: 0 }, 1, 1)).toThrow(/fouCovariance: argument 'spec\.theta' must be a finite number > 0, got 0/);
    expect(() => fouCovariance({ hurst: 1, type: 'II', theta: 1 }, 1, 1)).toThrow(ArgumentError);
    expect(() => fouCovariance({ hurst: 0.3, type: 'II', theta: 1, sigma: -1 }, 1, 1)).toThrow(/spec\.sigma/);
    expect(() => sampleFouPaths({ hurst: 0.3, type: 'II', theta: 1, times: [1, 1], samples: 2, seed: 1 })).toThrow(/strictly increasing/);
    await expectNoLeaks(() => sampleFouPaths({ hurst: 0.3, type: 'I', theta: 1, times: [0.5, 1], samples: 4, seed: 1, x0: 2 }));
  });
});
