import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { convFormFilterGrad, SHIFTED_PRODUCTS_CHUNK, SHIFTED_PRODUCTS_MIN_IMAGE, SHIFTED_PRODUCTS_MIN_OUT_CHANNELS, shiftedProductsFilterGrad } from '../../src/kernels/wasm-conv2d-backprop-filter.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';
import { backendDataIds, expectWasmMatchesCpu, rand, useWasmWithLeakChecks } from './compare.js';

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

interface ConvCase {
  label: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

const CASES: ConvCase[] = [
  { label: '3×3 same stride 1', x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { label: '3×3 same stride 2', x: [2, 9, 9, 3], filter: [3, 3, 3, 4], strides: 2, pad: 'same' },
  { label: '3×2 valid strides [2,1]', x: [1, 10, 8, 2], filter: [3, 2, 2, 5], strides: [2, 1], pad: 'valid' },
  { label: '5×5 same stride 3', x: [2, 11, 11, 4], filter: [5, 5, 4, 3], strides: 3, pad: 'same' },
  { label: '4×4 (even) same stride 2', x: [1, 7, 7, 3], filter: [4, 4, 3, 3], strides: 2, pad: 'same' },
  { label: '1×1 valid stride 2', x: [3, 8, 8, 2], filter: [1, 1, 2, 2], strides: 2, pad: 'valid' },
  { label: '3×3 valid stride 2, unused last row', x: [2, 8, 8, 3], filter: [3, 3, 3, 2], strides: 2, pad: 'valid' },
  {
    label: 'explicit padding stride 2',
    x: [2, 9, 8, 2],
    filter: [3, 3, 2, 3],
    strides: 2,
    pad: [[0, 0], [1, 2], [0, 1], [0, 0]],
  },
  { label: 'numeric pad with ceil rounding', x: [1, 8, 8, 2], filter: [3, 3, 2, 2], strides: 2, pad: 1, dimRoundingMode: 'ceil' },
];

function outShapeOf(c: ConvCase): [number, number, number, number] {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, c.dimRoundingMode);
  return info.outShape as [number, number, number, number];
}

describe('wasm Conv2DBackpropInput override and Conv2DBackpropFilter addition', () => {
  useWasmWithLeakChecks();

  for (const c of CASES) {
    it(`Conv2DBackpropInput matches cpu: ${c.label}`, async () => {
      await expectWasmMatchesCpu(`input grad ${c.label}`, () =>
        tf.engine().runKernel(
          'Conv2DBackpropInput',
          { dy: rand(outShapeOf(c), 41), filter: rand(c.filter, 42) },
          { inputShape: c.x, strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode } as never,
        ) as tf.Tensor,
      );
    });

    it(`Conv2DBackpropFilter matches cpu: ${c.label}`, async () => {
      await expectWasmMatchesCpu(`filter grad ${c.label}`, () =>
        tf.engine().runKernel(
          'Conv2DBackpropFilter',
          { x: rand(c.x, 43), dy: rand(outShapeOf(c), 44) },
          { filterShape: c.filter, strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.dimRoundingMode } as never,
        ) as tf.Tensor,
      );
    });
  }

  // The stride-1 filter gradient runs as shifted products over a padded grid (images grouped in chunks).
  const STRIDE_ONE: (ConvCase & { dilations?: number; chunk?: number })[] = [
    { label: 'U-Net 3×3 same, several chunks with a remainder', x: [5, 7, 6, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same', chunk: 100 },
    { label: '1×1 (skip projection)', x: [3, 5, 5, 4], filter: [1, 1, 4, 6], strides: 1, pad: 'valid' },
    { label: '3×3 valid', x: [2, 8, 7, 2], filter: [3, 3, 2, 3], strides: 1, pad: 'valid' },
    { label: '2×3 (even) same', x: [2, 6, 7, 2], filter: [2, 3, 2, 3], strides: 1, pad: 'same' },
    { label: '3×3 dilation 2 same', x: [2, 9, 9, 2], filter: [3, 3, 2, 2], strides: 1, pad: 'same', dilations: 2 },
    { label: 'explicit asymmetric padding', x: [2, 6, 6, 2], filter: [3, 3, 2, 2], strides: 1, pad: [[0, 0], [2, 0], [0, 1], [0, 0]] },
    { label: 'one input channel', x: [4, 6, 6, 1], filter: [3, 3, 1, 5], strides: 1, pad: 'same' },
    { label: 'image of 17×16 (≥ 256 positions: the kernel takes this path)', x: [3, 17, 16, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  ];
  for (const c of STRIDE_ONE) {
    it(`stride-1 Conv2DBackpropFilter (shifted products) matches cpu: ${c.label}`, async () => {
      const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, 1, c.dilations ?? 1, c.pad);
      const dyShape = info.outShape as [number, number, number, number];
      const attrs = { filterShape: c.filter, strides: 1, pad: c.pad, dataFormat: 'NHWC', dilations: c.dilations ?? 1 };
      // tfjs's cpu kernel ignores dilations: a filter dilated by d is the (k−1)·d+1 filter with zeros
      // between taps, whose gradient at the taps is the reference.
      const d = c.dilations ?? 1;
      const big = [(c.filter[0] - 1) * d + 1, (c.filter[1] - 1) * d + 1, c.filter[2], c.filter[3]];
      const reference = () => {
        const g = tf.engine().runKernel('Conv2DBackpropFilter', { x: rand(c.x, 51), dy: rand(dyShape, 52) }, { ...attrs, filterShape: big, dilations: 1 } as never) as tf.Tensor4D;
        const r = tf.stridedSlice(g, [0, 0, 0, 0], big, [d, d, 1, 1]);
        return [r, r];
      };
      await expectWasmMatchesCpu(`filter grad ${c.label}`, () => {
        // Small images go to the one-convolution form in the kernel; call the shifted products directly.
        const x = rand(c.x, 51);
        const dy = rand(dyShape, 52);
        const backend = tf.backend() as never;
        const full = tf.backend_util.computeConv2DInfo(c.x, c.filter, 1, d, c.pad, undefined, false, 'channelsLast');
        const stacked = shiftedProductsFilterGrad(backend, x, dy, full, c.chunk ?? SHIFTED_PRODUCTS_CHUNK, true);
        const perTap = shiftedProductsFilterGrad(backend, x, dy, full, c.chunk ?? SHIFTED_PRODUCTS_CHUNK, false);
        return [tf.engine().makeTensorFromTensorInfo(stacked), tf.engine().makeTensorFromTensorInfo(perTap)];
      }, { reference });
    });
  }

  for (const c of STRIDE_ONE.filter((k) => (k.dilations ?? 1) === 1)) {
    it(`stride-1 Conv2DBackpropInput (padding inside the conv) matches cpu: ${c.label}`, async () => {
      const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, 1, 1, c.pad);
      await expectWasmMatchesCpu(`input grad ${c.label}`, () =>
        tf.engine().runKernel(
          'Conv2DBackpropInput',
          { dy: rand(info.outShape, 55), filter: rand(c.filter, 56) },
          { inputShape: c.x, strides: 1, pad: c.pad, dataFormat: 'NHWC' } as never,
        ) as tf.Tensor,
      );
    });
  }

  it('the kernel takes the shifted products from 256 output positions and 8 output channels on (17×16 same)', async () => {
    expect(SHIFTED_PRODUCTS_MIN_IMAGE).toBe(256);
    expect(SHIFTED_PRODUCTS_MIN_OUT_CHANNELS).toBe(8);
    const attrs = { filterShape: [3, 3, 3, 8], strides: 1, pad: 'same', dataFormat: 'NHWC' };
    await expectWasmMatchesCpu('filter grad kernel 17×16', () =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x: rand([3, 17, 16, 3], 57), dy: rand([3, 17, 16, 8], 58) }, attrs as never) as tf.Tensor,
    );
  });

  it('shifted products write every grid position (no stale heap values), chunks with empty slots', async () => {
    // 5 images in chunks of 2 (the last chunk has an empty slot); the heap is first filled with NaN so a
    // position the kernel forgot to write would show.
    const c: ConvCase = { label: 'dirty heap', x: [5, 7, 6, 3], filter: [3, 3, 3, 8], strides: 1, pad: 'same' };
    const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, 1, 1, 'same', undefined, false, 'channelsLast');
    const reference = () =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x: rand(c.x, 59), dy: rand(info.outShape, 60) }, { filterShape: c.filter, strides: 1, pad: 'same', dataFormat: 'NHWC' } as never) as tf.Tensor;
    await expectWasmMatchesCpu('filter grad on a dirty heap', () => {
      tf.dispose(tf.fill([1 << 16], NaN));
      const x = rand(c.x, 59);
      const dy = rand(info.outShape, 60);
      tf.dispose(tf.fill([1 << 16], NaN));
      const backend = tf.backend() as never;
      const perTap = shiftedProductsFilterGrad(backend, x, dy, info, 2 * 8 * 7, false);
      const stacked = shiftedProductsFilterGrad(backend, x, dy, info, 2 * 8 * 7, true);
      return [tf.engine().makeTensorFromTensorInfo(perTap), tf.engine().makeTensorFromTensorInfo(stacked)];
    }, { reference: () => [reference(), reference()] });
  });

  it('stride-1 filter gradient: one product per tap gives the same as stacked taps', async () => {
    const x = rand([3, 6, 6, 4], 53);
    const dy = rand([3, 6, 6, 5], 54);
    const info = tf.backend_util.computeConv2DInfo([3, 6, 6, 4], [3, 3, 4, 5], 1, 1, 'same', undefined, false, 'channelsLast');
    const backend = tf.backend() as never;
    const stacked = tf.engine().makeTensorFromTensorInfo(shiftedProductsFilterGrad(backend, x, dy, info, 40, true));
    const perTap = tf.engine().makeTensorFromTensorInfo(shiftedProductsFilterGrad(backend, x, dy, info, 40, false));
    const conv = tf.engine().makeTensorFromTensorInfo(convFormFilterGrad(backend, x, dy, info));
    expectAllClose(perTap, stacked, { rtol: 1e-5, atol: 1e-5 });
    expectAllClose(conv, stacked, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([x, dy, stacked, perTap, conv]);
  });

  it('conv2dTranspose (which runs Conv2DBackpropInput) matches cpu', async () => {
    await expectWasmMatchesCpu('conv2dTranspose', () =>
      tf.conv2dTranspose(rand([2, 5, 5, 4], 45) as tf.Tensor4D, rand([3, 3, 6, 4], 46) as tf.Tensor4D, [2, 10, 10, 6], 2, 'same'),
    );
  });

  it('conv2d gradients match cpu', async () => {
    await expectWasmMatchesCpu('conv2d grads', () => {
      const f = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same')));
      return tf.grads(f)([rand([2, 12, 12, 3], 47), rand([3, 3, 3, 5], 48)]);
    });
  });

  it('rejects NCHW and mismatched dy clearly', () => {
    expect(() =>
      tf.tidy(() =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.zeros([1, 3, 5, 5]), dy: tf.zeros([1, 3, 5, 5]) }, {
          filterShape: [3, 3, 3, 3],
          strides: 1,
          pad: 'same',
          dataFormat: 'NCHW',
        } as never),
      ),
    ).toThrow(/NHWC/);
    expect(() =>
      tf.tidy(() =>
        tf.engine().runKernel('Conv2DBackpropFilter', { x: tf.zeros([1, 5, 5, 3]), dy: tf.zeros([1, 4, 4, 2]) }, {
          filterShape: [3, 3, 3, 2],
          strides: 1,
          pad: 'same',
          dataFormat: 'NHWC',
        } as never),
      ),
    ).toThrow(/dy has shape \[1,4,4,2\], expected \[1,5,5,2\]/);
  });

  it('leaks neither tensors nor backend buffers', async () => {
    const x = rand([2, 9, 9, 3], 49) as tf.Tensor4D;
    const w = rand([3, 3, 3, 4], 50) as tf.Tensor4D;
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.add(tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')), tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'))),
    );
    const run = () => g([x, w]);
    await expectNoLeaks(run, { label: 'conv2d grads' });
    const before = backendDataIds();
    tf.dispose(run());
    expect(backendDataIds()).toBe(before);
    tf.dispose([x, w]);
  });
});
