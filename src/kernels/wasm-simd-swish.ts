/**
 * Sigmoid and swish forward as one pass of this library's own WebAssembly SIMD code (`simd/swish.wat`),
 * run inside the wasm backend's memory (`wasm-simd-module.ts`):
 *
 *     s = σ(z),   h = s·z     (elementwise, float32)
 *
 * σ with exactly the float32 operations of the backend's `Sigmoid` kernel (tfjs-backend-wasm 4.22 runs
 * XNNPACK's WebAssembly SIMD sigmoid: exp(−|z|) by a range reduction and a degree-5 polynomial, one
 * division, the sign restored by 1 − f; see the .wat), and `h` as the backend's `Multiply` of `s` and `z`:
 * bit-identical to tfjs-layers' swish `mul(sigmoid(z), z)` on the wasm backend (every float32 in
 * [−100, 100] and the special values are compared with the backend's kernel in
 * test/kernels/wasm-simd-swish.test.ts; every one of the 2^32 patterns was checked once by a script),
 * with one read of `z`, no engine calls, no intermediate tensor. Measured on `[512,128]`, one thread, CPU
 * time (`npx tsx bench/simd-swish.ts`, loaded 2-core machine): s and h 79 µs against 112 µs for the
 * backend's Sigmoid then Multiply; σ alone 62 µs against 81 µs. The kernel runs on the calling thread
 * (on a pool of two, `[10000,128]` h alone: 1.4 ms wall against 3.1 ms for the backend's two kernels).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { PLAIN_WASM_BASE64, SHARED_WASM_BASE64 } from './simd/swish-wasm.js';
import type { WasmBackendLike } from './wasm-common.js';
import { heapAddress, simdKernelExports } from './wasm-simd-module.js';

/** The exports of `simd/swish.wat` (addresses in bytes, `n` in elements; `h` 0 for σ alone). */
interface SwishExports {
  swish: (z: number, s: number, h: number, n: number) => void;
}

let enabled = true;

/**
 * Turns the SIMD sigmoid / swish forward on or off for this process (on by default); off,
 * {@link simdSigmoid} and {@link simdSwish} return null and callers keep the backend's kernels. Internal
 * (for A/B timings and tests), not part of the package API.
 *
 * @example
 * ```ts
 * setSimdSwish(false); // the backend's Sigmoid and Multiply kernels
 * ```
 */
export function setSimdSwish(on: boolean): void {
  enabled = on === true;
}

/** The kernel module on `backend` when switched on, or null (off, another backend, no WebAssembly SIMD). */
function swishKernels(backend: WasmBackendLike): SwishExports | null {
  if (!enabled) return null;
  return simdKernelExports<SwishExports>(backend, PLAIN_WASM_BASE64, SHARED_WASM_BASE64);
}

/**
 * Whether {@link simdSigmoid} and {@link simdSwish} run on `backend` (the wasm backend, with
 * WebAssembly SIMD, and switched on: {@link setSimdSwish}).
 *
 * @example
 * ```ts
 * const fast = swishForwardAvailable(tf.backend() as never);
 * ```
 */
export function swishForwardAvailable(backend: WasmBackendLike): boolean {
  return swishKernels(backend) !== null;
}

/**
 * `σ(x)` elementwise for a float32 `x` of any shape: a new tensor info of that shape, bit-identical to the
 * backend's `Sigmoid` kernel. Null when the kernel cannot run on `backend` or `x` is not float32.
 *
 * @example
 * ```ts
 * const s = simdSigmoid(backend, x) ?? runWasmKernel(backend, 'Sigmoid', { x });
 * ```
 */
export function simdSigmoid(backend: WasmBackendLike, x: TensorInfo): TensorInfo | null {
  if (x.dtype !== 'float32') return null;
  const kernels = swishKernels(backend);
  if (kernels === null) return null;
  const s = backend.makeOutput([...x.shape], 'float32');
  const n = tf.util.sizeFromShape(x.shape);
  if (n > 0) kernels.swish(heapAddress(backend, x), heapAddress(backend, s), 0, n);
  return s;
}

/**
 * Swish's forward pass for a float32 `z` of any shape: `[s, h]` with `s = σ(z)` (bit-identical to the
 * backend's `Sigmoid`) and `h = s·z` (to its `Multiply(s, z)`), two new tensor infos of `z`'s shape, from
 * one pass over `z`. Null when the kernel cannot run on `backend` or `z` is not float32.
 *
 * @example
 * ```ts
 * const pair = simdSwish(backend, z); // [s, h] | null
 * ```
 */
export function simdSwish(backend: WasmBackendLike, z: TensorInfo): [TensorInfo, TensorInfo] | null {
  if (z.dtype !== 'float32') return null;
  const kernels = swishKernels(backend);
  if (kernels === null) return null;
  const s = backend.makeOutput([...z.shape], 'float32');
  const h = backend.makeOutput([...z.shape], 'float32');
  const n = tf.util.sizeFromShape(z.shape);
  // Addresses after both allocations (offsets: stable under heap growth anyway).
  if (n > 0) kernels.swish(heapAddress(backend, z), heapAddress(backend, s), heapAddress(backend, h), n);
  return [s, h];
}

/**
 * Swish's output alone, `h = σ(z)·z`, for a float32 `z` of any shape: a new tensor info of that shape,
 * bit-identical to the backend's `Multiply(Sigmoid(z), z)` (inference needs no σ). The kernel is handed
 * the same buffer for s and h: each element's h is stored after its s. Null when the kernel cannot run on
 * `backend` or `z` is not float32.
 *
 * @example
 * ```ts
 * const h = simdSwishOutput(backend, z); // TensorInfo | null
 * ```
 */
export function simdSwishOutput(backend: WasmBackendLike, z: TensorInfo): TensorInfo | null {
  if (z.dtype !== 'float32') return null;
  const kernels = swishKernels(backend);
  if (kernels === null) return null;
  const h = backend.makeOutput([...z.shape], 'float32');
  const n = tf.util.sizeFromShape(z.shape);
  if (n > 0) {
    const address = heapAddress(backend, h);
    kernels.swish(heapAddress(backend, z), address, address, n);
  }
  return h;
}
