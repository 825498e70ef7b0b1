import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { learningRateSchedule } from '../../src/train/schedules.js';
import { expectAllClose } from '../helpers/index.js';

describe('learningRateSchedule', () => {
  it("'linear' without warm-up is MATH.md's η_t = η_0 (1 − t/T)", () => {
    const lr = learningRateSchedule({ kind: 'linear', peak: 0.01, totalSteps: 100 });
    const steps = [0, 1, 25, 50, 99, 100, 150];
    expectAllClose(steps.map(lr), steps.map((t) => 0.01 * Math.max(0, 1 - t / 100)), { rtol: 1e-12, atol: 0 });
  });

  it("'linear' with warm-up: η_0 (t+1)/W during warm-up, then linear decay to final", () => {
    const lr = learningRateSchedule({ kind: 'linear', peak: 1e-3, warmupSteps: 10, totalSteps: 110, final: 1e-4 });
    expect(lr(0)).toBeCloseTo(1e-4, 15);
    expect(lr(4)).toBeCloseTo(5e-4, 15);
    expect(lr(9)).toBeCloseTo(1e-3, 15);
    expect(lr(10)).toBeCloseTo(1e-3, 15);
    expect(lr(60)).toBeCloseTo(1e-4 + 0.9e-3 * 0.5, 15);
    expect(lr(110)).toBeCloseTo(1e-4, 15);
    expect(lr(1000)).toBeCloseTo(1e-4, 15);
    // monotone: up during warm-up, down after
    for (let t = 1; t < 10; t++) expect(lr(t)).toBeGreaterThan(lr(t - 1));
    for (let t = 11; t < 120; t++) expect(lr(t)).toBeLessThanOrEqual(lr(t - 1));
  });

  it("'cosine' decays as (1 + cos πp)/2 and 'constant' stays at peak after warm-up", () => {
    const cos = learningRateSchedule({ kind: 'cosine', peak: 2, warmupSteps: 4, totalSteps: 104 });
    expect(cos(3)).toBe(2);
    expect(cos(4)).toBeCloseTo(2, 12);
    expect(cos(29)).toBeCloseTo(1 + Math.cos(Math.PI / 4), 12);
    expect(cos(54)).toBeCloseTo(1, 12);
    expect(cos(104)).toBe(0);
    const constant = learningRateSchedule({ kind: 'constant', peak: 0.5, warmupSteps: 2 });
    expect([0, 1, 2, 3, 1e6].map(constant)).toEqual([0.25, 0.5, 0.5, 0.5, 0.5]);
    // warm-up equal to the total: no decay phase, then final
    const allWarm = learningRateSchedule({ kind: 'linear', peak: 1, warmupSteps: 4, totalSteps: 4 });
    expect([0, 3, 4, 5].map(allWarm)).toEqual([0.25, 1, 0, 0]);
  });

  it('validates options and steps', () => {
    expect(() => learningRateSchedule({ kind: 'exp' as never, peak: 1, totalSteps: 10 })).toThrow(/one of 'linear', 'constant', 'cosine'/);
    expect(() => learningRateSchedule({ kind: 'linear', peak: 0, totalSteps: 10 })).toThrow(/options\.peak/);
    expect(() => learningRateSchedule({ kind: 'linear', peak: 1 })).toThrow(/options\.totalSteps/);
    expect(() => learningRateSchedule({ kind: 'cosine', peak: 1, totalSteps: 2.5 })).toThrow(/options\.totalSteps/);
    expect(() => learningRateSchedule({ kind: 'linear', peak: 1, totalSteps: 10, warmupSteps: 11 })).toThrow(/options\.warmupSteps/);
    expect(() => learningRateSchedule({ kind: 'linear', peak: 1, totalSteps: 10, final: 2 })).toThrow(/options\.final/);
    expect(() => learningRateSchedule(undefined as never)).toThrow(ArgumentError);
    const lr = learningRateSchedule({ kind: 'linear', peak: 1, totalSteps: 10 });
    expect(() => lr(-1)).toThrow(/argument 'step'/);
    expect(() => lr(Number.NaN)).toThrow(ArgumentError);
  });
});
