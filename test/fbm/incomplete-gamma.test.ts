import { describe, expect, it } from 'vitest';
import ref from '../fixtures/fbm/reference.json' with { type: 'json' };
import { ArgumentError } from '../../src/errors.js';
import { gamma, lgamma, regularizedGammaP, regularizedGammaQ, scaledGammaP, scaledGammaQ } from '../../src/fbm/incomplete-gamma.js';

describe('incomplete gamma (float64)', () => {
  it('P and Q match the mpmath reference to 1e-12 relative on the whole grid', () => {
    // Reference: scripts/fbm-reference.py (mpmath, 60 digits), a ∈ [0.05, 60], x ∈ [1e-8, 150].
    let worst = 0;
    let checked = 0;
    for (const r of ref.incompleteGamma) {
      const p = regularizedGammaP(r.a, r.x);
      const q = regularizedGammaQ(r.a, r.x);
      for (const [got, want] of [
        [p, r.P],
        [q, r.Q],
      ] as const) {
        if (want === 0) {
          expect(got).toBeLessThan(1e-300);
          continue;
        }
        const rel = Math.abs(got - want) / want;
        worst = Math.max(worst, rel);
        checked++;
        expect(rel, `a = ${r.a}, x = ${r.x}: ${got} vs ${want}`).toBeLessThanOrEqual(1e-12);
      }
    }
    expect(checked).toBeGreaterThan(300);
    console.info(`incomplete gamma: worst relative error ${worst.toExponential(2)} over ${checked} values`);
  });

  it('lgamma and gamma match known values', () => {
    expect(Math.abs(lgamma(0.5) - 0.5 * Math.log(Math.PI))).toBeLessThan(1e-15);
    expect(Math.abs(gamma(5) / 24 - 1)).toBeLessThan(1e-14);
    expect(Math.abs(gamma(0.1) / 9.513507698668732 - 1)).toBeLessThan(1e-14);
    expect(Math.abs(lgamma(100) - 359.1342053695754)).toBeLessThan(1e-12);
  });

  it('closed forms at a = 1 and the scaled variants', () => {
    for (const x of [1e-6, 0.3, 2, 40]) {
      expect(Math.abs(regularizedGammaP(1, x) / -Math.expm1(-x) - 1)).toBeLessThan(1e-14);
      expect(Math.abs(regularizedGammaQ(1, x) / Math.exp(-x) - 1)).toBeLessThan(1e-13);
      expect(Math.abs(scaledGammaQ(1, x) - 1)).toBeLessThan(1e-13);
      expect(Math.abs(scaledGammaP(0.8, x) / (regularizedGammaP(0.8, x) * Math.pow(x, -0.8)) - 1)).toBeLessThan(1e-13);
    }
    expect(Math.abs(scaledGammaP(0.8, 0) * gamma(1.8) - 1)).toBeLessThan(1e-14);
    expect(scaledGammaQ(2.5, 800)).toBeGreaterThan(0); // e^{800} Q would overflow if formed naively
  });

  it('rejects a ≤ 0 and x < 0', () => {
    expect(() => regularizedGammaP(0, 1)).toThrow(ArgumentError);
    expect(() => regularizedGammaQ(1, -1)).toThrow(/regularizedGammaQ: argument 'x' must be a finite number >= 0, got -1/);
    expect(() => lgamma(-2)).toThrow(/lgamma: argument 'x' must be a finite number > 0/);
  });
});
