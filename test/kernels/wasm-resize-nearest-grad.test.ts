import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { nearestSourceIndices } from '../../src/kernels/wasm-resize-nearest-grad.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';
import { backendDataIds, expectWasmMatchesCpu, rand, runOn, useWasmWithLeakChecks } from './compare.js';

describe('wasm ResizeNearestNeighborGrad override', () => {
  useWasmWithLeakChecks();

  const cases: [string, number[], [number, number], boolean, boolean][] = [
    ['2× upsampling (U-Net)', [2, 4, 4, 3], [8, 8], false, false],
    ['2× upsampling, 6 channels (unrolled loop and remainder)', [2, 3, 3, 6], [6, 6], false, false],
    ['7 → 14 → crop-free odd size 15', [2, 7, 7, 2], [15, 15], false, false],
    ['downsampling 9 → 4', [1, 9, 9, 2], [4, 4], false, false],
    ['half-pixel centres', [2, 5, 6, 2], [11, 9], false, true],
    ['aligned corners', [2, 5, 6, 2], [11, 9], true, false],
  ];
  // Reference: the forward resize as two gathers (checked against tf.image.resizeNearestNeighbor on cpu),
  // differentiated on cpu. tfjs's own cpu ResizeNearestNeighborGrad cannot serve: it offsets dy by the
  // images' batch stride (wrong for batch > 1) and ignores halfPixelCenters.
  for (const [label, shape, size, align, half] of cases) {
    it(`matches the gradient of the gathered forward: ${label}`, async () => {
      const rows = Array.from(nearestSourceIndices(shape[1]!, size[0], align, half));
      const cols = Array.from(nearestSourceIndices(shape[2]!, size[1], align, half));
      const gathered = (x: tf.Tensor) => tf.gather(tf.gather(x, rows, 1), cols, 2);
      await runOn('cpu', () => {
        const x = rand(shape, 10);
        expectAllClose(gathered(x), tf.image.resizeNearestNeighbor(x as tf.Tensor4D, size, align, half), { rtol: 0, atol: 0, label: `${label} forward` });
        return x;
      });
      const dyShape = [shape[0]!, size[0], size[1], shape[3]!];
      await expectWasmMatchesCpu(label, () => tf.engine().runKernel('ResizeNearestNeighborGrad', { images: rand(shape, 11), dy: rand(dyShape, 12) }, { alignCorners: align, halfPixelCenters: half } as never) as tf.Tensor, {
        reference: () => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(gathered(x), rand(dyShape, 12))))(rand(shape, 11)),
      });
    });
  }

  it('source indices of a 2× upsampling are floor(r/2)', () => {
    expect(Array.from(nearestSourceIndices(3, 6, false, false))).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('is the gradient of tf.image.resizeNearestNeighbor', async () => {
    const upsampled = (x: tf.Tensor) => tf.image.resizeNearestNeighbor(x as tf.Tensor4D, [10, 10]);
    const twice = [0, 0, 1, 1, 2, 2, 3, 3, 4, 4];
    await expectWasmMatchesCpu('resize grad', () => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(upsampled(x), rand([2, 10, 10, 3], 13))))(rand([2, 5, 5, 3], 14)), {
      reference: () => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.gather(tf.gather(x, twice, 1), twice, 2), rand([2, 10, 10, 3], 13))))(rand([2, 5, 5, 3], 14)),
    });
  });

  it('leaks neither tensors nor backend buffers', async () => {
    const x = rand([2, 3, 3, 2], 15);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.image.resizeNearestNeighbor(a as tf.Tensor4D, [6, 6])));
    await expectNoLeaks(() => g(x), { label: 'resize grad' });
    const before = backendDataIds();
    tf.dispose(g(x));
    expect(backendDataIds()).toBe(before);
    x.dispose();
  });
});
