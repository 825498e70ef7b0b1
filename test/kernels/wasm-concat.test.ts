import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { SHORT_RUN } from '../../src/kernels/wasm-concat.js';
import { backendDataIds, expectWasmMatchesCpu, rand, useWasmWithLeakChecks } from './compare.js';

describe('wasm Concat override', () => {
  useWasmWithLeakChecks();

  const cases: [string, number[][], number][] = [
    ['feature columns [512,1] ++ [512,8] ++ [512,8]', [[512, 1], [512, 8], [512, 8]], 1],
    ['x with time features [64,2] ++ [64,17]', [[64, 2], [64, 17]], 1],
    ['rows (axis 0)', [[3, 5], [4, 5]], 0],
    ['long runs (set path)', [[6, SHORT_RUN + 3], [6, 2 * SHORT_RUN]], 1],
    ['mixed short and long runs', [[5, 3], [5, SHORT_RUN]], 1],
    ['rank 3, middle axis', [[2, 3, 4], [2, 1, 4], [2, 5, 4]], 1],
    ['rank 3, last axis', [[2, 3, 4], [2, 3, 1]], 2],
    ['negative axis', [[4, 2], [4, 3]], -1],
    ['rank 1', [[3], [1], [4]], 0],
    ['an empty part is skipped', [[4, 0], [4, 3], [4, 2]], 1],
  ];
  for (const [label, shapes, axis] of cases) {
    it(`matches cpu: ${label}`, async () => {
      await expectWasmMatchesCpu(label, () => tf.concat(shapes.map((s, i) => rand(s, 10 + i)), axis), { rtol: 0 });
    });
  }

  it('keeps int32 and bool values exactly', async () => {
    await expectWasmMatchesCpu('int32', () => tf.concat([rand([5, 2], 1, 'int32'), rand([5, 3], 2, 'int32')], 1), { rtol: 0 });
    await expectWasmMatchesCpu('bool', () => tf.concat([tf.greater(rand([5, 2], 1), 0), tf.greater(rand([5, 1], 2), 0)], 1), { rtol: 0 });
  });

  it('a single non-empty part shares its buffer, and nothing leaks', () => {
    const before = backendDataIds();
    const a = rand([3, 2], 1);
    const empty = tf.zeros([3, 0]);
    const c = tf.concat([empty, a], 1);
    expect(c.shape).toEqual([3, 2]);
    expect(Array.from(c.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, empty, c]);
    expect(backendDataIds()).toBe(before);
  });

  it('its gradient (slices of dy) matches cpu', async () => {
    await expectWasmMatchesCpu('grad', () => {
      const a = rand([8, 3], 3);
      const b = rand([8, 5], 4);
      const w = rand([8, 8], 5);
      const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.concat([x, y], 1), w)))([a, b]);
      return [ga!, gb!];
    });
  });
});
