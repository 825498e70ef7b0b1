import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { dropLabels, fieldForLabels, guidedField, type LabelledField } from '../../src/images/guidance.js';
import { SeedStream } from '../../src/random.js';
import { sampleOde } from '../../samplers/index.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';

// Two Gaussian classes in 2-D, p(x1 | y) = N(μ_y, σ² I), equal weights; null class 2 = the mixture.
// Linear interpolant x_t = (1 − t) z + t x1, z ~ N(0, I): p_t(x | y) = N(t μ_y, v_t I), v_t = (1 − t)² + t² σ².
const MU = [
  [1.5, -0.5],
  [-1, 1],
];
const SIGMA2 = 0.25;
const NULL = 2;
const vt = (t: number) => (1 - t) ** 2 + t * t * SIGMA2;

/** log N(x; m, v I) in float64. */
const logGauss = (x: number[], m: number[], v: number) => -((x[0]! - m[0]!) ** 2 + (x[1]! - m[1]!) ** 2) / (2 * v) - Math.log(2 * Math.PI * v);
const logCond = (x: number[], t: number, y: number) => logGauss(x, [t * MU[y]![0]!, t * MU[y]![1]!], vt(t));
const logMarg = (x: number[], t: number) => Math.log(0.5 * Math.exp(logCond(x, t, 0)) + 0.5 * Math.exp(logCond(x, t, 1)));

/** ∇_x log [p_t(x|y)^{1+w} p_t(x)^{−w}] by central differences of the closed-form log densities (float64). */
function guidedScoreReference(x: number[], t: number, y: number, w: number): number[] {
  const h = 1e-5;
  const f = (p: number[]) => (1 + w) * logCond(p, t, y) - w * logMarg(p, t);
  return [0, 1].map((k) => {
    const plus = [...x];
    const minus = [...x];
    plus[k]! += h;
    minus[k]! -= h;
    return (f(plus) - f(minus)) / (2 * h);
  });
}

/** The exact class-conditional score field as tensors; label 2 gives the mixture score. Counts its calls. */
function makeScoreField() {
  const calls: number[] = [];
  const field: LabelledField<tf.Tensor2D> = (x, t, labels) =>
    tf.tidy(() => {
      calls.push(x.shape[0]);
      const v = tf.reshape(tf.add(tf.square(tf.sub(1, t)), tf.mul(tf.square(t), SIGMA2)), [-1, 1]);
      const tcol = tf.reshape(t, [-1, 1]);
      const means = MU.map((m) => tf.mul(tcol, tf.tensor2d([m])));
      const scores = means.map((m) => tf.div(tf.sub(m, x), v));
      const logw = means.map((m) => tf.div(tf.neg(tf.sum(tf.square(tf.sub(x, m)), 1, true)), tf.mul(v, 2)));
      const r0 = tf.sigmoid(tf.sub(logw[0]!, logw[1]!)); // posterior of class 0
      const mixture = tf.add(tf.mul(r0, scores[0]!), tf.mul(tf.sub(1, r0), scores[1]!));
      const y = tf.reshape(labels, [-1, 1]);
      return tf.where(tf.equal(y, 0), scores[0]!, tf.where(tf.equal(y, 1), scores[1]!, mixture)) as tf.Tensor2D;
    });
  return { field, calls };
}

describe('guidedField', () => {
  const xs = [
    [0.3, 0.2],
    [-1.2, 0.9],
    [2, -1],
    [0, 0],
    [0.8, 1.5],
    [-0.4, -0.7],
  ];
  const ts = [0.2, 0.5, 0.9, 0.7, 0.35, 1];
  const ys = [0, 1, 0, 1, 1, 0];

  it('equals ∇ log p_t(x|y)^{1+w} p_t(x)^{−w} in closed form, in one batched call', () => {
    for (const w of [0.5, 2, 4]) {
      const { field, calls } = makeScoreField();
      const guided = guidedField(field, { weight: w, nullLabel: NULL });
      const out = tf.tidy(() => guided(tf.tensor2d(xs), tf.tensor1d(ts), tf.tensor1d(ys, 'int32')));
      const expected = xs.map((x, i) => guidedScoreReference(x, ts[i]!, ys[i]!, w));
      expectAllClose(out, expected, { rtol: 1e-4, atol: 1e-4, label: `w = ${w}` });
      expect(calls).toEqual([2 * xs.length]);
      out.dispose();
    }
  });

  it('applies w only inside the interval; weight 0 is the plain conditional field', () => {
    const { field } = makeScoreField();
    const guided = guidedField(field, { weight: 3, nullLabel: NULL, interval: [0.3, 0.8] });
    const out = tf.tidy(() => guided(tf.tensor2d(xs), tf.tensor1d(ts), tf.tensor1d(ys, 'int32')));
    const expected = xs.map((x, i) => guidedScoreReference(x, ts[i]!, ys[i]!, ts[i]! >= 0.3 && ts[i]! <= 0.8 ? 3 : 0));
    expectAllClose(out, expected, { rtol: 1e-4, atol: 1e-4 });
    out.dispose();
    expect(guidedField(field, { weight: 0, nullLabel: NULL })).toBe(field);
  });

  it('works on image-shaped batches and float labels, for any linear field (velocity, denoiser)', () => {
    // f(x, t, y) = (y + 1) · t · x: guided = ((1 + w)(y + 1) − w(∅ + 1)) · t · x.
    const field: LabelledField = (x, t, labels) =>
      tf.tidy(() => tf.mul(tf.mul(x, tf.reshape(tf.add(labels, 1), [-1, 1, 1, 1])), tf.reshape(t, [-1, 1, 1, 1])));
    const w = 1.5;
    const guided = guidedField(field, { weight: w, nullLabel: 4 });
    const x = tf.tidy(() => tf.reshape(tf.range(0, 3 * 2 * 2, 1, 'float32'), [3, 2, 2, 1]));
    const t = tf.tensor1d([0.5, 1, 0.25]);
    const y = tf.tensor1d([0, 2, 3]);
    const out = guided(x, t, y);
    expect(out.shape).toEqual([3, 2, 2, 1]);
    const xv = x.dataSync();
    const expected = Array.from(xv, (v, i) => {
      const r = Math.floor(i / 4);
      return ((1 + w) * (y.dataSync()[r]! + 1) - w * 5) * t.dataSync()[r]! * v;
    });
    expectAllClose(out.dataSync(), expected, { rtol: 1e-6, atol: 1e-5 });
    const bound = fieldForLabels(guided, y);
    expectAllClose(bound(x, t), out);
    tf.dispose([out, x, t, y]);
  });

  it('does not leak tensors', async () => {
    const { field } = makeScoreField();
    const guided = fieldForLabels(guidedField(field, { weight: 2, nullLabel: NULL, interval: [0, 0.5] }), 1);
    const x = tf.tensor2d(xs);
    const t = tf.tensor1d(ts);
    await expectNoLeaks(() => guided(x, t));
    tf.dispose([x, t]);
  });

  it('rejects a guidance weight on an unconditional field and bad options', () => {
    const unconditional = (x: tf.Tensor) => tf.clone(x);
    expect(() => guidedField(unconditional as unknown as LabelledField, { weight: 1, nullLabel: 10 })).toThrow(
      /guidedField: argument 'field' must be a class-conditional field .* got a field taking 1 argument/,
    );
    const marked: LabelledField = Object.assign((x: tf.Tensor, _t: tf.Tensor1D, _y: tf.Tensor1D) => tf.clone(x), { conditional: false });
    expect(() => guidedField(marked, { weight: 2, nullLabel: 10 })).toThrow(/marked unconditional/);
    expect(guidedField(marked, { weight: 0, nullLabel: 10 })).toBe(marked);
    const { field } = makeScoreField();
    expect(() => guidedField(field, { weight: -1, nullLabel: 2 })).toThrow(/options.weight/);
    expect(() => guidedField(field, { weight: 1, nullLabel: 1.5 })).toThrow(/options.nullLabel/);
    expect(() => guidedField(field, { weight: 1, nullLabel: 2, interval: [0.8, 0.2] })).toThrow(/options.interval/);
    expect(() => guidedField(field, { weight: 1, nullLabel: 2, scale: 3 } as never)).toThrow(/unknown key 'scale'/);
    expect(() => fieldForLabels(field, -1)).toThrow(ArgumentError);
  });
});

describe('dropLabels', () => {
  it('drops each label with probability p, reproducibly, keeping dtype', () => {
    const n = 20000;
    const labels = tf.tidy(() => tf.cast(tf.mod(tf.range(0, n), 10), 'int32') as tf.Tensor1D);
    const a = dropLabels(labels, 0.1, 10, new SeedStream(4));
    const b = dropLabels(labels, 0.1, 10, new SeedStream(4));
    expect(a.dtype).toBe('int32');
    expectAllClose(a, b, { atol: 0 });
    const av = a.dataSync();
    const lv = labels.dataSync();
    let dropped = 0;
    for (let i = 0; i < n; i++) {
      if (av[i] === 10) dropped++;
      else expect(av[i]).toBe(lv[i]);
    }
    // Binomial(20000, 0.1): sd = 42.4; allow 5 sd.
    expect(Math.abs(dropped - 2000)).toBeLessThan(5 * Math.sqrt(n * 0.1 * 0.9));
    tf.dispose([a, b]);
    const none = dropLabels(labels, 0, 10, new SeedStream(1));
    expectAllClose(none, labels, { atol: 0 });
    none.dispose();
    expect(() => dropLabels(labels, 1.5, 10, new SeedStream(1))).toThrow(/'p' must be a finite number >= 0 <= 1/);
    expect(() => dropLabels(labels, 0.1, 10, 3 as never)).toThrow(/SeedStream/);
    labels.dispose();
  });
});

describe('guidedField with a sampler', () => {
  it('pushes N(0, I) to the Gaussian of the guided mean, sample by sample (probability-flow ODE)', async () => {
    // Velocity of x_t = (1 − t) z + t x1 toward N(m_y, s² I): b = m + k_t (x − t m), k_t = (t s² − (1 − t)) / v_t,
    // v_t = (1 − t)² + t² s². The x-coefficient does not depend on the class, so the guided field
    // (1 + w) b_y − w b_∅ is the velocity toward N(m*, s² I), m* = (1 + w) m_y − w m_∅, whose flow map is
    // z ↦ m* + s z.
    const s = 0.5;
    const means = [
      [2, 0],
      [0, 2],
      [0.5, 0.5], // the null class
    ];
    const table = tf.tensor2d(means);
    const velocity: LabelledField<tf.Tensor2D> = (x, t, labels) =>
      tf.tidy(() => {
        const m = tf.gather(table, tf.cast(labels, 'int32'));
        const tc = tf.reshape(t, [-1, 1]);
        const v = tf.add(tf.square(tf.sub(1, tc)), tf.mul(tf.square(tc), s * s));
        const k = tf.div(tf.sub(tf.mul(tc, s * s), tf.sub(1, tc)), v);
        return tf.add(m, tf.mul(k, tf.sub(x, tf.mul(tc, m)))) as tf.Tensor2D;
      });
    const w = 1.5;
    const labels = tf.tensor1d([0, 1, 0, 1], 'int32');
    const z = tf.tensor2d([
      [0.3, -0.2],
      [-1, 0.5],
      [1.2, 0.1],
      [0, 0],
    ]);
    const b = fieldForLabels(guidedField(velocity, { weight: w, nullLabel: 2 }), labels);
    const sol = await sampleOde(z, { velocity: b, scheme: 'rk4', steps: 40 });
    const lv = labels.dataSync();
    const expected = z.arraySync().map((zi, i) => zi.map((zk, k) => (1 + w) * means[lv[i]!]![k]! - w * means[2]![k]! + s * zk));
    expectAllClose(sol.y, expected, { atol: 1e-4, rtol: 1e-4 });
    tf.dispose([sol.y, labels, z, table]);
  });
});
