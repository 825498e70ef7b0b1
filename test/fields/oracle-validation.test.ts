/**
 * Bad input to the oracles → ArgumentError naming the function and the argument.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import {
  GaussianMixtureOracle,
  ORACLE_PROBLEM_NAMES,
  gaussianMixtureOracle,
  gaussianOracle,
  makeOracle,
  oracleProblem,
  type GaussianMixtureOracleOptions,
} from '../../src/fields/index.js';
import { customInterpolant, makeInterpolant } from '../../src/interpolants/index.js';
import { SeedStream } from '../../src/random.js';

const I = makeInterpolant('linear');

function expectArgError(fn: () => unknown, pattern: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected an ArgumentError matching ${pattern}`).toBeInstanceOf(ArgumentError);
  expect((caught as Error).message).toMatch(pattern);
}

describe('oracle construction errors', () => {
  const cases: [string, Partial<GaussianMixtureOracleOptions>, RegExp][] = [
    ['mis-shaped target mean', { target: { mean: [1, 'a' as unknown as number] } }, /GaussianMixtureOracle: argument 'target\.mean' must be an array of d ≥ 1 finite numbers/],
    ['empty mean', { target: { mean: [] } }, /argument 'target\.mean'/],
    ['base of the wrong dimension', { base: { mean: [0, 0, 0] }, target: { mean: [1, 2] } }, /argument 'base\.mean' must be an array of 2 finite numbers, got \[0,0,0\]/],
    ['covariance of the wrong size', { target: { mean: [1, 2], covariance: [[1, 0, 0], [0, 1, 0], [0, 0, 1]] } }, /argument 'target\.covariance' must be a variance > 0, 2 variances > 0 \(diagonal\), or a 2×2/],
    ['non-symmetric covariance', { target: { mean: [1, 2], covariance: [[1, 0.5], [0.2, 1]] } }, /argument 'target\.covariance' must be a symmetric 2×2 matrix/],
    ['non-positive-definite covariance', { target: { mean: [1, 2], covariance: [[1, 2], [2, 1]] } }, /argument 'target\.covariance' must be a positive-definite 2×2 matrix/],
    ['negative isotropic variance', { target: { mean: [1], covariance: -1 } }, /argument 'target\.covariance' must be a variance > 0/],
    ['zero diagonal variance', { target: { mean: [1, 2], covariance: [1, 0] } }, /argument 'target\.covariance' must be 2 finite variances > 0/],
    ['weights not summing to 1', { target: { weights: [0.5, 0.6], means: [[0], [1]] } }, /argument 'target\.weights' must be weights summing to 1.*sum 1\.1/],
    ['negative weight', { target: { weights: [1.5, -0.5], means: [[0], [1]] } }, /argument 'target\.weights' must be a non-empty array of weights > 0/],
    ['means count ≠ weights count', { target: { weights: [0.5, 0.5], means: [[0]] } }, /argument 'target\.means' must be an array of 2 means/],
    ['component mean of the wrong dimension', { target: { weights: [0.5, 0.5], means: [[0, 0], [1]] } }, /argument 'target\.means\[1\]' must be an array of 2 finite numbers/],
    ['covariances count ≠ K', { target: { weights: [0.5, 0.5], means: [[0], [1]], covariances: [1] } }, /argument 'target\.covariances' must be an array of 2 covariances/],
    ['non-PD component covariance', { target: { weights: [0.5, 0.5], means: [[0, 0], [1, 1]], covariances: [1, [[1, 3], [3, 1]]] } }, /argument 'target\.covariances\[1\]' must be a positive-definite 2×2 matrix/],
    ['both covariance and covariances', { target: { weights: [1], means: [[0]], covariances: [1], covariance: 1 } }, /argument 'target\.covariances'/],
    ['not an interpolant', { interpolant: {} as never, target: { mean: [0] } }, /argument 'options\.interpolant' must be an Interpolant/],
  ];
  for (const [label, patch, pattern] of cases) {
    it(label, () => expectArgError(() => new GaussianMixtureOracle({ interpolant: I, target: { mean: [0] }, ...patch }), pattern));
  }

  it('one-sided needs ρ0 = N(0, I); mirror takes no base', () => {
    expectArgError(
      () => new GaussianMixtureOracle({ interpolant: makeInterpolant('one-sided-vp'), base: { mean: [1] }, target: { mean: [2] } }),
      /argument 'base' must be omitted or N\(0, I_1\)/,
    );
    expect(new GaussianMixtureOracle({ interpolant: makeInterpolant('one-sided-vp'), base: { mean: [0], covariance: 1 }, target: { mean: [2] } }).dim).toBe(1);
    expectArgError(
      () => new GaussianMixtureOracle({ interpolant: makeInterpolant('mirror'), base: { mean: [0] }, target: { mean: [2] } }),
      /argument 'base' must be omitted \(the mirror interpolant has ρ0 = ρ1\)/,
    );
  });

  it('gaussianOracle / gaussianMixtureOracle check the target kind', () => {
    expectArgError(() => gaussianOracle({ interpolant: I, target: { weights: [1], means: [[0]] } as never }), /gaussianOracle: argument 'target'/);
    expectArgError(() => gaussianMixtureOracle({ interpolant: I, target: { mean: [0] } as never }), /gaussianMixtureOracle: argument 'target'/);
  });

  it('unknown problem names list the valid ones', () => {
    expectArgError(() => oracleProblem('moons'), /oracleProblem: argument 'name' must be one of 'gaussian', 'gmm2d', got "moons"/);
    expectArgError(() => makeOracle('moons', I), /'gaussian', 'gmm2d'/);
    expect(ORACLE_PROBLEM_NAMES).toEqual(['gaussian', 'gmm2d']);
  });

  it('a custom family with α = β = γ = 0 at some t makes C(t) singular: the call names t', () => {
    const bump = (t: number) => (t - 0.5) ** 2 * 4; // 1 at 0, 0 at ½, 1 at 1
    const J = customInterpolant({
      alpha: (t) => (t < 0.5 ? bump(t) : 0),
      dAlpha: (t) => (t < 0.5 ? 8 * (t - 0.5) : 0),
      beta: (t) => (t < 0.5 ? 0 : bump(t)),
      dBeta: (t) => (t < 0.5 ? 0 : 8 * (t - 0.5)),
      gamma: 'zero',
    });
    const oracle = new GaussianMixtureOracle({ interpolant: J, target: { mean: [1] } });
    expectArgError(() => oracle.evaluateAt(0.5, [0]), /evaluateAt: argument 't' must be a time where C\(t\).*positive definite, got t = 0.5/);
  });
});

describe('oracle call errors', () => {
  const oracle = makeOracle('gmm2d', I);
  const x = tf.zeros([4, 2]) as tf.Tensor2D;
  const t = tf.fill([4], 0.5) as tf.Tensor1D;

  it('x with the wrong d', () => {
    const bad = tf.zeros([4, 3]) as tf.Tensor2D;
    expectArgError(() => oracle.velocity(bad, t), /GaussianMixtureOracle\.fields\['b'\]: argument 'x' must be a float32 tensor of shape \[batch, 2\] \(or \[batch, \.\.\.event\] with 2 entries per event\), got a float32 tensor of shape \[4, 3\]/);
    expectArgError(() => oracle.score(bad, t), /GaussianMixtureOracle\.fields\['s'\]: argument 'x'/);
    expectArgError(() => oracle.denoiser(bad, t), /GaussianMixtureOracle\.fields\['eta-z'\]: argument 'x'/);
    expectArgError(() => oracle.logDensityTarget(bad), /logDensityTarget: argument 'x'/);
    expectArgError(() => oracle.logDensityAt(0.5, bad), /logDensityAt: argument 'x'/);
    expectArgError(() => oracle.evaluateAt(0.5, [1, 2, 3]), /evaluateAt: argument 'x' must be 2 finite numbers/);
    bad.dispose();
  });

  it('t of the wrong length or outside [0, 1]', () => {
    const t3 = tf.fill([3], 0.5) as tf.Tensor1D;
    expectArgError(() => oracle.velocity(x, t3), /fields\['b'\]: argument 't' must be a float32 tensor of shape \[4\] or \[1\]/);
    const tBad = tf.tensor1d([0.5, 0.5, 1.5, 0.5]);
    expectArgError(() => oracle.v(x, tBad), /GaussianMixtureOracle\.fields\['v'\]: argument 't' must be times in \[0, 1\], got t\[2\] = 1\.5/);
    expectArgError(() => oracle.marginal(-0.1), /marginal: argument 't'/);
    tf.dispose([t3, tBad]);
  });

  it('sampler arguments', () => {
    expectArgError(() => oracle.sampleTarget(0, new SeedStream(1)), /sampleTarget: argument 'n' must be a finite integer >= 1/);
    expectArgError(() => oracle.sampleBase(2.5, new SeedStream(1)), /sampleBase: argument 'n'/);
    expectArgError(() => oracle.sampleTarget(10, 42 as never), /sampleTarget: argument 'seeds' must be a SeedStream/);
  });

  it('error paths leave no tensors behind', () => {
    const before = tf.memory().numTensors;
    const tBad = tf.tensor1d([0.5, 0.5, 1.5, 0.5]);
    try {
      oracle.velocity(x, tBad);
    } catch {
      // expected
    }
    tBad.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
