/**
 * A stride-1 conv2d (dilation 1, channels-last) in this library's own WebAssembly SIMD code
 * (`simd/conv2d.wat`), run inside the wasm backend's memory (`wasm-simd-module.ts`):
 *
 *     y[b, oh, ow, co] = bias[co] + Σ_{i, j, ci} xpad[b, oh + i, ow + j, ci] · w[i, j, ci, co]
 *
 * where `xpad` is `x` with `pad = [top, bottom, left, right]` zero rows/columns (written out as a copy
 * unless all four are 0). Used for the input gradient of conv2d (stride 1: a conv of `dy` with the flipped
 * filter; larger strides: the phase convolution) and by the `FusedConv2D` override. Measured on the
 * U-Net's shapes, batch 64, one thread, CPU clock (`npx tsx bench/simd-filter-grad.ts`, two runs on the
 * loaded 2-core machine): 0.9–1.4× XNNPACK's forward conv, 32–46 GFLOP/s on 28×28 images.
 *
 * Applies to CI = 32 or 64 (the kernel's four positions sit CI·4 bytes apart, an immediate offset, so
 * there is one function per CI), CO a multiple of 8, at least 4 output columns; otherwise
 * {@link simdConv2D} returns null and the caller uses XNNPACK.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { PLAIN_WASM_BASE64, SHARED_WASM_BASE64 } from './simd/conv2d-wasm.js';
import { disposeInfos, type WasmBackendLike } from './wasm-common.js';
import { heapAddress, simdKernelExports } from './wasm-simd-module.js';

/** One exported function of `simd/conv2d.wat` (all arguments i32; addresses in bytes; bias 0 = none). */
type ConvFunction = (
  xg: number, w: number, bias: number, y: number, ci: number, co: number, ow: number, oh: number,
  fh: number, fw: number, hp: number, wp: number, nrows: number,
) => void;

/** The exports of `simd/conv2d.wat`. */
interface ConvExports {
  conv128: ConvFunction;
  conv256: ConvFunction;
}

/** Input channel counts the kernel has a function for. */
export const SIMD_CONV_IN_CHANNELS: readonly number[] = [32, 64];

/** Zero padding of the spatial axes, `[top, bottom, left, right]` (each ≥ 0). */
export type SpatialPadding = [number, number, number, number];

/**
 * `conv2d(x, filter) + bias` with stride 1 and dilation 1 by the SIMD kernel: `x: [B, H, W, CI]`,
 * `filter: [FH, FW, CI, CO]`, `bias: [CO]` or null, all float32 →
 * `[B, H + top + bottom − FH + 1, W + left + right − FW + 1, CO]`; null when the kernel does not apply
 * (see the file comment).
 */
export function simdConv2D(
  backend: WasmBackendLike,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | null,
  pad: SpatialPadding,
): TensorInfo | null {
  const [nb, h, w, ci] = x.shape as [number, number, number, number];
  const [fh, fw, fci, co] = filter.shape as [number, number, number, number];
  const [top, bottom, left, right] = pad;
  const hp = h + top + bottom;
  const wp = w + left + right;
  const oh = hp - fh + 1;
  const ow = wp - fw + 1;
  if (
    !SIMD_CONV_IN_CHANNELS.includes(ci) || fci !== ci || co % 8 !== 0 || ow < 4 || oh < 1 || nb < 1 ||
    pad.some((p) => p < 0) || x.dtype !== 'float32' || filter.dtype !== 'float32' || (bias !== null && bias.dtype !== 'float32')
  ) {
    return null;
  }
  const kernels = simdKernelExports<ConvExports>(backend, PLAIN_WASM_BASE64, SHARED_WASM_BASE64);
  if (kernels === null) return null;
  const padded = top + bottom + left + right > 0;
  const xg = padded ? padCopy(backend, x, pad) : x;
  const y = backend.makeOutput([nb, oh, ow, co], 'float32');
  const run = ci === 32 ? kernels.conv128 : kernels.conv256;
  run(
    heapAddress(backend, xg), heapAddress(backend, filter), bias === null ? 0 : heapAddress(backend, bias),
    heapAddress(backend, y), ci, co, ow, oh, fh, fw, hp, wp, nb * oh,
  );
  if (padded) disposeInfos(backend, xg);
  return y;
}

/** `x` with zero rows and columns around each image (every element written once). */
function padCopy(backend: WasmBackendLike, x: TensorInfo, [top, bottom, left, right]: SpatialPadding): TensorInfo {
  const [nb, h, w, c] = x.shape as [number, number, number, number];
  const hp = h + top + bottom;
  const wp = w + left + right;
  const out = backend.makeOutput([nb, hp, wp, c], 'float32');
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  const rowLength = wp * c;
  for (let b = 0; b < nb; b++) {
    const image = b * hp * rowLength;
    dst.fill(0, image, image + top * rowLength);
    for (let r = 0; r < h; r++) {
      const d = image + (top + r) * rowLength;
      dst.fill(0, d, d + left * c);
      const s = (b * h + r) * w * c;
      dst.set(src.subarray(s, s + w * c), d + left * c);
      dst.fill(0, d + (left + w) * c, d + rowLength);
    }
    dst.fill(0, image + (top + h) * rowLength, image + hp * rowLength);
  }
  return out;
}
