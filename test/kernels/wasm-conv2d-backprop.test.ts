import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../helpers/index.js';
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
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')));
    const run = () => g([x, w]);
    await expectNoLeaks(run, { label: 'conv2d grads' });
    const before = backendDataIds();
    tf.dispose(run());
    expect(backendDataIds()).toBe(before);
    tf.dispose([x, w]);
  });
});
