import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { sinkhorn, sinkhornDivergence } from '../../src/metrics/sinkhorn.js';
import { expectNoLeaks } from '../helpers/index.js';

type Points = number[][];

function lse(values: number[]): number {
  const top = Math.max(...values);
  return top + Math.log(values.reduce((s, v) => s + Math.exp(v - top), 0));
}

/** Plain log-domain Sinkhorn in float64 (uniform weights, cost |x − y|²): the reference OT_ε. */
function referenceOt(x: Points, y: Points, eps: number, iterations = 4000): number {
  const cost = x.map((p) => y.map((q) => p.reduce((s, v, k) => s + (v - q[k]!) ** 2, 0)));
  const n = x.length;
  const m = y.length;
  let f = new Array<number>(n).fill(0);
  let g = new Array<number>(m).fill(0);
  const symmetric = x === y;
  for (let it = 0; it < iterations; it++) {
    const tf_ = x.map((_, i) => -eps * lse(y.map((__, j) => -Math.log(m) + (g[j]! - cost[i]![j]!) / eps)));
    if (symmetric) {
      f = f.map((v, i) => 0.5 * (v + tf_[i]!));
      g = f;
    } else {
      f = tf_;
      g = y.map((_, j) => -eps * lse(x.map((__, i) => -Math.log(n) + (f[i]! - cost[i]![j]!) / eps)));
    }
  }
  return f.reduce((s, v) => s + v, 0) / n + g.reduce((s, v) => s + v, 0) / m;
}

function exactW2sq(x: Points, y: Points): number {
  // brute force over permutations (n = m ≤ 7)
  const n = x.length;
  const cost = x.map((p) => y.map((q) => p.reduce((s, v, k) => s + (v - q[k]!) ** 2, 0)));
  let best = Infinity;
  const perm = [...Array(n).keys()];
  const permute = (k: number) => {
    if (k === n) {
      best = Math.min(best, perm.reduce((s, j, i) => s + cost[i]![j]!, 0) / n);
      return;
    }
    for (let i = k; i < n; i++) {
      [perm[k], perm[i]] = [perm[i]!, perm[k]!];
      permute(k + 1);
      [perm[k], perm[i]] = [perm[i]!, perm[k]!];
    }
  };
  permute(0);
  return best;
}

function randomPoints(n: number, d: number, seed: number, shift = 0): Points {
  const t = tf.tidy(() => tf.add(tf.randomNormal([n, d], 0, 1, 'float32', seed), shift));
  const out = t.arraySync() as Points;
  t.dispose();
  return out;
}

describe('sinkhornDivergence', () => {
  it('matches a float64 log-domain reference for OT_ε(a,b), OT_ε(a,a), OT_ε(b,b)', async () => {
    const x = randomPoints(40, 2, 1);
    const y = randomPoints(50, 2, 2, 0.7);
    const eps = 0.2;
    const [a, b] = [tf.tensor2d(x), tf.tensor2d(y)];
    const r = await sinkhorn(a, b, { epsilon: eps, tolerance: 1e-6 });
    tf.dispose([a, b]);
    expect(r.converged).toBe(true);
    expect(r.epsilon).toBe(eps);
    const ab = referenceOt(x, y, eps, 3000);
    const aa = referenceOt(x, x, eps, 200);
    const bb = referenceOt(y, y, eps, 200);
    expect(r.ot.ab).toBeCloseTo(ab, 4);
    expect(r.ot.aa).toBeCloseTo(aa, 4);
    expect(r.ot.bb).toBeCloseTo(bb, 4);
    expect(r.divergence).toBeCloseTo(ab - 0.5 * aa - 0.5 * bb, 4);
  });

  it('is exactly |v|² for a translated copy, for any ε (cost |x − y|²)', async () => {
    const a = tf.randomNormal([300, 2], 0, 1, 'float32', 3) as tf.Tensor2D;
    const b = tf.add(a, tf.tensor1d([1.5, -0.5])) as tf.Tensor2D; // |v|² = 2.5
    for (const options of [{}, { epsilon: 0.5 }, { relativeEpsilon: 0.003, maxIterations: 3000 }]) {
      const r = await sinkhorn(a, b, options);
      expect(r.converged).toBe(true);
      expect(r.divergence).toBeCloseTo(2.5, 3);
    }
    tf.dispose([a, b]);
  });

  it('tends to the exact W2² for small ε (point clouds, brute-force assignment)', async () => {
    const x = randomPoints(6, 2, 4);
    const y = randomPoints(6, 2, 5, 1);
    const w2 = exactW2sq(x, y);
    const [a, b] = [tf.tensor2d(x), tf.tensor2d(y)];
    // (float32 floors the marginal error near 1e-7 · max C / ε, a few 1e-5 here)
    const r = await sinkhorn(a, b, { relativeEpsilon: 1e-3, maxIterations: 5000, tolerance: 1e-4 });
    expect(r.converged).toBe(true);
    expect(Math.abs(r.divergence - w2)).toBeLessThan(0.01 * w2);
    // two single points: OT_ε = |x − y|² for every ε, OT_ε(a, a) = 0
    const [p, q] = [tf.tensor2d([[0, 0]]), tf.tensor2d([[3, 4]])];
    expect(await sinkhornDivergence(p, q)).toBeCloseTo(25, 3);
    tf.dispose([a, b, p, q]);
  });

  it('is symmetric, zero on identical sets, positive otherwise', async () => {
    const a = tf.randomNormal([400, 2], 0, 1, 'float32', 6) as tf.Tensor2D;
    const b = tf.mul(tf.randomUniform([300, 2], -2, 2, 'float32', 7), 1) as tf.Tensor2D;
    const sab = await sinkhornDivergence(a, b, { epsilon: 0.05 });
    const sba = await sinkhornDivergence(b, a, { epsilon: 0.05 });
    expect(sab).toBeGreaterThan(0.05);
    expect(Math.abs(sab - sba)).toBeLessThan(2e-3 * sab);
    expect(Math.abs(await sinkhornDivergence(a, a))).toBeLessThan(1e-5);
    const copy = tf.clone(a);
    expect(Math.abs(await sinkhornDivergence(a, copy))).toBeLessThan(1e-5);
    const same = tf.zeros([5, 2]) as tf.Tensor2D;
    expect(await sinkhornDivergence(same, same)).toBe(0); // no spread at all: nothing to transport
    await expectNoLeaks(() => sinkhornDivergence(a, b, { maxIterations: 50 }));
    tf.dispose([a, b, copy, same]);
  });

  it('reports iterations and stops at maxIterations without converging', async () => {
    const a = tf.randomNormal([200, 2], 0, 1, 'float32', 8) as tf.Tensor2D;
    const b = tf.randomNormal([200, 2], 0.5, 1, 'float32', 9) as tf.Tensor2D;
    const r = await sinkhorn(a, b, { relativeEpsilon: 0.001, maxIterations: 5, tolerance: 0 });
    expect(r.converged).toBe(false);
    expect(r.iterations.ab).toBe(5);
    expect(Number.isFinite(r.divergence)).toBe(true);
    tf.dispose([a, b]);
  });

  it('rejects bad input, naming the argument', async () => {
    const a = tf.ones([4, 2]) as tf.Tensor2D;
    const b3 = tf.ones([4, 3]) as tf.Tensor2D;
    const empty = tf.zeros([0, 2]) as tf.Tensor2D;
    const bad = tf.tensor2d([[0, Infinity]]);
    await expect(sinkhornDivergence(a, b3)).rejects.toThrow(ArgumentError);
    await expect(sinkhornDivergence(a, b3)).rejects.toThrow("sinkhorn: argument 'b' must be a tensor of shape [samples, 2] (the dimension of a)");
    await expect(sinkhornDivergence(empty, a)).rejects.toThrow(/argument 'a' must be .* with at least one sample/);
    await expect(sinkhornDivergence(a, bad)).rejects.toThrow(/argument 'b' must be a tensor of finite values/);
    await expect(sinkhornDivergence(a, a, { epsilon: 0 })).rejects.toThrow(/'options.epsilon' must be a finite number > 0/);
    await expect(sinkhornDivergence(a, a, { epsilon: 1, relativeEpsilon: 0.1 })).rejects.toThrow(/'options.relativeEpsilon' must be absent when options.epsilon is given/);
    await expect(sinkhornDivergence(a, a, { overrelaxation: 2 })).rejects.toThrow(/'options.overrelaxation' must be a finite number >= 1 <= 1.99/);
    // @ts-expect-error: unknown option on purpose
    await expect(sinkhornDivergence(a, a, { eps: 1 })).rejects.toThrow(/unknown key 'eps'/);
    tf.dispose([a, b3, empty, bad]);
  });
});
