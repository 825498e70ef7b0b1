/**
 * Shared plumbing for the wasm kernel fixes: a structural view of the wasm backend, calling the wasm
 * backend's own kernels (the originals, even while this library overrides some of them), disposing
 * intermediates, and a fast transpose of the two innermost axes.
 *
 * Conventions (those of `@tensorflow/tfjs-backend-wasm`'s own kernels): a kernel returns `TensorInfo`s it
 * owns (created with `backend.makeOutput` or returned by another kernel); every intermediate `TensorInfo`
 * it creates is released with `backend.disposeData(dataId)` before returning. A reshape shares its input's
 * data and increments its reference count, so it is released the same way.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DataId, DataType, KernelConfig, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { PLAIN_WASM_BASE64 as GEMM_PLAIN, SHARED_WASM_BASE64 as GEMM_SHARED } from './simd/gemm-wasm.js';
import { heapAddress, simdKernelExports } from './wasm-simd-module.js';

/** A typed view of wasm memory, as returned by the backend's `typedArrayFromHeap`. */
export type HeapArray = Float32Array | Int32Array | Uint8Array;

/**
 * The part of `BackendWasm` (from `@tensorflow/tfjs-backend-wasm`) the fixes use. Declared structurally
 * so that library code depends on `@tensorflow/tfjs-core` only.
 */
export interface WasmBackendLike {
  /** Allocates a tensor on the wasm heap (contents undefined) and returns its info. */
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  /** Decrements the reference count of `dataId`; frees the memory when it reaches zero. */
  disposeData(dataId: DataId, force?: boolean): boolean;
  /** A typed array aliasing the tensor's heap memory; invalidated by the next heap allocation. */
  typedArrayFromHeap(info: TensorInfo): HeapArray;
  /** Increments the reference count of `dataId` (what a reshape does). */
  incRef(dataId: DataId): void;
}

/** The window attributes every conv2d gradient kernel shares (tfjs's own names and types). */
export interface ConvWindowAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** Originals of the wasm kernels this library overrides, captured when the override was registered. */
const overriddenOriginals = new Map<string, KernelConfig>();

/** Records the wasm backend's original kernel before an override replaces it (see `index.ts`). */
export function rememberOriginalKernel(config: KernelConfig): void {
  overriddenOriginals.set(config.kernelName, config);
}

/** Forgets a remembered original once it has been restored. */
export function forgetOriginalKernel(kernelName: string): void {
  overriddenOriginals.delete(kernelName);
}

/**
 * The wasm backend's own implementation of `kernelName`: the original when this library overrides it,
 * else whatever is registered. Throws when the wasm backend has no such kernel.
 */
export function wasmKernel(kernelName: string): KernelConfig {
  const config = overriddenOriginals.get(kernelName) ?? tf.getKernel(kernelName, 'wasm');
  if (config === undefined) {
    throw new Error(`wasm kernel fixes: the wasm backend has no '${kernelName}' kernel (is it loaded?)`);
  }
  return config;
}

/**
 * The products whose XNNPACK operator the wasm backend caches under the right operand's buffer id
 * (`b`), with the weights packed for the shape of the first call.
 */
const CACHED_BY_RIGHT_OPERAND = new Set(['BatchMatMul', '_FusedMatMul']);

/** For each buffer used as such a right operand: the `[k, n]` (and transpose flag) it was packed with. */
const packedRightOperand = new WeakMap<DataId, string>();

/**
 * The right operand to hand to a cached product: `b` itself, or a fresh copy when `b`'s buffer was already
 * used as a right operand of another shape. tfjs-backend-wasm 4.22 looks its XNNPACK operator up by the
 * buffer id alone, so a buffer seen again under another `[k, n]` (a reshape or a vector's transpose share
 * the buffer) reuses weights packed for the old shape and writes outside the output: heap corruption
 * (`memory access out of bounds` later, or wrong numbers). Returns the copy to release, or null.
 */
function freshRightOperand(backend: WasmBackendLike, b: TensorInfo, attrs: NamedAttrMap): TensorInfo | null {
  const key = `${b.shape.slice(-2).join('x')}:${attrs.transposeB === true ? 't' : 'n'}`;
  const seen = packedRightOperand.get(b.dataId);
  if (seen === undefined) {
    packedRightOperand.set(b.dataId, key);
    return null;
  }
  if (seen === key) return null;
  const copy = backend.makeOutput(b.shape, b.dtype);
  backend.typedArrayFromHeap(copy).set(backend.typedArrayFromHeap(b));
  packedRightOperand.set(copy.dataId, key);
  return copy;
}

/** Runs the wasm backend's own `kernelName` on `inputs` and returns its single output. */
export function runWasmKernel(
  backend: WasmBackendLike,
  kernelName: string,
  inputs: Record<string, TensorInfo | undefined>,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const b = CACHED_BY_RIGHT_OPERAND.has(kernelName) ? inputs.b : undefined;
  const copy = b === undefined ? null : freshRightOperand(backend, b, attrs);
  const out = wasmKernel(kernelName).kernelFunc({ inputs: copy === null ? inputs : { ...inputs, b: copy }, backend, attrs });
  if (copy !== null) backend.disposeData(copy.dataId);
  if (Array.isArray(out)) throw new Error(`wasm kernel fixes: '${kernelName}' returned ${out.length} outputs`);
  return out;
}

/** Releases intermediates created inside a kernel (`null`/`undefined` entries are skipped). */
export function disposeInfos(backend: WasmBackendLike, ...infos: (TensorInfo | null | undefined)[]): void {
  for (const info of infos) if (info != null) backend.disposeData(info.dataId);
}

/** A reshape that shares data, as the wasm `Reshape` kernel does; release it with {@link disposeInfos}. */
export function reshapeInfo(backend: WasmBackendLike, x: TensorInfo, shape: number[]): TensorInfo {
  if (tf.util.sizeFromShape(shape) !== tf.util.sizeFromShape(x.shape)) {
    throw new Error(`wasm kernel fixes: cannot reshape [${x.shape}] to [${shape}]`);
  }
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

/** Casts through the wasm `Cast` kernel (a new reference when `dtype` already matches). */
export function castInfo(backend: WasmBackendLike, x: TensorInfo, dtype: DataType): TensorInfo {
  if (x.dtype === dtype) return reshapeInfo(backend, x, x.shape);
  return runWasmKernel(backend, 'Cast', { x }, { dtype });
}

/** A zero-filled tensor on the wasm heap. */
export function zerosInfo(backend: WasmBackendLike, shape: number[], dtype: DataType): TensorInfo {
  const out = backend.makeOutput(shape, dtype);
  if (tf.util.sizeFromShape(shape) > 0) backend.typedArrayFromHeap(out).fill(0);
  return out;
}

/** The SIMD GEMM module's transpose (`simd/gemm.wat`): `dst[j, i] = src[i, j]`, addresses in bytes. */
interface SimdTranspose {
  transpose: (src: number, dst: number, rows: number, cols: number) => void;
}

/**
 * Transposes the two innermost axes of `x` (shape `[...batch, rows, cols]` → `[...batch, cols, rows]`)
 * into a new tensor.
 *
 * Why not the wasm `Transpose` kernel: that one walks the input with a large stride and measures 3–7×
 * slower than a 4×4 register-tiled loop over heap views (1024×256: 1.6 ms vs 0.22 ms), and the
 * transposed matmul fixes run it on every backward pass. With WebAssembly SIMD, 4-byte elements (float32,
 * int32) go through the SIMD GEMM module's 4×4-shuffle transpose (a bit-for-bit copy; 512×128: 22 µs
 * against 59 µs for the JavaScript loop, one thread, CPU time), the loop remains for other dtypes and engines
 * without SIMD.
 */
export function transposeInner(backend: WasmBackendLike, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  if (rank < 2) throw new Error(`wasm kernel fixes: transposeInner needs rank >= 2, got [${x.shape}]`);
  const rows = x.shape[rank - 2]!;
  const cols = x.shape[rank - 1]!;
  const outShape = [...x.shape.slice(0, -2), cols, rows];
  if (rows === 1 || cols === 1) return reshapeInfo(backend, x, outShape);
  const out = backend.makeOutput(outShape, x.dtype);
  const matrix = rows * cols;
  const simd = x.dtype === 'float32' || x.dtype === 'int32' ? simdKernelExports<SimdTranspose>(backend, GEMM_PLAIN, GEMM_SHARED) : null;
  if (simd !== null) {
    const batch = matrix === 0 ? 0 : tf.util.sizeFromShape(x.shape) / matrix;
    const from = heapAddress(backend, x);
    const to = heapAddress(backend, out);
    for (let b = 0; b < batch; b++) simd.transpose(from + 4 * b * matrix, to + 4 * b * matrix, rows, cols);
    return out;
  }
  // Views after the allocation: makeOutput may grow (and so detach) the heap.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const batch = matrix === 0 ? 0 : src.length / matrix;
  for (let b = 0; b < batch; b++) transpose2d(src, dst, b * matrix, rows, cols);
  return out;
}

/** `dst[offset + j·rows + i] = src[offset + i·cols + j]` with 4×4 register tiles and scalar edges. */
function transpose2d(src: HeapArray, dst: HeapArray, offset: number, rows: number, cols: number): void {
  const r4 = rows & ~3;
  const c4 = cols & ~3;
  for (let i = 0; i < r4; i += 4) {
    const s0 = offset + i * cols;
    const s1 = s0 + cols;
    const s2 = s1 + cols;
    const s3 = s2 + cols;
    for (let j = 0; j < c4; j += 4) {
      const a0 = src[s0 + j]!, a1 = src[s0 + j + 1]!, a2 = src[s0 + j + 2]!, a3 = src[s0 + j + 3]!;
      const b0 = src[s1 + j]!, b1 = src[s1 + j + 1]!, b2 = src[s1 + j + 2]!, b3 = src[s1 + j + 3]!;
      const c0 = src[s2 + j]!, c1 = src[s2 + j + 1]!, c2 = src[s2 + j + 2]!, c3 = src[s2 + j + 3]!;
      const e0 = src[s3 + j]!, e1 = src[s3 + j + 1]!, e2 = src[s3 + j + 2]!, e3 = src[s3 + j + 3]!;
      let d = offset + j * rows + i;
      dst[d] = a0; dst[d + 1] = b0; dst[d + 2] = c0; dst[d + 3] = e0; d += rows;
      dst[d] = a1; dst[d + 1] = b1; dst[d + 2] = c1; dst[d + 3] = e1; d += rows;
      dst[d] = a2; dst[d + 1] = b2; dst[d + 2] = c2; dst[d + 3] = e2; d += rows;
      dst[d] = a3; dst[d + 1] = b3; dst[d + 2] = c3; dst[d + 3] = e3;
    }
    for (let j = c4; j < cols; j++) {
      const d = offset + j * rows + i;
      dst[d] = src[s0 + j]!;
      dst[d + 1] = src[s1 + j]!;
      dst[d + 2] = src[s2 + j]!;
      dst[d + 3] = src[s3 + j]!;
    }
  }
  for (let i = r4; i < rows; i++) {
    const s = offset + i * cols;
    for (let j = 0; j < cols; j++) dst[offset + j * rows + i] = src[s + j]!;
  }
}

/**
 * The leading corner `x[0:size[0], 0:size[1], …]` as a new tensor (a shared reference when `size` equals
 * the shape). Copies whole innermost runs with `TypedArray.set`; the wasm `Slice` kernel would first copy
 * the entire input out of the heap.
 */
export function cropInfo(backend: WasmBackendLike, x: TensorInfo, size: number[]): TensorInfo {
  if (size.every((d, i) => d === x.shape[i])) return reshapeInfo(backend, x, x.shape);
  const rank = x.shape.length;
  const out = backend.makeOutput(size, x.dtype);
  if (tf.util.sizeFromShape(size) === 0) return out;
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const inStrides = tf.util.computeStrides(x.shape);
  const run = size[rank - 1]!;
  const rows = tf.util.sizeFromShape(size.slice(0, -1));
  const coord = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let d = 0; d < rank - 1; d++) s += coord[d]! * inStrides[d]!;
    dst.set(src.subarray(s, s + run), r * run);
    for (let d = rank - 2; d >= 0; d--) {
      if (++coord[d]! < size[d]!) break;
      coord[d] = 0;
    }
  }
  return out;
}
