/**
 * `Conv2DBackpropFilter` (the filter gradient of conv2d) for the wasm backend, which does not have it.
 *
 * CO a multiple of 8 (any strides) runs this library's own WebAssembly SIMD kernel
 * (`wasm-simd-conv2d-backprop-filter.ts`; 2–3× the XNNPACK forms below on the U-Net's shapes). The rest:
 *
 * Method: the filter gradient is itself a convolution in which the batch plays the role of channels,
 *
 *     dF[fh, fw, ci, co] = Σ_{b, oh, ow} x[b, oh·s + fh·d − padTop, …, ci] · dy[b, oh, ow, co]
 *                        = conv( xᵀ: [CI, H, W, B],  dyᵀ as filter: [OH, OW, B, CO],
 *                                stride d, dilation s, explicit padding )[ci, fh, fw, co],
 *
 * so it can run as the wasm backend's own `Conv2D` (XNNPACK) after two `Transpose`s, followed by a small
 * transpose of the `[CI, FH, FW, CO]` result. That form is kept for strides other than 1; it reaches only
 * ≈ 16 GFLOP/s (XNNPACK is slow with a 28×28 "filter" and a 3×3 output).
 *
 * Stride 1 with at least {@link SHIFTED_PRODUCTS_MIN_IMAGE} output positions and
 * {@link SHIFTED_PRODUCTS_MIN_OUT_CHANNELS} output channels takes a faster path, "shifted products over a
 * padded grid":
 * lay the zero-padded input out channel-major, `xg[ci, p]` over grid positions `p = (b·Hp + r)·Wp + c`
 * (rows and images separated by max(top, bottom) zero rows and max(left, right) zero columns, shared by
 * the neighbours on both sides: 29×29 per 28×28 image, 15×15 per 14×14), and scatter `dy` into the same
 * grid, `dyg[p, co]` (zero elsewhere). A filter tap `(fh, fw)` then reads the input at the fixed flat
 * offset `o = fh·dh·Wp + fw·dw`, so
 *
 *     dF[fh, fw] = A_o · dyg,   A_o[ci, p] = xg[ci·L + o + p]  (L = positions per row of xg),
 *
 * one `[CI, L]·[L, CO]` product per tap, where `A_o` is the buffer itself read from offset `o` (an alias,
 * no copy; a row that runs past its channel meets only zero rows of `dyg`). All taps share the right
 * operand, which XNNPACK packs once. Images are grouped in chunks of about
 * {@link SHIFTED_PRODUCTS_CHUNK} positions (one set of products per chunk, partial sums added) to keep
 * the operands in cache. Measured on the U-Net's shapes: see `bench/unet.ts`. */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { aliasInfo, releaseAlias, supportsAliases } from './wasm-alias.js';
import { cropInfo, disposeInfos, runWasmKernel, type ConvWindowAttrs, type WasmBackendLike, zerosInfo } from './wasm-common.js';
import { simdConv2DBackpropFilter } from './wasm-simd-conv2d-backprop-filter.js';

/** Attributes of the `Conv2DBackpropFilter` kernel (`dilations` is not set by tfjs 4.22; honoured if present). */
export interface Conv2DBackpropFilterAttrs extends ConvWindowAttrs {
  filterShape: [number, number, number, number];
  dataFormat?: 'NHWC' | 'NCHW';
}

/**
 * The filter gradient of a channels-last conv2d: `x: [B, H, W, CI]`, `dy: [B, OH, OW, CO]` →
 * `dF: [FH, FW, CI, CO]` (`attrs.filterShape`).
 */
export function wasmConv2DBackpropFilter(
  backend: WasmBackendLike,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: Conv2DBackpropFilterAttrs,
): TensorInfo {
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? 'NHWC');
  if (dataFormat !== 'channelsLast') {
    throw new Error(`Conv2DBackpropFilter on wasm supports dataFormat 'NHWC' only, got '${attrs.dataFormat}'`);
  }
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new Error(`Conv2DBackpropFilter on wasm supports float32 only, got ${x.dtype} and ${dy.dtype}`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { filterHeight: fh, filterWidth: fw, inChannels: ci, outChannels: co } = info;
  const expectedDy = [info.batchSize, info.outHeight, info.outWidth, co];
  if (dy.shape.join(',') !== expectedDy.join(',')) {
    throw new Error(`Conv2DBackpropFilter: dy has shape [${dy.shape}], expected [${expectedDy}]`);
  }
  if (tf.util.sizeFromShape(x.shape) === 0 || tf.util.sizeFromShape(dy.shape) === 0) {
    return zerosInfo(backend, [fh, fw, ci, co], 'float32');
  }
  const simd = simdConv2DBackpropFilter(backend, x, dy, info);
  if (simd !== null) return simd;
  const shifted =
    info.outHeight * info.outWidth >= SHIFTED_PRODUCTS_MIN_IMAGE &&
    co >= SHIFTED_PRODUCTS_MIN_OUT_CHANNELS &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.padInfo.top <= (info.filterHeight - 1) * info.dilationHeight &&
    info.padInfo.left <= (info.filterWidth - 1) * info.dilationWidth &&
    supportsAliases(backend);
  if (shifted) {
    return shiftedProductsFilterGrad(backend, x, dy, info);
  }
  return convFormFilterGrad(backend, x, dy, info);
}

/**
 * The filter gradient as one XNNPACK convolution in which the batch plays the channels (see the file
 * comment); any strides and dilations. `info` describes the conv of `x` whose output has `dy`'s shape.
 */
export function convFormFilterGrad(
  backend: WasmBackendLike,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): TensorInfo {
  const { filterHeight: fh, filterWidth: fw, inChannels: ci, outChannels: co } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // Rows the gradient convolution must see: up to (FH−1)·d + (OH−1)·s in padded coordinates.
  const bottom = Math.max(0, (fh - 1) * dh + (info.outHeight - 1) * sh + 1 - info.inHeight - top);
  const right = Math.max(0, (fw - 1) * dw + (info.outWidth - 1) * sw + 1 - info.inWidth - left);

  const xt = runWasmKernel(backend, 'Transpose', { x }, { perm: [3, 1, 2, 0] });
  const dyt = runWasmKernel(backend, 'Transpose', { x: dy }, { perm: [1, 2, 0, 3] });
  const g = runWasmKernel(backend, 'Conv2D', { x: xt, filter: dyt }, {
    strides: [dh, dw],
    dilations: [sh, sw],
    pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    dataFormat: 'NHWC',
  });
  const gc = cropInfo(backend, g, [ci, fh, fw, co]);
  const out = runWasmKernel(backend, 'Transpose', { x: gc }, { perm: [1, 2, 0, 3] });
  disposeInfos(backend, xt, dyt, g, gc);
  return out;
}

/**
 * Smallest output image (OH·OW) for the shifted products: below it the padding shares more of the grid
 * and the one-convolution form is as fast or faster (measured, cpu time: 14×14×64 → 64, 3×3: 20.5
 * GFLOP/s against 17.4; 28×28×32 → 32: 15.4 against 19.4).
 */
export const SHIFTED_PRODUCTS_MIN_IMAGE = 256;

/**
 * Fewest output channels for the shifted products: with fewer, each product has a right operand of
 * fewer than 8 columns and the one-convolution form wins (measured in a U-Net step, cpu time, 28×28×32 →
 * 1: 17 ms against 41).
 */
export const SHIFTED_PRODUCTS_MIN_OUT_CHANNELS = 8;

/**
 * Grid positions per product in {@link shiftedProductsFilterGrad} (whole images are grouped up to this
 * many): keeps the operands in cache and the per-chunk packing of `dy` small. Measured (cpu time, loaded
 * 2-core machine) on `[64, 28, 28, 32]`, 3×3: 2048–4096 positions best, 8192 and one product 10–20% slower.
 */
export const SHIFTED_PRODUCTS_CHUNK = 4096;

/**
 * The stride-1 filter gradient as one product per filter tap over a padded grid (see the file comment).
 * `info` must describe a stride-1 conv of `x` whose output has `dy`'s shape. With `stackTaps` the taps'
 * shifted rows are copied into one `[taps·CI, L]` matrix and multiplied once per chunk (better for few
 * input channels, where a per-tap product has only CI rows); measured, per-tap products win from 16
 * input channels on (they copy nothing).
 */
export function shiftedProductsFilterGrad(
  backend: WasmBackendLike,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  chunkPositions = SHIFTED_PRODUCTS_CHUNK,
  stackTaps = info.inChannels < 16,
): TensorInfo {
  const { batchSize: nb, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, dilationHeight: dh, dilationWidth: dw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const bottom = oh + (fh - 1) * dh - h - top;
  const right = ow + (fw - 1) * dw - w - left;
  // Neighbouring rows (and images) share their zero padding: a separator of max(left, right) columns
  // (max(top, bottom) rows) is enough for every out-of-image read to land on a zero.
  const hp = Math.max(h + Math.max(top, bottom), oh);
  const wp = Math.max(w + Math.max(left, right), ow);
  const lead = top * wp + left;
  const image = hp * wp;
  const perChunk = Math.max(1, Math.min(nb, Math.floor(chunkPositions / image)));
  const chunks = Math.ceil(nb / perChunk);
  const maxOffset = (fh - 1) * dh * wp + (fw - 1) * dw;
  // Positions per chunk row: the chunk's images plus maxOffset zero positions that shifted rows read.
  const rowLength = perChunk * image + maxOffset;
  const xg = backend.makeOutput([chunks * ci * rowLength + maxOffset], 'float32');
  const dyg = backend.makeOutput([chunks * rowLength, co], 'float32');
  const out = backend.makeOutput([fh, fw, ci, co], 'float32');
  {
    const xs = backend.typedArrayFromHeap(x) as Float32Array;
    const xd = backend.typedArrayFromHeap(xg) as Float32Array;
    const ys = backend.typedArrayFromHeap(dy) as Float32Array;
    const yd = backend.typedArrayFromHeap(dyg) as Float32Array;
    // Every position is written once: the image pixels, or a zero (padding, separators, empty slots of
    // the last chunk, the trailing positions shifted rows read). No fill pass over the whole buffers.
    const c4 = ci & ~3;
    const run = ow * co;
    for (let chunk = 0; chunk < chunks; chunk++) {
      for (let k = 0; k < perChunk; k++) {
        const b = chunk * perChunk + k;
        const slot = chunk * ci * rowLength + k * image; // channel 0's row; channel c at + c·rowLength
        if (b >= nb) {
          for (let c = 0; c < ci; c++) zeroRange(xd, slot + c * rowLength, slot + c * rowLength + image);
          zeroRange(yd, (chunk * rowLength + k * image) * co, (chunk * rowLength + (k + 1) * image) * co);
          continue;
        }
        for (let c = 0; c < ci; c++) zeroRange(xd, slot + c * rowLength, slot + c * rowLength + lead);
        for (let r = 0; r < h; r++) {
          const src = (b * h + r) * w * ci;
          const dst = slot + lead + r * wp;
          const gap = r < h - 1 ? wp - w : image - lead - r * wp - w;
          // Four channel rows at a time: each source pixel's four channels go to four rows.
          for (let c = 0; c < c4; c += 4) {
            let d0 = dst + c * rowLength;
            let d1 = d0 + rowLength;
            let d2 = d1 + rowLength;
            let d3 = d2 + rowLength;
            for (let q = 0, sx = src + c; q < w; q++, sx += ci) {
              xd[d0++] = xs[sx]!;
              xd[d1++] = xs[sx + 1]!;
              xd[d2++] = xs[sx + 2]!;
              xd[d3++] = xs[sx + 3]!;
            }
            zeroRange(xd, d0, d0 + gap);
            zeroRange(xd, d1, d1 + gap);
            zeroRange(xd, d2, d2 + gap);
            zeroRange(xd, d3, d3 + gap);
          }
          for (let c = c4; c < ci; c++) {
            let d = dst + c * rowLength;
            for (let q = 0, sx = src + c; q < w; q++, sx += ci) xd[d++] = xs[sx]!;
            zeroRange(xd, d, d + gap);
          }
        }
        const yBase = chunk * rowLength + k * image;
        for (let r = 0; r < oh; r++) {
          const sy = (b * oh + r) * run;
          const dy0 = (yBase + r * wp) * co;
          yd.set(ys.subarray(sy, sy + run), dy0);
          zeroRange(yd, dy0 + run, (r < oh - 1 ? yBase + (r + 1) * wp : yBase + image) * co);
        }
      }
      for (let c = 0; c < ci; c++) {
        const row = chunk * ci * rowLength + c * rowLength;
        zeroRange(xd, row + perChunk * image, row + rowLength);
      }
      zeroRange(yd, (chunk * rowLength + perChunk * image) * co, (chunk + 1) * rowLength * co);
    }
    zeroRange(xd, chunks * ci * rowLength, chunks * ci * rowLength + maxOffset);
  }
  const taps = fh * fw;
  const block = ci * co;
  const sum = new Float32Array(taps * block);
  // Patch rows of one chunk: row (tap, c) is channel c's chunk row read from the tap's offset.
  const patches = stackTaps ? backend.makeOutput([taps * ci, rowLength], 'float32') : null;
  for (let chunk = 0; chunk < chunks; chunk++) {
    const dyChunk = aliasInfo(backend, dyg, chunk * rowLength * co, [rowLength, co]);
    const chunkBase = chunk * ci * rowLength;
    if (patches !== null) {
      const xd = backend.typedArrayFromHeap(xg) as Float32Array;
      const pd = backend.typedArrayFromHeap(patches) as Float32Array;
      for (let t = 0; t < taps; t++) {
        const offset = Math.floor(t / fw) * dh * wp + (t % fw) * dw;
        for (let c = 0; c < ci; c++) {
          const s = chunkBase + c * rowLength + offset;
          pd.set(xd.subarray(s, s + rowLength), (t * ci + c) * rowLength);
        }
      }
      const part = runWasmKernel(backend, 'BatchMatMul', { a: patches, b: dyChunk }, { transposeA: false, transposeB: false });
      const pv = backend.typedArrayFromHeap(part) as Float32Array;
      for (let i = 0; i < sum.length; i++) sum[i]! += pv[i]!;
      disposeInfos(backend, part);
    } else {
      for (let t = 0; t < taps; t++) {
        const offset = Math.floor(t / fw) * dh * wp + (t % fw) * dw;
        const a = aliasInfo(backend, xg, chunkBase + offset, [ci, rowLength]);
        const part = runWasmKernel(backend, 'BatchMatMul', { a, b: dyChunk }, { transposeA: false, transposeB: false });
        releaseAlias(backend, a);
        const pv = backend.typedArrayFromHeap(part) as Float32Array;
        const base = t * block;
        for (let i = 0; i < block; i++) sum[base + i]! += pv[i]!;
        disposeInfos(backend, part);
      }
    }
    releaseAlias(backend, dyChunk);
  }
  disposeInfos(backend, patches);
  (backend.typedArrayFromHeap(out) as Float32Array).set(sum);
  disposeInfos(backend, xg, dyg);
  return out;
}

/** Sets `a[start … end)` to zero (a loop for short runs, `fill` for long ones). */
function zeroRange(a: Float32Array, start: number, end: number): void {
  if (end - start > 32) a.fill(0, start, end);
  else for (let i = start; i < end; i++) a[i] = 0;
}

/** Builds the `Conv2DBackpropFilter` kernel for the wasm backend (an addition: wasm has none). */
export function createWasmConv2DBackpropFilterKernel(): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    return wasmConv2DBackpropFilter(backend as WasmBackendLike, x, dy, attrs as unknown as Conv2DBackpropFilterAttrs);
  };
  return { kernelName: tf.Conv2DBackpropFilter, backendName: 'wasm', kernelFunc };
}
