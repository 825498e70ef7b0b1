import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { checkMonotone, mergeSaveTimes, readTimes, uniformGrid } from '../../src/solver/time-grid.js';

describe('uniformGrid', () => {
  it('spans [t0, t1] with steps + 1 points, the last exactly t1', () => {
    expect(uniformGrid({ steps: 4 })).toEqual([0, 0.25, 0.5, 0.75, 1]);
    const g = uniformGrid({ t0: 0, t1: 0.3, steps: 3 });
    expect(g).toHaveLength(4);
    expect(g[3]).toBe(0.3);
    expect(g[1]).toBeCloseTo(0.1, 15);
  });

  it('runs backward when t1 < t0', () => {
    expect(uniformGrid({ t0: 1, t1: 0, steps: 2 })).toEqual([1, 0.5, 0]);
  });

  it('clips both ends into [tMin, 1 − tMin]', () => {
    expect(uniformGrid({ steps: 2, tMin: 0.01 })).toEqual([0.01, 0.5, 0.99]);
    const back = uniformGrid({ t0: 1, t1: 0, steps: 2, tMin: 0.01 });
    expect(back[0]).toBe(0.99);
    expect(back[2]).toBe(0.01);
    expect(back[1]).toBeCloseTo(0.5, 15);
  });

  it('rejects bad arguments, naming them', () => {
    expect(() => uniformGrid({ steps: 0 })).toThrow(/uniformGrid: argument 'options.steps' must be a finite integer >= 1, got 0/);
    expect(() => uniformGrid({ steps: 2.5 })).toThrow(/'options.steps'/);
    expect(() => uniformGrid({ steps: 2, tMin: 0.5 })).toThrow(/'options.tMin' must be a finite number in \[0, 0.5\)/);
    expect(() => uniformGrid({ steps: 2, t0: 0.2, t1: 0.2 })).toThrow(ArgumentError);
    expect(() => uniformGrid({ steps: 2, t0: 0, t1: 0.005, tMin: 0.01 })).toThrow(/'options.t1' must be different from options.t0 after clipping/);
    expect(() => uniformGrid(null as never)).toThrow(/'options'/);
  });
});

describe('grid helpers', () => {
  it('readTimes accepts arrays and typed arrays of finite numbers', () => {
    expect(readTimes('f', 'g', new Float64Array([0, 1]), 2)).toEqual([0, 1]);
    expect(() => readTimes('f', 'g', [0, NaN], 2)).toThrow(/'g\[1\]' must be a finite number, got NaN/);
    expect(() => readTimes('f', 'g', [0], 2)).toThrow(/at least 2/);
    expect(() => readTimes('f', 'g', 'abc', 2)).toThrow(/an array of finite numbers/);
  });

  it('checkMonotone names the offending pair', () => {
    expect(() => checkMonotone('f', 'options.grid', [0, 0.5, 0.4, 1], 1)).toThrow(/strictly increasing .*\(0.5 then 0.4 at index 2\)/);
    expect(() => checkMonotone('f', 'options.grid', [1, 0.5, 0.5], -1)).toThrow(/strictly decreasing/);
    expect(() => checkMonotone('f', 'options.grid', [1, 0.5, 0], -1)).not.toThrow();
  });

  it('mergeSaveTimes inserts save times between grid points and reuses matching ones', () => {
    const { times, saveIndex } = mergeSaveTimes([0, 0.5, 1], [0, 0.25, 0.5, 1]);
    expect(times).toEqual([0, 0.25, 0.5, 1]);
    expect(saveIndex).toEqual([0, 1, 2, 3]);
    const back = mergeSaveTimes([1, 0.5, 0], [0.75, 0.1 + 0.2 + 0.2]); // 0.5000000000000001 matches 0.5
    expect(back.times).toEqual([1, 0.75, 0.5, 0]);
    expect(back.saveIndex).toEqual([1, 2]);
  });
});
