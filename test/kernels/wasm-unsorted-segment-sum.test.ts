import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../helpers/index.js';
import { backendDataIds, expectWasmMatchesCpu, rand, useWasmWithLeakChecks } from './compare.js';

describe('wasm UnsortedSegmentSum addition', () => {
  useWasmWithLeakChecks();

  it('matches cpu for float32 rows, including unused segments', async () => {
    await expectWasmMatchesCpu('rows', () =>
      tf.unsortedSegmentSum(rand([6, 4, 3], 61), tf.tensor1d([0, 2, 2, 5, 0, 1], 'int32'), 7),
    );
  });

  it('sums int32 values exactly and keeps int32, like TensorFlow (cpu returns float32)', async () => {
    const segmentSum = () => tf.unsortedSegmentSum(rand([8], 62, 'int32'), tf.tensor1d([3, 0, 3, 1, 1, 2, 0, 3], 'int32'), 4);
    await expectWasmMatchesCpu('int32', segmentSum, { rtol: 0, reference: () => tf.cast(segmentSum(), 'int32') });
    const out = segmentSum();
    expect(out.dtype).toBe('int32');
    out.dispose();
  });

  it('gives the same gradient of gather as cpu', async () => {
    await expectWasmMatchesCpu('gather grad', () => {
      const idx = tf.tensor1d([4, 1, 1, 0, 4, 4], 'int32');
      const f = (table: tf.Tensor) => tf.sum(tf.square(tf.gather(table, idx)));
      return tf.grad(f)(rand([5, 3], 63));
    });
  });

  it('leaks neither tensors nor backend buffers', async () => {
    const x = rand([6, 5], 64);
    const ids = tf.tensor1d([0, 1, 0, 2, 1, 0], 'int32');
    const run = () => tf.unsortedSegmentSum(x, ids, 3);
    await expectNoLeaks(run, { label: 'UnsortedSegmentSum' });
    const before = backendDataIds();
    tf.dispose(run());
    expect(backendDataIds()).toBe(before);
    tf.dispose([x, ids]);
  });
});
