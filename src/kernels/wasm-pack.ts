/**
 * `Pack` (what `tf.stack` runs) for the wasm backend, copying short runs element by element.
 *
 * Why: the wasm `Pack` kernel (tfjs-backend-wasm 4.22) expands the dims of every input and calls the
 * backend's own `Concat`, which copies each run with `TypedArray.set` on a fresh `subarray`. Stacking
 * `n` tensors of shape `s` on the last axis makes `size(s)` runs of one element each: stacking two
 * `[512]` columns into `[512, 2]` (a 2-d dataset's sampler) pays a thousand `set` calls. Here the output
 * (shape `s` with `n` inserted at `axis`) is filled directly: input `p`'s run of `size(s[axis:])`
 * elements for outer index `o` goes to offset `(o·n + p)·run`. The copy is the `Concat` fix's
 * ({@link interleaveRuns}). One input is a
 * reshape (shares its buffer); strings go to the original kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { interleaveRuns } from './wasm-concat.js';
import { reshapeInfo, type WasmBackendLike } from './wasm-common.js';

/** The `Pack` override (numeric and bool dtypes; strings to `original`). */
export function createWasmPackKernel(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    const backend = args.backend as WasmBackendLike;
    if (inputs.length === 0 || inputs[0]!.dtype === 'string') return original.kernelFunc(args);
    const { axis: axisAttr } = args.attrs as unknown as { axis: number };
    const shape = inputs[0]!.shape;
    // A negative axis counts from the end of the output (as ExpandDims does).
    const axis = axisAttr < 0 ? axisAttr + shape.length + 1 : axisAttr;
    const dtype = inputs[0]!.dtype;
    for (const t of inputs) {
      tf.util.assertShapesMatch(shape, t.shape, 'All tensors passed to stack must have matching shapes');
      tf.util.assert(dtype === t.dtype, () => 'All tensors passed to stack must have matching dtypes');
    }
    const n = inputs.length;
    const outShape = [...shape.slice(0, axis), n, ...shape.slice(axis)];
    if (n === 1) return reshapeInfo(backend, inputs[0]!, outShape);
    const out = backend.makeOutput(outShape, dtype);
    const run = tf.util.sizeFromShape(shape.slice(axis));
    const outer = tf.util.sizeFromShape(shape.slice(0, axis));
    if (run === 0 || outer === 0) return out;
    // Views after the allocation: makeOutput may grow (and so detach) the heap.
    interleaveRuns(
      inputs.map((t) => backend.typedArrayFromHeap(t)),
      inputs.map(() => run),
      outer,
      backend.typedArrayFromHeap(out),
    );
    return out;
  };
  return { kernelName: tf.Pack, backendName: 'wasm', kernelFunc, setupFunc: original.setupFunc };
}
