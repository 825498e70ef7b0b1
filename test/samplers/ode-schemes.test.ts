import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { dopri5 } from '../../samplers/dopri5.js';
import { euler } from '../../samplers/euler.js';
import { heun } from '../../samplers/heun.js';
import { midpoint } from '../../samplers/midpoint.js';
import { rk4 } from '../../samplers/rk4.js';
import { integrate } from '../../src/solver/integrate.js';
import type { Scheme, Term } from '../../src/solver/types.js';
import { fitSlope, maxAbsError, riccati, rotationDecay } from '../solver/problems.js';

interface Problem {
  term: Term;
  initial: number[][];
  exact: (t0: number, t1: number) => number[][];
}

async function errorAt(problem: Problem, scheme: Scheme | string, t1: number, steps: number): Promise<number> {
  const y0 = tf.tensor2d(problem.initial);
  const sol = await integrate(problem.term, scheme, y0, { t0: 0, t1, steps });
  const err = maxAbsError(sol.y, problem.exact(0, t1));
  sol.dispose();
  y0.dispose();
  return err;
}

async function measuredOrder(problem: Problem, scheme: Scheme, t1: number, stepCounts: number[]) {
  const errors: number[] = [];
  for (const n of stepCounts) errors.push(await errorAt(problem, scheme, t1, n));
  return { order: fitSlope(stepCounts.map((n) => t1 / n), errors), errors };
}

const measured: string[] = [];
afterAll(() => {
  console.info(`measured convergence orders:\n  ${measured.join('\n  ')}`);
});

// Step counts chosen so that every error stays far above float32 rounding (≫ 1e-6) and inside the
// asymptotic regime.
const cases: { scheme: Scheme; linear: { t1: number; steps: number[] }; nonlinear: { t1: number; steps: number[] } }[] = [
  { scheme: euler, linear: { t1: 1, steps: [16, 32, 64, 128] }, nonlinear: { t1: 1, steps: [16, 32, 64, 128] } },
  { scheme: heun, linear: { t1: 1, steps: [8, 16, 32, 64] }, nonlinear: { t1: 1, steps: [8, 16, 32, 64] } },
  { scheme: midpoint, linear: { t1: 1, steps: [8, 16, 32, 64] }, nonlinear: { t1: 1, steps: [8, 16, 32, 64] } },
  { scheme: rk4, linear: { t1: 2, steps: [8, 12, 16, 24] }, nonlinear: { t1: 2, steps: [6, 8, 10, 12] } },
];

describe('empirical convergence order of the ODE schemes', () => {
  for (const { scheme, linear, nonlinear } of cases) {
    it(`${scheme.name}: order ${scheme.order} ± 0.3 on y' = Ay (rotation + decay)`, async () => {
      const { order, errors } = await measuredOrder(rotationDecay(), scheme, linear.t1, linear.steps);
      measured.push(`${scheme.name} linear: ${order.toFixed(2)} (errors ${errors.map((e) => e.toExponential(1)).join(', ')})`);
      expect(Math.min(...errors)).toBeGreaterThan(1e-5);
      expect(Math.abs(order - scheme.order)).toBeLessThanOrEqual(0.3);
    });
    it(`${scheme.name}: order ${scheme.order} ± 0.3 on y' = −2t y² (nonlinear, time-dependent)`, async () => {
      const { order, errors } = await measuredOrder(riccati(), scheme, nonlinear.t1, nonlinear.steps);
      measured.push(`${scheme.name} nonlinear: ${order.toFixed(2)} (errors ${errors.map((e) => e.toExponential(1)).join(', ')})`);
      expect(Math.min(...errors)).toBeGreaterThan(1e-5);
      expect(Math.abs(order - scheme.order)).toBeLessThanOrEqual(0.3);
    });
  }
});

describe('dopri5', () => {
  it('meets the requested tolerance with far fewer steps than RK4 needs for the same error', async () => {
    // Kepler orbit with eccentricity 0.5: fast near perihelion, slow far out. After one period 2π the
    // state returns to its start, [1 − e, 0, 0, √((1 + e)/(1 − e))].
    const e = 0.5;
    const start = [1 - e, 0, 0, Math.sqrt((1 + e) / (1 - e))];
    const problem: Problem = {
      term: {
        drift: (_t, y) => {
          const [q, p] = tf.split(y, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
          const r3 = tf.pow(tf.sum(tf.square(q), 1, true), 1.5);
          return tf.concat([p, tf.neg(tf.div(q, r3))], 1) as tf.Tensor2D;
        },
      },
      initial: [start],
      exact: () => [start],
    };
    const t1 = 2 * Math.PI;
    const y0 = tf.tensor2d(problem.initial);
    const rtol = 1e-4;
    const sol = await integrate(problem.term, dopri5, y0, { t0: 0, t1, adaptive: { rtol, atol: 1e-6 } });
    const err = maxAbsError(sol.y, problem.exact(0, t1));
    const steps = sol.stats.acceptedSteps + sol.stats.rejectedSteps;
    const nfe = sol.stats.nfe;
    sol.dispose();
    y0.dispose();
    expect(err).toBeLessThanOrEqual(10 * rtol * Math.max(...start)); // error ≤ 10·rtol·scale
    // RK4 with three times as many steps (twice the evaluations) is still less accurate.
    const rk4Error = await errorAt(problem, rk4, t1, 3 * steps);
    measured.push(
      `dopri5: error ${err.toExponential(2)} at rtol ${rtol} in ${steps} steps (${nfe} evaluations); ` +
        `rk4 with ${3 * steps} steps: error ${rk4Error.toExponential(2)}`,
    );
    expect(rk4Error).toBeGreaterThan(err);
  });
});
