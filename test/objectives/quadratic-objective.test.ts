import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { makeOracle } from '../../src/fields/index.js';
import { makeInterpolant } from '../../src/interpolants/index.js';
import { quadraticObjective } from '../../src/objectives/quadratic-objective.js';
import type { FieldName, TrainableField, TrainingBatch } from '../../src/objectives/types.js';
import { modelAdapter } from '../../models/model-field.js';
import { timeConditionedMlp } from '../../models/mlp.js';
import type { Dataset } from '../../src/data/types.js';
import { drawTrainingBatch } from '../../src/objectives/training-batch.js';
import { SeedStream } from '../../src/random.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';

const linear = makeInterpolant('linear', { gamma: 'sqrt' });
const oracle = makeOracle('gaussian', linear);

/** A batch of N(0,1) → N(2, 0.25) endpoints at one fixed time. */
function fixedTimeBatch(n: number, t: number, seed: number): TrainingBatch {
  const seeds = new SeedStream(seed);
  return {
    x0: oracle.sampleBase(n, seeds),
    x1: oracle.sampleTarget(n, seeds),
    z: tf.randomNormal([n, 1], 0, 1, 'float32', seeds.next()) as tf.Tensor2D,
    t: tf.fill([n], t) as tf.Tensor1D,
  };
}

/**
 * Minimises the objective over linear-in-x fields f(x) = a x + c. The loss is exactly quadratic in (a, c),
 * so its gradient is H θ − r: three gradient evaluations of OUR loss give H and r, and θ* = H⁻¹ r.
 */
function fitLinear(field: FieldName, batch: TrainingBatch, antithetic?: boolean): { a: number; c: number } {
  const objective = quadraticObjective(linear, [field], { tMin: 1e-3, antithetic });
  const gradAt = (a: number, c: number): [number, number] =>
    tf.tidy(() => {
      const av = tf.scalar(a);
      const cv = tf.scalar(c);
      const g = tf.grads((A: tf.Tensor, C: tf.Tensor) => {
        const net: TrainableField = (x) => tf.add(tf.mul(x, A), C) as tf.Tensor2D;
        return objective.loss({ [field]: net }, batch).total;
      })([av, cv]);
      return [g[0]!.dataSync()[0]!, g[1]!.dataSync()[0]!];
    });
  const g0 = gradAt(0, 0);
  const ga = gradAt(1, 0);
  const gc = gradAt(0, 1);
  const H = [
    [ga[0] - g0[0], gc[0] - g0[0]],
    [ga[1] - g0[1], gc[1] - g0[1]],
  ];
  const r = [-g0[0], -g0[1]];
  const det = H[0]![0]! * H[1]![1]! - H[0]![1]! * H[1]![0]!;
  return { a: (H[1]![1]! * r[0]! - H[0]![1]! * r[1]!) / det, c: (H[0]![0]! * r[1]! - H[1]![0]! * r[0]!) / det };
}

const ORACLE_FIELD: Record<FieldName, keyof typeof oracle & ('velocity' | 'v' | 'score' | 'denoiser' | 'eta0' | 'eta1')> = {
  b: 'velocity',
  v: 'v',
  s: 'score',
  'eta-z': 'denoiser',
  'eta-0': 'eta0',
  'eta-1': 'eta1',
};

describe('quadratic objectives recover the closed-form fields (1-D Gaussian, linear, γ = √(t(1−t)))', () => {
  for (const t of [0.25, 0.6]) {
    const batch = fixedTimeBatch(40000, t, 100 + Math.round(t * 100));
    const { mean, covariance } = oracle.marginal(t);
    const sd = Math.sqrt((covariance as number[][])[0]![0]!);
    const xs = [mean[0]! - sd, mean[0]!, mean[0]! + sd];
    for (const field of ['b', 'v', 's', 'eta-z', 'eta-0', 'eta-1'] as const) {
      it(`${field} at t = ${t} within 2%`, () => {
        // Antithetic pairs for every field: same minimiser, less Monte-Carlo noise in the fit.
        const { a, c } = fitLinear(field, batch, true);
        const exact = tf.tidy(() => Array.from(oracle[ORACLE_FIELD[field]](tf.tensor2d(xs, [3, 1]), tf.fill([3], t) as tf.Tensor1D).dataSync()));
        const scale = Math.sqrt(exact.reduce((s, v) => s + v * v, 0) / exact.length);
        xs.forEach((x, i) => {
          const err = Math.abs(a * x + c - exact[i]!);
          expect(err, `${field}(t=${t}, x=${x.toFixed(3)}): fit ${(a * x + c).toFixed(4)} vs exact ${exact[i]!.toFixed(4)}`).toBeLessThan(0.02 * scale);
        });
      });
    }
  }
});

describe('quadraticObjective', () => {
  it('antithetic sampling keeps the variance of the score loss bounded near t = 0', () => {
    // At t = 1e-4, γ ≈ 0.01: the plain term γ⁻¹ z·ŝ has a spread ∝ 1/γ across batches; the antithetic pair
    // cancels the 1/γ part exactly (z·(ŝ(x+) − ŝ(x−)) = O(γ)).
    const net: TrainableField = (x) => tf.mul(x, 0.5) as tf.Tensor2D;
    const spread = (antithetic: boolean) => {
      const objective = quadraticObjective(linear, ['s'], { tMin: 1e-4, antithetic });
      const values = [1, 2, 3, 4, 5, 6].map((seed) =>
        tf.tidy(() => objective.loss({ s: net }, fixedTimeBatch(200, 1e-4, seed)).total.dataSync()[0]!),
      );
      const mean = values.reduce((a, b) => a + b) / values.length;
      return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
    };
    const plain = spread(false);
    const anti = spread(true);
    expect(anti).toBeLessThan(0.5);
    expect(plain).toBeGreaterThan(10 * anti);
  });

  it('sums weighted field terms and reports each', () => {
    const batch = fixedTimeBatch(500, 0.4, 8);
    const net: TrainableField = (x) => tf.mul(x, 0.3) as tf.Tensor2D;
    const objective = quadraticObjective(linear, ['b', 's'], { weights: { s: 0.5 } });
    const { total, perField } = objective.loss({ b: net, s: net }, batch);
    const [tv, bv, sv] = [total, perField.b!, perField.s!].map((x) => x.dataSync()[0]!);
    expect(tv).toBeCloseTo(bv + 0.5 * sv, 4);
    expect(objective.antithetic).toBe(true);
    expect(objective.tMin).toBe(1e-3);
  });

  it('does not leak', async () => {
    const batch = fixedTimeBatch(64, 0.5, 9);
    const net: TrainableField = (x) => tf.mul(x, 0.3) as tf.Tensor2D;
    const objective = quadraticObjective(linear, ['b', 's', 'eta-z']);
    await expectNoLeaks(() => objective.loss({ b: net, s: net, 'eta-z': net }, batch));
  });

  it('rejects fields the interpolant cannot support, unknown fields and unsafe tMin', () => {
    const deterministic = makeInterpolant('linear', { gamma: 'zero' });
    expect(() => quadraticObjective(deterministic, ['s'])).toThrow(/quadraticObjective: argument 'fields' must be .*got 's' with the two-sided interpolant 'linear' \(γ 'zero'\): γ ≡ 0/);
    expect(() => quadraticObjective(deterministic, ['b'])).not.toThrow();
    expect(() => quadraticObjective(makeInterpolant('mirror'), ['v'])).toThrow(/mirror interpolant supports/);
    expect(() => quadraticObjective(linear, ['w' as FieldName])).toThrow(/'fields' must be field names among 'b', 'v', 's', 'eta-z', 'eta-0', 'eta-1', got "w"/);
    expect(() => quadraticObjective(linear, [])).toThrow(/non-empty array/);
    expect(() => quadraticObjective(linear, ['s'], { tMin: 0 })).toThrow(/'options.tMin' must be > 0 for these fields \(the score's target divides by γ/);
    expect(() => quadraticObjective(linear, ['b'], { tMin: 0 })).toThrow(/'options.tMin'.*infinite at an end/);
    expect(() => quadraticObjective(makeInterpolant('linear', { gamma: 'quadratic' }), ['b'], { tMin: 0 })).not.toThrow();
    const objective = quadraticObjective(linear, ['b']);
    expect(() => objective.loss({}, fixedTimeBatch(4, 0.5, 1))).toThrow(/'fields.b' must be a trainable field/);
    expect(() => objective.loss({ b: (x) => x }, { x0: null, x1: tf.ones([4, 1]) as tf.Tensor2D, t: tf.ones([4]) as tf.Tensor1D })).toThrow(/'batch.x0' must be a tensor \[4, 1\] \(the shape of x1\)/);
  });
});

describe('quadraticObjective on image-shaped data', () => {
  /** A correlated Gaussian on R^4, sampled as `[n, ...event]` (the same numbers for every event shape). */
  const gaussianData = (event: number[]): Dataset =>
    ({
      name: `gaussian${event.join('x')}`,
      dim: 4,
      eventShape: event,
      description: 'test data',
      sample: (n: number, seeds: SeedStream) =>
        tf.tidy(() => tf.reshape(tf.add(tf.mul(tf.randomNormal([n, 4], 0, 1, 'float32', seeds.next()), [1, 0.5, 2, 0.3]), [1, -1, 0, 2]), [n, ...event])),
    }) as unknown as Dataset;

  it('a training step on [batch, 2, 2, 1] images equals the flattened [batch, 4] step: same loss terms and gradients', () => {
    const model = timeConditionedMlp({ dim: 4, hidden: 16, layers: 2, heads: 2, seed: 9 });
    const mlp = modelAdapter(model, { heads: ['b', 's'] }).fields;
    // a conv-free image model: flattens the event, runs the MLP head, restores the shape of x
    const onImages = (head: 'b' | 's'): TrainableField =>
      ((x: tf.Tensor, t: tf.Tensor1D) => tf.reshape(mlp[head](tf.reshape(x, [x.shape[0]!, 4]), t), x.shape)) as unknown as TrainableField;
    const objective = quadraticObjective(linear, ['b', 's']);
    const step = (event: number[], nets: Partial<Record<FieldName, TrainableField>>) => {
      const batch = drawTrainingBatch<tf.Tensor>({ interpolant: linear, target: gaussianData(event), size: 64, tMin: objective.tMin, seeds: new SeedStream(5) });
      expect(batch.x1.shape).toEqual([64, ...event]);
      expect(batch.z!.shape).toEqual([64, ...event]);
      const perField: Record<string, number> = {};
      const { value, grads } = tf.variableGrads(() => {
        const loss = objective.loss(nets, batch);
        for (const f of objective.fields) perField[f] = loss.perField[f]!.dataSync()[0]!;
        return loss.total;
      });
      const out = { loss: value.dataSync()[0]!, perField, grads: Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, Array.from(g.dataSync())])) };
      tf.dispose([value, ...Object.values(grads), ...(Object.values(batch) as tf.Tensor[])]);
      return out;
    };
    const flat = step([4], { b: mlp.b, s: mlp.s });
    const image = step([2, 2, 1], { b: onImages('b'), s: onImages('s') });
    expect(Number.isFinite(flat.loss)).toBe(true);
    expect(image.loss).toBe(flat.loss);
    expect(image.perField).toEqual(flat.perField);
    expect(Object.keys(image.grads).sort()).toEqual(Object.keys(flat.grads).sort());
    for (const k of Object.keys(flat.grads)) expectAllClose(image.grads[k]!, flat.grads[k]!, { rtol: 0, atol: 0, label: k });
    model.dispose();
  });

  it('sums each row over the whole event: the loss of f ≡ 0 is 0 and of f = target is −½ E|target|² over all entries', () => {
    // eta-1 target is x1: with f(x) = x1 (a lookup of the batch's own x1) the loss is −½ mean_i Σ_event x1².
    const x1 = tf.tensor4d([1, 2, 3, 4, -1, -2, 0.5, 0], [2, 2, 2, 1]);
    const batch = { x0: tf.zerosLike(x1), x1, t: tf.tensor1d([0.3, 0.6]), z: tf.zerosLike(x1) };
    const objective = quadraticObjective(linear, ['eta-1'], { antithetic: false });
    const lookup = (() => tf.clone(x1)) as unknown as TrainableField;
    const zero = ((x: tf.Tensor) => tf.zerosLike(x)) as unknown as TrainableField;
    const expected = -0.5 * ((1 + 4 + 9 + 16 + (1 + 4 + 0.25 + 0)) / 2);
    const l1 = objective.loss({ 'eta-1': lookup }, batch);
    const l0 = objective.loss({ 'eta-1': zero }, batch);
    expect(l1.total.dataSync()[0]).toBeCloseTo(expected, 6);
    expect(l0.total.dataSync()[0]).toBe(0);
    tf.dispose([l1.total, l0.total, ...Object.values(l1.perField), ...Object.values(l0.perField), ...Object.values(batch)] as tf.Tensor[]);
  });
});
