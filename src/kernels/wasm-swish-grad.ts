/**
 * The gradient of swish, `y = x·σ(x)`, as one pass of this library's own WebAssembly SIMD code
 * (`simd/swish-grad.wat`), run inside the wasm backend's memory (`wasm-simd-module.ts`):
 *
 *     dx = dy·s + (dy·x)·(s·(1 − s)),   s = σ(x)
 *
 * with exactly the float32 operations, in the same order, that tfjs-core's registered gradients perform
 * for tfjs-layers' swish `mul(sigmoid(mul(x, 1)), x)` (Multiply's `dy·s` and `dy·x`, Sigmoid's
 * `dy·(y·(1 − y))`, the exact multiply by 1, the add of the two contributions), so the result is
 * bit-identical to tfjs's; it replaces seven elementwise kernels and their six intermediate tensors.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { PLAIN_WASM_BASE64, SHARED_WASM_BASE64 } from './simd/swish-grad-wasm.js';
import type { WasmBackendLike } from './wasm-common.js';
import { heapAddress, simdKernelExports } from './wasm-simd-module.js';

/** The exports of `simd/swish-grad.wat` (addresses in bytes, `n` in elements). */
interface SwishGradExports {
  swishGrad: (dy: number, x: number, s: number, dx: number, n: number) => void;
}

/**
 * Whether {@link simdSwishGrad} can run on `backend` (the wasm backend, with WebAssembly SIMD).
 *
 * @example
 * ```ts
 * const fast = swishGradAvailable(tf.backend() as never);
 * ```
 */
export function swishGradAvailable(backend: WasmBackendLike): boolean {
  return simdKernelExports<SwishGradExports>(backend, PLAIN_WASM_BASE64, SHARED_WASM_BASE64) !== null;
}

/**
 * `dx = dy·s + (dy·x)·(s·(1 − s))` elementwise by the SIMD kernel, for float32 `dy`, `x`, `s` (= σ(x)) of
 * one shape (any shape, any size); a new tensor info of that shape. Null when the kernel cannot run on
 * `backend` or the inputs do not fit (dtype or size mismatch), so the caller can use tfjs's ops.
 *
 * @example
 * ```ts
 * const dx = simdSwishGrad(backend, dy, x, s); // TensorInfo | null
 * ```
 */
export function simdSwishGrad(backend: WasmBackendLike, dy: TensorInfo, x: TensorInfo, s: TensorInfo): TensorInfo | null {
  const n = tf.util.sizeFromShape(x.shape);
  if (
    dy.dtype !== 'float32' || x.dtype !== 'float32' || s.dtype !== 'float32' ||
    tf.util.sizeFromShape(dy.shape) !== n || tf.util.sizeFromShape(s.shape) !== n
  ) {
    return null;
  }
  const kernels = simdKernelExports<SwishGradExports>(backend, PLAIN_WASM_BASE64, SHARED_WASM_BASE64);
  if (kernels === null) return null;
  const dx = backend.makeOutput([...x.shape], 'float32');
  if (n > 0) kernels.swishGrad(heapAddress(backend, dy), heapAddress(backend, x), heapAddress(backend, s), heapAddress(backend, dx), n);
  return dx;
}
