import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { mmd } from '../../src/metrics/mmd.js';
import { expectNoLeaks } from '../helpers/index.js';

type Points = number[][];
const sq = (p: number[], q: number[]) => p.reduce((s, v, k) => s + (v - q[k]!) ** 2, 0);

/** Unbiased MMD² in float64, straight from the definition. */
function referenceMmd(x: Points, y: Points, bandwidths: number[]): number {
  const k = (p: number[], q: number[]) => bandwidths.reduce((s, h) => s + Math.exp(-sq(p, q) / (2 * h * h)), 0) / bandwidths.length;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < x.length; i++) for (let j = 0; j < x.length; j++) if (i !== j) xx += k(x[i]!, x[j]!);
  for (let i = 0; i < y.length; i++) for (let j = 0; j < y.length; j++) if (i !== j) yy += k(y[i]!, y[j]!);
  for (const p of x) for (const q of y) xy += k(p, q);
  return xx / (x.length * (x.length - 1)) + yy / (y.length * (y.length - 1)) - (2 * xy) / (x.length * y.length);
}

function medianDistance(x: Points, y: Points): number {
  const z = [...x, ...y];
  const d: number[] = [];
  for (let i = 0; i < z.length; i++) for (let j = i + 1; j < z.length; j++) d.push(Math.sqrt(sq(z[i]!, z[j]!)));
  d.sort((u, v) => u - v);
  const mid = d.length / 2;
  return d.length % 2 === 1 ? d[Math.floor(mid)]! : 0.5 * (d[mid - 1]! + d[mid]!);
}

function points(n: number, d: number, seed: number, shift = 0): Points {
  const t = tf.tidy(() => tf.add(tf.randomNormal([n, d], 0, 1, 'float32', seed), shift));
  const out = t.arraySync() as Points;
  t.dispose();
  return out;
}

describe('mmd', () => {
  it('matches the definition (fixed bandwidths and the median heuristic)', async () => {
    const x = points(30, 3, 1);
    const y = points(25, 3, 2, 0.5);
    const [a, b] = [tf.tensor2d(x), tf.tensor2d(y)];
    expect(await mmd(a, b, { bandwidth: 1.3 })).toBeCloseTo(referenceMmd(x, y, [1.3]), 5);
    expect(await mmd(a, b, { bandwidth: [0.5, 2] })).toBeCloseTo(referenceMmd(x, y, [0.5, 2]), 5);
    const h = medianDistance(x, y);
    expect(await mmd(a, b)).toBeCloseTo(referenceMmd(x, y, [h]), 5);
    expect(await mmd(a, b, { medianScales: [0.5, 1, 2] })).toBeCloseTo(referenceMmd(x, y, [0.5 * h, h, 2 * h]), 5);
    expect(await mmd(b, a)).toBeCloseTo(await mmd(a, b), 6);
    tf.dispose([a, b]);
  });

  it('is ≈ 0 within its sampling error for one law and ≫ 0 for different laws', async () => {
    const n = 300;
    const repeats = 10;
    const same: number[] = [];
    const different: number[] = [];
    for (let s = 0; s < repeats; s++) {
      const a = tf.randomNormal([n, 2], 0, 1, 'float32', 100 + s) as tf.Tensor2D;
      const b = tf.randomNormal([n, 2], 0, 1, 'float32', 200 + s) as tf.Tensor2D;
      const c = tf.randomNormal([n, 2], 0.5, 1, 'float32', 300 + s) as tf.Tensor2D;
      same.push(await mmd(a, b));
      different.push(await mmd(a, c));
      tf.dispose([a, b, c]);
    }
    const mean = same.reduce((s, v) => s + v, 0) / same.length;
    const sd = Math.sqrt(same.reduce((s, v) => s + (v - mean) ** 2, 0) / (same.length - 1));
    // unbiased: the mean of the repeats is 0 within its standard error (t₉ two-sided 99.9%: 4.8)
    expect(Math.abs(mean)).toBeLessThan((4.8 * sd) / Math.sqrt(repeats));
    expect(Math.max(...same.map(Math.abs))).toBeLessThan(0.01);
    for (const v of different) expect(v).toBeGreaterThan(10 * sd);
  });

  it('is deterministic and subsamples large sets for the median', async () => {
    const a = tf.randomNormal([700, 2], 0, 1, 'float32', 7) as tf.Tensor2D;
    const b = tf.randomNormal([500, 2], 1, 1, 'float32', 8) as tf.Tensor2D;
    const v = await mmd(a, b);
    expect(await mmd(a, b)).toBe(v);
    expect(v).toBeGreaterThan(0.1);
    await expectNoLeaks(() => mmd(a, b));
    await expectNoLeaks(() => mmd(a, b, { bandwidth: [1, 2] }));
    const flat = tf.zeros([4, 2]) as tf.Tensor2D;
    expect(await mmd(flat, flat)).toBe(0);
    tf.dispose([a, b, flat]);
  });

  it('rejects bad input, naming the argument', async () => {
    const a = tf.ones([4, 2]) as tf.Tensor2D;
    const one = tf.ones([1, 2]) as tf.Tensor2D;
    const b3 = tf.ones([4, 3]) as tf.Tensor2D;
    const bad = tf.tensor2d([[0, 1], [Number.NaN, 1]]);
    await expect(mmd(a, b3)).rejects.toThrow(ArgumentError);
    await expect(mmd(a, b3)).rejects.toThrow("mmd: argument 'b' must be a tensor of shape [samples, 2] (the dimension of a)");
    await expect(mmd(one, a)).rejects.toThrow(/argument 'a' must be a tensor of shape \[samples, dim\] with at least 2 samples/);
    await expect(mmd(a, bad)).rejects.toThrow(/argument 'b' must be a tensor of finite values/);
    await expect(mmd(a, a, { bandwidth: -1 })).rejects.toThrow(/'options.bandwidth' must be a finite number > 0/);
    await expect(mmd(a, a, { bandwidth: [1, 0] })).rejects.toThrow(/'options.bandwidth\[1\]' must be a finite number > 0/);
    // @ts-expect-error: invalid on purpose
    await expect(mmd(a, a, { bandwidth: 'mean' })).rejects.toThrow(/'options.bandwidth' must be 'median', a number > 0/);
    await expect(mmd(a, a, { bandwidth: 1, medianScales: [1] })).rejects.toThrow(/'options.medianScales' must be absent/);
    tf.dispose([a, one, b3, bad]);
  });
});
