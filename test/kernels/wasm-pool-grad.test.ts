import '@tensorflow/tfjs-layers'; // registers the pooling gradients
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../helpers/index.js';
import { backendDataIds, expectWasmMatchesCpu, rand, useWasmWithLeakChecks } from './compare.js';

type Pad = 'same' | 'valid' | number;

interface PoolCase {
  label: string;
  x: [number, number, number, number];
  size: number | [number, number];
  strides: number | [number, number];
  pad: Pad;
}

// Max and average pooling gradients against tfjs's cpu kernels (float32 accuracy: |wasm − cpu| ≤
// 1e-4·max(1, max|cpu|)), through tf.grad so the kernels see what training gives them.
const CASES: PoolCase[] = [
  { label: '2×2 stride 2 valid, 28×28, batch 3, 8 channels', x: [3, 28, 28, 8], size: 2, strides: 2, pad: 'valid' },
  { label: '2×2 stride 2 valid, 7×7 (odd: last row unused), 1 channel', x: [3, 7, 7, 1], size: 2, strides: 2, pad: 'valid' },
  { label: '3×3 stride 2 same, 15×15 (overlapping windows), batch 1, 3 channels', x: [1, 15, 15, 3], size: 3, strides: 2, pad: 'same' },
  { label: '3×3 stride 1 same, 7×7, 8 channels', x: [3, 7, 7, 8], size: 3, strides: 1, pad: 'same' },
  { label: '3×2 strides [2, 1] valid, 15×7, 3 channels', x: [3, 15, 7, 3], size: [3, 2], strides: [2, 1], pad: 'valid' },
  { label: '2×2 stride 2 same, 7×15 (cut windows at the edge)', x: [1, 7, 15, 3], size: 2, strides: 2, pad: 'same' },
  { label: 'numeric pad 1, 3×3 stride 2', x: [3, 7, 7, 3], size: 3, strides: 2, pad: 1 },
];

describe('wasm MaxPoolGrad and AvgPoolGrad overrides', () => {
  useWasmWithLeakChecks();

  for (const c of CASES) {
    for (const kind of ['max', 'avg'] as const) {
      it(`${kind} pool gradient matches cpu: ${c.label}`, async () => {
        const pool = (x: tf.Tensor) =>
          kind === 'max' ? tf.maxPool(x as tf.Tensor4D, c.size, c.strides, c.pad) : tf.avgPool(x as tf.Tensor4D, c.size, c.strides, c.pad);
        await expectWasmMatchesCpu(`${kind} pool grad ${c.label}`, () => {
          const x = rand(c.x, 81);
          const y = pool(x);
          const w = rand(y.shape, 82);
          return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a), w)))(x);
        });
      });
    }
  }

  it('max pool: ties go to the first tap in row-major order, -∞ and NaN windows get nothing', async () => {
    // One image 4×4, 1 channel, 2×2 windows: a tie, a window of −∞, a window with a NaN and a larger value.
    const values = [1, 1, -Infinity, -Infinity, 0, 1, -Infinity, -Infinity, NaN, 2, 5, 5, 3, 0, 5, 5];
    await expectWasmMatchesCpu('max pool ties', () => {
      const x = tf.tensor4d(values, [1, 4, 4, 1]);
      return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'), tf.tensor4d([10, 20, 30, 40], [1, 2, 2, 1]))))(x);
    });
    const wasm = tf.tidy(() => {
      const x = tf.tensor4d(values, [1, 4, 4, 1]);
      return tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'), tf.tensor4d([10, 20, 30, 40], [1, 2, 2, 1]))))(x);
    });
    // Closed form: window (0,0) → first 1 at [0,0]; window (0,1) all −∞ → none; window (1,0) → 3 at [3,0];
    // window (1,1) → first 5 at [2,2].
    expect(Array.from(wasm.dataSync())).toEqual([10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 40, 0, 30, 0, 0, 0]);
    wasm.dispose();
  });

  it('same seed, same numbers; leaks neither tensors nor backend buffers', async () => {
    const x = rand([3, 15, 15, 3], 83);
    const g = tf.grad((a: tf.Tensor) => tf.add(tf.sum(tf.square(tf.maxPool(a as tf.Tensor4D, 3, 2, 'same'))), tf.sum(tf.square(tf.avgPool(a as tf.Tensor4D, 2, 2, 'valid')))));
    await expectNoLeaks(() => g(x), { label: 'pool grads' });
    const before = backendDataIds();
    const a = g(x);
    const b = g(x);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([a, b]);
    expect(backendDataIds()).toBe(before);
    x.dispose();
  });
});
