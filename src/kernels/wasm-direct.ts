/**
 * Calling the wasm backend's registered kernels directly on `TensorInfo`s, without tfjs's engine.
 *
 * Every op through the engine costs bookkeeping on top of its kernel (tensor tracking, scopes, the kernel
 * lookup and the tape check: about 4–20 µs on wasm, measured against a direct call of the same kernel).
 * Inside a hand-written tape node (models/dense-stack.ts) the intermediates never leave the node, so the
 * node can run the kernels itself. It runs the kernel the engine would run (the one registered for wasm now,
 * this library's override included) on the same inputs and attributes, so the values are the engine's bit
 * for bit.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { reshapeInfo, type WasmBackendLike } from './wasm-common.js';
import { trackedTensorFromInfo } from '../tape-node.js';
import { activeWasmKernelFixes } from './index.js';

/**
 * A scope of direct kernel calls on the wasm backend: it owns every output it creates and releases them all
 * in {@link WasmKernelScope.dispose}; {@link WasmKernelScope.track} hands one out as an ordinary tensor
 * (with its own reference to the data).
 *
 * @example
 * ```ts
 * const k = new WasmKernelScope(tf.backend() as unknown as WasmBackendLike);
 * try {
 *   return k.track(k.run('Sigmoid', { x }));
 * } finally {
 *   k.dispose();
 * }
 * ```
 * @internal
 */
export class WasmKernelScope {
  private readonly owned: TensorInfo[] = [];
  private readonly kernels = new Map<string, tf.KernelConfig>();

  constructor(readonly backend: WasmBackendLike) {}

  /**
   * Runs the kernel registered for wasm under `kernelName` (what `tf.engine().runKernel` would run) and
   * owns its single output.
   */
  run(kernelName: string, inputs: Record<string, TensorInfo | undefined> | TensorInfo[], attrs: NamedAttrMap = {}): TensorInfo {
    // Looked up once per scope (a scope lives for one forward or backward pass).
    let config = this.kernels.get(kernelName);
    if (config === undefined) {
      config = tf.getKernel(kernelName, 'wasm');
      if (config === undefined) throw new Error(`WasmKernelScope: the wasm backend has no '${kernelName}' kernel`);
      this.kernels.set(kernelName, config);
    }
    const out = config.kernelFunc({ inputs: inputs as Record<string, TensorInfo>, backend: this.backend as unknown as tf.KernelBackend, attrs });
    if (Array.isArray(out)) {
      this.owned.push(...out);
      throw new Error(`WasmKernelScope: '${kernelName}' returned ${out.length} outputs`);
    }
    this.owned.push(out);
    return out;
  }

  /** A new tensor on the wasm heap (contents undefined until written), owned by this scope. */
  output(shape: number[], dtype: tf.DataType = 'float32'): TensorInfo {
    const out = this.backend.makeOutput(shape, dtype);
    this.owned.push(out);
    return out;
  }

  /** Takes ownership of `info`, a tensor a kernel outside this scope created (released in {@link dispose}). */
  adopt(info: TensorInfo): TensorInfo {
    this.owned.push(info);
    return info;
  }

  /** A view of `x` with another shape (shares the data, as the wasm `Reshape` kernel does). */
  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    const out = reshapeInfo(this.backend, x, shape);
    this.owned.push(out);
    return out;
  }

  /** A float32 tensor of `values` (rounded to float32 as `tf.tensor` rounds them). */
  tensor(values: readonly number[], shape: number[]): TensorInfo {
    const out = this.backend.makeOutput(shape, 'float32');
    this.owned.push(out);
    const heap = this.backend.typedArrayFromHeap(out);
    for (let i = 0; i < values.length; i++) heap[i] = values[i]!;
    return out;
  }

  /** An engine-tracked tensor with its own reference to `info`'s data (in the active `tf.tidy` scope). */
  track(info: TensorInfo): tf.Tensor {
    this.backend.incRef(info.dataId);
    return trackedTensorFromInfo(info, this.backend);
  }

  /** Releases every output this scope created (tensors handed out by {@link track} keep theirs). */
  dispose(): void {
    for (const info of this.owned) this.backend.disposeData(info.dataId);
    this.owned.length = 0;
  }
}

/**
 * Whether the wasm `Sin` and `Cos` kernels registered now are this library's (src/kernels/wasm-trig.ts:
 * `Math.sin` / `Math.cos` of each float32 value, rounded to float32), so code that computes them in place
 * that way gets the kernels' values bit for bit.
 *
 * @example
 * ```ts
 * if (jsTrigKernelsActive()) out[i] = Math.sin(angle);
 * ```
 * @internal
 */
export function jsTrigKernelsActive(): boolean {
  const active = activeWasmKernelFixes();
  return active.includes('Sin') && active.includes('Cos');
}

let enabled = true;

/**
 * Whether the library's tape nodes (the dense stack, the quadratic term) call wasm kernels directly (the
 * default) or through tf ops: the same kernels and values either way; for benchmarks that measure the
 * difference.
 *
 * @param on - call the kernels directly. @default true
 * @example
 * ```ts
 * setDirectWasmKernels(false);
 * ```
 * @internal
 */
export function setDirectWasmKernels(on: boolean): void {
  enabled = on === true;
}

/** Whether tape nodes on wasm call kernels directly now (see {@link setDirectWasmKernels}). @internal */
export function directWasmKernels(): boolean {
  return enabled && tf.getBackend() === 'wasm';
}
