// Child process of wasm-simd-adam-sum-threads.test.ts: starts wasm with the thread count in argv[2] (fixed
// when wasm starts, hence a fresh process), runs the fused Adam kernel and an axis-0 Sum with the SIMD
// kernels on and off, and prints one JSON line: the backend's pool size, whether the memory is shared, whether both
// SIMD kernels could run, and how many output values differ in their bits between SIMD and JavaScript.
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend.js';
import type { WasmBackendLike } from '../../src/kernels/wasm-common.js';
import { FUSED_ADAM_KERNEL, type FusedAdamAttrs } from '../../src/kernels/wasm-fused-adam.js';
import { setSimdAdamKernel, simdAdamKernel } from '../../src/kernels/wasm-simd-adam.js';
import { setSimdColumnSum, simdColumnSumKernel } from '../../src/kernels/wasm-simd-column-sum.js';
import { backendThreadCount } from '../../src/kernels/wasm-simd-module.js';

const threads = Number(process.argv[2]);
await initBackend('wasm', { log: null, threads });
const backend = tf.backend() as never as WasmBackendLike & { wasm: { wasmMemory?: WebAssembly.Memory; asm: { memory?: WebAssembly.Memory } } };
const memory = backend.wasm.wasmMemory ?? backend.wasm.asm.memory!;
const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;

const f = Math.fround;
const attrs: FusedAdamAttrs = {
  rule: 'adam', count: 2, beta1: f(0.9), oneMinusBeta1: f(0.1), beta2: f(0.999), oneMinusBeta2: f(1 - f(0.999)),
  c1: f(0.271), c2: f(0.003), epsilon: f(1e-7), negLearningRate: f(-2e-3), decay: f(0.9997),
};
const inputs: tf.NamedTensorMap = {};
[[129, 37], [131]].forEach((shape, i) => {
  inputs[`value${i}`] = tf.randomNormal(shape, 0, 1, 'float32', 1 + i);
  inputs[`grad${i}`] = tf.randomNormal(shape, 0, 1, 'float32', 3 + i);
  inputs[`m${i}`] = tf.randomNormal(shape, 0, 0.1, 'float32', 5 + i);
  inputs[`s${i}`] = tf.abs(tf.randomNormal(shape, 0, 0.1, 'float32', 7 + i));
});
const x = tf.randomNormal([515, 131], 0, 1, 'float32', 9);
const ran = simdAdamKernel(backend, attrs) !== null && simdColumnSumKernel(backend) !== null;
const run = (simd: boolean): Float32Array[] => {
  setSimdAdamKernel(simd);
  setSimdColumnSum(simd);
  const outs = [...(tf.engine().runKernel(FUSED_ADAM_KERNEL, inputs, attrs as unknown as NamedAttrMap) as unknown as tf.Tensor[]), tf.sum(x, 0)];
  const values = outs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outs);
  return values;
};
const simd = run(true);
const js = run(false);
let differing = 0;
simd.forEach((a, i) => {
  const p = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const q = new Uint32Array(js[i]!.buffer, js[i]!.byteOffset, js[i]!.length);
  for (let k = 0; k < p.length; k++) if (p[k] !== q[k]) differing++;
});
const compared = simd.reduce((acc, a) => acc + a.length, 0);
console.log(JSON.stringify({ pool: backendThreadCount(backend), shared, ran, compared, differing }));
