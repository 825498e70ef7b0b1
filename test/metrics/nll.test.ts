import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { makeOracle } from '../../src/fields/index.js';
import { makeInterpolant } from '../../src/interpolants/index.js';
import { negativeLogLikelihood } from '../../samplers/likelihood.js';
import { meanNegativeLogDensity, negativeLogLikelihood as deprecatedNegativeLogLikelihood } from '../../src/metrics/nll.js';
import { SeedStream } from '../../src/random.js';
import { expectNoLeaks } from '../helpers/index.js';

describe('negativeLogLikelihood', () => {
  const oracle = makeOracle('gmm2d', makeInterpolant('linear', { gamma: 'sqrt' }));
  const x = oracle.sampleTarget(300, new SeedStream(3));

  it('equals the exact mean negative log density for the exact velocity', async () => {
    const nll = await negativeLogLikelihood(x, { velocity: oracle.velocity, baseLogDensity: (z) => oracle.logDensityBase(z), scheme: 'dopri5', adaptive: { rtol: 1e-5, atol: 1e-5 } });
    const exact = -tf.mean(oracle.logDensityTarget(x)).dataSync()[0]!;
    expect(Math.abs(nll - exact)).toBeLessThan(2e-3);
  });

  it('is larger for a wrong model (the zero velocity maps the mixture onto the base unchanged)', async () => {
    const zero = (xx: tf.Tensor2D) => tf.zerosLike(xx);
    const wrong = await negativeLogLikelihood(x, { velocity: zero, baseLogDensity: (z) => oracle.logDensityBase(z), steps: 4 });
    const exact = -tf.mean(oracle.logDensityTarget(x)).dataSync()[0]!;
    expect(wrong).toBeGreaterThan(exact + 0.5);
  });

  it('does not leak and rejects bad input', async () => {
    const small = tf.slice(x, [0, 0], [8, 2]) as tf.Tensor2D;
    await expectNoLeaks(() => negativeLogLikelihood(small, { velocity: oracle.velocity, baseLogDensity: (z) => oracle.logDensityBase(z), steps: 3 }));
    await expect(negativeLogLikelihood(small, { velocity: oracle.velocity, baseLogDensity: undefined as never, steps: 3 })).rejects.toThrow(/'options.baseLogDensity'/);
  });
});

describe('the NLL reduction and the deprecated library alias', () => {
  it('meanNegativeLogDensity is minus the mean of the log densities', async () => {
    const l = tf.tensor1d([-1, -2, -4.5]);
    expect(await meanNegativeLogDensity(l)).toBeCloseTo(7.5 / 3, 6);
    l.dispose();
    await expect(meanNegativeLogDensity(tf.tensor2d([[1]]) as never)).rejects.toThrow(/meanNegativeLogDensity: argument 'logDensity'/);
  });

  it('src/metrics negativeLogLikelihood (deprecated) gives the same number as the one in samplers/', async () => {
    const oracle = makeOracle('gmm2d', makeInterpolant('linear', { gamma: 'sqrt' }));
    const x = oracle.sampleTarget(16, new SeedStream(5));
    const options = { velocity: oracle.velocity, baseLogDensity: (z: tf.Tensor2D) => oracle.logDensityBase(z), steps: 4 };
    expect(await deprecatedNegativeLogLikelihood(x, options)).toBe(await negativeLogLikelihood(x, options));
    x.dispose();
  });
});
