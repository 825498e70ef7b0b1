// Child process of wasm-simd-threads.test.ts: starts wasm with the thread count in argv[2] (fixed when
// wasm starts, hence a fresh process), runs the SIMD filter gradient and SIMD conv on U-Net-like shapes
// and the same ops on cpu, and prints one JSON line with the thread count, whether the memory is
// shared, whether the kernels ran, and the largest error relative to the largest reference value.
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend.js';
import { wasmThreadCount } from '../../src/wasm-threads.js';
import { simdConv2DBackpropFilter } from '../../src/kernels/wasm-simd-conv2d-backprop-filter.js';
import { simdConv2D } from '../../src/kernels/wasm-simd-conv2d.js';
import { backendThreadCount } from '../../src/kernels/wasm-simd-module.js';

/** Seeded normal values (the same on every backend: tfjs draws them in JavaScript). */
const rand = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
const threads = Number(process.argv[2]);
await initBackend('wasm', { log: null, threads });
const backend = tf.backend() as never as { wasm: { wasmMemory?: WebAssembly.Memory; asm: { memory?: WebAssembly.Memory } } };
const memory = backend.wasm.wasmMemory ?? backend.wasm.asm.memory!;
const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;

const xShape: [number, number, number, number] = [3, 9, 9, 32];
const info = tf.backend_util.computeConv2DInfo(xShape, [3, 3, 32, 16], 1, 1, 'same', undefined, false, 'channelsLast');
const run = (): { grad: Float32Array; conv: Float32Array; ran: boolean } => {
  const x = rand(xShape, 1);
  const dy = rand(info.outShape, 2);
  const f = rand([3, 3, 32, 16], 3);
  let ran = false;
  let grad: tf.Tensor;
  let conv: tf.Tensor;
  if (tf.getBackend() === 'wasm') {
    const g = simdConv2DBackpropFilter(tf.backend() as never, x, dy, info);
    const c = simdConv2D(tf.backend() as never, x, f, null, [1, 1, 1, 1]);
    ran = g !== null && c !== null;
    grad = g === null ? tf.zeros([1]) : tf.engine().makeTensorFromTensorInfo(g);
    conv = c === null ? tf.zeros([1]) : tf.engine().makeTensorFromTensorInfo(c);
  } else {
    grad = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { filterShape: [3, 3, 32, 16], strides: 1, pad: 'same', dataFormat: 'NHWC' } as never) as tf.Tensor;
    conv = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 1, 'same');
  }
  const out = { grad: grad.dataSync() as Float32Array, conv: conv.dataSync() as Float32Array, ran };
  tf.dispose([x, dy, f, grad, conv]);
  return out;
};
const onWasm = run();
const count = await wasmThreadCount();
const pool = backendThreadCount(tf.backend() as never);
await initBackend('cpu', { log: null });
const onCpu = run();
const relErr = (a: Float32Array, b: Float32Array) => {
  if (a.length !== b.length) return Infinity;
  let err = 0;
  let scale = 1;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return err / scale;
};
console.log(JSON.stringify({ threads: count, pool, shared, ran: onWasm.ran, gradErr: relErr(onWasm.grad, onCpu.grad), convErr: relErr(onWasm.conv, onCpu.conv) }));
