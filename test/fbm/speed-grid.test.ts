import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { speedGrid } from '../../src/fbm/speed-grid.js';
import { expectAllClose } from '../helpers/index.js';

describe('speedGrid', () => {
  it('is the paper grid r^{k−(K+1)/2}, r = γ_max^{2/(K−1)}, from 1/γ_max to γ_max', () => {
    const r = Math.sqrt(20);
    expectAllClose(speedGrid({ K: 5, gammaMax: 20 }), [1 / 20, 1 / r, 1, r, 20], { rtol: 1e-14, atol: 0 });
    const g = speedGrid({ K: 8, gammaMax: 100 });
    for (let k = 1; k < 8; k++) expect(Math.abs(g[k]! / g[k - 1]! - Math.pow(100, 2 / 7))).toBeLessThan(1e-12);
    expect(g[0]).toBe(0.01);
    expect(g[7]).toBe(100);
  });

  it('K = 1 is the geometric centre; explicit γ_min moves the ends', () => {
    expect(Array.from(speedGrid({ K: 1, gammaMax: 20 }))).toEqual([1]);
    expect(speedGrid({ K: 1, gammaMax: 4, gammaMin: 1 })[0]).toBeCloseTo(2, 14);
    expect(Array.from(speedGrid({ K: 1, gammaMax: 1e-8, gammaMin: 1e-8 }))).toEqual([1e-8]);
    expectAllClose(speedGrid({ K: 3, gammaMin: 1, gammaMax: 9 }), [1, 3, 9], { rtol: 1e-14, atol: 0 });
  });

  it('rejects K < 1 and bad or unordered bounds', () => {
    expect(() => speedGrid({ K: 0, gammaMax: 20 })).toThrow(/speedGrid: argument 'options\.K' must be a finite integer >= 1, got 0/);
    expect(() => speedGrid({ K: 3, gammaMax: 0 })).toThrow(ArgumentError);
    expect(() => speedGrid({ K: 3, gammaMax: 5, gammaMin: 5 })).toThrow(/'options\.gammaMin' must be < options\.gammaMax = 5/);
    expect(() => speedGrid({ K: 3, gammaMax: 5, gammaMin: -1 })).toThrow(/must be a finite number > 0, got -1/);
  });
});
