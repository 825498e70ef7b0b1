import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { stochasticHeun } from '../../samplers/stochastic-heun.js';
import { ArgumentError } from '../../src/errors.js';
import { SeedStream } from '../../src/random.js';
import { brownianPath } from '../../src/solver/brownian-path.js';
import type { BrownianPathState } from '../../src/solver/brownian-path.js';
import { integrate } from '../../src/solver/integrate.js';
import type { Term } from '../../src/solver/types.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';
import { moments, ouExact } from './problems.js';

/** Increments of one path over consecutive intervals between `times` (one state threaded through). */
function increments(seed: number, times: number[], batch: number, dim = 1, span: [number, number] = [0, 1]): Float32Array[] {
  const path = brownianPath({ span });
  const out: tf.Tensor[] = [];
  let state: BrownianPathState;
  tf.tidy(() => {
    state = path.init({ batch, dim, t0: span[0], t1: span[1], seeds: new SeedStream(seed) });
    for (let i = 0; i + 1 < times.length; i++) {
      const inc = path.increment(state, times[i]!, times[i + 1]!);
      state = inc.state;
      out.push(tf.keep(inc.dW));
    }
  });
  const data = out.map((t) => t.dataSync() as Float32Array);
  tf.dispose(out);
  return data;
}

const add = (a: Float32Array, b: Float32Array) => a.map((v, i) => v + b[i]!);

describe('brownianPath', () => {
  it('fine increments sum to the coarse one (dyadic and arbitrary split points)', () => {
    const [coarse] = increments(5, [0, 1], 256, 2);
    for (const split of [0.5, 0.3, 0.123456789]) {
      const [a, b] = increments(5, [0, split, 1], 256, 2);
      expectAllClose(add(a!, b!), coarse!, { atol: 1e-6, rtol: 0, label: `split at ${split}` });
    }
    // Deep refinements: 64 increments of a sub-interval sum to the increment over it.
    const fine = increments(5, Array.from({ length: 65 }, (_, k) => 0.2 + (0.5 * k) / 64), 64);
    const [whole] = increments(5, [0, 0.2, 0.7], 64).slice(1);
    expectAllClose(fine.reduce(add), whole!, { atol: 1e-5, rtol: 0 });
  });

  it('queries out of order still lie on the same path', () => {
    const [x, y] = increments(9, [0, 0.75, 0.25], 64);
    const [z] = increments(9, [0, 0.25], 64);
    expectAllClose(add(x!, y!), z!, { atol: 1e-6, rtol: 0 });
  });

  it('increments have mean 0, variance |dt|, and disjoint ones are uncorrelated', () => {
    const batch = 20_000;
    const [, a, b] = increments(21, [0, 0.2, 0.45, 0.5], batch); // 0.2 → 0.45 below dyadic resolution
    for (const [inc, dt] of [
      [a!, 0.25],
      [b!, 0.05],
    ] as const) {
      const m = moments(inc);
      expect(Math.abs(m.mean)).toBeLessThanOrEqual(3 * m.seMean);
      expect(Math.abs(m.variance - dt)).toBeLessThanOrEqual(3 * m.seVariance);
    }
    let corr = 0;
    for (let i = 0; i < batch; i++) corr += a![i]! * b![i]!;
    corr /= batch * Math.sqrt(0.25 * 0.05);
    expect(Math.abs(corr)).toBeLessThan(4 / Math.sqrt(batch));
  });

  it('same seed, same path; different seed, different path', () => {
    expect(increments(3, [0, 0.37, 1], 16)).toEqual(increments(3, [0, 0.37, 1], 16));
    expect(increments(3, [0, 1], 16)[0]).not.toEqual(increments(4, [0, 1], 16)[0]);
  });

  it('drives integrate on one path at every step count, forward and backward', async () => {
    // dX = dW: X(1) − X(0) = W(1) − W(0) exactly, whatever the steps.
    const term: Term = { drift: (_t, y) => tf.zerosLike(y), diffusion: () => tf.scalar(1) };
    const x0 = tf.zeros([32, 2]) as tf.Tensor2D;
    const [w1] = increments(8, [0, 1], 32, 2);
    for (const steps of [1, 3, 16, 50]) {
      const sol = await integrate(term, 'euler-maruyama', x0, { steps, seed: 8, noise: brownianPath() });
      expectAllClose(sol.y, w1!, { atol: 2e-6, rtol: 0, label: `${steps} steps` });
      sol.dispose();
    }
    // Backward over the same span: X(0) − X(1) = W(0) − W(1).
    const back = await integrate(term, 'stochastic-heun', x0, { t0: 1, t1: 0, steps: 7, seed: 8, noise: brownianPath() });
    expectAllClose(back.y, w1!.map((v) => -v), { atol: 2e-6, rtol: 0 });
    back.dispose();
    x0.dispose();
  });

  it('serves adaptive stochastic Heun on Ornstein–Uhlenbeck (moments within 3 SE), without leaks', async () => {
    const batch = 4000;
    const sigma = (t: number) => 0.5 + t;
    const ou: Term = { drift: (_t, y) => tf.neg(y), diffusion: (t) => tf.scalar(sigma(t)) };
    const x0 = tf.ones([batch, 1]) as tf.Tensor2D;
    const sol = await integrate(ou, stochasticHeun, x0, { adaptive: { rtol: 1e-2, atol: 1e-3 }, seed: 99 });
    const m = moments(sol.y.dataSync());
    const exact = ouExact(1, sigma, 1, 0, 1);
    expect(sol.stats.acceptedSteps).toBeGreaterThan(5);
    expect(Math.abs(m.mean - exact.mean)).toBeLessThanOrEqual(3 * m.seMean);
    expect(Math.abs(m.variance - exact.variance)).toBeLessThanOrEqual(3 * m.seVariance);
    sol.dispose();
    const small = tf.slice(x0, [0, 0], [64, 1]) as tf.Tensor2D;
    await expectNoLeaks(async () => {
      const s = await integrate(ou, 'stochastic-heun', small, { adaptive: { rtol: 1e-3, dt0: 0.5 }, seed: 1, saveAt: [0.5] });
      expect(s.stats.rejectedSteps).toBeGreaterThan(0);
      s.dispose();
    });
    small.dispose();
    x0.dispose();
  });

  it('rejects queries outside its span and bad options', () => {
    const path = brownianPath({ span: [0, 1] });
    expect(() =>
      tf.tidy(() => {
        const state = path.init({ batch: 1, dim: 1, t0: 0, t1: 1, seeds: new SeedStream(1) });
        path.increment(state, 0.5, 1.5);
      }),
    ).toThrow(/brownianPath: argument 't' must be a time within the path's span \[0, 1\]/);
    expect(() => brownianPath({ tol: 0 })).toThrow(ArgumentError);
    expect(() => brownianPath({ span: [1, 0] })).toThrow(/'options.span'/);
  });
});
