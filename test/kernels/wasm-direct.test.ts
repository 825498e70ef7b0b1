import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend.js';
import type { WasmBackendLike } from '../../src/kernels/wasm-common.js';
import { directWasmKernels, jsTrigKernelsActive, setDirectWasmKernels, WasmKernelScope } from '../../src/kernels/wasm-direct.js';
import { gradientTapeRecording, tapeNodeOwningSaved } from '../../src/tape-node.js';
import { expectNoLeaks } from '../helpers/index.js';

afterAll(() => setDirectWasmKernels(true));

const bits = (x: tf.Tensor) => Array.from(x.dataSync());
const dataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();

describe('WasmKernelScope: the registered wasm kernels without the engine', () => {
  it('gives the tf ops’ values bit for bit, hands out tracked tensors and releases everything else', async () => {
    await initBackend('wasm', { log: null });
    const a = tf.randomNormal([37, 5], 0, 1, 'float32', 1);
    const b = tf.randomNormal([5, 3], 0, 1, 'float32', 2);
    const bias = tf.randomNormal([3], 0, 1, 'float32', 3);
    const viaOps = tf.tidy(() => tf.sum(tf.mul(tf.sigmoid(tf.add(tf.matMul(a, b), bias)), tf.scalar(0.5)), 0));
    const run = () => {
      const k = new WasmKernelScope(tf.backend() as unknown as WasmBackendLike);
      try {
        const z = k.run('Add', { a: k.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false }), b: bias });
        const y = k.run('Multiply', { a: k.run('Sigmoid', { x: z }), b: k.tensor([0.5], []) });
        return k.track(k.run('Sum', { x: k.reshape(y, [37, 3]) }, { axis: 0, keepDims: false }));
      } finally {
        k.dispose();
      }
    };
    const direct = run();
    expect(direct.shape).toEqual([3]);
    expect(bits(direct)).toEqual(bits(viaOps));
    // Only the handed-out tensor holds data: no engine tensor and no backend buffer is left behind.
    const before = dataIds();
    await expectNoLeaks(run, { label: 'direct kernels' });
    tf.dispose(run());
    expect(dataIds()).toBe(before);
    expect(() => new WasmKernelScope(tf.backend() as unknown as WasmBackendLike).run('NoSuchKernel', {})).toThrow(/no 'NoSuchKernel' kernel/);
    tf.dispose([a, b, bias, viaOps, direct]);
  });

  it('the switch and the trig check', async () => {
    await initBackend('wasm', { log: null });
    expect(jsTrigKernelsActive()).toBe(true);
    expect(directWasmKernels()).toBe(true);
    setDirectWasmKernels(false);
    expect(directWasmKernels()).toBe(false);
    setDirectWasmKernels(true);
    await initBackend('cpu', { log: null });
    expect(directWasmKernels()).toBe(false); // wasm only
    await initBackend('wasm', { log: null });
  });
});

describe('tapeNodeOwningSaved', () => {
  /** y = x² as a node whose saved x is handed over (kept), not copied. */
  const square = (x: tf.Tensor) =>
    tapeNodeOwningSaved({
      inputs: { x },
      forward: () => ({ value: tf.square(x), saved: [tf.keep(tf.reshape(x, x.shape))] }),
      backwardsFunc: (dy, [s]) => ({ x: () => tf.mul(dy, tf.mul(s!, 2)) }),
    });

  it('backpropagates through the saved tensors, and the tape disposes them (on the path or off it)', async () => {
    const x = tf.tensor1d([1, -2, 3]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(square(v)))(x);
    expect(Array.from(g.dataSync())).toEqual([2, -4, 6]);
    await expectNoLeaks(() => tf.grad((v: tf.Tensor) => tf.sum(square(v)))(x), { label: 'on the path' });
    const w = tf.variable(tf.scalar(3));
    await expectNoLeaks(() => tf.tidy(() => tf.variableGrads(() => { square(x); return tf.square(w) as tf.Scalar; }, [w]).grads), { label: 'off the path' });
    // Without a tape: the value only, the saved tensors disposed at once.
    expect(gradientTapeRecording()).toBe(false);
    await expectNoLeaks(() => square(x), { label: 'untaped' });
    const y = square(x);
    expect(Array.from(y.dataSync())).toEqual([1, 4, 9]);
    tf.dispose([x, g, w, y]);
  });
});
