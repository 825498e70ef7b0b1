import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { moons } from '../../src/data/moons.js';
import { rings } from '../../src/data/rings.js';
import { spirals } from '../../src/data/spirals.js';
import { SeedStream } from '../../src/random.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';
import { gridIntegral } from './quadrature.js';

async function rowsOf(x: tf.Tensor2D): Promise<number[][]> {
  const v = await x.data();
  const d = x.shape[1];
  return Array.from({ length: x.shape[0] }, (_, i) => Array.from(v.subarray(i * d, (i + 1) * d)));
}

describe('moons', () => {
  it('is centred, lies near the two half circles and is reproducible', async () => {
    const data = moons({ noise: 0 });
    expect(data.logDensity).toBeUndefined();
    const n = 4000;
    const x = data.sample(n, new SeedStream(1));
    const rows = await rowsOf(x);
    const m = tf.mean(x, 0);
    // noiseless: mean (0, 0) exactly in law; per-coordinate std ≤ 2 · 0.9 so 4 SE ≈ 0.12
    expectAllClose(m, [0, 0], { atol: 0.12 });
    tf.dispose([x, m]);
    // every point is on one of the two unit half circles (after undoing centring and scale 2)
    let off = 0;
    for (const [a, b] of rows) {
      const u = a! / 2 + 0.5;
      const v = b! / 2 + 0.25;
      const upper = Math.abs(Math.hypot(u, v) - 1) < 1e-5 && v >= -1e-6;
      const lower = Math.abs(Math.hypot(u - 1, v - 0.5) - 1) < 1e-5 && v <= 0.5 + 1e-6;
      if (!upper && !lower) off++;
    }
    expect(off).toBe(0);
    const a = moons().sample(20, new SeedStream(3));
    const b = moons().sample(20, new SeedStream(3));
    expect(await rowsOf(a)).toEqual(await rowsOf(b));
    tf.dispose([a, b]);
    await expectNoLeaks(() => moons().sample(16, new SeedStream(0)));
    expect(() => moons({ noise: -0.1 })).toThrow(/moons: argument 'options.noise' must be a finite number >= 0/);
  });
});

describe('spirals', () => {
  it('lies on two arms of radius ≤ options.radius and is reproducible', async () => {
    const data = spirals({ noise: 0 });
    expect(data.logDensity).toBeUndefined();
    const x = data.sample(2000, new SeedStream(2));
    const r = tf.tidy(() => tf.sqrt(tf.sum(tf.square(x), 1)));
    expect(tf.max(r).dataSync()[0]).toBeLessThanOrEqual(3 + 1e-5);
    // noiseless: |x| = 3 t / t_max with t = t_max √u, so |x|² / 9 ~ U[0, 1], mean 1/2
    const m = tf.tidy(() => tf.mean(tf.div(tf.square(r), 9)));
    expect(Math.abs(m.dataSync()[0]! - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / 2000));
    tf.dispose([x, r, m]);
    const a = spirals().sample(20, new SeedStream(3));
    const b = spirals().sample(20, new SeedStream(3));
    expect(await rowsOf(a)).toEqual(await rowsOf(b));
    tf.dispose([a, b]);
    await expectNoLeaks(() => spirals().sample(16, new SeedStream(0)));
    expect(() => spirals({ turns: 0 })).toThrow(/'options.turns' must be a finite number > 0/);
  });
});

describe('rings', () => {
  it('has an exact log density that integrates to 1 and matches float64', async () => {
    const data = rings();
    expect(await gridIntegral(data, 5, 400)).toBeCloseTo(1, 3);
    const narrow = rings({ radii: [0.5, 2], noise: 0.3, weights: [1, 3] });
    // the density has an integrable 1/|x| singularity at the origin, which the midpoint rule under-counts by O(h)
    expect(Math.abs((await gridIntegral(narrow, 4, 400)) - 1)).toBeLessThan(3e-3);
    const pts = [[0.5, 0], [0.1, 0.2], [1.5, -1.5], [0, 3]];
    const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    const expected = pts.map(([a, b]) => {
      const rho = Math.hypot(a!, b!);
      const p = [0.5, 2].reduce((s, r, k) => s + ([0.25, 0.75][k]! * (phi((rho - r) / 0.3) + phi((rho + r) / 0.3))) / 0.3, 0);
      return Math.log(p / (2 * Math.PI * rho));
    });
    const x = tf.tensor2d(pts);
    const lp = narrow.logDensity(x);
    expectAllClose(lp, expected, { rtol: 1e-4, atol: 1e-4 });
    tf.dispose([x, lp]);
  });

  it('samples radii from the ring mixture', async () => {
    const data = rings({ radii: [1, 3], noise: 0.05, weights: [1, 1] });
    const x = data.sample(4000, new SeedStream(8));
    const r = tf.tidy(() => tf.sqrt(tf.sum(tf.square(x), 1)));
    const v = await r.data();
    tf.dispose([x, r]);
    let inner = 0;
    for (const rho of v) if (rho < 2) inner++;
    expect(Math.abs(inner / 4000 - 0.5)).toBeLessThan(3 * Math.sqrt(0.25 / 4000));
    await expectNoLeaks(() => data.sample(16, new SeedStream(0)));
    expect(() => rings({ radii: [1, -1] })).toThrow(/'options.radii\[1\]' must be a finite number > 0/);
    expect(() => rings({ radii: [1, 2], weights: [1] })).toThrow(/'options.weights' must be an array of finite numbers of length 2/);
  });
});
