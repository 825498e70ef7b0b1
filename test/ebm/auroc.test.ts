import { describe, expect, it } from 'vitest';
import { auroc } from '../../src/ebm/auroc.js';

describe('auroc', () => {
  it('is P(s⁺ > s⁻) + ½ P(tie), counted pair by pair', () => {
    expect(auroc([3, 4], [1, 2])).toBe(1);
    expect(auroc([1, 2], [3, 4])).toBe(0);
    expect(auroc([1, 2], [1, 2])).toBe(0.5);
    // brute force on a random case with ties
    const pos = [0.1, 0.5, 0.5, 2, 3, 0.7];
    const neg = [0.5, 0.2, 1, 3, -1];
    let s = 0;
    for (const a of pos) for (const b of neg) s += a > b ? 1 : a === b ? 0.5 : 0;
    expect(auroc(pos, neg)).toBeCloseTo(s / (pos.length * neg.length), 14);
  });

  it('rejects empty lists and non-finite scores', () => {
    expect(() => auroc([], [1])).toThrow(/auroc: argument 'positives' must be a non-empty array of scores/);
    expect(() => auroc([1], [Number.NaN])).toThrow(/auroc: argument 'negatives' must be finite scores, got NaN at index 0/);
  });
});
