import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { diagonalGaussian } from '../../src/distributions/diagonal-gaussian.js';
import { flowDistribution } from '../../src/distributions/flow-distribution.js';
import type { FlowVelocity } from '../../src/distributions/flow-distribution.js';
import { standardNormal } from '../../src/distributions/standard-normal.js';
import { noiseBank } from '../../src/ebm/noise-source.js';
import { SeedStream } from '../../src/random.js';
import { expectNoLeaks } from '../helpers/index.js';

// b(t, x) = a ⊙ x + c: X(1) = e^a ⊙ z + c (e^a − 1)/a, so the flow of N(0, I) is N(m, diag e^{2a}).
const a = [0.4, -0.3];
const c = [1, -0.5];
const linear: FlowVelocity = (x) => tf.tidy(() => tf.add(tf.mul(x, tf.tensor2d([a])), tf.tensor2d([c])) as tf.Tensor2D);
const exact = diagonalGaussian({ mean: a.map((ai, i) => (c[i]! * (Math.exp(ai) - 1)) / ai), std: a.map((ai) => Math.exp(ai)) });

// A nonlinear, time-dependent field: the forward-carried log density and the backward likelihood must agree.
const swirl: FlowVelocity = (x, t) =>
  tf.tidy(() => {
    const [x1, x2] = tf.split(x, 2, 1);
    const tt = tf.reshape(t, [-1, 1]);
    return tf.concat([tf.add(tf.sin(x2!), tf.mul(0.3, x1!)), tf.mul(tf.mul(0.5, tt), tf.tanh(x1!))], 1) as tf.Tensor2D;
  });

describe('flowDistribution', () => {
  it('a linear flow gives the exact Gaussian: logProb and the log density carried by sampling', () => {
    const q = flowDistribution({ velocity: linear, base: standardNormal([2]), steps: 16 });
    const pts = tf.tensor2d([
      [0, 0],
      [1.5, -1],
      [-1, 2],
    ]);
    const lp = q.logProb(pts).dataSync();
    const ref = exact.logProb(pts).dataSync();
    lp.forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 4));
    const { x, logq } = q.sampleWithLogProb(2000, new SeedStream(1));
    const refq = exact.logProb(x).dataSync();
    logq.dataSync().forEach((v, i) => expect(v).toBeCloseTo(refq[i]!, 4));
    tf.dispose([pts, x, logq]);
  });

  it('a nonlinear flow: the forward-carried log q equals the backward ODE likelihood at the samples', () => {
    const q = flowDistribution({ velocity: swirl, base: standardNormal([2]), steps: 32, chunk: 300 });
    const { x, logq } = q.sampleWithLogProb(1000, new SeedStream(2));
    const back = q.logProb(x).dataSync();
    const fwd = logq.dataSync();
    let worst = 0;
    fwd.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - back[i]!))));
    expect(worst).toBeLessThan(2e-3);
    tf.dispose([x, logq]);
  });

  it('serves as a cached noise bank: one solve, rows of the bank with their log q; no leaks', async () => {
    let calls = 0;
    const q = flowDistribution({ velocity: linear, base: standardNormal([2]), steps: 8 });
    const counted = { ...q, sampleWithLogProb: (n: number, s: SeedStream) => (calls++, q.sampleWithLogProb(n, s)) };
    const bank = noiseBank(counted, { size: 500, seed: 4 });
    const d1 = await bank.draw(64, new SeedStream(1));
    const d2 = await bank.draw(64, new SeedStream(2));
    expect(calls).toBe(1);
    const ref = exact.logProb(d1.x).dataSync();
    d1.logq.dataSync().forEach((v, i) => expect(v).toBeCloseTo(ref[i]!, 4));
    tf.dispose([d1.x, d1.logq, d2.x, d2.logq]);
    await expectNoLeaks(() => bank.draw(32, new SeedStream(3)));
    const z = tf.zeros([4, 2]);
    await expectNoLeaks(() => q.logProb(z));
    await expectNoLeaks(() => q.sampleWithLogProb(8, new SeedStream(5)));
    z.dispose();
    bank.dispose();
  });

  it('rejects bad input', () => {
    expect(() => flowDistribution({ velocity: 1 as never, base: standardNormal([2]) })).toThrow(/flowDistribution: argument 'options.velocity' must be a function/);
    expect(() => flowDistribution({ velocity: linear, base: { eventShape: [2], sample: () => tf.zeros([1, 2]) } })).toThrow(/options.base' must be a law on vectors \[d\] with an exact logProb/);
    expect(() => noiseBank(standardNormal([2]), { size: 0 })).toThrow(/noiseBank: argument 'options.size'/);
  });
});
