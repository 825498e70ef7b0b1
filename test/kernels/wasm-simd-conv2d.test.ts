import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { SIMD_CONV_IN_CHANNELS, simdConv2D, type SpatialPadding } from '../../src/kernels/wasm-simd-conv2d.js';
import { expectNoLeaks } from '../helpers/index.js';
import { backendDataIds, expectWasmMatchesCpu, rand, useWasmWithLeakChecks } from './compare.js';

interface ConvCase {
  label: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  pad: SpatialPadding;
  bias: boolean;
}

// Odd sizes, batch 1 and 3, CI 32 and 64, CO 8 and 16, padding none / symmetric / asymmetric.
const CASES: ConvCase[] = [
  { label: '3×3 same, 32 → 16, batch 3, 7×7, bias', x: [3, 7, 7, 32], filter: [3, 3, 32, 16], pad: [1, 1, 1, 1], bias: true },
  { label: '3×3 valid, 64 → 8, batch 1, 9×15', x: [1, 9, 15, 64], filter: [3, 3, 64, 8], pad: [0, 0, 0, 0], bias: false },
  { label: '1×1, 32 → 8, batch 3, 5×7 (last group of a row overlaps)', x: [3, 5, 7, 32], filter: [1, 1, 32, 8], pad: [0, 0, 0, 0], bias: true },
  { label: '2×3 asymmetric padding, 32 → 8, batch 1, 6×5', x: [1, 6, 5, 32], filter: [2, 3, 32, 8], pad: [0, 1, 2, 0], bias: false },
  { label: '3×3 same, 64 → 16, batch 3, 4×4 (one group per row)', x: [3, 4, 4, 64], filter: [3, 3, 64, 16], pad: [1, 1, 1, 1], bias: true },
];

/** The cpu reference: an explicitly padded conv2d, plus the bias. */
function reference(c: ConvCase, x: tf.Tensor4D, f: tf.Tensor4D, b: tf.Tensor | null): tf.Tensor {
  const [top, bottom, left, right] = c.pad;
  const y = tf.conv2d(x, f, 1, [[0, 0], [top, bottom], [left, right], [0, 0]]);
  return b === null ? y : tf.add(y, b);
}

function runSimd(c: ConvCase, x: tf.Tensor, f: tf.Tensor, b: tf.Tensor | null): tf.Tensor {
  const out = simdConv2D(tf.backend() as never, x, f, b, c.pad);
  if (out === null) throw new Error(`the SIMD conv declined ${c.label}`);
  return tf.engine().makeTensorFromTensorInfo(out);
}

describe('wasm SIMD conv2d (own WebAssembly kernel)', () => {
  useWasmWithLeakChecks();

  for (const c of CASES) {
    it(`matches cpu: ${c.label}`, async () => {
      const inputs = () => [rand(c.x, 81) as tf.Tensor4D, rand(c.filter, 82) as tf.Tensor4D, c.bias ? rand([c.filter[3]], 83) : null] as const;
      await expectWasmMatchesCpu(c.label, () => runSimd(c, ...inputs()), { reference: () => reference(c, ...inputs()) });
    });
  }

  it('declines other channel counts, CO not a multiple of 8 and fewer than 4 output columns', () => {
    expect(SIMD_CONV_IN_CHANNELS).toEqual([32, 64]);
    const backend = tf.backend() as never;
    const cases: [number[], number[]][] = [
      [[1, 6, 6, 16], [3, 3, 16, 8]],
      [[1, 6, 6, 32], [3, 3, 32, 4]],
      [[1, 6, 5, 32], [3, 3, 32, 8]], // 5 − 3 + 1 = 3 columns
    ];
    for (const [xs, fs] of cases) {
      const x = rand(xs, 84);
      const f = rand(fs, 85);
      expect(simdConv2D(backend, x, f, null, [0, 0, 0, 0])).toBeNull();
      tf.dispose([x, f]);
    }
  });

  // The stride-1 input gradient of conv2d runs through it when dy has 32 or 64 channels.
  // Stride 2 runs the phase convolution (all stride phases as output channels) through it.
  const GRAD_CASES: { label: string; x: [number, number, number, number]; filter: [number, number, number, number]; pad: 'same' | 'valid'; strides?: number }[] = [
    { label: '3×3 same, 8 → 32, batch 3, 7×7', x: [3, 7, 7, 8], filter: [3, 3, 8, 32], pad: 'same' },
    { label: '3×3 valid, 3 → 64, batch 1, 9×11', x: [1, 9, 11, 3], filter: [3, 3, 3, 64], pad: 'valid' },
    { label: '3×3 same, 16 → 32, batch 1, 15×15', x: [1, 15, 15, 16], filter: [3, 3, 16, 32], pad: 'same' },
    { label: '3×3 same stride 2, 8 → 32, batch 3, 9×9', x: [3, 9, 9, 8], filter: [3, 3, 8, 32], pad: 'same', strides: 2 },
    { label: '3×3 valid stride 2, 4 → 64, batch 1, 8×8', x: [1, 8, 8, 4], filter: [3, 3, 4, 64], pad: 'valid', strides: 2 },
  ];
  for (const c of GRAD_CASES) {
    it(`Conv2DBackpropInput through it matches cpu: ${c.label}`, async () => {
      const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides ?? 1, 1, c.pad);
      await expectWasmMatchesCpu(c.label, () =>
        tf.engine().runKernel(
          'Conv2DBackpropInput',
          { dy: rand(info.outShape, 86), filter: rand(c.filter, 87) },
          { inputShape: c.x, strides: c.strides ?? 1, pad: c.pad, dataFormat: 'NHWC' } as never,
        ) as tf.Tensor,
      );
    });
  }

  it('same inputs, same bits; a dirty heap changes nothing; no buffers left behind', async () => {
    const c = CASES[0]!;
    const x = rand(c.x, 88);
    const f = rand(c.filter, 89);
    const b = rand([c.filter[3]], 90);
    const first = runSimd(c, x, f, b);
    const a = first.dataSync().slice();
    first.dispose();
    tf.dispose(tf.fill([1 << 16], NaN)); // freed memory full of NaN: a value the kernel forgot to write would show
    const before = backendDataIds();
    await expectNoLeaks(() => {
      for (let i = 0; i < 3; i++) {
        const again = runSimd(c, x, f, b);
        expect(again.dataSync()).toEqual(a);
        again.dispose();
      }
    });
    expect(backendDataIds()).toBe(before);
    tf.dispose([x, f, b]);
  });
});
