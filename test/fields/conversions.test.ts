import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { scoreFromDenoiser, scoreFromVelocity, sdeDrifts, velocityFromDenoiser, velocityFromVAndScore } from '../../src/fields/conversions.js';
import { makeOracle } from '../../src/fields/index.js';
import { makeInterpolant } from '../../src/interpolants/index.js';
import { SeedStream } from '../../src/random.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';

const x = tf.randomNormal([64, 2], 0, 1.5, 'float32', 4) as tf.Tensor2D;
const t = tf.randomUniform([64], 0.05, 0.95, 'float32', 5) as tf.Tensor1D;

describe('field conversions reproduce the oracle fields', () => {
  it('two-sided: s from η_z, b from (v, s)', () => {
    for (const name of ['linear', 'trig'] as const) {
      const I = makeInterpolant(name, { gamma: 'sqrt' });
      const o = makeOracle('gmm2d', I);
      expectAllClose(scoreFromDenoiser(o.denoiser, I)(x, t), o.score(x, t), { rtol: 2e-3, atol: 2e-3, label: `${name} s` });
      expectAllClose(velocityFromVAndScore(o.v, o.score, I)(x, t), o.velocity(x, t), { rtol: 1e-3, atol: 1e-3, label: `${name} b` });
    }
  });

  it('one-sided: s and b from η_z, s from b; mirror: b from η_z', () => {
    const I = makeInterpolant('one-sided-linear');
    const o = makeOracle('gmm2d', I);
    expectAllClose(scoreFromDenoiser(o.denoiser, I)(x, t), o.score(x, t), { rtol: 2e-3, atol: 2e-3 });
    expectAllClose(velocityFromDenoiser(o.denoiser, I)(x, t), o.velocity(x, t), { rtol: 2e-3, atol: 2e-3 });
    expectAllClose(scoreFromVelocity(o.velocity, I)(x, t), o.score(x, t), { rtol: 5e-3, atol: 5e-3 });
    const M = makeInterpolant('mirror', { gamma: 'quadratic' });
    const m = makeOracle('gmm2d', M);
    expectAllClose(velocityFromDenoiser(m.denoiser, M)(x, t), m.velocity(x, t), { rtol: 2e-3, atol: 2e-3 });
  });

  it('stays finite at the ends (t = 0 and 1 are clipped where a denominator vanishes)', () => {
    const I = makeInterpolant('one-sided-linear');
    const o = makeOracle('gaussian', I);
    const xs = o.sampleBase(8, new SeedStream(1));
    for (const tv of [0, 1]) {
      const tt = tf.fill([8], tv) as tf.Tensor1D;
      for (const f of [scoreFromDenoiser(o.denoiser, I), velocityFromDenoiser(o.denoiser, I), scoreFromVelocity(o.velocity, I)]) {
        expect(Array.from(f(xs, tt).dataSync()).every(Number.isFinite)).toBe(true);
      }
    }
  });

  it('forms the SDE drifts b ± ε s', () => {
    const I = makeInterpolant('linear', { gamma: 'sqrt' });
    const o = makeOracle('gmm2d', I);
    const { forward, backward } = sdeDrifts(o.velocity, o.score, 0.5);
    expectAllClose(tf.add(forward(x, t), backward(x, t)), tf.mul(o.velocity(x, t), 2), { rtol: 1e-5, atol: 1e-5 });
    expectAllClose(tf.sub(forward(x, t), backward(x, t)), o.score(x, t), { rtol: 1e-5, atol: 1e-5 });
  });

  it('rejects conversions the interpolant does not allow, and does not leak', async () => {
    const det = makeInterpolant('linear', { gamma: 'zero' });
    const two = makeInterpolant('linear', { gamma: 'sqrt' });
    const o = makeOracle('gaussian', two);
    expect(() => scoreFromDenoiser(o.denoiser, det)).toThrow(/scoreFromDenoiser: argument 'interpolant'/);
    expect(() => velocityFromDenoiser(o.denoiser, two)).toThrow(/a one-sided or mirror interpolant/);
    expect(() => scoreFromVelocity(o.velocity, two)).toThrow(/a one-sided interpolant/);
    expect(() => sdeDrifts(o.velocity, o.score, -1)).toThrow(/'epsilon'/);
    expect(() => velocityFromVAndScore(o.v, 'score' as never, two)).toThrow(/velocityFromVAndScore: argument 'score' must be a field/);
    expect(() => scoreFromDenoiser(undefined as never, two)).toThrow(/scoreFromDenoiser: argument 'denoiser' must be a field/);
    const x1 = tf.ones([4, 1]) as tf.Tensor2D;
    const t1 = tf.fill([4], 0.5) as tf.Tensor1D;
    await expectNoLeaks(() => scoreFromDenoiser(o.denoiser, two)(x1, t1));
  });
});
