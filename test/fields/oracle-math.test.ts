/**
 * The mathematics of the closed-form oracles, in float64 (evaluateAt): the identities of MATH §1.2, the
 * continuity equation ∂_t ρ + ∇·(bρ) = 0, the score as ∇ log ρ, and the §1.7 Gaussian formula.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gaussianOracle } from '../../src/fields/index.js';
import { makeInterpolant } from '../../src/interpolants/index.js';
import { SeedStream } from '../../src/random.js';
import { INTERPOLANTS, oracleCases } from './cases.js';

const TIMES = [0.07, 0.23, 0.41, 0.62, 0.78, 0.93];
const H = 1e-5;


/** Three points per time: samples of ρ(t) (so they sit where the mass is). */
function samplePoints(oracle: { sampleAt(t: number, n: number, s: SeedStream): tf.Tensor2D }, t: number, seed: number): number[][] {
  const x = oracle.sampleAt(t, 3, new SeedStream(seed));
  const rows = x.arraySync();
  x.dispose();
  return rows;
}

function add(x: number[], i: number, h: number): number[] {
  const y = x.slice();
  y[i]! += h;
  return y;
}

function expectVecClose(a: number[], b: number[], tol: number, label: string): void {
  const scale = 1 + Math.max(...a.map(Math.abs), ...b.map(Math.abs));
  a.forEach((v, i) => expect(Math.abs(v - b[i]!), `${label}[${i}]: ${v} vs ${b[i]}`).toBeLessThan(tol * scale));
}

describe('oracle mathematics (float64)', () => {
  for (const { label, interpolant: I, oracle: make } of oracleCases()) {
    describe(label, () => {
      const oracle = make();
      const d = oracle.dim;

      it('identities: b = v − γγ̇ s = v + γ̇ η_z = α̇η0 + β̇η1 + γ̇η_z; αη0 + βη1 + γη_z = x; η_z = −γ s (one-sided: −α s)', () => {
        TIMES.forEach((t, ti) => {
          const c = I.coefficientsAt(t);
          for (const x of samplePoints(oracle, t, 100 + ti)) {
            const p = oracle.evaluateAt(t, x);
            const combo = (f: (i: number) => number) => Array.from({ length: d }, (_, i) => f(i));
            expectVecClose(p.velocity, combo((i) => p.v[i]! - c.gammaDGamma * p.score[i]!), 1e-10, 'b = v − γγ̇ s');
            expectVecClose(p.velocity, combo((i) => p.v[i]! + c.dGamma * p.etaZ[i]!), 1e-10, 'b = v + γ̇ η_z');
            expectVecClose(
              p.velocity,
              combo((i) => c.dAlpha * p.eta0[i]! + c.dBeta * p.eta1[i]! + c.dGamma * p.etaZ[i]!),
              1e-10,
              'b = α̇η0 + β̇η1 + γ̇η_z',
            );
            expectVecClose(combo((i) => c.alpha * p.eta0[i]! + c.beta * p.eta1[i]! + c.gamma * p.etaZ[i]!), x, 1e-10, 'αη0 + βη1 + γη_z = x');
            const noise = I.oneSided ? c.alpha : c.gamma;
            expectVecClose(p.etaZ, combo((i) => -noise * p.score[i]!), 1e-10, 'η_z = −γ s');
          }
        });
      });

      it('score = ∇ log ρ (central differences of logDensity in x)', () => {
        TIMES.forEach((t, ti) => {
          for (const x of samplePoints(oracle, t, 200 + ti)) {
            const p = oracle.evaluateAt(t, x);
            const grad = Array.from(
              { length: d },
              (_, i) => (oracle.evaluateAt(t, add(x, i, H)).logDensity - oracle.evaluateAt(t, add(x, i, -H)).logDensity) / (2 * H),
            );
            expectVecClose(p.score, grad, 1e-6, 'score');
          }
        });
      });

      it('continuity equation ∂_t log ρ + ∇·b + b·∇ log ρ = 0 (finite differences of logDensity and b)', () => {
        TIMES.forEach((t, ti) => {
          for (const x of samplePoints(oracle, t, 300 + ti)) {
            const L = (s: number, y: number[]) => oracle.evaluateAt(s, y).logDensity;
            const dtL = (L(t + H, x) - L(t - H, x)) / (2 * H);
            let div = 0;
            let transport = 0;
            const b = oracle.evaluateAt(t, x).velocity;
            for (let i = 0; i < d; i++) {
              div += (oracle.evaluateAt(t, add(x, i, H)).velocity[i]! - oracle.evaluateAt(t, add(x, i, -H)).velocity[i]!) / (2 * H);
              transport += (b[i]! * (L(t, add(x, i, H)) - L(t, add(x, i, -H)))) / (2 * H);
            }
            const scale = Math.abs(dtL) + Math.abs(div) + Math.abs(transport);
            expect(Math.abs(dtL + div + transport), `t=${t} x=${x}: ${dtL} + ${div} + ${transport}`).toBeLessThan(2e-5 * (1 + scale));
          }
        });
      });

      it('fields are finite at t = 0 and t = 1 (closed-form products at the ends)', () => {
        for (const t of [0, 1]) {
          const x = Array.from({ length: d }, (_, i) => 0.3 - 0.2 * i);
          const p = oracle.evaluateAt(t, x);
          expect(Number.isFinite(p.logDensity), `logDensity at t=${t}`).toBe(true);
          for (const [key, values] of Object.entries(p.fields)) {
            expect(values.every(Number.isFinite), `${key} at t=${t}`).toBe(true);
          }
        }
      });
    });
  }

  describe('Gaussian → Gaussian against §1.7 written out in 1-D (ṁ, Ċ by finite differences)', () => {
    for (const { label, make } of INTERPOLANTS) {
      it(label, () => {
        const I = make();
        const [m0, c0, m1, c1] = I.oneSided ? [0, 1, 2, 0.25] : I.mirror ? [2, 0.25, 2, 0.25] : [-0.5, 1.7, 2, 0.25];
        const oracle = gaussianOracle({
          interpolant: I,
          base: I.mirror ? undefined : { mean: [m0], covariance: c0 },
          target: { mean: [m1], covariance: c1 },
        });
        const moments = (t: number) => {
          const c = I.coefficientsAt(t);
          const a = I.mirror ? 0 : c.alpha;
          return { m: a * m0 + c.beta * m1, C: a * a * c0 + c.beta ** 2 * c1 + c.gamma ** 2 };
        };
        for (const t of TIMES) {
          const { m, C } = moments(t);
          const dm = (moments(t + H).m - moments(t - H).m) / (2 * H);
          const dC = (moments(t + H).C - moments(t - H).C) / (2 * H);
          for (const x of [m - 1.3, m, m + 0.4]) {
            const p = oracle.evaluateAt(t, [x]);
            expect(p.velocity[0]).toBeCloseTo(dm + (0.5 * dC * (x - m)) / C, 7);
            expect(p.score[0]).toBeCloseTo(-(x - m) / C, 10);
            expect(p.logDensity).toBeCloseTo(-0.5 * Math.log(2 * Math.PI * C) - (x - m) ** 2 / (2 * C), 10);
          }
        }
      });
    }
  });

  it('the sqrt γ keeps b finite at t = 0 where γ̇ = ∞: b(0, x) = ṁ + (αα̇ C0 + ββ̇ C1 + γγ̇ I) C0⁻¹ (x − m0)', () => {
    const I = makeInterpolant('linear', { gamma: 'sqrt', gammaOptions: { a: 2 } });
    const oracle = gaussianOracle({ interpolant: I, base: { mean: [0], covariance: 1 }, target: { mean: [2], covariance: 0.25 } });
    // t = 0: m = 0, ṁ = −m0 + m1 = 2, ½Ċ = αα̇ C0 + ββ̇ C1 + γγ̇ = −1 + 0 + a/2 = 0, so b(0, x) = 2.
    expect(oracle.evaluateAt(0, [0.7]).velocity[0]).toBeCloseTo(2, 12);
  });
});
