import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fillTfjsNormal } from '../../src/data/tfjs-normal.js';
import { SeedStream } from '../../src/random.js';

/** The bit patterns of a float32 array, for exact comparison (−0 ≠ +0). */
const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

describe('fillTfjsNormal (tf.randomNormal draws in plain JavaScript)', () => {
  const seeds = new SeedStream(2025);
  const cases: [number, number, number | string][] = [
    [0, 1, 1],
    [0, 1, 4294967295],
    [0, 1, seeds.next()],
    [0, 1, seeds.next()],
    [0, 1, -17],
    [0, 1, 0.5],
    [-2.5, 0.3, seeds.next()],
    [1e-3, 7, seeds.next()],
    [0, 1, 'a text seed'],
  ];
  for (const [mean, stdDev, seed] of cases) {
    it(`gives tf.randomNormal's float32 values bit for bit (N(${mean}, ${stdDev}²), seed ${JSON.stringify(seed)})`, () => {
      for (const n of [1, 2, 7, 1024, 5001]) {
        const ours = new Float32Array(n);
        fillTfjsNormal(ours, mean, stdDev, seed);
        const t = tf.randomNormal([n], mean, stdDev, 'float32', seed as number);
        const theirs = t.dataSync() as Float32Array;
        t.dispose();
        expect(bits(ours)).toEqual(bits(theirs));
      }
    });
  }

  it('the same numbers as a multi-axis draw of the same size', () => {
    const ours = new Float32Array(512 * 2);
    fillTfjsNormal(ours, 0, 1, 31337);
    const t = tf.randomNormal([512, 2], 0, 1, 'float32', 31337);
    expect(bits(ours)).toEqual(bits(t.dataSync() as Float32Array));
    t.dispose();
  });

  it('refuses a falsy seed, for which tfjs would draw a random one', () => {
    expect(() => fillTfjsNormal(new Float32Array(4), 0, 1, 0)).toThrow(/non-zero seed/);
    expect(() => fillTfjsNormal(new Float32Array(4), 0, 1, '')).toThrow(RangeError);
  });

  it('draws look standard normal: mean, variance and P(|x| < 1) of 200 000 draws within 4 standard errors', () => {
    const n = 200_000;
    const x = new Float32Array(n);
    fillTfjsNormal(x, 0, 1, 99);
    let mean = 0;
    let second = 0;
    let inside = 0;
    for (const v of x) {
      mean += v / n;
      second += (v * v) / n;
      if (Math.abs(v) < 1) inside += 1 / n;
    }
    expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(1 / n));
    expect(Math.abs(second - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    const p = 0.6826894921370859; // P(|Z| < 1) = erf(1/√2)
    expect(Math.abs(inside - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / n));
  });
});
