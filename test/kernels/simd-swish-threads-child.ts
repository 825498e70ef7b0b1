// Child process of wasm-simd-swish-threads.test.ts: starts wasm with the thread count in argv[2] (fixed when
// wasm starts, hence a fresh process), runs the SIMD sigmoid/swish forward and the backend's own Sigmoid and
// Multiply on the same values, and prints one JSON line: the thread count, whether the memory is shared,
// whether the kernel ran, and how many elements differ in bits.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend.js';
import { runWasmKernel, type WasmBackendLike } from '../../src/kernels/wasm-common.js';
import { simdSwish, simdSwishOutput } from '../../src/kernels/wasm-simd-swish.js';
import { wasmThreadCount } from '../../src/wasm-threads.js';

const threads = Number(process.argv[2]);
await initBackend('wasm', { log: null, threads });
const backend = tf.backend() as unknown as WasmBackendLike & { wasm: { wasmMemory?: WebAssembly.Memory; asm: { memory?: WebAssembly.Memory } } };
const memory = backend.wasm.wasmMemory ?? backend.wasm.asm.memory!;
const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;

const z = tf.randomNormal([1000, 77], 0, 5, 'float32', 3);
const pair = simdSwish(backend, z);
const hOnly = simdSwishOutput(backend, z);
const bits = (t: tf.TensorInfo) => {
  const v = backend.typedArrayFromHeap(t);
  return new Uint32Array(v.buffer, v.byteOffset, v.length).slice();
};
let differ = -1;
if (pair !== null && hOnly !== null) {
  const s = runWasmKernel(backend, 'Sigmoid', { x: z });
  const h = runWasmKernel(backend, 'Multiply', { a: s, b: z });
  const want = [bits(s), bits(h), bits(h)];
  const got = [bits(pair[0]), bits(pair[1]), bits(hOnly)];
  differ = 0;
  for (let o = 0; o < 3; o++) for (let i = 0; i < want[o]!.length; i++) if (want[o]![i] !== got[o]![i]) differ++;
  for (const t of [s, h, ...pair, hOnly]) backend.disposeData(t.dataId);
}
console.log(JSON.stringify({ threads: await wasmThreadCount(), shared, ran: pair !== null, differ }));
