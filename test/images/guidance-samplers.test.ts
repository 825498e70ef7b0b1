/**
 * Guided class-conditional sampling (`sampleImages`) with every sampler kind on image-shaped states, against
 * a closed form: two Gaussian classes of 2×2×1 "images", x1 | y ~ N(μ_y, σ² I), and the flow-matching
 * interpolant x_t = (1 − t) z + t x1. The conditional velocity is exact,
 *   b_y(x, t) = μ_y + k(t) (x − t μ_y),  k(t) = (t σ² − (1 − t)) / v_t,  v_t = (1 − t)² + t² σ²,
 * and the null class ∅ is the equal mixture (b_∅ = Σ_y π_y(x) b_y with posterior weights π_y ∝ N(x; t μ_y, v_t I)).
 * At w = 0 every sampler (ODE schemes, and SDEs with the score from the velocity or a learned score) must
 * give the class law (mean μ_y, variance σ², within Monte-Carlo error bars plus the schemes' step error);
 * with w > 0 every sampler runs, gives finite samples, and pushes the class away from the other one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import type { LabelledField } from '../../src/images/guidance.js';
import { makeInterpolant } from '../../src/interpolants/index.js';
import { IMAGE_SAMPLERS, IMAGE_SDE_SAMPLERS, sampleImages } from '../../samplers/image-sampling.js';
import { expectNoLeaks } from '../helpers/index.js';

const MU = [1.5, -1];
const SIGMA2 = 0.25;
const NULL = 2;
const SHAPE: [number, number, number] = [2, 2, 1];
const interpolant = makeInterpolant('one-sided-linear');

/** Per-row class field from per-class closed forms f_y(x, t) (rows of `[n, 2, 2, 1]`); the null class is the posterior mixture. */
function classField(perClass: (x: tf.Tensor, t4: tf.Tensor, mu: number, v: tf.Tensor) => tf.Tensor): LabelledField {
  const field: LabelledField = (x, t, labels) =>
    tf.tidy(() => {
      const t4 = tf.reshape(t, [-1, 1, 1, 1]);
      const v = tf.add(tf.square(tf.sub(1, t4)), tf.mul(tf.square(t4), SIGMA2));
      const f = MU.map((mu) => perClass(x, t4, mu, v));
      const logits = tf.stack(MU.map((mu) => tf.neg(tf.sum(tf.div(tf.square(tf.sub(x, tf.mul(t4, mu))), tf.mul(2, v)), [1, 2, 3]))), 1);
      const pi = tf.softmax(logits, 1);
      const mix = tf.add(tf.mul(tf.reshape(tf.slice(pi, [0, 0], [-1, 1]), [-1, 1, 1, 1]), f[0]!), tf.mul(tf.reshape(tf.slice(pi, [0, 1], [-1, 1]), [-1, 1, 1, 1]), f[1]!));
      const y = tf.reshape(tf.cast(labels, 'int32'), [-1, 1, 1, 1]);
      const pick = (k: number) => tf.broadcastTo(tf.equal(y, k), x.shape);
      return tf.where(pick(0), f[0]!, tf.where(pick(1), f[1]!, mix));
    }) as never;
  field.conditional = true;
  return field;
}

/** b_y(x, t) = μ_y + k(t)(x − t μ_y). */
const velocity = classField((x, t4, mu, v) => tf.add(mu, tf.mul(tf.div(tf.sub(tf.mul(t4, SIGMA2), tf.sub(1, t4)), v), tf.sub(x, tf.mul(t4, mu)))));
/** s_y(x, t) = −(x − t μ_y)/v_t (the mixture of scores is weighted by the same posterior). */
const score = classField((x, t4, mu, v) => tf.neg(tf.div(tf.sub(x, tf.mul(t4, mu)), v)));

async function moments(x: tf.Tensor): Promise<{ mean: number; variance: number }> {
  const v = Array.from(await x.data());
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const variance = v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1);
  return { mean, variance };
}

const N = 300;

describe('sampleImages with guidance, every sampler', () => {
  it.each(IMAGE_SAMPLERS)('%s at w = 0 gives the class law (closed form), and runs guided', async (sampler) => {
    const opts = { eventShape: SHAPE, interpolant, numClasses: 2, sampler, nfe: 60, eps: 1, seed: 4 } as const;
    // N·4 = 1200 independent pixel values per class: SE of the mean σ/√1200 ≈ 0.014; allow 5 SE + step error.
    for (const y of [0, 1]) {
      const x = await sampleImages({ b: velocity }, { ...opts, labels: new Array<number>(N).fill(y) });
      expect(x.shape).toEqual([N, ...SHAPE]);
      const m = await moments(x);
      expect(Math.abs(m.mean - MU[y]!)).toBeLessThan(5 * Math.sqrt(SIGMA2 / (4 * N)) + 0.05);
      expect(Math.abs(m.variance / SIGMA2 - 1)).toBeLessThan(0.2); // SE of a variance ratio ≈ √(2/1200) ≈ 0.04
      x.dispose();
    }
    // Guided (w = 2): finite, and class 0 moves away from class 1 (μ0 > μ1) relative to w = 0.
    const labels = new Array<number>(N).fill(0);
    const plain = await sampleImages({ b: velocity }, { ...opts, labels });
    const guided = await sampleImages({ b: velocity }, { ...opts, labels, guidance: 2 });
    expect(tf.tidy(() => tf.all(tf.isFinite(guided)).dataSync()[0])).toBe(1);
    expect((await moments(guided)).mean).toBeGreaterThan((await moments(plain)).mean);
    tf.dispose([plain, guided]);
    // No leaks across repeated guided sampling (with a guidance interval too).
    await expectNoLeaks(() => sampleImages({ b: velocity }, { ...opts, labels: [0, 1, 1], guidance: 1, guidanceInterval: [0.2, 0.9], nfe: 8 }), { label: sampler });
  });

  it.each(IMAGE_SDE_SAMPLERS)('%s with a learned score s (guided the same way) gives the class law', async (sampler) => {
    const x = await sampleImages({ b: velocity, s: score }, { eventShape: SHAPE, interpolant, numClasses: 2, sampler, nfe: 60, eps: 1, seed: 9, labels: new Array<number>(N).fill(1) });
    const m = await moments(x);
    expect(Math.abs(m.mean - MU[1]!)).toBeLessThan(5 * Math.sqrt(SIGMA2 / (4 * N)) + 0.05);
    expect(Math.abs(m.variance / SIGMA2 - 1)).toBeLessThan(0.2);
    x.dispose();
  });

  it('refuses the null class as a requested label', async () => {
    // Labels are class indices of the data: the null class is not a label a caller asks for.
    await expect(sampleImages({ b: velocity }, { eventShape: SHAPE, interpolant, numClasses: 2, labels: [NULL], nfe: 4 })).rejects.toThrow(/options\.labels\[0\].*0 … 1/);
  });

  it('bad input: unknown sampler, SDE without a score on a two-sided interpolant, missing b', async () => {
    const base = { eventShape: SHAPE, numClasses: 2, labels: [0], nfe: 4 };
    await expect(sampleImages({ b: velocity }, { ...base, interpolant, sampler: 'leapfrog' as never })).rejects.toThrow(/sampleImages.*options\.sampler/);
    const twoSided = makeInterpolant('linear');
    await expect(sampleImages({ b: velocity }, { ...base, interpolant: twoSided, sampler: 'euler-maruyama' })).rejects.toThrow(ArgumentError);
    await expect(sampleImages({ s: score }, { ...base, interpolant })).rejects.toThrow(/sampleImages.*fields.*velocity b/);
  });
});
