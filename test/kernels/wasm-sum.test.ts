import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { isBlockReduction } from '../../src/kernels/wasm-sum.js';
import { expectNoLeaks } from '../helpers/index.js';
import { backendDataIds, expectWasmMatchesCpu, rand, useWasmWithLeakChecks } from './compare.js';

describe('wasm Sum override', () => {
  useWasmWithLeakChecks();

  const cases: [number[], number | number[]][] = [
    [[64, 33], 0],
    [[5, 6, 7], 1],
    [[5, 6, 7], [0, 1]],
    [[4, 3, 5, 2], [1, 2]],
    [[4, 3, 5, 2], [0, 2]],
    [[4, 3, 5, 2], -1],
    [[4, 3, 5, 2], [0, 1, 2, 3]],
    [[7], 0],
  ];
  for (const [shape, axis] of cases) {
    for (const keepDims of [false, true]) {
      it(`matches cpu summing [${shape}] over ${JSON.stringify(axis)} (keepDims ${keepDims})`, async () => {
        await expectWasmMatchesCpu(`sum ${shape} ${axis}`, () => tf.sum(rand(shape, 31), axis, keepDims));
      });
    }
  }

  it('sums int32 and bool inputs like cpu', async () => {
    await expectWasmMatchesCpu('int32', () => tf.sum(rand([9, 4], 32, 'int32'), 0), { rtol: 0 });
    await expectWasmMatchesCpu('bool', () => tf.sum(tf.greater(rand([9, 4], 33), 0), 0), { rtol: 0 });
  });

  it('handles empty reductions', async () => {
    await expectWasmMatchesCpu('empty', () => tf.sum(tf.zeros([0, 3]), 0));
  });

  it('claims only contiguous blocks that exclude the last axis', () => {
    expect(isBlockReduction([4, 5], [0], 'float32')).toBe(true);
    expect(isBlockReduction([4, 5], [1], 'float32')).toBe(false);
    expect(isBlockReduction([4, 5, 6], [0, 2], 'float32')).toBe(false);
    expect(isBlockReduction([4, 5, 6], [1, 0], 'int32')).toBe(true);
    expect(isBlockReduction([4, 5], [0], 'bool')).toBe(false);
  });

  it('leaks neither tensors nor backend buffers', async () => {
    const x = rand([16, 8, 4], 34);
    const run = () => [tf.sum(x, 0), tf.sum(x, [0, 1], true), tf.sum(x, 2)];
    await expectNoLeaks(run, { label: 'Sum' });
    const before = backendDataIds();
    tf.dispose(run());
    expect(backendDataIds()).toBe(before);
    x.dispose();
  });
});
