import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fillTfjsUniform } from '../../src/data/tfjs-uniform.js';
import { SeedStream } from '../../src/random.js';

/** The bit patterns of a float32 array, for exact comparison (−0 ≠ +0). */
const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

describe('fillTfjsUniform (tf.randomUniform draws in plain JavaScript)', () => {
  const seeds = new SeedStream(2024);
  const cases: [number, number, number | string][] = [
    [0, 1, 0],
    [0, 1, 1],
    [-2, 2, 4294967295],
    [-2, 2, seeds.next()],
    [0, 1, seeds.next()],
    [1e-3, 1 - 1e-3, seeds.next()],
    [-7.25, 3.5, seeds.next()],
    [0, 1, 'a text seed'],
  ];
  for (const [min, max, seed] of cases) {
    it(`gives tf.randomUniform's float32 values bit for bit (U[${min}, ${max}), seed ${JSON.stringify(seed)})`, () => {
      for (const n of [1, 7, 5000]) {
        const ours = new Float32Array(n);
        fillTfjsUniform(ours, min, max, seed);
        const t = tf.randomUniform([n], min, max, 'float32', seed as number);
        const theirs = t.dataSync() as Float32Array;
        t.dispose();
        expect(bits(ours)).toEqual(bits(theirs));
      }
    });
  }

  it('draws look uniform: mean and variance of 200 000 draws within 4 standard errors', () => {
    const n = 200_000;
    const u = new Float32Array(n);
    fillTfjsUniform(u, 0, 1, 99);
    let mean = 0;
    for (const x of u) mean += x / n;
    let variance = 0;
    for (const x of u) variance += (x - mean) ** 2 / n;
    // U[0, 1): mean ½ (SE √(1/12/n)), variance 1/12 (SE √((1/80 − 1/144)/n))
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(4 * Math.sqrt((1 / 80 - 1 / 144) / n));
    expect(u.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
