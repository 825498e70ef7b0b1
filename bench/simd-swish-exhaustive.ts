/**
 * Every float32 bit pattern through the SIMD sigmoid / swish forward (src/kernels/wasm-simd-swish.ts) and
 * through the wasm backend's own Sigmoid and Multiply(σ(x), x), counting patterns whose outputs differ in
 * bits (a NaN against a NaN of other bits counted apart). Takes ≈ 7 minutes on one thread; run it niced:
 *
 *   nice -n 10 npx tsx bench/simd-swish-exhaustive.ts             all 2^32 patterns
 *   LO=1065353216 HI=1073741824 npx tsx bench/simd-swish-exhaustive.ts   patterns [LO, HI) only
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend.js';
import { runWasmKernel, type WasmBackendLike } from '../src/kernels/wasm-common.js';
import { simdSigmoid, simdSwish, simdSwishOutput } from '../src/kernels/wasm-simd-swish.js';

await initBackend('wasm', { log: null, threads: 1 });
const backend = tf.backend() as unknown as WasmBackendLike;
const CHUNK = 1 << 22;
const lo = Number(process.env.LO ?? 0);
const hi = Number(process.env.HI ?? 2 ** 32);
const bitsOf = (t: tf.TensorInfo) => {
  const v = backend.typedArrayFromHeap(t);
  return new Uint32Array(v.buffer, v.byteOffset, v.length).slice();
};
const isNaNBits = (b: number) => (b & 0x7fffffff) > 0x7f800000;
let checked = 0;
let sigmoidMismatches = 0;
let productMismatches = 0;
let nanBitDifferences = 0;
const t0 = performance.now();
for (let start = lo; start < hi; start += CHUNK) {
  const len = Math.min(CHUNK, hi - start);
  const x = backend.makeOutput([len], 'float32');
  const heap = backend.typedArrayFromHeap(x);
  const xs = new Uint32Array(heap.buffer, heap.byteOffset, len);
  for (let i = 0; i < len; i++) xs[i] = (start + i) >>> 0;
  const sigRef = runWasmKernel(backend, 'Sigmoid', { x });
  const mulRef = runWasmKernel(backend, 'Multiply', { a: sigRef, b: x });
  const sig = simdSigmoid(backend, x)!;
  const [s, h] = simdSwish(backend, x)!;
  const hOnly = simdSwishOutput(backend, x)!;
  const pairs: [Uint32Array, Uint32Array, 'sigmoid' | 'product'][] = [
    [bitsOf(sigRef), bitsOf(sig), 'sigmoid'],
    [bitsOf(sigRef), bitsOf(s), 'sigmoid'],
    [bitsOf(mulRef), bitsOf(h), 'product'],
    [bitsOf(mulRef), bitsOf(hOnly), 'product'],
  ];
  for (const t of [x, sigRef, mulRef, sig, s, h, hOnly]) backend.disposeData(t.dataId);
  for (const [want, got, kind] of pairs) {
    for (let i = 0; i < len; i++) {
      if (want[i] === got[i]) continue;
      if (isNaNBits(want[i]!) && isNaNBits(got[i]!)) nanBitDifferences++;
      else if (kind === 'sigmoid') sigmoidMismatches++;
      else productMismatches++;
    }
  }
  checked += len;
}
console.log({ checked, sigmoidMismatches, productMismatches, nanBitDifferences, seconds: Math.round((performance.now() - t0) / 1000) });
