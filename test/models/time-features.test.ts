import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { TimeFeatures } from '../../models/time-features.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';

describe('TimeFeatures', () => {
  it('computes [t, sin(2π f t), cos(2π f t)] with geometric frequencies from 1/2 to fMax', () => {
    const layer = new TimeFeatures({ frequencies: 3, maxFrequency: 8 });
    const ts = [0, 0.25, 0.7];
    const out = layer.apply(tf.tensor2d(ts, [3, 1])) as tf.Tensor2D;
    expect(out.shape).toEqual([3, 7]);
    const freqs = [0.5, 0.5 * Math.sqrt(16), 8]; // ½ (2·8)^(k/2)
    const expected = ts.map((t) => [t, ...freqs.map((f) => Math.sin(2 * Math.PI * f * t)), ...freqs.map((f) => Math.cos(2 * Math.PI * f * t))]);
    expectAllClose(out, expected, { rtol: 1e-4, atol: 1e-5 });
  });

  it('round-trips its config', () => {
    const layer = new TimeFeatures({ frequencies: 5, maxFrequency: 16 });
    const config = layer.getConfig();
    expect(config.frequencies).toBe(5);
    expect(config.maxFrequency).toBe(16);
    expect(TimeFeatures.className).toBe('SiTimeFeatures');
  });

  it('rejects bad frequencies', () => {
    expect(() => new TimeFeatures({ frequencies: 0 })).toThrow("TimeFeatures: argument 'frequencies' must be a finite integer >= 1, got 0");
    expect(() => new TimeFeatures({ maxFrequency: Number.NaN })).toThrow(/'maxFrequency'.*got NaN/);
  });

  it('does not leak', async () => {
    const layer = new TimeFeatures();
    const t = tf.tensor2d([[0.1], [0.9]]);
    await expectNoLeaks(() => layer.apply(t));
    t.dispose();
  });
});
