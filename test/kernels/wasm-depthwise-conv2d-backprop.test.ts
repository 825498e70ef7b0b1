import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../helpers/index.js';
import { backendDataIds, expectWasmMatchesCpu, rand, useWasmWithLeakChecks } from './compare.js';

interface DepthwiseCase {
  label: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  dilations: number | [number, number];
  pad: 'same' | 'valid' | number;
}

const CASES: DepthwiseCase[] = [
  { label: '3×3 same, multiplier 1', x: [2, 8, 8, 3], filter: [3, 3, 3, 1], strides: 1, dilations: 1, pad: 'same' },
  { label: '3×3 same stride 2, multiplier 2', x: [2, 9, 9, 3], filter: [3, 3, 3, 2], strides: 2, dilations: 1, pad: 'same' },
  { label: '5×3 valid strides [1,2], multiplier 3', x: [1, 10, 9, 2], filter: [5, 3, 2, 3], strides: [1, 2], dilations: 1, pad: 'valid' },
  { label: '3×3 same dilation 2', x: [2, 10, 10, 4], filter: [3, 3, 4, 1], strides: 1, dilations: 2, pad: 'same' },
  { label: '2×2 valid dilation [2,1], multiplier 2', x: [1, 7, 7, 2], filter: [2, 2, 2, 2], strides: 1, dilations: [2, 1], pad: 'valid' },
];

/**
 * The cpu kernels ignore `dilations` in their loops, so dilated cases are checked against the cpu kernel
 * run on the equivalent undilated filter: zeros interleaved, `[(FH−1)·dh+1, (FW−1)·dw+1, CI, CM]`.
 */
function dilatedFilter(f: tf.Tensor, dilations: number | [number, number]): tf.Tensor {
  const [dh, dw] = typeof dilations === 'number' ? [dilations, dilations] : dilations;
  const [fh, fw, ci, cm] = f.shape as [number, number, number, number];
  const padded = tf.pad(tf.reshape(f, [fh, 1, fw, 1, ci, cm]), [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
  const merged = tf.reshape(padded, [fh * dh, fw * dw, ci, cm]);
  return tf.slice(merged, [0, 0, 0, 0], [(fh - 1) * dh + 1, (fw - 1) * dw + 1, ci, cm]);
}

function isDilated(c: DepthwiseCase): boolean {
  return typeof c.dilations === 'number' ? c.dilations !== 1 : c.dilations.some((d) => d !== 1);
}

function outShapeOf(c: DepthwiseCase): [number, number, number, number] {
  const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, c.dilations, c.pad, undefined, true);
  return info.outShape as [number, number, number, number];
}

describe('wasm DepthwiseConv2dNativeBackpropInput / BackpropFilter additions', () => {
  useWasmWithLeakChecks();

  for (const c of CASES) {
    const attrs = { strides: c.strides, dilations: c.dilations, pad: c.pad };
    const inputGrad = (filter: tf.Tensor, dilations: DepthwiseCase['dilations']) =>
      tf.engine().runKernel(
        'DepthwiseConv2dNativeBackpropInput',
        { dy: rand(outShapeOf(c), 51), filter },
        { ...attrs, dilations, inputShape: c.x } as never,
      ) as tf.Tensor;
    it(`BackpropInput matches cpu: ${c.label}`, async () => {
      await expectWasmMatchesCpu(`depthwise input grad ${c.label}`, () => inputGrad(rand(c.filter, 52), c.dilations), {
        reference: isDilated(c) ? () => inputGrad(dilatedFilter(rand(c.filter, 52), c.dilations), 1) : undefined,
      });
    });
    const filterGrad = (filterShape: number[], dilations: DepthwiseCase['dilations']) =>
      tf.engine().runKernel(
        'DepthwiseConv2dNativeBackpropFilter',
        { x: rand(c.x, 53), dy: rand(outShapeOf(c), 54) },
        { ...attrs, dilations, filterShape } as never,
      ) as tf.Tensor;
    it(`BackpropFilter matches cpu: ${c.label}`, async () => {
      const reference = () => {
        const [dh, dw] = typeof c.dilations === 'number' ? [c.dilations, c.dilations] : c.dilations;
        const [fh, fw, ci, cm] = c.filter;
        const full = filterGrad([(fh - 1) * dh + 1, (fw - 1) * dw + 1, ci, cm], 1);
        return tf.stridedSlice(full, [0, 0, 0, 0], [full.shape[0]!, full.shape[1]!, ci, cm], [dh, dw, 1, 1]);
      };
      await expectWasmMatchesCpu(`depthwise filter grad ${c.label}`, () => filterGrad(c.filter, c.dilations), {
        reference: isDilated(c) ? reference : undefined,
      });
    });
  }

  it('depthwise and separable conv2d gradients match cpu', async () => {
    await expectWasmMatchesCpu('separable grads', () => {
      const f = (x: tf.Tensor, dw: tf.Tensor, pw: tf.Tensor) =>
        tf.sum(tf.square(tf.separableConv2d(x as tf.Tensor4D, dw as tf.Tensor4D, pw as tf.Tensor4D, 2, 'same')));
      return tf.grads(f)([rand([2, 10, 10, 3], 55), rand([3, 3, 3, 2], 56), rand([1, 1, 6, 4], 57)]);
    });
  });

  it('leaks neither tensors nor backend buffers', async () => {
    const x = rand([2, 8, 8, 3], 58) as tf.Tensor4D;
    const w = rand([3, 3, 3, 2], 59) as tf.Tensor4D;
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')));
    const run = () => g([x, w]);
    await expectNoLeaks(run, { label: 'depthwise grads' });
    const before = backendDataIds();
    tf.dispose(run());
    expect(backendDataIds()).toBe(before);
    tf.dispose([x, w]);
  });
});
