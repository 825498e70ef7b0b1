import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { SAME_POSITIONS_CHUNK, samePositionsApply, samePositionsFilterGrad } from '../../src/kernels/wasm-conv2d-backprop-filter.js';
import { expectNoLeaks } from '../helpers/index.js';
import { backendDataIds, expectWasmMatchesCpu, rand, useWasmWithLeakChecks } from './compare.js';

interface SameCase {
  label: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  dilations?: number;
  /** Positions per product; small values split images and rows across chunks. */
  chunk?: number;
}

// The stride-1 'same' filter gradient as stacked products over the output positions, against tfjs's cpu
// kernel (float32 accuracy: |wasm − cpu| ≤ 1e-4·max(1, max|cpu|)).
const CASES: SameCase[] = [
  { label: '3×3, 7×7 images, batch 3, 3→8', x: [3, 7, 7, 3], filter: [3, 3, 3, 8] },
  { label: '3×3, chunks split rows and images (chunk 17)', x: [3, 7, 7, 3], filter: [3, 3, 3, 8], chunk: 17 },
  { label: '3×3, 15×15, batch 1, one input channel', x: [1, 15, 15, 1], filter: [3, 3, 1, 3], chunk: 50 },
  { label: '3×3, 15×7 (non-square), 8→1', x: [3, 15, 7, 8], filter: [3, 3, 8, 1], chunk: 64 },
  { label: '1×1 (skip projection), 8→3', x: [3, 7, 7, 8], filter: [1, 1, 8, 3], chunk: 20 },
  { label: '2×3 (even height: asymmetric padding)', x: [2, 7, 9, 3], filter: [2, 3, 3, 4], chunk: 29 },
  { label: '5×5 on 7×7 (taps reach two rows out)', x: [3, 7, 7, 3], filter: [5, 5, 3, 8], chunk: 31 },
  { label: '3×3 dilation 2 on 15×15', x: [1, 15, 15, 3], filter: [3, 3, 3, 8], dilations: 2, chunk: 100 },
  { label: 'filter larger than the image (5×5 on 3×3)', x: [3, 3, 3, 1], filter: [5, 5, 1, 3], chunk: 7 },
];

describe('wasm Conv2DBackpropFilter: stride-1 same, stacked products over output positions', () => {
  useWasmWithLeakChecks();

  for (const c of CASES) {
    it(`matches cpu: ${c.label}`, async () => {
      const d = c.dilations ?? 1;
      const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, 1, d, 'same', undefined, false, 'channelsLast');
      expect(samePositionsApply(info)).toBe(true);
      const dyShape = info.outShape as [number, number, number, number];
      // tfjs's cpu kernel ignores dilations: a filter dilated by d is the (k−1)·d+1 filter with zeros
      // between taps, whose gradient at the taps is the reference.
      const big = [(c.filter[0] - 1) * d + 1, (c.filter[1] - 1) * d + 1, c.filter[2], c.filter[3]];
      const reference = () => {
        const g = tf.engine().runKernel('Conv2DBackpropFilter', { x: rand(c.x, 61), dy: rand(dyShape, 62) }, { filterShape: big, strides: 1, pad: 'same', dataFormat: 'NHWC' } as never) as tf.Tensor4D;
        const r = tf.stridedSlice(g, [0, 0, 0, 0], big, [d, d, 1, 1]);
        return [r, r];
      };
      await expectWasmMatchesCpu(`same-positions filter grad ${c.label}`, () => {
        const x = rand(c.x, 61);
        const dy = rand(dyShape, 62);
        const direct = samePositionsFilterGrad(tf.backend() as never, x, dy, info, c.chunk ?? SAME_POSITIONS_CHUNK);
        const kernel = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { filterShape: c.filter, strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: d } as never) as tf.Tensor;
        return [tf.engine().makeTensorFromTensorInfo(direct), kernel];
      }, { reference });
    });
  }

  it('is not used for valid padding or strides above 1', () => {
    const valid = tf.backend_util.computeConv2DInfo([1, 7, 7, 3], [3, 3, 3, 2], 1, 1, 'valid', undefined, false, 'channelsLast');
    const strided = tf.backend_util.computeConv2DInfo([1, 7, 7, 3], [3, 3, 3, 2], 2, 1, 'same', undefined, false, 'channelsLast');
    expect(samePositionsApply(valid)).toBe(false);
    expect(samePositionsApply(strided)).toBe(false);
  });

  it('same seed, same numbers; leaks neither tensors nor backend buffers', async () => {
    const x = rand([3, 7, 7, 3], 63) as tf.Tensor4D;
    const w = rand([3, 3, 3, 8], 64) as tf.Tensor4D;
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'))));
    const run = () => g([x, w]);
    await expectNoLeaks(run, { label: 'same conv2d grads' });
    const before = backendDataIds();
    const [a1, b1] = run();
    const [a2, b2] = run();
    expect(Array.from(b1!.dataSync())).toEqual(Array.from(b2!.dataSync()));
    expect(Array.from(a1!.dataSync())).toEqual(Array.from(a2!.dataSync()));
    tf.dispose([a1!, b1!, a2!, b2!]);
    expect(backendDataIds()).toBe(before);
    tf.dispose([x, w]);
  });
});
