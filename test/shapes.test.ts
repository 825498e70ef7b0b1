/**
 * The batch-first shape helpers: event shapes, per-row coefficients at any rank, event sums and the
 * flatten/unflatten round trip, checked against hand-computed values and the rank-2 ops they replace.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  checkBatchTensor,
  divideRows,
  eventAxes,
  eventShape,
  eventSize,
  expandToRank,
  flattenEvent,
  scaleRows,
  sumEvent,
  unflattenEvent,
} from '../src/shapes.js';
import { expectAllClose, expectNoLeaks } from './helpers/index.js';

describe('shapes', () => {
  it('eventShape, eventSize and eventAxes', () => {
    const x = tf.zeros([3, 2, 2, 1]);
    expect(eventShape(x)).toEqual([2, 2, 1]);
    expect(eventSize([2, 2, 1])).toBe(4);
    expect(eventSize([])).toBe(1);
    expect(eventAxes(4)).toEqual([1, 2, 3]);
    expect(eventAxes(1)).toEqual([]);
    expect(() => eventShape(tf.scalar(1))).toThrow(/eventShape: argument 'x' must be a tensor of rank >= 1/);
    x.dispose();
  });

  it('expandToRank / scaleRows / divideRows multiply each row by its own coefficient at any rank', () => {
    tf.tidy(() => {
      const c = tf.tensor1d([1, 2, -3]);
      expect(expandToRank(c, 4).shape).toEqual([3, 1, 1, 1]);
      expect(expandToRank(c, 1)).toBe(c);
      const x = tf.ones([3, 2, 2, 1]);
      const y = scaleRows(c, x);
      expect(y.shape).toEqual([3, 2, 2, 1]);
      expectAllClose(y, tf.tensor([1, 1, 1, 1, 2, 2, 2, 2, -3, -3, -3, -3], [3, 2, 2, 1]), { rtol: 0, atol: 0 });
      expectAllClose(divideRows(y, c), x, { rtol: 0, atol: 0 });
      // rank 2: exactly the old reshape([-1, 1]) product
      const x2 = tf.tensor2d([0.1, 0.7, -2.5, 3.3, 1e-3, 9], [3, 2]);
      expectAllClose(scaleRows(c, x2), tf.mul(tf.reshape(c, [-1, 1]), x2), { rtol: 0, atol: 0 });
      expect(() => expandToRank(tf.zeros([2, 2]), 3)).toThrow(/expandToRank: argument 'c' must be a \[batch\] tensor or a scalar/);
    });
  });

  it('sumEvent sums all but the batch axis; on [batch, d] it is tf.sum(x, 1) bit for bit', () => {
    tf.tidy(() => {
      const x = tf.tensor(Array.from({ length: 12 }, (_, i) => i), [3, 2, 2, 1]);
      expectAllClose(sumEvent(x), [0 + 1 + 2 + 3, 4 + 5 + 6 + 7, 8 + 9 + 10 + 11], { rtol: 0, atol: 0 });
      const r = tf.randomNormal([50, 7], 0, 1, 'float32', 3);
      expectAllClose(sumEvent(r), tf.sum(r, 1), { rtol: 0, atol: 0 });
      // an image batch sums to the same numbers as its flattened twin
      const img = tf.randomNormal([20, 3, 3, 2], 0, 1, 'float32', 4);
      expectAllClose(sumEvent(img), tf.sum(tf.reshape(img, [20, 18]), 1), { rtol: 0, atol: 0 });
      expectAllClose(sumEvent(tf.tensor1d([1, 2])), [1, 2], { rtol: 0, atol: 0 });
    });
  });

  it('flattenEvent / unflattenEvent round trip; [batch, d] is passed through', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([5, 2, 2, 1], 0, 1, 'float32', 1);
      const flat = flattenEvent(x);
      expect(flat.shape).toEqual([5, 4]);
      expectAllClose(flat.dataSync(), x.dataSync(), { rtol: 0, atol: 0 });
      const back = unflattenEvent(flat, [2, 2, 1]);
      expect(back.shape).toEqual([5, 2, 2, 1]);
      expectAllClose(back, x, { rtol: 0, atol: 0 });
      const x2 = tf.zeros([5, 3]);
      expect(flattenEvent(x2)).toBe(x2);
      expect(unflattenEvent(x2, [3])).toBe(x2);
      expect(() => unflattenEvent(flat, [3, 2])).toThrow(/unflattenEvent: argument 'event' must be an event shape of size 4, got \[3, 2\]/);
    });
  });

  it('checkBatchTensor names the function, the argument and the expected shape', () => {
    const x = tf.zeros([4, 2, 2, 1]);
    expect(() => checkBatchTensor('f', 'x', x)).not.toThrow();
    expect(() => checkBatchTensor('f', 'x', x, [undefined, 2, 2, 1])).not.toThrow();
    expect(() => checkBatchTensor('f', 'z', x, [4, 4])).toThrow(/f: argument 'z' must be a float32 tensor of shape \[4, 4\], got/);
    expect(() => checkBatchTensor('f', 'x', tf.tensor1d([1]))).toThrow(/\[batch, \.\.\.event\]/);
    x.dispose();
  });

  it('leaks nothing inside a tidy', async () => {
    const x = tf.ones([8, 2, 2, 1]);
    const c = tf.linspace(0, 1, 8) as tf.Tensor1D;
    await expectNoLeaks(() => tf.tidy(() => sumEvent(divideRows(scaleRows(c, flattenEvent(x)), tf.add(c, 1)))));
    tf.dispose([x, c]);
  });
});
