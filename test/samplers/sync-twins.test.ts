/**
 * The synchronous twins of the generative samplers, for use inside a loss: same numbers as the async
 * samplers, differentiable, any state rank.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { makeOracle } from '../../src/fields/index.js';
import { makeInterpolant } from '../../src/interpolants/index.js';
import { SeedStream } from '../../src/random.js';
import { sampleSde, sampleSdeSync } from '../../samplers/generative-sde.js';
import { sampleOde, sampleOdeSync } from '../../samplers/probability-flow.js';
import { expectNoLeaks } from '../helpers/index.js';

const oracle = makeOracle('gaussian', makeInterpolant('trig', { gamma: 'sqrt' }));

describe('sampleOdeSync and sampleSdeSync', () => {
  const x0 = oracle.sampleBase(32, new SeedStream(2));

  it('give exactly the numbers of sampleOde and sampleSde', async () => {
    const a = await sampleOde(x0, { velocity: oracle.velocity, scheme: 'rk4', steps: 10 });
    const b = sampleOdeSync(x0, { velocity: oracle.velocity, scheme: 'rk4', steps: 10 });
    expect(Array.from(b.y.dataSync())).toEqual(Array.from(a.y.dataSync()));
    const options = { velocity: oracle.velocity, score: oracle.score, epsilon: 0.5, steps: 20, seed: 4, tMin: 1e-3 };
    const c = await sampleSde(x0, options);
    const d = sampleSdeSync(x0, options);
    expect(Array.from(d.y.dataSync())).toEqual(Array.from(c.y.dataSync()));
    for (const s of [a, b, c, d]) s.dispose();
  });

  it('differentiate through the sampler: ∂ Σ x1 / ∂ x0 = 1/2 for the exact map x1 = 2 + x0/2 (RK4, 32 steps)', async () => {
    const g = tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(sampleOdeSync(x, { velocity: oracle.velocity, scheme: 'rk4', steps: 32 }).y))(x0));
    for (const v of g.dataSync()) expect(v).toBeCloseTo(0.5, 4);
    g.dispose();
    await expectNoLeaks(() =>
      tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(sampleSdeSync(x, { velocity: oracle.velocity, score: oracle.score, epsilon: 0.5, steps: 5, seed: 1, tMin: 1e-3 }).y))(x0)),
    );
  });
});
