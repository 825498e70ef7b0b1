import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../helpers/index.js';
import { backendDataIds, expectWasmMatchesCpu, rand, useWasmWithLeakChecks } from './compare.js';

describe('wasm SplitV override', () => {
  useWasmWithLeakChecks();

  const cases: [string, number[], number[] | number, number][] = [
    ['U-Net skip gradient: channels halves', [4, 5, 5, 8], [4, 4], 3],
    ['unequal channel parts with −1', [3, 4, 4, 7], [2, -1, 1], -1],
    ['runs with a remainder after the unrolled part (middle axis)', [2, 40, 3], [30, 10], 1],
    ['long runs copied with set, and a short one', [3, 300, 2], [200, 100], 1],
    ['leading axis (contiguous blocks)', [6, 3], [1, 5], 0],
    ['equal count', [3, 12], 3, 1],
    ['an empty part', [4, 6], [0, 6], 1],
    ['a single part', [4, 6], [6], 1],
  ];
  for (const [label, shape, sizes, axis] of cases) {
    it(`matches cpu: ${label}`, async () => {
      await expectWasmMatchesCpu(label, () => tf.split(rand(shape, 3), sizes, axis), { rtol: 0 });
    });
  }

  it('keeps int32 and bool values exactly', async () => {
    await expectWasmMatchesCpu('int32', () => tf.split(rand([5, 6], 1, 'int32'), [2, 4], 1), { rtol: 0 });
    await expectWasmMatchesCpu('bool', () => tf.split(tf.greater(rand([5, 6], 2), 0), 2, 1), { rtol: 0 });
  });

  it('is the gradient of a channel concat (U-Net skip)', async () => {
    await expectWasmMatchesCpu('concat grad', () => {
      const a = rand([2, 3, 3, 4], 5);
      const b = rand([2, 3, 3, 2], 6);
      const w = rand([2, 3, 3, 6], 7);
      return tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(tf.concat([p, q], 3), w)))([a, b]);
    });
  });

  it('leaks neither tensors nor backend buffers', async () => {
    const x = rand([2, 3, 3, 6], 8);
    const run = () => tf.split(x, [2, 4], 3);
    await expectNoLeaks(run, { label: 'splitV' });
    const before = backendDataIds();
    tf.dispose(run());
    expect(backendDataIds()).toBe(before);
    x.dispose();
  });
});
