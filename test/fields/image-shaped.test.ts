/**
 * Acceptance: image-shaped states. The Gaussian oracle's transport of N(0, I) to a Gaussian, posed on
 * `[batch, 2, 2, 1]` states, gives exactly (bit for bit) the numbers of the same problem on `[batch, 4]`:
 * every field, the log densities, the field conversions and the probability-flow likelihood (exact
 * divergence and Hutchinson), which integrates the ODE with the divergence carried in a state layout.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { logLikelihood } from '../../samplers/likelihood.js';
import {
  FIELD_NAMES,
  gaussianOracle,
  scoreFromDenoiser,
  scoreFromVelocity,
  sdeDrifts,
  velocityFromDenoiser,
  velocityFromVAndScore,
  type EventField,
} from '../../src/fields/index.js';
import { makeInterpolant } from '../../src/interpolants/index.js';
import type { Interpolant } from '../../src/interpolants/types.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';

const EVENT = [2, 2, 1];
const TARGET = {
  mean: [1, -1, 0.5, 2],
  covariance: [
    [1, 0.3, 0, 0.1],
    [0.3, 0.5, 0, 0],
    [0, 0, 0.8, 0.2],
    [0.1, 0, 0.2, 0.4],
  ],
};
const CASES: [string, Interpolant][] = [
  ['linear/sqrt', makeInterpolant('linear', { gamma: 'sqrt' })],
  ['trig/quadratic', makeInterpolant('trig', { gamma: 'quadratic' })],
  ['one-sided-linear', makeInterpolant('one-sided-linear')],
];

/** Points `[n, 4]` and the same points as images `[n, 2, 2, 1]`, with per-sample times. */
function points(n: number): { flat: tf.Tensor2D; image: tf.Tensor4D; t: tf.Tensor1D } {
  const flat = tf.randomNormal([n, 4], 0, 1.5, 'float32', 17) as tf.Tensor2D;
  const image = tf.reshape(flat, [n, 2, 2, 1]) as tf.Tensor4D;
  const t = tf.tensor1d(Array.from({ length: n }, (_, i) => (i + 0.5) / n));
  return { flat, image, t };
}

/** Asserts `image` has the image shape and the same float32 values as `flat`. */
function expectSameNumbers(image: tf.Tensor, flat: tf.Tensor, label: string): void {
  expect(image.shape, label).toEqual([flat.shape[0], ...EVENT]);
  expectAllClose(image.dataSync(), flat.dataSync(), { rtol: 0, atol: 0, label });
}

describe('image-shaped states give the numbers of the flattened problem exactly', () => {
  for (const [label, interpolant] of CASES) {
    it(`${label}: oracle fields, log densities and conversions`, () => {
      const oracle = gaussianOracle({ interpolant, target: TARGET });
      const { flat, image, t } = points(12);
      tf.tidy(() => {
        for (const name of FIELD_NAMES) expectSameNumbers(oracle.fields[name](image, t), oracle.fields[name](flat, t), `${label} ${name}`);
        expectAllClose(oracle.logDensityAt(t, image), oracle.logDensityAt(t, flat), { rtol: 0, atol: 0 });
        expectAllClose(oracle.logDensityAt(0.3, image), oracle.logDensityAt(0.3, flat), { rtol: 0, atol: 0 });
        expectAllClose(oracle.logDensityBase(image), oracle.logDensityBase(flat), { rtol: 0, atol: 0 });
        expectAllClose(oracle.logDensityTarget(image), oracle.logDensityTarget(flat), { rtol: 0, atol: 0 });
        const conversions: [string, EventField][] = interpolant.oneSided
          ? [
              ['velocityFromDenoiser', velocityFromDenoiser(oracle.fields['eta-z'], interpolant)],
              ['scoreFromVelocity', scoreFromVelocity(oracle.fields.b, interpolant)],
              ['scoreFromDenoiser', scoreFromDenoiser(oracle.fields['eta-z'], interpolant)],
            ]
          : [
              ['scoreFromDenoiser', scoreFromDenoiser(oracle.fields['eta-z'], interpolant)],
              ['velocityFromVAndScore', velocityFromVAndScore(oracle.fields.v, oracle.fields.s, interpolant)],
              ['sdeDrifts.forward', sdeDrifts(oracle.fields.b, oracle.fields.s, 0.7).forward],
              ['sdeDrifts.backward', sdeDrifts(oracle.fields.b, oracle.fields.s, 0.7).backward],
            ];
        for (const [name, f] of conversions) expectSameNumbers(f(image, t), f(flat, t), `${label} ${name}`);
        // and the conversions reproduce the oracle's own fields (the independent truth), on images
        const sImg = scoreFromDenoiser(oracle.fields['eta-z'], interpolant)(image, t);
        expectAllClose(sImg, oracle.fields.s(image, t), { rtol: 2e-3, atol: 2e-3, label: `${label} s from η_z` });
      });
      tf.dispose([flat, image, t]);
    });
  }

  for (const divergence of ['exact', 'hutchinson'] as const) {
    it(`likelihood (${divergence} divergence): log ρ̂1, X_0 and the divergence integral`, async () => {
      const oracle = gaussianOracle({ interpolant: makeInterpolant('linear', { gamma: 'sqrt' }), target: TARGET });
      const { flat, image, t } = points(16);
      const options = { velocity: oracle.fields.b, baseLogDensity: (z: tf.Tensor2D) => oracle.logDensityBase(z), steps: 12, divergence, probes: 2, seed: 3, tMin: 1e-3 };
      const a = await logLikelihood(image, options);
      const b = await logLikelihood(flat, options);
      expectSameNumbers(a.x0, b.x0, 'x0');
      expectAllClose(a.logDensity, b.logDensity, { rtol: 0, atol: 0, label: 'logDensity' });
      expectAllClose(a.divergenceIntegral, b.divergenceIntegral, { rtol: 0, atol: 0, label: 'divergence integral' });
      if (divergence === 'exact') {
        // independent truth: the exact log density of the flow's marginal at 1 − tMin
        const truth = oracle.logDensityAt(1 - 1e-3, flat);
        expectAllClose(a.logDensity, truth, { rtol: 2e-3, atol: 2e-3, label: 'log ρ(1 − tMin)' });
        truth.dispose();
      }
      a.dispose();
      b.dispose();
      tf.dispose([flat, image, t]);
    });
  }

  it('leaks nothing on images', async () => {
    const oracle = gaussianOracle({ interpolant: makeInterpolant('linear', { gamma: 'sqrt' }), target: TARGET });
    const { flat, image, t } = points(8);
    await expectNoLeaks(() => tf.tidy(() => [oracle.fields.b(image, t), scoreFromDenoiser(oracle.fields['eta-z'], oracle.interpolant)(image, t)]));
    await expectNoLeaks(async () => {
      const r = await logLikelihood(image, { velocity: oracle.fields.b, baseLogDensity: (z: tf.Tensor2D) => oracle.logDensityBase(z), steps: 2 });
      r.dispose();
    });
    tf.dispose([flat, image, t]);
  });
});
