import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { SeedStream } from '../../src/random.js';
import { brownianMotion } from '../../src/solver/brownian.js';
import { moments } from './problems.js';

function draw(seed: number, t0: number, t1: number, batch = 20_000): Float32Array {
  const noise = brownianMotion();
  return tf.tidy(() => {
    const state = noise.init({ batch, dim: 1, t0, t1, seeds: new SeedStream(seed) });
    return noise.increment(state, t0, t1).dW;
  }).dataSync() as Float32Array;
}

describe('brownianMotion', () => {
  it('draws increments with mean 0 and variance |dt|, forward and backward', () => {
    for (const [t0, t1] of [
      [0, 0.3],
      [1, 0.6],
    ] as const) {
      const m = moments(draw(11, t0, t1));
      expect(Math.abs(m.mean)).toBeLessThanOrEqual(3 * m.seMean);
      expect(Math.abs(m.variance - Math.abs(t1 - t0))).toBeLessThanOrEqual(3 * m.seVariance);
    }
  });

  it('is reproducible from the seed and differs between seeds', () => {
    expect(draw(3, 0, 1, 8)).toEqual(draw(3, 0, 1, 8));
    expect(draw(3, 0, 1, 8)).not.toEqual(draw(4, 0, 1, 8));
  });

  it('holds no tensors in its state and is not queryable', () => {
    const noise = brownianMotion();
    expect(noise.queryable).toBe(false);
    expect(noise.tensors(noise.init({ batch: 2, dim: 2, t0: 0, t1: 1, seeds: new SeedStream(1) }))).toEqual([]);
  });
});
