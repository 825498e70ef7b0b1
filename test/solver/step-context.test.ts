/**
 * The step context: seeded per-step draws, scheme summaries returned in `stats.scheme`, energy
 * evaluations counted, and hashed noise seeds that let a step be recomputed from its saved state.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { SeedStream } from '../../src/random.js';
import { brownianMotion } from '../../src/solver/brownian.js';
import { integrate, integrateSync } from '../../src/solver/integrate.js';
import { hashSeed, stepRandom, streamSeedAt } from '../../src/solver/seed-hash.js';
import type { Scheme, StepContext, Term } from '../../src/solver/types.js';
import { expectNoLeaks } from '../helpers/index.js';

/**
 * Metropolis-adjusted Langevin (MALA) with step |t1 − t0| on the energy of the term: a scheme that needs
 * an energy and random draws, and reports its acceptances.
 *   proposal  y' = y − h ∇U(y) + √(2h) ξ
 *   accept with probability min(1, exp(U(y) − U(y') + (|y' − y + h∇U(y)|² − |y − y' + h∇U(y')|²)/(4h)))
 */
const mala: Scheme = {
  name: 'test-mala',
  kind: 'ode',
  requires: { diffusion: 'none', energy: true, randomness: true },
  order: 1,
  stagesPerStep: 0,
  adaptive: false,
  description: 'MALA (test)',
  step(term: Term, t0: number, t1: number, y: tf.Tensor, _dW: tf.Tensor | undefined, _state: unknown, ctx: StepContext) {
    const h = Math.abs(t1 - t0);
    const energy = term.energy!;
    const grad = (x: tf.Tensor) => tf.grad((z: tf.Tensor) => tf.sum(energy(t0, z)))(x);
    const rowSum = (x: tf.Tensor) => tf.sum(tf.square(x), 1);
    const g0 = grad(y);
    const proposal = tf.add(tf.sub(y, tf.mul(g0, h)), tf.mul(ctx.random.normal(y.shape), Math.sqrt(2 * h)));
    const g1 = grad(proposal);
    const forward = rowSum(tf.add(tf.sub(proposal, y), tf.mul(g0, h)));
    const backward = rowSum(tf.add(tf.sub(y, proposal), tf.mul(g1, h)));
    const logRatio = tf.add(tf.sub(energy(t0, y), energy(t0, proposal)), tf.div(tf.sub(forward, backward), 4 * h));
    const accept = tf.less(tf.log(ctx.random.uniform([ctx.batch])), logRatio);
    const y1 = tf.where(tf.reshape(accept, [ctx.batch, 1]), proposal, y);
    return { y1, summary: { accepted: tf.sum(tf.cast(accept, 'float32')), proposed: tf.scalar(ctx.batch), perRow: tf.cast(accept, 'float32') } };
  },
};

/** Standard normal target: U(y) = ½ |y|² per row. */
const gaussianEnergy: Term = { drift: (_t, y) => tf.zerosLike(y), energy: (_t, y) => tf.mul(tf.sum(tf.square(y), 1), 0.5) };

describe('the step context: seeded draws, summaries, energy evaluations', () => {
  const n = 20000;
  const steps = 20;

  it('a MALA scheme keeps N(0, I) invariant (moments within 4 SE) and reports its acceptances in stats.scheme', async () => {
    const y0 = tf.randomNormal([n, 2], 0, 1, 'float32', 3);
    const sol = await integrate(gaussianEnergy, mala, y0, { steps, t1: steps * 0.8, seed: 1 });
    const d = sol.y.dataSync();
    let mean = 0;
    let sq = 0;
    for (const v of d) {
      mean += v / d.length;
      sq += (v * v) / d.length;
    }
    // Exact invariance: mean 0 (SE 1/√(2n)), second moment 1 (SE √(2/(2n))).
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(2 * n));
    expect(Math.abs(sq - 1)).toBeLessThan(4 * Math.sqrt(2 / (2 * n)));
    // The chain moved: few rows still at their start.
    const moved = tf.tidy(() => tf.mean(tf.cast(tf.notEqual(tf.sum(tf.abs(tf.sub(sol.y, y0)), 1), 0), 'float32')).dataSync()[0]!);
    expect(moved).toBeGreaterThan(0.99);
    const stats = sol.stats.scheme!;
    expect(stats.proposed).toBe(n * steps);
    const rate = (stats.accepted as number) / (stats.proposed as number);
    expect(rate).toBeGreaterThan(0.5);
    expect(rate).toBeLessThan(1);
    expect(stats.perRow).toHaveLength(n);
    expect((stats.perRow as number[]).reduce((a, b) => a + b, 0)).toBe(stats.accepted);
    // Per step: U(y), U(y') and the two gradients (each evaluates U once).
    expect(sol.stats.nfeEnergy).toBe(4 * steps);
    expect(sol.stats.nfe).toBe(0);
    sol.dispose();
    y0.dispose();
  });

  it('same seed → same chain; another seed → another; integrateSync agrees; no leaks', async () => {
    const y0 = tf.randomNormal([64, 2], 0, 1, 'float32', 4);
    const run = async (seed: number) => {
      const sol = await integrate(gaussianEnergy, mala, y0, { steps: 5, seed });
      const out = { y: Array.from(sol.y.dataSync()), stats: sol.stats.scheme };
      sol.dispose();
      return out;
    };
    const a = await run(7);
    expect(await run(7)).toEqual(a);
    expect((await run(8)).y).not.toEqual(a.y);
    const sync = integrateSync(gaussianEnergy, mala, y0, { steps: 5, seed: 7 });
    expect(Array.from(sync.y.dataSync())).toEqual(a.y);
    sync.dispose();
    await expectNoLeaks(() => integrate(gaussianEnergy, mala, y0, { steps: 3, seed: 1 }));
    y0.dispose();
  });

  it('is refused without an energy, without a seed, and when a scheme draws without declaring it', async () => {
    const y0 = tf.zeros([2, 2]);
    await expect(integrate({ drift: (_t, y) => y }, mala, y0, { steps: 1, seed: 1 })).rejects.toThrow(
      /scheme 'test-mala' needs an energy U\(t, y\) → \[batch\] \(term.energy\), got a term without one/,
    );
    await expect(integrate(gaussianEnergy, mala, y0, { steps: 1 })).rejects.toThrow(/'options.seed' must be an integer or a SeedStream \(scheme 'test-mala' draws random numbers/);
    const undeclared: Scheme = { ...mala, name: 'undeclared', requires: { energy: true } };
    const error = await integrate(gaussianEnergy, undeclared, y0, { steps: 1, seed: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as Error).message).toMatch(/declares requires.randomness before drawing from ctx.random/);
    const badEnergy: Term = { ...gaussianEnergy, energy: (_t, y) => y };
    await expect(integrate(badEnergy, mala, y0, { steps: 1, seed: 1 })).rejects.toThrow(/'term.energy' must be a function returning a float32 tensor of shape \[2\] \(one energy per row of y\)/);
    y0.dispose();
  });

  it('a scheme written for the six-argument signature still runs (no context used)', async () => {
    const old: Scheme = {
      name: 'old-euler',
      kind: 'ode',
      order: 1,
      stagesPerStep: 1,
      adaptive: false,
      description: 'explicit Euler, old signature',
      step: (term, t0, t1, y) => ({ y1: tf.add(y, tf.mul(term.drift(t0, y), t1 - t0)) }),
    };
    const y0 = tf.ones([1, 1]);
    const sol = await integrate({ drift: (_t, y) => tf.neg(y) }, old, y0, { steps: 4 });
    expect(sol.y.dataSync()[0]).toBeCloseTo(0.75 ** 4, 6);
    expect(sol.stats.scheme).toBeUndefined();
    sol.dispose();
    y0.dispose();
  });
});

describe('hashed seeds: the noise of step k is a function of (seed, k)', () => {
  it('streamSeedAt(base, k) is the k-th output of new SeedStream(base), for any base and k', () => {
    for (const base of [0, 1, 42, 2 ** 31 + 5, 4294967295]) {
      const s = new SeedStream(base);
      for (let k = 0; k < 300; k++) expect(streamSeedAt(base, k)).toBe(s.next());
    }
  });

  it('brownianMotion states are immutable: replaying from a saved state recomputes the same increments', () => {
    const noise = brownianMotion();
    const shape = [3, 2];
    const draws = tf.tidy(() => {
      let state = noise.init({ batch: 3, dim: 2, shape, t0: 0, t1: 1, seeds: new SeedStream(5) });
      const saved: (typeof state)[] = [];
      const values: number[][] = [];
      for (let k = 0; k < 6; k++) {
        saved.push(state);
        const inc = noise.increment(state, k / 6, (k + 1) / 6);
        values.push(Array.from(inc.dW.dataSync()));
        state = inc.state;
      }
      // Recompute step 3 alone, twice, from the state saved before it.
      const again = [0, 1].map(() => Array.from(noise.increment(saved[3]!, 0.5, 4 / 6).dW.dataSync()));
      return { values, again };
    });
    expect(draws.again[0]).toEqual(draws.values[3]);
    expect(draws.again[1]).toEqual(draws.values[3]);
    expect(draws.values[2]).not.toEqual(draws.values[3]);
  });

  it('stepRandom: draw i of step k depends on (seed, k, i) only', () => {
    const fail = () => new Error('no seed');
    const take = (seed: number, step: number) =>
      tf.tidy(() => {
        const r = stepRandom(seed, step, fail);
        return [Array.from(r.uniform([4]).dataSync()), Array.from(r.normal([4]).dataSync())];
      });
    expect(take(3, 10)).toEqual(take(3, 10));
    expect(take(3, 10)[0]).not.toEqual(take(3, 11)[0]);
    expect(take(3, 10)[0]).not.toEqual(take(3, 10)[1]);
    expect(() => stepRandom(undefined, 0, fail).uniform([1])).toThrow('no seed');
    expect(hashSeed(1, 2, 3)).toBe(hashSeed(1, 2, 3));
    expect(hashSeed(1, 2, 3)).not.toBe(hashSeed(1, 3, 2));
  });
});
