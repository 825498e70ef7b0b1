import { describe, expect, it } from 'vitest';
import { epsilonFunction, parseEpsilon } from '../../samplers/epsilon.js';

describe('epsilonFunction', () => {
  it('evaluates constant, bump and decay schedules', () => {
    expect(epsilonFunction('f', 0.5)(0.9)).toBe(0.5);
    const bump = epsilonFunction('f', { schedule: 'bump', scale: 2 });
    expect(bump(0)).toBe(0);
    expect(bump(1)).toBe(0);
    expect(bump(0.5)).toBeCloseTo(2, 12);
    expect(bump(0.25)).toBeCloseTo(2 * 4 * 0.25 * 0.75, 12);
    const decay = epsilonFunction('f', { schedule: 'decay', scale: 3 });
    expect(decay(0)).toBe(3);
    expect(decay(1)).toBe(0);
    expect(epsilonFunction('f', (t) => t * t)(0.5)).toBe(0.25);
  });

  it('marks ε ≡ 0 and labels schedules', () => {
    expect(epsilonFunction('f', 0).isZero).toBe(true);
    expect(epsilonFunction('f', { schedule: 'bump', scale: 0 }).isZero).toBe(true);
    expect(epsilonFunction('f', 0.1).isZero).toBe(false);
    expect(epsilonFunction('f', () => 0).isZero).toBe(false);
    expect(epsilonFunction('f', { schedule: 'bump', scale: 1 }).label).toBe('bump:1');
  });

  it('rejects negative or non-finite ε, naming the argument', () => {
    expect(() => epsilonFunction('sampleSde', -0.1)).toThrow("sampleSde: argument 'options.epsilon' must be a finite number >= 0, got -0.1");
    expect(() => epsilonFunction('sampleSde', Number.NaN)).toThrow(/got NaN/);
    expect(() => epsilonFunction('sampleSde', { schedule: 'bump', scale: -1 })).toThrow(/'options.epsilon.scale'/);
    // @ts-expect-error: invalid on purpose
    expect(() => epsilonFunction('sampleSde', { schedule: 'cosine', scale: 1 })).toThrow(/'options.epsilon.schedule' must be one of 'constant', 'bump', 'decay'/);
    expect(() => epsilonFunction('sampleSde', () => -1)(0.3)).toThrow(/a function returning a finite number >= 0, got -1 at t = 0.3/);
    // @ts-expect-error: invalid on purpose
    expect(() => epsilonFunction('sampleSde', 'big')).toThrow(/'options.epsilon'/);
  });
});

describe('parseEpsilon', () => {
  it('parses numbers and schedule:scale', () => {
    expect(parseEpsilon('0.25')).toBe(0.25);
    expect(parseEpsilon('bump:1')).toEqual({ schedule: 'bump', scale: 1 });
    expect(parseEpsilon('constant:0.5')).toEqual({ schedule: 'constant', scale: 0.5 });
  });
  it('rejects bad text', () => {
    expect(() => parseEpsilon('-1')).toThrow(/'--eps' must be a number >= 0/);
    expect(() => parseEpsilon('wobble:1')).toThrow(/schedule among constant, bump, decay/);
    expect(() => parseEpsilon('bump:')).toThrow(/'--eps'/);
    expect(() => parseEpsilon('abc')).toThrow(/'--eps'/);
  });
});
