import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { slicedWasserstein2 } from '../../src/metrics/sliced-wasserstein.js';
import { SeedStream } from '../../src/random.js';
import { mmd } from '../../src/metrics/mmd.js';
import { sinkhornDivergence } from '../../src/metrics/sinkhorn.js';
import { expectNoLeaks } from '../helpers/index.js';

const col = (values: number[]) => tf.tensor2d(values, [values.length, 1]);

describe('slicedWasserstein2', () => {
  it('is the exact 1-D W2 of the empirical distributions for d = 1 (n = m and n ≠ m)', async () => {
    // n = m: sorted pairs (0,1), (1,3), (2,5): W2² = (1 + 4 + 9)/3
    const [a, b] = [col([2, 0, 1]), col([5, 1, 3])];
    expect(await slicedWasserstein2(a, b, { projections: 1 })).toBeCloseTo(Math.sqrt(14 / 3), 5);
    // n = 3, m = 2: quantile steps on the merged grid 0, 1/3, 1/2, 2/3, 1:
    // (0−0.5)²/3 + (1−0.5)²/6 + (1−2)²/6 + (3−2)²/3 = 0.625
    const [c, e] = [col([3, 0, 1]), col([2, 0.5])];
    expect(await slicedWasserstein2(c, e, { projections: 1 })).toBeCloseTo(Math.sqrt(0.625), 5);
    expect(await slicedWasserstein2(e, c, { projections: 1, seed: 9 })).toBeCloseTo(Math.sqrt(0.625), 5);
    // many projections in 1-D are all ±1: same value
    expect(await slicedWasserstein2(c, e, { projections: 16, directions: 'independent' })).toBeCloseTo(Math.sqrt(0.625), 5);
    tf.dispose([a, b, c, e]);
  });

  it('measures a shift μ as SW2² ≈ |μ|²/d (within Monte-Carlo error)', async () => {
    const n = 4000;
    const d = 4;
    const mu = [1.5, -1, 0.5, 1]; // |μ|² = 4.5
    const a = tf.randomNormal([n, d], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.add(tf.randomNormal([n, d], 0, 1, 'float32', 2), tf.tensor1d(mu)) as tf.Tensor2D;
    const expected = 4.5 / d;
    // the sample means' error enters as 2 μ·Δ/d with Δ ~ N(0, 2/n · I); the quantile noise adds O(1/n)
    const se = (2 * Math.sqrt(4.5) * Math.sqrt(2 / n)) / d;
    const sw = await slicedWasserstein2(a, b, { projections: 128, seed: 3 });
    expect(Math.abs(sw * sw - expected)).toBeLessThan(4 * se + 0.01);
    // independent directions: unbiased too, with the direction sampling variance on top
    // (|μ|² θ₁², θ uniform on S³: std 1.125 per direction, /√P)
    const swi = await slicedWasserstein2(a, b, { projections: 256, seed: 3, directions: 'independent' });
    expect(Math.abs(swi * swi - expected)).toBeLessThan(4 * (se + 1.125 / Math.sqrt(256)) + 0.01);
    tf.dispose([a, b]);
  });

  it('is deterministic given the seed, symmetric, and ~0 for samples of one law', async () => {
    const a = tf.randomNormal([500, 3], 0, 1, 'float32', 5) as tf.Tensor2D;
    const b = tf.randomNormal([700, 3], 0, 1, 'float32', 6) as tf.Tensor2D;
    const v1 = await slicedWasserstein2(a, b, { seed: 11 });
    expect(await slicedWasserstein2(a, b, { seed: 11 })).toBe(v1);
    expect(await slicedWasserstein2(a, b, { seed: new SeedStream(11) })).toBeGreaterThan(0);
    expect(await slicedWasserstein2(a, b, { seed: 12, directions: 'independent' })).not.toBe(v1);
    expect(await slicedWasserstein2(b, a, { seed: 11 })).toBeCloseTo(v1, 5);
    expect(v1).toBeLessThan(0.15);
    expect(await slicedWasserstein2(a, a)).toBeCloseTo(0, 6);
    const i = tf.cast(tf.round(a), 'int32') as tf.Tensor2D;
    expect(await slicedWasserstein2(i, i)).toBe(0);
    await expectNoLeaks(() => slicedWasserstein2(a, b, { projections: 16 }));
    tf.dispose([a, b, i]);
  });

  it('rejects bad input, naming the argument', async () => {
    const a = tf.ones([4, 2]) as tf.Tensor2D;
    const b3 = tf.ones([4, 3]) as tf.Tensor2D;
    const empty = tf.zeros([0, 2]) as tf.Tensor2D;
    const bad = tf.tensor2d([[0, 1], [Number.NaN, 2]]);
    await expect(slicedWasserstein2(a, b3)).rejects.toThrow(ArgumentError);
    await expect(slicedWasserstein2(a, b3)).rejects.toThrow("slicedWasserstein2: argument 'b' must be a tensor of shape [samples, 2] (the dimension of a)");
    await expect(slicedWasserstein2(empty, a)).rejects.toThrow(/argument 'a' must be a tensor of shape \[samples, dim\] with at least one sample/);
    await expect(slicedWasserstein2(a, bad)).rejects.toThrow(/argument 'b' must be a tensor of finite values, got a float32 tensor of shape \[2, 2\] containing NaN/);
    await expect(slicedWasserstein2(bad, a)).rejects.toThrow(/argument 'a' must be a tensor of finite values/);
    await expect(slicedWasserstein2(a, a, { projections: 0 })).rejects.toThrow(/'options.projections' must be a finite integer >= 1/);
    // @ts-expect-error: invalid on purpose
    await expect(slicedWasserstein2(a, a, { directions: 'random' })).rejects.toThrow(/'options.directions' must be one of 'orthogonal', 'independent'/);
    // @ts-expect-error: not a tensor
    await expect(slicedWasserstein2([[1, 2]], a)).rejects.toThrow(/'a' must be a float32 or int32 tensor of shape \[samples, dim\]/);
    tf.dispose([a, b3, empty, bad]);
  });
});

describe('sample sets of any event shape', () => {
  it('image batches [n, 2, 2, 1] are compared as their flattened [n, 4] vectors (sliced W2, Sinkhorn, MMD)', async () => {
    const a = tf.randomNormal([120, 4], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal([90, 4], 0.5, 1, 'float32', 2) as tf.Tensor2D;
    const ai = tf.reshape(a, [120, 2, 2, 1]);
    const bi = tf.reshape(b, [90, 2, 2, 1]);
    expect(await slicedWasserstein2(ai, bi, { seed: 3 })).toBe(await slicedWasserstein2(a, b, { seed: 3 }));
    expect(await sinkhornDivergence(ai, bi)).toBe(await sinkhornDivergence(a, b));
    expect(await mmd(ai, bi)).toBe(await mmd(a, b));
    await expect(slicedWasserstein2(ai, tf.reshape(b, [90, 4]))).rejects.toThrow(/slicedWasserstein2: argument 'b' must be a tensor of shape \[samples, 2, 2, 1\] \(the event shape of a\)/);
    await expectNoLeaks(() => slicedWasserstein2(ai, bi, { seed: 1, projections: 8 }));
    tf.dispose([a, b, ai, bi]);
  });
});
