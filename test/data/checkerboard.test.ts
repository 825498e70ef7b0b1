import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkerboard } from '../../src/data/checkerboard.js';
import { ArgumentError } from '../../src/errors.js';
import { SeedStream } from '../../src/random.js';
import { describeEachBackend, expectNoLeaks } from '../helpers/index.js';
import { gridIntegral } from './quadrature.js';

describe('checkerboard', () => {
  const board = checkerboard();

  it('samples lie in the support and each of the 8 squares gets 1/8 of the mass (within 3 SE)', async () => {
    const n = 40_000;
    const x = board.sample(n, new SeedStream(7));
    expect(x.shape).toEqual([n, 2]);
    expect(x.dtype).toBe('float32');
    const logp = board.logDensity!(x);
    const [values, lp] = [await x.data(), await logp.data()];
    tf.dispose([x, logp]);
    const counts = new Map<string, number>();
    let outside = 0;
    for (let i = 0; i < n; i++) {
      const a = values[2 * i]!;
      const b = values[2 * i + 1]!;
      if (Math.abs(a) > 4 || Math.abs(b) > 4 || !(Math.abs(lp[i]! + Math.log(32)) < 1e-5)) outside++;
      const key = `${Math.min(Math.floor(a / 2), 1)},${Math.min(Math.floor(b / 2), 1)}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(outside).toBe(0);
    // the 8 squares with (i + j) even, i, j ∈ {−2, …, 1}, in units of the side 2
    const support = ['-2,-2', '-2,0', '-1,-1', '-1,1', '0,-2', '0,0', '1,-1', '1,1'];
    expect([...counts.keys()].sort()).toEqual([...support].sort());
    const p = 1 / 8;
    const se = Math.sqrt((p * (1 - p)) / n);
    for (const key of support) expect(Math.abs(counts.get(key)! / n - p)).toBeLessThan(3 * se);
  });

  it('uses the mathematical mod for negative x1 (⌊−1.5⌋ = −2 → parity 0)', async () => {
    const x = board.sample(4000, new SeedStream(3));
    const v = await x.data();
    x.dispose();
    let wrong = 0;
    let checked = 0;
    for (let i = 0; i < 4000; i++) {
      const a = v[2 * i]! / 2; // paper coordinates before the ×2
      const b = v[2 * i + 1]! / 2;
      if (a >= -1.5 && a < -1) {
        checked++;
        if (!((b >= 0 && b <= 1) || (b >= -2 && b <= -1))) wrong++;
      }
      if (a >= -1 && a < 0 && !((b >= 1 && b <= 2) || (b >= -1 && b <= 0))) wrong++;
    }
    expect(checked).toBeGreaterThan(300);
    expect(wrong).toBe(0);
  });

  it('has log density −log 32 inside, −Infinity outside, and it integrates to 1', async () => {
    const pts = tf.tensor2d([[1, 1], [1, -1], [-3, -3], [-3, -1], [4.5, 0], [0, 0], [2, 0.5], [4, 0.5]]);
    const lp = board.logDensity!(pts);
    const got = Array.from(await lp.data());
    tf.dispose([pts, lp]);
    const inside = -Math.log(32);
    // (0, 0) is a shared corner and (2, 0.5) an inner edge: closed squares count them as inside;
    // (4, 0.5) is on the outer edge of a square outside the support
    expect(got).toEqual([inside, -Infinity, inside, -Infinity, -Infinity, inside, inside, -Infinity].map((v) => (Number.isFinite(v) ? expect.closeTo(v, 5) : v)));
    expect(await gridIntegral(board, 5, 200)).toBeCloseTo(1, 5);
  });

  it('scales with options.scale', async () => {
    const small = checkerboard({ scale: 0.5 });
    const x = small.sample(1000, new SeedStream(1));
    const lp = small.logDensity!(x);
    expect(tf.max(tf.abs(x)).dataSync()[0]).toBeLessThanOrEqual(1);
    expect(Array.from(await lp.data()).every((v) => Math.abs(v + Math.log(2)) < 1e-5)).toBe(true);
    tf.dispose([x, lp]);
    expect(await gridIntegral(small, 1.5, 150)).toBeCloseTo(1, 5);
  });

  it('is reproducible from the seed and does not leak', async () => {
    const a = board.sample(100, new SeedStream(42));
    const b = board.sample(100, new SeedStream(42));
    const c = board.sample(100, new SeedStream(43));
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    expect(Array.from(await a.data())).not.toEqual(Array.from(await c.data()));
    tf.dispose([a, b, c]);
    await expectNoLeaks(() => board.sample(64, new SeedStream(1)));
    const pts = tf.ones([5, 2]) as tf.Tensor2D;
    await expectNoLeaks(() => board.logDensity!(pts));
    pts.dispose();
  });

  it('validates its arguments', () => {
    expect(() => checkerboard({ scale: -1 })).toThrow(ArgumentError);
    expect(() => checkerboard({ scale: -1 })).toThrow("checkerboard: argument 'options.scale' must be a finite number > 0, got -1");
    // @ts-expect-error: unknown option on purpose
    expect(() => checkerboard({ scal: 1 })).toThrow(/unknown key 'scal'/);
    expect(() => board.sample(0, new SeedStream(1))).toThrow(/'n' must be a finite integer >= 1/);
    // @ts-expect-error: a number is not a seed stream
    expect(() => board.sample(3, 1)).toThrow(/'seeds' must be a SeedStream/);
    const bad = tf.ones([3, 3]) as tf.Tensor2D;
    expect(() => board.logDensity!(bad)).toThrow(/checkerboard.logDensity: argument 'x' must be a float32 tensor of shape \[batch, 2\]/);
    bad.dispose();
  });
});

/**
 * The sampler as tensor ops (its formulation before the JavaScript loop): three tf.randomUniform draws
 * and a dozen float32 kernels. The loop must reproduce it bit for bit.
 */
function sampleWithOps(n: number, scale: number, seeds: SeedStream): tf.Tensor2D {
  return tf.tidy(() => {
    const x1 = tf.minimum(tf.randomUniform([n], -2, 2, 'float32', seeds.next()), 2 - 2 ** -22);
    const u = tf.randomUniform([n], 0, 1, 'float32', seeds.next());
    const flip = tf.cast(tf.less(tf.randomUniform([n], 0, 1, 'float32', seeds.next()), 0.5), 'float32');
    const f = tf.floor(x1);
    const parity = tf.sub(f, tf.mul(2, tf.floor(tf.div(f, 2))));
    const x2 = tf.add(tf.sub(u, tf.mul(2, flip)), parity);
    return tf.mul(tf.stack([x1, x2], 1), scale) as tf.Tensor2D;
  });
}

describeEachBackend('checkerboard sampler', () => {
  for (const scale of [2, 0.5, 0.3, 1e-3]) {
    it(`gives the tensor-op formulation's samples bit for bit (scale ${scale}, several seeds and sizes)`, () => {
      const board = checkerboard({ scale });
      for (const [n, seed] of [[1, 0], [513, 1], [40_000, 77], [4096, 4294967295]] as const) {
        const ours = new SeedStream(seed);
        const theirs = new SeedStream(seed);
        // two draws in a row: the stream advances by the same three seeds either way
        for (let k = 0; k < 2; k++) {
          const a = board.sample(n, ours);
          const b = sampleWithOps(n, scale, theirs);
          expect(a.shape).toEqual(b.shape);
          const [x, y] = [a.dataSync() as Float32Array, b.dataSync() as Float32Array];
          tf.dispose([a, b]);
          expect(Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length))).toEqual(Array.from(new Uint32Array(y.buffer, y.byteOffset, y.length)));
        }
        expect(ours.next()).toBe(theirs.next());
      }
    });
  }
});
