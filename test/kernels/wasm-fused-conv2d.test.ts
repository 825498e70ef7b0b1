import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { wasmKernel } from '../../src/kernels/wasm-common.js';
import { createWasmFusedConv2DKernel, simdFusedConv2D } from '../../src/kernels/wasm-fused-conv2d.js';
import { expectWasmMatchesCpu, rand, useWasmWithLeakChecks } from './compare.js';

interface Case {
  label: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
  strides?: number;
  bias?: boolean;
  activation?: 'linear' | 'relu';
}

// Through the override's kernel function (called directly: the override is not registered by default).
const CASES: Case[] = [
  { label: '3×3 same, 32 → 16, bias (SIMD)', x: [3, 7, 7, 32], filter: [3, 3, 32, 16], pad: 'same', bias: true },
  { label: '3×3 valid, 64 → 8, no bias (SIMD)', x: [1, 9, 11, 64], filter: [3, 3, 64, 8], pad: 'valid' },
  { label: '1×1, 64 → 32, bias (SIMD)', x: [3, 5, 7, 64], filter: [1, 1, 64, 32], pad: 'same', bias: true },
  { label: 'explicit padding, 32 → 8 (SIMD)', x: [1, 6, 7, 32], filter: [3, 2, 32, 8], pad: [[0, 0], [2, 0], [0, 1], [0, 0]], bias: true },
  { label: 'stride 2 (backend kernel)', x: [2, 9, 9, 32], filter: [3, 3, 32, 8], pad: 'same', strides: 2, bias: true },
  { label: 'relu (backend kernel)', x: [2, 7, 7, 32], filter: [3, 3, 32, 8], pad: 'same', bias: true, activation: 'relu' },
  { label: '8 input channels (backend kernel)', x: [2, 7, 7, 8], filter: [3, 3, 8, 8], pad: 'same', bias: true },
];

describe('wasm FusedConv2D through the SIMD conv', () => {
  useWasmWithLeakChecks();

  for (const c of CASES) {
    it(`matches cpu: ${c.label}`, async () => {
      const inputs = () => ({ x: rand(c.x, 91) as tf.Tensor4D, filter: rand(c.filter, 92) as tf.Tensor4D, bias: c.bias ? rand([c.filter[3]], 93) : undefined });
      const attrs = { strides: c.strides ?? 1, pad: c.pad, dataFormat: 'NHWC', dilations: 1, activation: c.activation ?? 'linear' };
      await expectWasmMatchesCpu(c.label, () => {
        const { x, filter, bias } = inputs();
        const kernel = createWasmFusedConv2DKernel(wasmKernel('FusedConv2D'));
        const out = kernel.kernelFunc({ inputs: { x, filter, bias } as never, backend: tf.backend(), attrs: attrs as never }) as tf.TensorInfo;
        return tf.engine().makeTensorFromTensorInfo(out);
      }, {
        reference: () => {
          const { x, filter, bias } = inputs();
          return tf.fused.conv2d({ x, filter, bias, strides: c.strides ?? 1, pad: c.pad, activation: c.activation ?? 'linear' });
        },
      });
    });
  }

  it('takes the SIMD path exactly where it applies', () => {
    const backend = tf.backend() as never;
    const x = rand([1, 6, 6, 32], 94);
    const f = rand([3, 3, 32, 8], 95);
    const b = rand([8], 96);
    const wide = rand([1, 1, 1, 8], 97);
    const base = { strides: 1, pad: 'same' as const, dataFormat: 'NHWC' as const };
    const simd = simdFusedConv2D(backend, x, f, b, undefined, base);
    expect(simd).not.toBeNull();
    tf.engine().makeTensorFromTensorInfo(simd!).dispose();
    expect(simdFusedConv2D(backend, x, f, b, undefined, { ...base, activation: 'relu' })).toBeNull();
    expect(simdFusedConv2D(backend, x, f, b, undefined, { ...base, strides: 2 })).toBeNull();
    expect(simdFusedConv2D(backend, x, f, b, undefined, { ...base, dilations: 2 })).toBeNull();
    expect(simdFusedConv2D(backend, x, f, wide, undefined, base)).toBeNull();
    tf.dispose([x, f, b, wide]);
  });
});
