/**
 * `Conv2DBackpropFilter` (the filter gradient of conv2d) for the wasm backend, which does not have it.
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
 * Stride 1 with 'same' padding (every 3×3 conv of a U-Net but the down-sampling one) takes the fastest
 * path, {@link samePositionsFilterGrad}: stacked products over the output positions that read `dy` in
 * place. Other stride-1 convs ('valid', explicit padding) use the older
 * "shifted products over a padded grid":
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
import { cropInfo, disposeInfos, reshapeInfo, runWasmKernel, transposeInner, type ConvWindowAttrs, type WasmBackendLike, zerosInfo } from './wasm-common.js';

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
  const shifted =
    info.outHeight * info.outWidth >= SHIFTED_PRODUCTS_MIN_IMAGE &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.padInfo.top <= (info.filterHeight - 1) * info.dilationHeight &&
    info.padInfo.left <= (info.filterWidth - 1) * info.dilationWidth &&
    supportsAliases(backend);
  if (samePositionsApply(info) && supportsAliases(backend)) {
    return samePositionsFilterGrad(backend, x, dy, info);
  }
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
    xd.fill(0);
    yd.fill(0);
    const run = ow * co;
    for (let b = 0; b < nb; b++) {
      const chunk = Math.floor(b / perChunk);
      const local = (b - chunk * perChunk) * image;
      const xBase = chunk * ci * rowLength + local;
      for (let r = 0; r < h; r++) {
        const src = (b * h + r) * w * ci;
        const dst = xBase + lead + r * wp;
        // Read the source row contiguously and scatter each pixel's channels down the channel rows
        // (measured 1.6× faster than gathering one channel row at a time).
        for (let q = 0, s = src; q < w; q++, s += ci) {
          for (let c = 0, d = dst + q; c < ci; c++, d += rowLength) xd[d] = xs[s + c]!;
        }
      }
      const yBase = chunk * rowLength + local;
      for (let r = 0; r < oh; r++) {
        const s = (b * oh + r) * run;
        yd.set(ys.subarray(s, s + run), (yBase + r * wp) * co);
      }
    }
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

/**
 * Positions per product in {@link samePositionsFilterGrad}: the stacked left operand is
 * `[taps·CI, chunk]`, the right one a `[chunk, CO]` window of `dy`. Measured (cpu time, loaded 2-core
 * machine): the `[288, K]·[K, 32]` product runs at 22 / 30 / 28 GFLOP/s for K = 1024 / 2048 / 4096.
 */
export const SAME_POSITIONS_CHUNK = 2048;

/**
 * Whether {@link samePositionsFilterGrad} covers the conv `info`: stride 1 and an output of the input's
 * height and width ('same' padding, any filter size and dilation), float32 channels-last.
 */
export function samePositionsApply(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.outHeight === info.inHeight &&
    info.outWidth === info.inWidth &&
    info.padInfo.top <= (info.filterHeight - 1) * info.dilationHeight &&
    info.padInfo.left <= (info.filterWidth - 1) * info.dilationWidth
  );
}

/**
 * The filter gradient of a stride-1 'same' conv as stacked products over the output positions, reading
 * `dy` in place.
 *
 * With the output the input's size, output position `p = (b·H + r)·W + c` and filter tap
 * `(fh, fw)` read the input at the flat position `p + δ`, `δ = (fh·dh − top)·W + (fw·dw − left)`, except
 * where the tap falls outside the image (row `r + fh·dh − top` or column `c + fw·dw − left` out of range),
 * where the padded input is zero. So, with `xᵀ: [CI, P]` (one transpose of `x`, `P = B·H·W`),
 *
 *     dF[fh, fw, ci, co] = Σ_p A[(tap, ci), p] · dy[p, co],   A[(tap, ci), p] = xᵀ[ci, p + δ_tap] or 0,
 *
 * computed per chunk of {@link SAME_POSITIONS_CHUNK} positions as one `[taps·CI, chunk]·[chunk, CO]`
 * product (XNNPACK), whose right operand is `dy`'s own rows (an alias, no copy) and whose left operand is
 * copied from `xᵀ` in whole runs and zeroed where a tap leaves the image. The partial sums are added in
 * float32, chunk by chunk.
 */
export function samePositionsFilterGrad(
  backend: WasmBackendLike,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  chunkPositions = SAME_POSITIONS_CHUNK,
): TensorInfo {
  const { batchSize: nb, inHeight: h, inWidth: w, inChannels: ci, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, dilationHeight: dh, dilationWidth: dw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const positions = nb * h * w;
  const taps = fh * fw;
  const rowShift = new Int32Array(taps);
  const colShift = new Int32Array(taps);
  for (let t = 0; t < taps; t++) {
    rowShift[t] = Math.floor(t / fw) * dh - top;
    colShift[t] = (t % fw) * dw - left;
  }
  const x2 = reshapeInfo(backend, x, [positions, ci]);
  const xt = ci === 1 ? reshapeInfo(backend, x, [1, positions]) : transposeInner(backend, x2);
  disposeInfos(backend, x2);
  const chunk = Math.max(1, Math.min(positions, Math.floor(chunkPositions)));
  const rows = taps * ci;
  const patches = backend.makeOutput([rows, chunk], 'float32');
  const sum = new Float32Array(rows * co);
  const zeroJ = new Int32Array(chunk);
  for (let p0 = 0; p0 < positions; p0 += chunk) {
    const len = Math.min(chunk, positions - p0);
    const a = len === chunk ? reshapeInfo(backend, patches, [rows, chunk]) : aliasInfo(backend, patches, 0, [rows, len]);
    {
      const src = backend.typedArrayFromHeap(xt) as Float32Array;
      const dst = backend.typedArrayFromHeap(a) as Float32Array;
      for (let t = 0; t < taps; t++) {
        const dr = rowShift[t]!;
        const dc = colShift[t]!;
        const delta = dr * w + dc;
        // Copy the shifted runs (clipped to the tensor), then zero every position whose tap leaves its image.
        const lo = Math.max(0, -(p0 + delta));
        const hi = Math.min(len, positions - (p0 + delta));
        for (let c = 0; c < ci; c++) {
          const row = (t * ci + c) * len;
          const s = c * positions + p0 + delta;
          if (lo > 0) dst.fill(0, row, row + lo);
          if (hi > lo) dst.set(src.subarray(s + lo, s + hi), row + lo);
          if (hi < len) dst.fill(0, row + Math.max(hi, lo), row + len);
        }
        if (dr === 0 && dc === 0) continue;
        // Positions of the chunk whose tap leaves the image: the row r + dr or the column c + dc out of range.
        let count = 0;
        for (let j = 0; j < len; j++) {
          const q = p0 + j;
          const col = q % w;
          const r = Math.floor(q / w) % h;
          if (r + dr < 0 || r + dr >= h || col + dc < 0 || col + dc >= w) zeroJ[count++] = j;
        }
        for (let c = 0; c < ci; c++) {
          const row = (t * ci + c) * len;
          for (let k = 0; k < count; k++) dst[row + zeroJ[k]!] = 0;
        }
      }
    }
    const b = aliasInfo(backend, dy, p0 * co, [len, co]);
    const part = runWasmKernel(backend, 'BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
    releaseAlias(backend, b);
    if (len === chunk) disposeInfos(backend, a);
    else releaseAlias(backend, a);
    const pv = backend.typedArrayFromHeap(part) as Float32Array;
    for (let i = 0; i < sum.length; i++) sum[i]! += pv[i]!;
    disposeInfos(backend, part);
  }
  disposeInfos(backend, patches, xt);
  const out = backend.makeOutput([fh, fw, ci, co], 'float32');
  (backend.typedArrayFromHeap(out) as Float32Array).set(sum);
  return out;
}

/** Builds the `Conv2DBackpropFilter` kernel for the wasm backend (an addition: wasm has none). */
export function createWasmConv2DBackpropFilterKernel(): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    return wasmConv2DBackpropFilter(backend as WasmBackendLike, x, dy, attrs as unknown as Conv2DBackpropFilterAttrs);
  };
  return { kernelName: tf.Conv2DBackpropFilter, backendName: 'wasm', kernelFunc };
}
