import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { SolverError } from '../../src/solver/errors.js';
import { integrate, integrateSync } from '../../src/solver/integrate.js';
import {
  PIController,
  initialStepFromNorms,
  initialTrialStep,
  resolveAdaptiveOptions,
  scaledErrorNorm,
} from '../../src/solver/step-control.js';
import type { Term } from '../../src/solver/types.js';
import { maxAbsError, riccati, rotationDecay } from './problems.js';

describe('PIController', () => {
  const options = resolveAdaptiveOptions('test', true, 1);

  it('grows after small errors (at most maxFactor) and shrinks after large ones (at least minFactor)', () => {
    const c = new PIController(options, 4);
    expect(c.afterAccept(1e-12)).toBe(options.maxFactor);
    expect(c.afterAccept(1)).toBeLessThan(1);
    expect(c.afterReject(1e12)).toBe(options.minFactor);
    expect(c.afterReject(NaN)).toBe(options.minFactor);
    expect(c.afterReject(2)).toBeLessThanOrEqual(options.safety);
    expect(c.accepts(NaN)).toBe(false);
    expect(c.accepts(1)).toBe(true);
  });

  it('does not grow the step right after a rejection', () => {
    const c = new PIController(options, 4);
    c.afterReject(3);
    expect(c.afterAccept(1e-6)).toBeLessThanOrEqual(1);
    expect(c.afterAccept(1e-6)).toBeGreaterThan(1);
  });

  it('uses the previous error (PI): a shrinking error history allows a larger step than a growing one', () => {
    const a = new PIController(options, 4);
    a.afterAccept(0.9);
    const b = new PIController(options, 4);
    b.afterAccept(0.01);
    expect(a.afterAccept(0.1)).toBeGreaterThan(b.afterAccept(0.1));
  });
});

describe('step-size helpers', () => {
  it('scaledErrorNorm: RMS or max-over-rows of err/(atol + rtol·max(|y0|, |y1|)), NaN for non-finite states', () => {
    const err = tf.tensor2d([[1e-3, 0], [0, 0]]);
    const y = tf.tensor2d([[1, 1], [1, 1]]);
    const o = { rtol: 1e-3, atol: 0, norm: 'rms' as const };
    expect(scaledErrorNorm(err, y, y, o).dataSync()[0]).toBeCloseTo(0.5, 5); // √(1/4)
    expect(scaledErrorNorm(err, y, y, { ...o, norm: 'max' }).dataSync()[0]).toBeCloseTo(Math.SQRT1_2, 5);
    const bad = tf.tensor2d([[1, Infinity], [1, 1]]);
    expect(scaledErrorNorm(err, y, bad, o).dataSync()[0]).toBeNaN();
    tf.dispose([err, y, bad]);
  });

  it('initial step heuristic', () => {
    expect(initialTrialStep(1, 100)).toBeCloseTo(1e-4);
    expect(initialTrialStep(0, 1)).toBe(1e-6);
    expect(initialStepFromNorms(1e-3, 1, 1, 4)).toBeCloseTo(Math.min(0.1, 0.01 ** 0.2));
  });

  it('validates adaptive options, naming them', () => {
    expect(() => resolveAdaptiveOptions('integrate', { maxSteps: 0 }, 1)).toThrow(/'options.adaptive.maxSteps' must be a finite integer >= 1/);
    expect(() => resolveAdaptiveOptions('integrate', { minFactor: 1 }, 1)).toThrow(/'options.adaptive.minFactor'/);
    expect(() => resolveAdaptiveOptions('integrate', { safety: 1.5 }, 1)).toThrow(/'options.adaptive.safety'/);
    expect(() => resolveAdaptiveOptions('integrate', { norm: 'l1' as never }, 1)).toThrow(/'options.adaptive.norm' must be one of 'rms', 'max'/);
    expect(() => resolveAdaptiveOptions('integrate', { minStep: 1, maxStep: 0.5 }, 1)).toThrow(/'options.adaptive.maxStep'/);
    expect(resolveAdaptiveOptions('integrate', true, 2)).toMatchObject({ rtol: 1e-3, atol: 1e-6, minStep: 2e-10, maxStep: 2, maxSteps: 10_000 });
  });
});

describe('adaptive integration', () => {
  it('counts accepted and rejected steps; a too-large first step is rejected and the solve still meets the tolerance', async () => {
    const { term, initial, exact } = riccati();
    const y0 = tf.tensor2d(initial);
    const sol = await integrate(term, 'dopri5', y0, { t1: 2, adaptive: { rtol: 1e-5, atol: 1e-7, dt0: 2 } });
    expect(sol.stats.rejectedSteps).toBeGreaterThan(0);
    expect(sol.stats.acceptedSteps).toBeGreaterThan(3);
    expect(maxAbsError(sol.y, exact(0, 2))).toBeLessThan(1e-4);
    sol.dispose();
    y0.dispose();
  });

  it('adapts with heun and midpoint too, and tighter tolerances take more steps', async () => {
    const { term, initial, exact } = rotationDecay();
    const y0 = tf.tensor2d(initial);
    for (const scheme of ['heun', 'midpoint']) {
      const loose = await integrate(term, scheme, y0, { adaptive: { rtol: 1e-2, atol: 1e-4 } });
      const tight = await integrate(term, scheme, y0, { adaptive: { rtol: 1e-4, atol: 1e-6 } });
      expect(tight.stats.acceptedSteps).toBeGreaterThan(2 * loose.stats.acceptedSteps);
      expect(maxAbsError(tight.y, exact(0, 1))).toBeLessThan(maxAbsError(loose.y, exact(0, 1)));
      loose.dispose();
      tight.dispose();
    }
    y0.dispose();
  });

  it('step-size underflow: SolverError naming t, dt and minStep', async () => {
    const blowUp: Term = { drift: (_t, y) => tf.square(y) }; // y(t) = 1/(1 − t) blows up at t = 1
    const y0 = tf.ones([1, 1]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const error = await integrate(blowUp, 'dopri5', y0, { t1: 2, adaptive: { minStep: 1e-4 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SolverError);
    expect((error as SolverError).reason).toBe('step-underflow');
    expect((error as SolverError).t).toBeGreaterThan(0.99);
    expect((error as SolverError).t).toBeLessThan(1);
    expect((error as Error).message).toMatch(/^integrate: step size underflow at t = 0\.99\d*: dt = [\d.e-]+ is below minStep = 1\.000e-4/);
    expect(tf.memory().numTensors).toBe(before);
    y0.dispose();
  });

  it('a state that turns non-finite is rejected (NaN error norm) until the step underflows, and the message says so', async () => {
    const poisoned: Term = { drift: (t, y) => (t > 0.5 ? tf.mul(y, NaN) : tf.neg(y)) };
    const y0 = tf.ones([2, 2]) as tf.Tensor2D;
    const error = await integrate(poisoned, 'dopri5', y0, { adaptive: { minStep: 1e-6 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SolverError);
    expect((error as SolverError).t).toBeCloseTo(0.5, 5);
    expect((error as Error).message).toMatch(/step size underflow at t = 0\.49\d+.*the step produced a non-finite state \(NaN or Infinity\)/);
    y0.dispose();
  });

  it('maxSteps: SolverError naming the limit and the time reached', () => {
    const { term, initial } = rotationDecay();
    const y0 = tf.tensor2d(initial);
    expect(() => integrateSync(term, 'dopri5', y0, { t1: 10, adaptive: { rtol: 1e-6, maxSteps: 5 } })).toThrow(
      /^integrateSync: reached maxSteps = 5 \(\d+ accepted, \d+ rejected steps\) at t = [\d.]+ before t1 = 10/,
    );
    y0.dispose();
  });

  it('respects maxStep', async () => {
    const { term, initial } = rotationDecay();
    const y0 = tf.tensor2d(initial);
    const sol = await integrate(term, 'dopri5', y0, { adaptive: { rtol: 1e-2, maxStep: 0.1 } });
    expect(sol.stats.acceptedSteps).toBeGreaterThanOrEqual(10);
    sol.dispose();
    y0.dispose();
  });
});
