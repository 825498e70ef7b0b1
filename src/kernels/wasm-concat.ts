/**
 * `Concat` for the wasm backend, copying short runs element by element.
 *
 * Why: the wasm `Concat` kernel (tfjs-backend-wasm 4.22, written in JavaScript) copies each input's run
 * of every outer index with `TypedArray.set` on a fresh `subarray`. Joining feature columns (`x` with the
 * time features, `[512, 2]` with `[512, 17]`) makes a thousand runs of a few elements each, and the
 * per-call cost dominates: measured 126 µs for `[512, 1] ++ [512, 8] ++ [512, 8]`. Runs shorter than
 * {@link SHORT_RUN} are copied with a plain loop here; longer ones still use `set`. Strings go to the
 * original kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { reshapeInfo, type WasmBackendLike } from './wasm-common.js';

/** Runs shorter than this many elements are copied element by element. */
export const SHORT_RUN = 64;

/**
 * Writes, for each outer index `o`, source `p`'s run `o` (`runs[p]` elements) after those of the sources
 * before it: `dst = [src0 run 0, src1 run 0, …, src0 run 1, …]` (what a concat or a stack on an inner axis
 * lays out). Runs shorter than {@link SHORT_RUN} are copied element by element, longer ones with `set`.
 */
export function interleaveRuns(sources: ArrayLike<number>[], runs: readonly number[], outer: number, dst: Float32Array | Int32Array | Uint8Array): void {
  const width = runs.reduce((a, b) => a + b, 0);
  let column = 0;
  for (let p = 0; p < sources.length; p++) {
    const src = sources[p]! as Float32Array | Int32Array | Uint8Array;
    const run = runs[p]!;
    if (run === 1) {
      for (let o = 0; o < outer; o++) dst[o * width + column] = src[o]!;
    } else if (run < SHORT_RUN) {
      for (let o = 0; o < outer; o++) {
        const s = o * run;
        const d = o * width + column;
        for (let j = 0; j < run; j++) dst[d + j] = src[s + j]!;
      }
    } else {
      for (let o = 0; o < outer; o++) dst.set(src.subarray(o * run, (o + 1) * run), o * width + column);
    }
    column += run;
  }
}

/** The `Concat` override (numeric dtypes; strings to `original`). */
export function createWasmConcatKernel(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]) => {
    const inputs = args.inputs as unknown as TensorInfo[];
    const backend = args.backend as WasmBackendLike;
    if (inputs.length === 0 || inputs[0]!.dtype === 'string') return original.kernelFunc(args);
    const { axis: axisAttr } = args.attrs as unknown as { axis: number | number[] };
    const axis = tf.util.parseAxisParam(axisAttr, inputs[0]!.shape)[0]!;
    tf.backend_util.assertParamsConsistent(
      inputs.map((t) => t.shape),
      axis,
    );
    const outShape = tf.backend_util.computeOutShape(
      inputs.map((t) => t.shape),
      axis,
    );
    const parts = inputs.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
    if (parts.length === 1) return reshapeInfo(backend, parts[0]!, outShape);
    const out = backend.makeOutput(outShape, inputs[0]!.dtype);
    if (parts.length === 0) return out;
    const outer = tf.util.sizeFromShape(parts[0]!.shape.slice(0, axis));
    const runs = parts.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)));
    // Views after the allocation: makeOutput may grow (and so detach) the heap.
    interleaveRuns(
      parts.map((t) => backend.typedArrayFromHeap(t)),
      runs,
      outer,
      backend.typedArrayFromHeap(out),
    );
    return out;
  };
  return { kernelName: tf.Concat, backendName: 'wasm', kernelFunc, setupFunc: original.setupFunc };
}
