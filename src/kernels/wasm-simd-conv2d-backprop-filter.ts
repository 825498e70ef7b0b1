/**
 * The filter gradient of a channels-last conv2d in this library's own WebAssembly SIMD code
 * (`simd/conv2d-filter-grad.wat`), run inside the wasm backend's memory:
 *
 *     dF[fh, fw, ci, co] = Σ_{b, oh, ow} x[b, oh·sh + fh·dh − top, ow·sw + fw·dw − left, ci] · dy[b, oh, ow, co]
 *
 * (terms whose input pixel falls in the padding are zero).
 *
 * Why not XNNPACK: its GEMM kernels are built for products with many rows and columns, while this is a
 * product with a long reduction (B·OH·OW positions, 50,176 in the U-Net) and a small `[FH·FW·CI, CO]`
 * result. Every XNNPACK formulation measured 15–20 GFLOP/s; the kernel here keeps a 4 × 8 block of the
 * result in SIMD registers while it runs over the positions, and reads `x` and `dy` where they are.
 *
 * Two forms, both needing CO a multiple of 8:
 * - CI a multiple of 4: blocks of 4 channels of one tap, `x` read in place. The padding costs nothing:
 *   a tap adds only over the output rows and columns whose input pixel is inside the image.
 * - any other CI (e.g. the 1-channel input conv): blocks of any 4 (tap, channel) pairs over a zero-padded
 *   copy of `x` (small when CI is small).
 *
 * The module runs in the backend's own memory (`wasm-simd-module.ts`), on the calling thread only. When
 * it cannot run there, {@link simdConv2DBackpropFilter} returns null and the caller uses its XNNPACK paths.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import { PLAIN_WASM_BASE64, SHARED_WASM_BASE64 } from './simd/conv2d-filter-grad-wasm.js';
import { disposeInfos, type WasmBackendLike } from './wasm-common.js';
import { heapAddress as address, simdKernelExports } from './wasm-simd-module.js';

/** The exports of `simd/conv2d-filter-grad.wat` (all arguments i32; addresses in bytes). */
interface FilterGradExports {
  filterGrad4(
    x: number, dy: number, tab: number, nblk: number, co: number, ow: number, oh: number, h: number,
    nrows: number, chunk: number, xImg: number, xRow: number, xStep: number, sh: number,
  ): void;
  filterGradAny(
    x: number, dy: number, tab: number, nblk: number, co: number, ow: number, oh: number,
    nrows: number, chunk: number, xImg: number, xRow: number, xStep: number,
  ): void;
}

/** Bytes of the `dy` rows one chunk of the kernel covers (keeps x and dy rows of a chunk in L1). */
export const SIMD_FILTER_GRAD_CHUNK_BYTES = 16384;

/** The kernel instance for `backend`'s memory (instantiated on first use), or null when unavailable. */
export function simdFilterGradKernels(backend: WasmBackendLike): FilterGradExports | null {
  return simdKernelExports<FilterGradExports>(backend, PLAIN_WASM_BASE64, SHARED_WASM_BASE64);
}

/**
 * The filter gradient `[FH, FW, CI, CO]` by the SIMD kernel, or null when it does not apply (CO not a
 * multiple of 8, or the kernel is unavailable on this backend). Any strides and dilations. `info` describes
 * the conv of `x: [B, H, W, CI]` whose output has `dy`'s shape `[B, OH, OW, CO]` (both float32, non-empty).
 */
export function simdConv2DBackpropFilter(
  backend: WasmBackendLike,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): TensorInfo | null {
  if (info.outChannels % 8 !== 0) return null;
  const kernels = simdFilterGradKernels(backend);
  if (kernels === null) return null;
  return info.inChannels % 4 === 0 ? inPlace(backend, kernels, x, dy, info) : padded(backend, kernels, x, dy, info);
}

/** A zero-filled tensor on the wasm heap. */
function zeros(backend: WasmBackendLike, shape: number[], dtype: DataType = 'float32'): TensorInfo {
  const out = backend.makeOutput(shape, dtype);
  backend.typedArrayFromHeap(out).fill(0);
  return out;
}

/** Rows of dy per kernel chunk. */
function chunkRows(ow: number, co: number): number {
  return Math.max(1, Math.floor(SIMD_FILTER_GRAD_CHUNK_BYTES / (ow * co * 4)));
}

/** CI a multiple of 4: blocks of 4 channels of one tap over `x` in place (see the .wat). */
function inPlace(
  backend: WasmBackendLike,
  kernels: FilterGradExports,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): TensorInfo {
  const { batchSize: nb, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, dilationHeight: dh, dilationWidth: dw, strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const out = zeros(backend, [fh, fw, ci, co]);
  const entries: number[] = [];
  // Output indices o with 0 ≤ o·s + shift < size: [⌈−shift/s⌉, ⌊(size − 1 − shift)/s⌋ + 1) within [0, count).
  const inside = (shift: number, s: number, size: number, count: number): [number, number] => [
    Math.max(0, Math.ceil(-shift / s)),
    Math.min(count, Math.floor((size - 1 - shift) / s) + 1),
  ];
  for (let i = 0; i < fh; i++) {
    const ihShift = i * dh - top;
    // Output rows with an input row inside the image: none → the tap adds nothing.
    const [rowLo, rowHi] = inside(ihShift, sh, h, oh);
    if (rowLo >= rowHi) continue;
    for (let j = 0; j < fw; j++) {
      const iwShift = j * dw - left;
      const [lo, hi] = inside(iwShift, sw, w, ow);
      if (lo >= hi) continue;
      for (let c = 0; c < ci; c += 4) {
        entries.push(((ihShift * w + iwShift) * ci + c) * 4, ihShift, lo, hi, ((i * fw + j) * ci + c) * co * 4);
      }
    }
  }
  const nblk = entries.length / 5;
  if (nblk === 0) return out;
  const tab = backend.makeOutput([entries.length], 'int32');
  const t = backend.typedArrayFromHeap(tab) as Int32Array;
  const outAddress = address(backend, out);
  for (let k = 0; k < entries.length; k++) t[k] = k % 5 === 4 ? outAddress + entries[k]! : entries[k]!;
  kernels.filterGrad4(
    address(backend, x), address(backend, dy), address(backend, tab), nblk, co, ow, oh, h, nb * oh,
    chunkRows(ow, co), h * w * ci * 4, sh * w * ci * 4, sw * ci * 4, sh,
  );
  disposeInfos(backend, tab);
  return out;
}

/** Any CI: blocks of any 4 (tap, channel) pairs over a zero-padded copy of `x` (see the .wat). */
function padded(
  backend: WasmBackendLike,
  kernels: FilterGradExports,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): TensorInfo {
  const { batchSize: nb, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, dilationHeight: dh, dilationWidth: dw, strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // Output row oh reads padded rows oh·sh … oh·sh + (FH−1)·dh.
  const hp = (oh - 1) * sh + (fh - 1) * dh + 1;
  const wp = (ow - 1) * sw + (fw - 1) * dw + 1;
  const rows = fh * fw * ci;
  const nblk = Math.ceil(rows / 4);
  const xp = zeros(backend, [nb, hp, wp, ci]);
  const acc = zeros(backend, [rows + 1, co]); // the last row absorbs the unused slots of the last block
  const tab = backend.makeOutput([nblk * 8], 'int32');
  const out = backend.makeOutput([fh, fw, ci, co], 'float32');
  {
    const xs = backend.typedArrayFromHeap(x) as Float32Array;
    const xd = backend.typedArrayFromHeap(xp) as Float32Array;
    // Input rows and columns that land inside the padded grid (explicit padding may crop).
    const r0 = Math.max(0, -top);
    const r1 = Math.min(h, hp - top);
    const c0 = Math.max(0, -left);
    const c1 = Math.min(w, wp - left);
    if (r0 < r1 && c0 < c1) {
      for (let b = 0; b < nb; b++) {
        for (let r = r0; r < r1; r++) {
          const s = ((b * h + r) * w + c0) * ci;
          xd.set(xs.subarray(s, s + (c1 - c0) * ci), ((b * hp + r + top) * wp + c0 + left) * ci);
        }
      }
    }
    const t = backend.typedArrayFromHeap(tab) as Int32Array;
    const accAddress = address(backend, acc);
    for (let k = 0; k < nblk * 4; k++) {
      const slot = (k >> 2) * 8 + (k & 3);
      if (k < rows) {
        const tap = Math.floor(k / ci);
        const c = k % ci;
        t[slot] = ((Math.floor(tap / fw) * dh * wp + (tap % fw) * dw) * ci + c) * 4;
        t[slot + 4] = accAddress + k * co * 4;
      } else {
        t[slot] = 0;
        t[slot + 4] = accAddress + rows * co * 4;
      }
    }
  }
  kernels.filterGradAny(
    address(backend, xp), address(backend, dy), address(backend, tab), nblk, co, ow, oh, nb * oh,
    chunkRows(ow, co), hp * wp * ci * 4, sh * wp * ci * 4, sw * ci * 4,
  );
  (backend.typedArrayFromHeap(out) as Float32Array).set((backend.typedArrayFromHeap(acc) as Float32Array).subarray(0, rows * co));
  disposeInfos(backend, xp, acc, tab);
  return out;
}
