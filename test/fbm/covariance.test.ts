import { describe, expect, it } from 'vitest';
import ref from '../fixtures/fbm/reference.json' with { type: 'json' };
import { ArgumentError } from '../../src/errors.js';
import { fbmCovariance, fbmCovarianceMatrix, markovCovariance } from '../../src/fbm/covariance.js';
import { optimalOmega } from '../../src/fbm/optimal-omega.js';
import type { FbmType } from '../../src/fbm/optimal-omega.js';

/** Gauss–Legendre nodes and weights on [−1, 1] (Newton on P_n), test-local. */
function gaussLegendre(n: number): { x: number[]; w: number[] } {
  const x: number[] = [];
  const w: number[] = [];
  for (let i = 1; i <= n; i++) {
    let z = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = z;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * z * p1 - (k - 1) * p0) / k];
      dp = (n * (z * p1 - p0)) / (z * z - 1);
      const dz = p1 / dp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    x.push(z);
    w.push(2 / ((1 - z * z) * dp * dp));
  }
  return { x, w };
}
const GL = gaussLegendre(16);

/** ∫ f over the panels given by consecutive breakpoints, 16-point Gauss–Legendre per panel. */
function integrate(f: (u: number) => number, breaks: number[]): number {
  let total = 0;
  for (let p = 0; p + 1 < breaks.length; p++) {
    const a = breaks[p]!;
    const b = breaks[p + 1]!;
    const half = (b - a) / 2;
    for (let i = 0; i < GL.x.length; i++) total += GL.w[i]! * half * f(a + half * (1 + GL.x[i]!));
  }
  return total;
}

/**
 * The Markov approximation's covariance computed independently of the closed form, by the Itô isometry:
 * B̂(t) = ∫ k_t(u) dW_u with k_t(u) = Σ ω_k e^{−γ_k(t−u)} on [0, t] (type II), and for type I
 * k_t(u) = Σ ω_k (e^{−γ_k(t−u)} 1{u < t} − e^{γ_k u} 1{u < 0}) on (−∞, t]; Cov = ∫ k_t k_s du by quadrature.
 */
function markovCovarianceByQuadrature(type: FbmType, gammas: Float64Array, omega: Float64Array, t: number, s: number): number {
  const kernel = (time: number, u: number) => {
    let v = 0;
    for (let k = 0; k < gammas.length; k++) {
      if (u <= time) v += omega[k]! * Math.exp(-gammas[k]! * (time - u));
      if (u < 0) v -= omega[k]! * Math.exp(gammas[k]! * u);
    }
    return v;
  };
  const lo = Math.min(t, s);
  const uniform = Array.from({ length: 401 }, (_, i) => (lo * i) / 400);
  let total = integrate((u) => kernel(t, u) * kernel(s, u), uniform);
  if (type === 'I') {
    // (−∞, 0] as v = −u ∈ [0, ∞): geometric panels from 1e-4 (ratio 1.1) up to where e^{−2γ_min v} < 1e-18.
    const end = 21 / Math.min(...gammas);
    const breaks = [0];
    for (let v = 1e-4; v < end; v *= 1.1) breaks.push(v);
    breaks.push(end);
    total += integrate((v) => kernel(t, -v) * kernel(s, -v), breaks);
  }
  return total;
}

describe('markovCovariance', () => {
  it('equals the Itô-isometry quadrature to 1e-9 relative, both types', () => {
    const grid = [0.1, 0.25, 0.5, 0.75, 1];
    let worst = 0;
    for (const [type, hurst, gammaMax] of [
      ['II', 0.3, 20],
      ['II', 0.7, 100],
      ['I', 0.3, 100],
      ['I', 0.7, 20],
    ] as const) {
      const { gammas, omega } = optimalOmega({ hurst, type, K: 5, gammaMax });
      for (const t of grid) {
        for (const s of grid) {
          const closed = markovCovariance({ type, gammas, omega }, t, s);
          const quad = markovCovarianceByQuadrature(type, gammas, omega, t, s);
          const rel = Math.abs(closed - quad) / Math.abs(quad);
          worst = Math.max(worst, rel);
          expect(rel, `${type} H=${hurst} (${t}, ${s}): ${closed} vs ${quad}`).toBeLessThan(1e-9);
        }
      }
    }
    console.info(`markovCovariance vs quadrature: worst relative difference ${worst.toExponential(2)}`);
  });

  it('rejects mismatched weights and bad times', () => {
    expect(() => markovCovariance({ type: 'II', gammas: [1, 2], omega: [1] }, 1, 1)).toThrow(ArgumentError);
    expect(() => markovCovariance({ type: 'II', gammas: [1], omega: [1] }, -1, 1)).toThrow(/markovCovariance: argument 't'/);
  });
});

describe('fbmCovariance', () => {
  it('type II (Riemann–Liouville) matches mpmath quadrature to 1e-12 relative', () => {
    let worst = 0;
    for (const r of ref.rlCovariance) {
      const v = fbmCovariance({ hurst: r.hurst, type: 'II' }, r.t, r.s);
      worst = Math.max(worst, Math.abs(v - r.cov) / r.cov);
      expect(Math.abs(v - r.cov) / r.cov, `H=${r.hurst} (${r.t}, ${r.s})`).toBeLessThan(1e-12);
      expect(fbmCovariance({ hurst: r.hurst, type: 'II' }, r.s, r.t)).toBe(v);
    }
    console.info(`Riemann–Liouville covariance: worst relative error ${worst.toExponential(2)}`);
  });

  it('H = ½ is Brownian motion for both types; type I is V_H times the unit fBM covariance', () => {
    for (const type of ['I', 'II'] as const) expect(fbmCovariance({ hurst: 0.5, type }, 0.7, 0.4)).toBeCloseTo(0.4, 13);
    const m = fbmCovarianceMatrix({ hurst: 0.3, type: 'I' }, [0.5, 1]);
    const vh = 1 / (0.8935153492876903 * 0.8090169943749475); // 1/(Γ(1.6) sin 0.3π)
    expect(m[3]! / vh).toBeCloseTo(1, 13);
    expect(m[1]! / (vh * 0.5 * (Math.pow(0.5, 0.6) + 1 - Math.pow(0.5, 0.6)))).toBeCloseTo(1, 13);
    expect(m[1]).toBe(m[2]);
  });

  it('rejects bad input', () => {
    expect(() => fbmCovariance({ hurst: 0, type: 'I' }, 1, 1)).toThrow(/fbmCovariance: argument 'spec\.hurst'/);
    expect(() => fbmCovariance({ hurst: 0.3, type: 'I' }, -1, 1)).toThrow(/argument 't'/);
  });
});

describe('how close the Markov approximation gets (T = 1)', () => {
  const relErrors = (type: FbmType, hurst: number, K: number, gammaMax: number, times: number[], pairs: boolean) => {
    const { gammas, omega } = optimalOmega({ hurst, type, K, gammaMax, horizon: 1 });
    const out: number[] = [];
    for (const t of times) {
      for (const s of pairs ? times : [t]) {
        out.push(Math.abs(markovCovariance({ type, gammas, omega }, t, s) / fbmCovariance({ hurst, type }, t, s) - 1));
      }
    }
    return Math.max(...out);
  };

  it('type II variance at t ∈ {0.25, 0.5, 1}: 2.5% (H = 0.3), 0.5% (H = 0.7) at γ_max = 20; 1% at γ_max = 100; Var(t) = t at H = ½', () => {
    const t3 = [0.25, 0.5, 1];
    const e = {
      h3g20: relErrors('II', 0.3, 5, 20, t3, false),
      h7g20: relErrors('II', 0.7, 5, 20, t3, false),
      h3g100: relErrors('II', 0.3, 5, 100, t3, false),
      h7g100: relErrors('II', 0.7, 5, 100, t3, false),
      h5: relErrors('II', 0.5, 5, 20, t3, false),
    };
    console.info(`type II worst variance errors: ${JSON.stringify(Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v.toExponential(2)])))}`);
    expect(e.h3g20).toBeLessThan(0.025);
    expect(e.h3g20).toBeGreaterThan(0.02); // the reference worst case is 2.2% at t = 0.25
    expect(e.h7g20).toBeLessThan(0.005);
    expect(e.h3g100).toBeLessThan(0.01);
    expect(e.h7g100).toBeLessThan(0.01);
    expect(e.h5).toBeLessThan(1e-3);
  });

  it('type I covariance on {0.25, 0.5, 0.75, 1}²: 2% (H = 0.3), 6% (H = 0.7) at γ_max = 100; 12% at γ_max = 20', () => {
    const grid = [0.25, 0.5, 0.75, 1];
    const h3 = relErrors('I', 0.3, 5, 100, grid, true);
    const h7 = relErrors('I', 0.7, 5, 100, grid, true);
    const h7g20 = relErrors('I', 0.7, 5, 20, grid, true);
    console.info(`type I worst covariance errors: H=0.3 ${h3.toExponential(2)}, H=0.7 ${h7.toExponential(2)}, H=0.7 γ_max=20 ${h7g20.toExponential(2)}`);
    expect(h3).toBeLessThan(0.02);
    expect(h7).toBeLessThan(0.06);
    expect(h7g20).toBeGreaterThan(0.1); // why type I defaults to γ_max = 100
  });
});
