/**
 * `UnsortedSegmentSum` for the wasm backend, which does not have it. It is the gradient of `gather`
 * (embedding lookups, `tf.gather` on parameters) and the kernel behind `tf.unsortedSegmentSum`.
 *
 * Method: one pass over `x` on the wasm heap, adding each row into its segment's row of the output
 * (float64 accumulation for float32 input). The cpu backend instead builds one equality mask per
 * segment, which is `numSegments` passes over the data.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './wasm-common.js';

/**
 * Sums rows of `x` by segment: `segmentIds` (int32) labels the leading `segmentIds.rank` axes of `x`;
 * the result has shape `[numSegments, ...x.shape.slice(segmentIds.rank)]` and `x`'s dtype. Ids outside
 * `[0, numSegments)` are dropped, as in TensorFlow. For int32 input the result is int32 (TensorFlow's and
 * tfjs-node's behaviour; the cpu backend returns float32 there, with the same values).
 */
export function wasmUnsortedSegmentSum(
  backend: WasmBackendLike,
  x: TensorInfo,
  segmentIds: TensorInfo,
  numSegments: number,
): TensorInfo {
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`UnsortedSegmentSum on wasm supports float32 and int32 only, got ${x.dtype}`);
  }
  const idRank = segmentIds.shape.length;
  if (segmentIds.shape.join(',') !== x.shape.slice(0, idRank).join(',')) {
    throw new Error(`UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must prefix x shape [${x.shape}]`);
  }
  const inner = tf.util.sizeFromShape(x.shape.slice(idRank));
  const rows = tf.util.sizeFromShape(segmentIds.shape);
  const acc = new Float64Array(numSegments * inner);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(idRank)], x.dtype);
  const xv = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  for (let r = 0; r < rows; r++) {
    const id = ids[r]!;
    if (id < 0 || id >= numSegments) continue;
    const s = r * inner;
    const d = id * inner;
    for (let c = 0; c < inner; c++) acc[d + c] += xv[s + c]!;
  }
  backend.typedArrayFromHeap(out).set(acc);
  return out;
}

/** Builds the `UnsortedSegmentSum` kernel for the wasm backend (an addition). */
export function createWasmUnsortedSegmentSumKernel(): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
    const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const { numSegments } = attrs as { numSegments: number };
    return wasmUnsortedSegmentSum(backend as WasmBackendLike, x, segmentIds, numSegments);
  };
  return { kernelName: tf.UnsortedSegmentSum, backendName: 'wasm', kernelFunc };
}
