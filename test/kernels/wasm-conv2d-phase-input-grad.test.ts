import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { phaseInputGrad, wasmConv2DBackpropInput } from '../../src/kernels/wasm-conv2d-backprop-input.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';
import { backendDataIds, expectWasmMatchesCpu, rand, useWasmWithLeakChecks } from './compare.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

interface PhaseCase {
  label: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
}

// The strided input gradient as one convolution over all stride phases, against tfjs's cpu kernel
// (float32 accuracy: |wasm − cpu| ≤ 1e-4·max(1, max|cpu|)).
const CASES: PhaseCase[] = [
  { label: 'U-Net down conv: 3×3 same stride 2, 15×15 (odd), batch 3, 8→8', x: [3, 15, 15, 8], filter: [3, 3, 8, 8], strides: 2, pad: 'same' },
  { label: '3×3 same stride 2, 14×14 (even), batch 1, 3→8', x: [1, 14, 14, 3], filter: [3, 3, 3, 8], strides: 2, pad: 'same' },
  { label: '3×3 valid stride 2, 7×7, 1→3', x: [3, 7, 7, 1], filter: [3, 3, 1, 3], strides: 2, pad: 'valid' },
  { label: '3×3 valid stride 2, 8×8 (last row unused), 3→1', x: [3, 8, 8, 3], filter: [3, 3, 3, 1], strides: 2, pad: 'valid' },
  { label: '2×2 stride 2 (no overlap), 7×7', x: [3, 7, 7, 3], filter: [2, 2, 3, 8], strides: 2, pad: 'same' },
  { label: '5×5 same stride 3, 15×7', x: [1, 15, 7, 3], filter: [5, 5, 3, 8], strides: 3, pad: 'same' },
  { label: '4×3 strides [2, 1]', x: [3, 7, 15, 3], filter: [4, 3, 3, 8], strides: [2, 1], pad: 'same' },
  { label: '1×1 stride 2', x: [3, 7, 7, 8], filter: [1, 1, 8, 3], strides: 2, pad: 'valid' },
  { label: 'explicit padding stride 2', x: [3, 7, 8, 3], filter: [3, 3, 3, 8], strides: 2, pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
];

function outShapeOf(c: PhaseCase): [number, number, number, number] {
  return tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad).outShape as [number, number, number, number];
}

describe('wasm Conv2DBackpropInput: strides above 1 as one convolution over the stride phases', () => {
  useWasmWithLeakChecks();

  for (const c of CASES) {
    it(`matches cpu: ${c.label}`, async () => {
      await expectWasmMatchesCpu(`phase input grad ${c.label}`, () =>
        tf.engine().runKernel(
          'Conv2DBackpropInput',
          { dy: rand(outShapeOf(c), 71), filter: rand(c.filter, 72) },
          { inputShape: c.x, strides: c.strides, pad: c.pad, dataFormat: 'NHWC' } as never,
        ) as tf.Tensor,
      );
    });
  }

  it('agrees with the zero-interleaved form to float32 accuracy', () => {
    const c = CASES[0]!;
    const dy = rand(outShapeOf(c), 73);
    const f = rand(c.filter, 74);
    const backend = tf.backend() as never;
    const attrs = { inputShape: c.x, strides: c.strides, pad: c.pad, dataFormat: 'NHWC' as const };
    const phase = tf.engine().makeTensorFromTensorInfo(wasmConv2DBackpropInput(backend, dy, f, attrs)!);
    const interleaved = tf.engine().makeTensorFromTensorInfo(wasmConv2DBackpropInput(backend, dy, f, attrs, true, false)!);
    const info = tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, 1, c.pad, undefined, false, 'channelsLast');
    const direct = tf.engine().makeTensorFromTensorInfo(phaseInputGrad(backend, dy, f, info));
    expectAllClose(phase, interleaved, { rtol: 1e-5, atol: 1e-5 });
    expect(Array.from(direct.dataSync())).toEqual(Array.from(phase.dataSync()));
    tf.dispose([dy, f, phase, interleaved, direct]);
  });

  it('gradients of a stride-2 conv match cpu; same seed, same numbers; no leaks', async () => {
    const f = (x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 2, 'same')));
    await expectWasmMatchesCpu('stride-2 conv grads', () => tf.grads(f)([rand([3, 15, 15, 3], 75), rand([3, 3, 3, 8], 76)]));
    const x = rand([3, 15, 15, 3], 75);
    const w = rand([3, 3, 3, 8], 76);
    const run = () => tf.grads(f)([x, w]);
    await expectNoLeaks(run, { label: 'stride-2 conv grads' });
    const before = backendDataIds();
    const [a1, b1] = run();
    const [a2, b2] = run();
    expect(Array.from(a1!.dataSync())).toEqual(Array.from(a2!.dataSync()));
    expect(Array.from(b1!.dataSync())).toEqual(Array.from(b2!.dataSync()));
    tf.dispose([a1!, b1!, a2!, b2!]);
    expect(backendDataIds()).toBe(before);
    tf.dispose([x, w]);
  });
});
