/**
 * stateLayout: named blocks packed into one [batch, n] state and unpacked, with offsets, exact round trips,
 * the rank-2 layout equal to a hand concatenation, and errors naming the block.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { stateLayout } from '../src/state-layout.js';
import { expectAllClose, expectNoLeaks } from './helpers/index.js';

describe('stateLayout', () => {
  it('places blocks in declaration order with their sizes and offsets', () => {
    const layout = stateLayout({ x: [2, 2, 1], y: [3, 2], logp: [] });
    expect(layout.names).toEqual(['x', 'y', 'logp']);
    expect(layout.size).toBe(4 + 6 + 1);
    expect(layout.blocks.x).toEqual({ shape: [2, 2, 1], offset: 0, size: 4 });
    expect(layout.blocks.y).toEqual({ shape: [3, 2], offset: 4, size: 6 });
    expect(layout.blocks.logp).toEqual({ shape: [], offset: 10, size: 1 });
  });

  it('pack then unpack returns every block exactly; the columns are the row-major flattened blocks', () => {
    tf.tidy(() => {
      const layout = stateLayout({ x: [2, 2, 1], logp: [] });
      const x = tf.randomNormal([5, 2, 2, 1], 0, 1, 'float32', 1);
      const logp = tf.randomNormal([5], 0, 1, 'float32', 2);
      const y = layout.pack({ x, logp });
      expect(y.shape).toEqual([5, 5]);
      const rows = y.arraySync();
      const xs = (tf.reshape(x, [5, 4]) as tf.Tensor2D).arraySync();
      const ls = (logp as tf.Tensor1D).arraySync();
      for (let i = 0; i < 5; i++) expect(rows[i]).toEqual([...xs[i]!, ls[i]!]);
      const back = layout.unpack(y);
      expect(back.x.shape).toEqual([5, 2, 2, 1]);
      expect(back.logp.shape).toEqual([5]);
      expectAllClose(back.x, x, { rtol: 0, atol: 0 });
      expectAllClose(back.logp, logp, { rtol: 0, atol: 0 });
      expectAllClose(layout.get(y, 'logp'), logp, { rtol: 0, atol: 0 });
    });
  });

  it('on [batch, d] points it is the concatenation [x, ℓ] with ℓ as one column', () => {
    tf.tidy(() => {
      const layout = stateLayout({ x: [3], logp: [] });
      const x = tf.randomNormal([4, 3], 0, 1, 'float32', 3);
      const l = tf.randomNormal([4], 0, 1, 'float32', 4);
      expectAllClose(layout.pack({ x, logp: l }), tf.concat([x, tf.reshape(l, [4, 1])], 1), { rtol: 0, atol: 0 });
    });
  });

  it('rejects bad layouts and mis-shaped blocks, naming the block', () => {
    expect(() => stateLayout({})).toThrow(/stateLayout: argument 'blocks' must be an object of at least one/);
    expect(() => stateLayout({ x: [2, 0] })).toThrow(/stateLayout: argument 'blocks.x' must be an event shape/);
    const layout = stateLayout({ x: [2], kl: [] });
    const x = tf.zeros([3, 2]);
    expect(() => layout.pack({ x, kl: tf.zeros([4]) })).toThrow(/StateLayout.pack: argument 'values.kl' must be a tensor of shape \[3\]/);
    expect(() => layout.pack({ x: tf.zeros([3, 3]), kl: tf.zeros([3]) })).toThrow(/argument 'values.x' must be a tensor of shape \[3, 2\]/);
    expect(() => layout.unpack(tf.zeros([3, 4]))).toThrow(/StateLayout.unpack: argument 'state' must be a tensor of shape \[batch, 3\]/);
    expect(() => layout.get(tf.zeros([3, 3]), 'y' as 'x')).toThrow(/StateLayout.get: argument 'name' must be one of 'x', 'kl'/);
    x.dispose();
  });

  it('leaks nothing', async () => {
    const layout = stateLayout({ x: [2, 2], ou: [3, 4], kl: [] });
    const x = tf.ones([6, 2, 2]);
    const ou = tf.ones([6, 3, 4]);
    const kl = tf.zeros([6]);
    await expectNoLeaks(() => tf.tidy(() => layout.unpack(layout.pack({ x, ou, kl })).ou));
    tf.dispose([x, ou, kl]);
  });
});
