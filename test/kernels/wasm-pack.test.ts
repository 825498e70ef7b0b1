import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { SHORT_RUN } from '../../src/kernels/wasm-concat.js';
import { backendDataIds, expectWasmMatchesCpu, rand, useWasmWithLeakChecks } from './compare.js';

describe('wasm Pack override', () => {
  useWasmWithLeakChecks();

  const cases: [string, number[], number, number][] = [
    ['two columns [512] on the last axis (a 2-d sampler)', [512], 2, 1],
    ['rank 1, axis 0', [7], 3, 0],
    ['rank 2, axis 0', [4, 5], 3, 0],
    ['rank 2, last axis', [4, 5], 3, 2],
    ['rank 2, middle axis', [4, 5], 2, 1],
    ['rank 3, axis 0', [2, 3, 4], 4, 0],
    ['rank 3, last axis', [2, 3, 4], 2, 3],
    ['rank 3, middle axis', [2, 3, 4], 3, 2],
    ['long runs (set path)', [3, SHORT_RUN + 5], 2, 1],
    ['negative axis', [4, 3], 2, -1],
    ['scalars', [], 4, 0],
  ];
  for (const [label, shape, n, axis] of cases) {
    it(`matches cpu bit for bit: ${label}`, async () => {
      await expectWasmMatchesCpu(label, () => tf.stack(Array.from({ length: n }, (_, i) => rand(shape, 20 + i)), axis), {
        rtol: 0,
      });
    });
  }

  it('keeps int32 and bool values exactly', async () => {
    for (const axis of [0, 2]) {
      await expectWasmMatchesCpu(`int32 axis ${axis}`, () => tf.stack([rand([5, 2], 1, 'int32'), rand([5, 2], 2, 'int32')], axis), {
        rtol: 0,
      });
    }
    await expectWasmMatchesCpu('bool', () => tf.stack([tf.greater(rand([6], 1), 0), tf.greater(rand([6], 2), 0)], 1), { rtol: 0 });
  });

  it('one input is a reshape sharing its buffer', async () => {
    await expectWasmMatchesCpu('one input', () => tf.stack([rand([3, 2], 5)], 1), { rtol: 0 });
    const before = backendDataIds();
    const a = rand([3, 2], 1);
    const s = tf.stack([a], 2);
    expect(s.shape).toEqual([3, 2, 1]);
    expect(backendDataIds()).toBe(before + 1);
    expect(Array.from(s.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([a, s]);
    expect(backendDataIds()).toBe(before);
  });

  it('empty inputs give an empty output, and nothing leaks over repeated stacks', () => {
    const before = backendDataIds();
    const e = tf.zeros([3, 0]);
    const s = tf.stack([e, e], 1);
    expect(s.shape).toEqual([3, 2, 0]);
    expect(s.size).toBe(0);
    tf.dispose([e, s]);
    for (let i = 0; i < 5; i++) tf.tidy(() => tf.stack([rand([64], i), rand([64], i + 1)], 1).dataSync());
    expect(backendDataIds()).toBe(before);
  });

  it('its gradient (unstack of dy) matches cpu', async () => {
    await expectWasmMatchesCpu('grad', () => {
      const a = rand([8, 3], 3);
      const b = rand([8, 3], 4);
      const w = rand([8, 3, 2], 5);
      const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.stack([x, y], 2), w)))([a, b]);
      return [ga!, gb!];
    });
  });
});
