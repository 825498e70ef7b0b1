/**
 * `BatchMatMul` for the wasm backend: every product goes through XNNPACK's fully-connected operator.
 *
 * Why: the wasm backend (tfjs-backend-wasm 4.22) hands a product to XNNPACK only when neither operand is
 * transposed and both have batch size 1; everything else falls to a blocked scalar triple loop. Measured on
 * this machine (1024×512 · 512×512): plain 22 ms, `transposeB` 249 ms, `transposeA` 1064 ms, and a batched
 * `[4,256,512]·[512,512]` 520 ms. Dense-layer backprop computes `dY·Wᵀ` and `Xᵀ·dY`, so training hits the
 * slow loop on every step. This override transposes flagged operands explicitly (a fast heap transpose,
 * see {@link transposeInner}) and splits batched products into runs that the plain XNNPACK path takes.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import {
  castInfo,
  disposeInfos,
  reshapeInfo,
  runWasmKernel,
  transposeInner,
  type WasmBackendLike,
  zerosInfo,
} from './wasm-common.js';
import { type GemmKernels, simdGemm, simdGemmKernels } from './wasm-simd-gemm.js';

/**
 * Below this many multiply-adds per matrix (`m·k·n`), a batched product whose right operand has several
 * matrices stays on the original kernel: measured, 512 products of 8×8 take 0.4 ms there and 2.5 ms as
 * separate XNNPACK calls, 256 of 16×16 about the same either way, and from 28×28 on the XNNPACK calls win
 * (64 of 32×32: 0.7 ms against 2.0 ms).
 */
export const SMALL_BATCHED_PRODUCT = 8192;

/** Shapes of a (possibly transposed, possibly batched) matrix product, as tfjs defines them. */
export interface MatMulGeometry {
  /** Rows of the (transposed) left operand. */
  m: number;
  /** Shared dimension. */
  k: number;
  /** Columns of the (transposed) right operand. */
  n: number;
  /** Leading (batch) dims of `a` and `b`. */
  outerA: number[];
  outerB: number[];
  /** Broadcast batch dims of the result. */
  outBatch: number[];
  /** Full result shape: `[...outBatch, m, n]`. */
  outShape: number[];
}

/**
 * Validates shapes and computes the geometry of `a·b` (with the transpose flags), with the same error
 * messages as tfjs for mismatched inner dimensions.
 */
export function matMulGeometry(
  aShape: number[],
  bShape: number[],
  transposeA: boolean,
  transposeB: boolean,
): MatMulGeometry {
  const aRank = aShape.length;
  const bRank = bShape.length;
  if (aRank < 2 || bRank < 2) {
    throw new Error(`Error in matMul: inputs must have rank >= 2, got shapes [${aShape}] and [${bShape}].`);
  }
  const m = transposeA ? aShape[aRank - 1]! : aShape[aRank - 2]!;
  const k = transposeA ? aShape[aRank - 2]! : aShape[aRank - 1]!;
  const kB = transposeB ? bShape[bRank - 1]! : bShape[bRank - 2]!;
  const n = transposeB ? bShape[bRank - 2]! : bShape[bRank - 1]!;
  tf.util.assert(
    k === kB,
    () =>
      `Error in matMul: inner shapes (${k}) and (${kB}) of Tensors with shapes ${aShape} and ${bShape} and ` +
      `transposeA=${transposeA} and transposeB=${transposeB} must match.`,
  );
  const outerA = aShape.slice(0, -2);
  const outerB = bShape.slice(0, -2);
  const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
  return { m, k, n, outerA, outerB, outBatch, outShape: [...outBatch, m, n] };
}

/**
 * For each result batch index, the batch index of `a` and of `b` under numpy broadcasting
 * (a size-1 dim repeats; missing leading dims count as 1).
 */
export function broadcastBatchIndices(outerA: number[], outerB: number[], outBatch: number[]): [Int32Array, Int32Array] {
  const rank = outBatch.length;
  const total = tf.util.sizeFromShape(outBatch);
  const pad = (s: number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
  const strides = (s: number[]) => {
    const st = new Array<number>(rank).fill(0);
    let acc = 1;
    for (let d = rank - 1; d >= 0; d--) {
      st[d] = s[d] === 1 ? 0 : acc;
      acc *= s[d]!;
    }
    return st;
  };
  const sa = strides(pad(outerA));
  const sb = strides(pad(outerB));
  const ia = new Int32Array(total);
  const ib = new Int32Array(total);
  const coord = new Array<number>(rank).fill(0);
  for (let i = 0; i < total; i++) {
    let offA = 0;
    let offB = 0;
    for (let d = 0; d < rank; d++) {
      offA += coord[d]! * sa[d]!;
      offB += coord[d]! * sb[d]!;
    }
    ia[i] = offA;
    ib[i] = offB;
    for (let d = rank - 1; d >= 0; d--) {
      if (++coord[d]! < outBatch[d]!) break;
      coord[d] = 0;
    }
  }
  return [ia, ib];
}

/** Copies `count` matrices starting at matrix `first` of a contiguous `[batch, rows, cols]` tensor. */
function copyMatrices(backend: WasmBackendLike, x: TensorInfo, first: number, count: number): TensorInfo {
  const rows = x.shape[1]!;
  const cols = x.shape[2]!;
  const size = rows * cols;
  const out = backend.makeOutput([1, count * rows, cols], x.dtype);
  const src = backend.typedArrayFromHeap(x);
  backend.typedArrayFromHeap(out).set(src.subarray(first * size, (first + count) * size));
  return out;
}

/**
 * The plain XNNPACK product of contiguous float32 operands `a: [batchA, m, k]`, `b: [batchB, k, n]`,
 * broadcasting batches; returns `[batch, m, n]` where `batch` is the size of `outBatch`.
 *
 * Consecutive result batches that use the same matrix of `b` and consecutive matrices of `a` are stacked
 * into one product (`[run·m, k]·[k, n]`), so "many × one" broadcasting is a single XNNPACK call.
 */
export function plainBatchedProduct(
  backend: WasmBackendLike,
  a: TensorInfo,
  b: TensorInfo,
  outerA: number[],
  outerB: number[],
  outBatch: number[],
): TensorInfo {
  const [batchA, m, k] = a.shape as [number, number, number];
  const [batchB, , n] = b.shape as [number, number, number];
  const batch = tf.util.sizeFromShape(outBatch);
  const product = (x: TensorInfo, y: TensorInfo) =>
    runWasmKernel(backend, 'BatchMatMul', { a: x, b: y }, { transposeA: false, transposeB: false });

  if (batchB === 1 && batchA === batch) {
    const a2 = reshapeInfo(backend, a, [1, batchA * m, k]);
    const out = product(a2, b);
    disposeInfos(backend, a2);
    return out;
  }
  const [ia, ib] = broadcastBatchIndices(outerA, outerB, outBatch);
  const out = backend.makeOutput([batch, m, n], 'float32');
  const runSize = m * n;
  for (let i0 = 0; i0 < batch; ) {
    let len = 1;
    while (i0 + len < batch && ib[i0 + len] === ib[i0] && ia[i0 + len] === ia[i0]! + len) len++;
    const aRun = len === batchA ? reshapeInfo(backend, a, [1, batchA * m, k]) : copyMatrices(backend, a, ia[i0]!, len);
    const bRun = batchB === 1 ? reshapeInfo(backend, b, [1, k, n]) : copyMatrices(backend, b, ib[i0]!, 1);
    const r = product(aRun, bRun);
    backend.typedArrayFromHeap(out).set(backend.typedArrayFromHeap(r).subarray(0, len * runSize), i0 * runSize);
    disposeInfos(backend, aRun, bRun, r);
    i0 += len;
  }
  return out;
}

/**
 * Makes the operands contiguous for the plain product: `a` as `[batchA, m, k]`, `b` as `[batchB, k, n]`,
 * transposing explicitly where a flag is set. Release both results with {@link disposeInfos}.
 */
export function contiguousOperands(
  backend: WasmBackendLike,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  g: MatMulGeometry,
): [TensorInfo, TensorInfo] {
  const batchA = tf.util.sizeFromShape(g.outerA);
  const batchB = tf.util.sizeFromShape(g.outerB);
  let a3: TensorInfo;
  if (transposeA) {
    const r = reshapeInfo(backend, a, [batchA, g.k, g.m]);
    a3 = transposeInner(backend, r);
    disposeInfos(backend, r);
  } else {
    a3 = reshapeInfo(backend, a, [batchA, g.m, g.k]);
  }
  let b3: TensorInfo;
  if (transposeB) {
    const r = reshapeInfo(backend, b, [batchB, g.n, g.k]);
    b3 = transposeInner(backend, r);
    disposeInfos(backend, r);
  } else {
    b3 = reshapeInfo(backend, b, [batchB, g.k, g.n]);
  }
  return [a3, b3];
}

/**
 * `a·b` (with transpose flags and batch broadcasting) on the wasm backend through XNNPACK; the result has
 * shape `[...broadcast(batchA, batchB), m, n]` and dtype `a.dtype` (non-float32 inputs are computed in
 * float32 and cast back, like the cpu backend's result dtype).
 */
export function wasmBatchMatMul(
  backend: WasmBackendLike,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo {
  const g = matMulGeometry(a.shape, b.shape, transposeA, transposeB);
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    const af = castInfo(backend, a, 'float32');
    const bf = castInfo(backend, b, 'float32');
    const yf = wasmBatchMatMul(backend, af, bf, transposeA, transposeB);
    const y = castInfo(backend, yf, a.dtype);
    disposeInfos(backend, af, bf, yf);
    return y;
  }
  if (tf.util.sizeFromShape(g.outShape) === 0) return backend.makeOutput(g.outShape, 'float32');
  if (g.k === 0) return zerosInfo(backend, g.outShape, 'float32');
  const batchA = tf.util.sizeFromShape(g.outerA);
  const batchB = tf.util.sizeFromShape(g.outerB);
  const smallBatched = batchB > 1 && g.m * g.k * g.n < SMALL_BATCHED_PRODUCT && (batchA === batchB || batchA === 1);
  const kernels = smallBatched ? null : simdGemmKernels(backend);
  if (kernels !== null) {
    // The same sums as the XNNPACK routes below, in the same order (see wasm-simd-gemm.ts).
    return simdBatchedProduct(backend, kernels, a, b, null, transposeA, transposeB, g);
  }
  if (!transposeA && !transposeB && batchA === 1 && batchB === 1) {
    // Already the XNNPACK path of the original kernel.
    return runWasmKernel(backend, 'BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
  }
  if (transposeA && batchA === 1 && batchB === 1) {
    const viaTransposedResult = transposeB || g.k * g.n + g.m * g.n < g.k * g.m;
    if (viaTransposedResult) return transposedResultProduct(backend, a, b, transposeB, g);
  }
  if (smallBatched) {
    // Many tiny matrices: one XNNPACK call per matrix costs more than the original's loop.
    return runWasmKernel(backend, 'BatchMatMul', { a, b }, { transposeA, transposeB });
  }
  const [a3, b3] = contiguousOperands(backend, a, b, transposeA, transposeB, g);
  const out = plainBatchedProduct(backend, a3, b3, g.outerA, g.outerB, g.outBatch);
  disposeInfos(backend, a3, b3);
  out.shape = g.outShape;
  return out;
}

/**
 * `bias + a·b` (transpose flags, batch broadcasting; `bias` null or `[n]`) by the SIMD kernel of
 * wasm-simd-gemm.ts, one call per result matrix; the result has shape `g.outShape`. Float32 operands, `k ≥ 1`.
 */
export function simdBatchedProduct(
  backend: WasmBackendLike,
  kernels: GemmKernels,
  a: TensorInfo,
  b: TensorInfo,
  bias: TensorInfo | null,
  transposeA: boolean,
  transposeB: boolean,
  g: MatMulGeometry,
): TensorInfo {
  const single = g.outerA.length === 0 && g.outerB.length === 0;
  const [ia, ib] = single ? [[0], [0]] : broadcastBatchIndices(g.outerA, g.outerB, g.outBatch);
  return simdGemm(backend, kernels, a, b, { m: g.m, k: g.k, n: g.n, transposeA, transposeB, bias, aIndex: ia, bIndex: ib, outShape: g.outShape });
}

/**
 * `Aᵀ·B` (or `Aᵀ·Bᵀ`) of single matrices as the transpose of `Bᵀ·A` (or `B·A`), which moves fewer
 * elements when `A` is the big operand: with `A: [k, m]`, `B: [k, n]` the direct route transposes
 * `k·m` elements, this one `k·n + m·n` (just `m·n` when `B` is already transposed). Weight gradients
 * of narrow layers (`Xᵀ·dY` with few output columns) are the case that gains.
 */
function transposedResultProduct(
  backend: WasmBackendLike,
  a: TensorInfo,
  b: TensorInfo,
  transposeB: boolean,
  g: MatMulGeometry,
): TensorInfo {
  const a2 = reshapeInfo(backend, a, [1, g.k, g.m]);
  // Bᵀ as a contiguous [n, k]: already so when transposeB, else transposed here.
  let bT: TensorInfo;
  if (transposeB) {
    bT = reshapeInfo(backend, b, [1, g.n, g.k]);
  } else {
    const b3 = reshapeInfo(backend, b, [1, g.k, g.n]);
    bT = transposeInner(backend, b3);
    disposeInfos(backend, b3);
  }
  const cT = runWasmKernel(backend, 'BatchMatMul', { a: bT, b: a2 }, { transposeA: false, transposeB: false });
  const c = transposeInner(backend, cT);
  disposeInfos(backend, a2, bT, cT);
  c.shape = g.outShape;
  return c;
}

/**
 * Builds the `BatchMatMul` override for the wasm backend. `original` is the wasm backend's own config;
 * its `setupFunc` is kept so a re-initialised backend still sets up the native function the override
 * calls.
 */
export function createWasmBatchMatMulKernel(original: KernelConfig): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA = false, transposeB = false } = (attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    return wasmBatchMatMul(backend as WasmBackendLike, a, b, transposeA, transposeB);
  };
  return { kernelName: tf.BatchMatMul, backendName: 'wasm', kernelFunc, setupFunc: original.setupFunc };
}
