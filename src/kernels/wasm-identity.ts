/**
 * `Identity` and same-dtype `Cast` for the wasm backend: new references to the input's data instead of
 * copies.
 *
 * Why: the wasm backend (tfjs-backend-wasm 4.22) copies the whole buffer for both, and backpropagation
 * produces many of them: a training step of a 3×128 MLP runs about 115 `Identity` kernels (the tape passes
 * gradients through them) and casts every `[batch, 128]` operand of a `Multiply` gradient to float32
 * although it already is. Tensors are immutable and no wasm kernel writes into its inputs, so sharing the
 * data (as the cpu backend's `Identity` and every wasm `Reshape` already do) is safe; the reference count
 * frees it when the last tensor goes.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DataType, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { reshapeInfo, type WasmBackendLike } from './wasm-common.js';

/** The `Identity` override: shares `x`'s data (strings, which live outside the heap, go to the original). */
export function createWasmIdentityKernel(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return original.kernelFunc(args);
    return reshapeInfo(args.backend as WasmBackendLike, x, x.shape);
  };
  return { kernelName: tf.Identity, backendName: 'wasm', kernelFunc, setupFunc: original.setupFunc };
}

/**
 * The `Cast` override: shares `x`'s data when the dtype does not change, and casts to `bool` as
 * `x ≠ 0` (as the cpu backend does). The original converts the other cases; to `bool` it stores the low
 * byte instead (−1.3 → 255, 256 → 0), so a nonzero value can come out false.
 */
export function createWasmCastKernel(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { dtype } = args.attrs as unknown as { dtype: DataType };
    const backend = args.backend as WasmBackendLike;
    if (x.dtype === 'string') return original.kernelFunc(args);
    if (x.dtype === dtype) return reshapeInfo(backend, x, x.shape);
    if (dtype === 'bool') {
      const out = backend.makeOutput(x.shape, 'bool');
      const src = backend.typedArrayFromHeap(x);
      const dst = backend.typedArrayFromHeap(out);
      for (let i = 0; i < src.length; i++) dst[i] = src[i] !== 0 ? 1 : 0;
      return out;
    }
    return original.kernelFunc(args);
  };
  return { kernelName: tf.Cast, backendName: 'wasm', kernelFunc, setupFunc: original.setupFunc };
}
