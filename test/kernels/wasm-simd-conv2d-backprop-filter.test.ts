import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { simdConv2DBackpropFilter, simdFilterGradKernels } from '../../src/kernels/wasm-simd-conv2d-backprop-filter.js';
import { expectNoLeaks } from '../helpers/index.js';
import { backendDataIds, expectWasmMatchesCpu, rand, useWasmWithLeakChecks } from './compare.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

interface SimdCase {
  label: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  pad: Pad;
  dilations?: number;
  strides?: number | [number, number];
}

// Odd sizes, batch 1 and 3, CI 1/3/8 (1 and 3 take the padded form, 8 the in-place form), CO 8 and 16,
// strides 1, 2, 3 and [2, 1], padding same / valid / explicit, dilation 2.
const CASES: SimdCase[] = [
  { label: '3×3 same, CI 8 → CO 16, batch 3, 7×7', x: [3, 7, 7, 8], filter: [3, 3, 8, 16], pad: 'same' },
  { label: '3×3 valid, CI 8 → CO 8, batch 1, 15×15', x: [1, 15, 15, 8], filter: [3, 3, 8, 8], pad: 'valid' },
  { label: '3×3 same, CI 1 → CO 8, batch 3, 15×7', x: [3, 15, 7, 1], filter: [3, 3, 1, 8], pad: 'same' },
  { label: '3×3 valid, CI 3 → CO 16, batch 1, 7×15', x: [1, 7, 15, 3], filter: [3, 3, 3, 16], pad: 'valid' },
  { label: '3×3 same, CI 3 → CO 8, batch 3, 7×7', x: [3, 7, 7, 3], filter: [3, 3, 3, 8], pad: 'same' },
  { label: '1×1 (skip projection), CI 12 → CO 8', x: [3, 7, 7, 12], filter: [1, 1, 12, 8], pad: 'valid' },
  { label: '2×3 (even) same, CI 4 → CO 8', x: [3, 7, 8, 4], filter: [2, 3, 4, 8], pad: 'same' },
  { label: '5×5 same on a 3×3 image (taps with no rows inside), CI 4', x: [1, 3, 3, 4], filter: [5, 5, 4, 8], pad: 'same' },
  { label: 'explicit asymmetric padding, CI 8', x: [3, 7, 7, 8], filter: [3, 3, 8, 8], pad: [[0, 0], [2, 0], [0, 1], [0, 0]] },
  { label: 'explicit asymmetric padding, CI 3', x: [3, 7, 7, 3], filter: [3, 3, 3, 8], pad: [[0, 0], [0, 2], [1, 0], [0, 0]] },
  { label: '3×3 dilation 2 same, CI 8', x: [2, 9, 9, 8], filter: [3, 3, 8, 8], pad: 'same', dilations: 2 },
  { label: '3×3 dilation 2 same, CI 2', x: [2, 9, 9, 2], filter: [3, 3, 2, 8], pad: 'same', dilations: 2 },
  { label: '3×3 same stride 2, CI 8 (U-Net down conv)', x: [3, 9, 9, 8], filter: [3, 3, 8, 8], pad: 'same', strides: 2 },
  { label: '3×3 valid stride 2, unused last row, CI 3', x: [2, 8, 8, 3], filter: [3, 3, 3, 8], pad: 'valid', strides: 2 },
  { label: '3×2 valid strides [2,1], CI 4', x: [1, 10, 8, 4], filter: [3, 2, 4, 16], pad: 'valid', strides: [2, 1] },
  { label: '5×5 same stride 3, CI 1', x: [2, 11, 11, 1], filter: [5, 5, 1, 8], pad: 'same', strides: 3 },
  { label: 'explicit padding stride 2, CI 12', x: [2, 9, 8, 12], filter: [3, 3, 12, 8], pad: [[0, 0], [1, 2], [0, 1], [0, 0]], strides: 2 },
];

/** The reference on cpu, whose kernel ignores dilations: the dilated filter's gradient at its taps. */
function cpuReference(c: SimdCase, x: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  const d = c.dilations ?? 1;
  const big = [(c.filter[0] - 1) * d + 1, (c.filter[1] - 1) * d + 1, c.filter[2], c.filter[3]];
  const g = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { filterShape: big, strides: c.strides ?? 1, pad: c.pad, dataFormat: 'NHWC', dilations: 1 } as never) as tf.Tensor4D;
  return tf.stridedSlice(g, [0, 0, 0, 0], big, [d, d, 1, 1]);
}

function infoOf(c: SimdCase): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides ?? 1, c.dilations ?? 1, c.pad, undefined, false, 'channelsLast');
}

/** Runs the SIMD kernel directly (failing if it declines) and wraps its output. */
function simd(c: SimdCase, x: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  const out = simdConv2DBackpropFilter(tf.backend() as never, x, dy, infoOf(c));
  if (out === null) throw new Error(`the SIMD kernel declined ${c.label}`);
  return tf.engine().makeTensorFromTensorInfo(out);
}

describe('wasm SIMD Conv2DBackpropFilter (own WebAssembly kernel)', () => {
  useWasmWithLeakChecks();

  it('instantiates on the wasm backend (SIMD available in node 20)', () => {
    expect(simdFilterGradKernels(tf.backend() as never)).not.toBeNull();
  });

  for (const c of CASES) {
    it(`matches cpu: ${c.label}`, async () => {
      const dyShape = infoOf(c).outShape;
      await expectWasmMatchesCpu(c.label, () => simd(c, rand(c.x, 61), rand(dyShape, 62)), {
        reference: () => cpuReference(c, rand(c.x, 61), rand(dyShape, 62)),
      });
    });
  }

  it('the Conv2DBackpropFilter kernel takes it for U-Net-like shapes (stride 1, CO a multiple of 8)', async () => {
    const attrs = { filterShape: [3, 3, 8, 16], strides: 1, pad: 'same', dataFormat: 'NHWC' };
    await expectWasmMatchesCpu('kernel 3×3 8 → 16', () =>
      tf.engine().runKernel('Conv2DBackpropFilter', { x: rand([3, 15, 15, 8], 63), dy: rand([3, 15, 15, 16], 64) }, attrs as never) as tf.Tensor,
    );
  });

  it('declines CO not a multiple of 8 (the XNNPACK paths run)', () => {
    const x = rand([1, 7, 7, 4], 65);
    const backend = tf.backend() as never;
    for (const co of [1, 4, 12]) {
      const narrow = tf.backend_util.computeConv2DInfo([1, 7, 7, 4], [3, 3, 4, co], 1, 1, 'same', undefined, false, 'channelsLast');
      const dy = rand(narrow.outShape, 66);
      expect(simdConv2DBackpropFilter(backend, x, dy, narrow)).toBeNull();
      dy.dispose();
    }
    x.dispose();
  });

  it('same inputs, same bits; a dirty heap changes nothing; no buffers left behind', async () => {
    const c = CASES[0]!;
    const dyShape = infoOf(c).outShape;
    const x = rand(c.x, 68);
    const dy = rand(dyShape, 69);
    const xp = rand([3, 7, 7, 3], 70);
    const dyp = rand([3, 7, 7, 8], 71);
    const padCase: SimdCase = { label: 'padded', x: [3, 7, 7, 3], filter: [3, 3, 3, 8], pad: 'same' };
    const first = [simd(c, x, dy), simd(padCase, xp, dyp)];
    const a = first.map((t) => t.dataSync().slice());
    tf.dispose(first);
    tf.dispose(tf.fill([1 << 16], NaN)); // freed memory full of NaN: a value the kernel forgot to write would show
    const before = backendDataIds();
    await expectNoLeaks(() => {
      for (let i = 0; i < 3; i++) {
        const again = [simd(c, x, dy), simd(padCase, xp, dyp)];
        const b = again.map((t) => t.dataSync());
        tf.dispose(again);
        expect(b[0]).toEqual(a[0]);
        expect(b[1]).toEqual(a[1]);
      }
    });
    expect(backendDataIds()).toBe(before);
    tf.dispose([x, dy, xp, dyp]);
  });
});
