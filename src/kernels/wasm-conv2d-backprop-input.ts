/**
 * `Conv2DBackpropInput` (the input gradient of conv2d, and the forward pass of `conv2dTranspose`) for the
 * wasm backend, as an XNNPACK convolution.
 *
 * Why: the wasm kernel is a direct scalar loop, ~10× slower than the forward convolution it differentiates
 * (measured: `[32,28,28,32]`, 3×3, 32→32, stride 1: 209 ms against 20 ms forward). The input gradient is
 * itself a convolution: with `dy` zero-interleaved by the stride (`dyz[oh·s] = dy[oh]`) and padded by
 * `(FH−1)·d − padTop` in front,
 *
 *     dx[i] = Σ_fh dyz[i + padTop − fh·d] · f[fh]  =  valid-conv(pad(dyz), reverse(f) with in/out swapped)[i].
 *
 * The interleaving and padding use the wasm `PadV2` kernel (a reshape to `[B, OH, 1, OW, 1, C]` padded on
 * the singleton axes interleaves zeros), the filter flip uses `Reverse` + `Transpose`, and the convolution
 * is the wasm `Conv2D` kernel (XNNPACK) — or, for stride 1 with 32 or 64 channels in `dy` on a one-thread
 * backend, this library's WebAssembly SIMD conv (`wasm-simd-conv2d.ts`). Padding that begins beyond the filter (`padTop > FH − 1`, only
 * possible with explicit padding) goes to the backend's own kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { cropInfo, disposeInfos, reshapeInfo, runWasmKernel, type ConvWindowAttrs, type WasmBackendLike } from './wasm-common.js';
import { simdConv2D } from './wasm-simd-conv2d.js';
import { backendThreadCount } from './wasm-simd-module.js';

/** Attributes of the `Conv2DBackpropInput` kernel. */
export interface Conv2DBackpropInputAttrs extends ConvWindowAttrs {
  inputShape: [number, number, number, number];
  dataFormat?: 'NHWC' | 'NCHW';
}

/**
 * Zero-interleaves `x: [B, h, w, C]` by `strides` along the spatial axes and pads `front` zeros before
 * and enough after to reach at least `minLength` rows/columns:
 * `out[b, front[0] + i·s0, front[1] + j·s1, c] = x[b, i, j, c]`, zeros elsewhere.
 */
export function interleaveAndPad(
  backend: WasmBackendLike,
  x: TensorInfo,
  strides: [number, number],
  front: [number, number],
  minLength: [number, number],
): TensorInfo {
  const [batch, h, w, c] = x.shape as [number, number, number, number];
  const [sh, sw] = strides;
  let z: TensorInfo;
  if (sh === 1 && sw === 1) {
    z = reshapeInfo(backend, x, x.shape);
  } else {
    const r = reshapeInfo(backend, x, [batch, h, 1, w, 1, c]);
    const p = runWasmKernel(backend, 'PadV2', { x: r }, {
      paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]],
      constantValue: 0,
    });
    z = reshapeInfo(backend, p, [batch, h * sh, w * sw, c]);
    disposeInfos(backend, r, p);
  }
  const zh = z.shape[1]!;
  const zw = z.shape[2]!;
  const backH = Math.max(0, minLength[0] - front[0] - zh);
  const backW = Math.max(0, minLength[1] - front[1] - zw);
  if (front[0] === 0 && front[1] === 0 && backH === 0 && backW === 0) return z;
  const out = runWasmKernel(backend, 'PadV2', { x: z }, {
    paddings: [[0, 0], [front[0], backH], [front[1], backW], [0, 0]],
    constantValue: 0,
  });
  disposeInfos(backend, z);
  return out;
}

/**
 * The input gradient of a channels-last conv2d: `dy: [B, OH, OW, CO]`, `filter: [FH, FW, CI, CO]` →
 * `dx: [B, H, W, CI]` with `inputShape = [B, H, W, CI]`. Returns `null` when the padding is outside what
 * the convolution form covers (the caller then uses the backend's own kernel). With stride 1 the padding
 * goes into the convolution itself; `padInsideConv = false` pads a copy of `dy` and crops the result
 * instead (the earlier form, kept for benchmarks). With strides above 1 the gradient runs as one
 * convolution over all stride phases ({@link phaseInputGrad}); `phasesConvolution = false` keeps the earlier
 * zero-interleaved form (benchmarks). `simd = false` keeps the stride-1 convolution on XNNPACK (benchmarks).
 */
export function wasmConv2DBackpropInput(
  backend: WasmBackendLike,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: Conv2DBackpropInputAttrs,
  padInsideConv = true,
  phasesConvolution = true,
  simd = true,
): TensorInfo | null {
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? 'NHWC');
  if (dataFormat !== 'channelsLast' || dy.dtype !== 'float32' || filter.dtype !== 'float32') return null;
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const frontH = info.filterHeight - 1 - info.padInfo.top;
  const frontW = info.filterWidth - 1 - info.padInfo.left;
  if (frontH < 0 || frontW < 0 || tf.util.sizeFromShape(attrs.inputShape) === 0) return null;
  const { inHeight, inWidth, filterHeight, filterWidth } = info;

  if ((info.strideHeight > 1 || info.strideWidth > 1) && phasesConvolution) {
    return phaseInputGrad(backend, dy, filter, info, simd);
  }
  const flipped = runWasmKernel(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
  const g = runWasmKernel(backend, 'Transpose', { x: flipped }, { perm: [0, 1, 3, 2] });
  if (padInsideConv && info.strideHeight === 1 && info.strideWidth === 1) {
    // No zeros to interleave: pad inside the convolution (saves a padded copy of dy and a crop of dx).
    const backH = inHeight + filterHeight - 1 - frontH - info.outHeight;
    const backW = inWidth + filterWidth - 1 - frontW - info.outWidth;
    if (backH >= 0 && backW >= 0) {
      // This library's WebAssembly SIMD conv where it applies (dy with 32 or 64 channels, one thread:
      // the SIMD conv runs on one, XNNPACK splits over the pool), else XNNPACK.
      const own = simd && backendThreadCount(backend) === 1 ? simdConv2D(backend, dy, g, null, [frontH, backH, frontW, backW]) : null;
      if (own !== null) {
        disposeInfos(backend, flipped, g);
        return own;
      }
      const out = runWasmKernel(backend, 'Conv2D', { x: dy, filter: g }, {
        strides: [1, 1],
        pad: [[0, 0], [frontH, backH], [frontW, backW], [0, 0]],
        dataFormat: 'NHWC',
        dilations: [1, 1],
      });
      disposeInfos(backend, flipped, g);
      return out;
    }
  }
  const z = interleaveAndPad(
    backend,
    dy,
    [info.strideHeight, info.strideWidth],
    [frontH, frontW],
    [inHeight + filterHeight - 1, inWidth + filterWidth - 1],
  );
  const y = runWasmKernel(backend, 'Conv2D', { x: z, filter: g }, {
    strides: [1, 1],
    pad: 'valid',
    dataFormat: 'NHWC',
    dilations: [1, 1],
  });
  const out = cropInfo(backend, y, [info.batchSize, inHeight, inWidth, info.inChannels]);
  disposeInfos(backend, flipped, g, z, y);
  return out;
}

/**
 * The input gradient of a strided conv as one stride-1 convolution over `dy` that computes every stride
 * phase at once, followed by a depth-to-space copy.
 *
 * With `u = i + padTop = U·s + a` (phase `a = u mod s`), the taps that reach input row `i` are
 * `fh = a + s·m` from output row `oh = U − m`, so per phase
 *
 *     dx[U·s + a − padTop] = Σ_m Σ_co dy[U − m, co] · f[a + s·m, ·, ci, co],
 *
 * a correlation of `dy` with `M = ⌈FH/s⌉` taps. Stacking the phases (`a`, `b` over both axes) as output
 * channels gives one filter `G[k, l, co, (a·s + b)·CI + ci] = f[a + s·(M−1−k), b + s·(M−1−l), ci, co]`
 * (zero where the tap index passes the filter), run by the wasm `Conv2D` (XNNPACK) with `M − 1` rows and
 * columns of padding in front. It multiplies no interleaved zeros: for a 3×3 stride-2 conv it does
 * 16/9 of the forward pass's work, against 4× for the interleaved form. Measured on the U-Net's down conv
 * (`dy: [64, 14, 14, 64]` → `dx: [64, 28, 28, 32]`, cpu time, median of 7): 26 ms against 58 ms.
 * The convolution runs on this library's SIMD conv where it applies (`simd`, one thread), else XNNPACK.
 */
export function phaseInputGrad(
  backend: WasmBackendLike,
  dy: TensorInfo,
  filter: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  simd = true,
): TensorInfo {
  const { batchSize: nb, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const mh = Math.ceil(fh / sh);
  const mw = Math.ceil(fw / sw);
  const phases = sh * sw;
  const gc = phases * ci;
  // Rows/columns of the phase grid to compute: U = 0 … ⌊(H − 1 + top)/s⌋.
  const uh = Math.floor((h - 1 + top) / sh) + 1;
  const uw = Math.floor((w - 1 + left) / sw) + 1;
  const g = backend.makeOutput([mh, mw, co, gc], 'float32');
  {
    const fv = backend.typedArrayFromHeap(filter) as Float32Array;
    const gv = backend.typedArrayFromHeap(g) as Float32Array;
    gv.fill(0);
    for (let k = 0; k < mh; k++) {
      for (let l = 0; l < mw; l++) {
        for (let a = 0; a < sh; a++) {
          const r = a + sh * (mh - 1 - k);
          if (r >= fh) continue;
          for (let b = 0; b < sw; b++) {
            const c = b + sw * (mw - 1 - l);
            if (c >= fw) continue;
            const phase = a * sw + b;
            for (let i = 0; i < ci; i++) {
              const src = ((r * fw + c) * ci + i) * co;
              let dst = (k * mw + l) * co * gc + phase * ci + i;
              for (let o = 0; o < co; o++, dst += gc) gv[dst] = fv[src + o]!;
            }
          }
        }
      }
    }
  }
  const padding: [number, number, number, number] = [mh - 1, Math.max(0, uh - oh), mw - 1, Math.max(0, uw - ow)];
  // This library's SIMD conv where it applies (dy with 32 or 64 channels, one thread), else XNNPACK.
  const y =
    (simd && backendThreadCount(backend) === 1 ? simdConv2D(backend, dy, g, null, padding) : null) ??
    runWasmKernel(backend, 'Conv2D', { x: dy, filter: g }, {
      strides: [1, 1],
      pad: [[0, 0], [padding[0], padding[1]], [padding[2], padding[3]], [0, 0]],
      dataFormat: 'NHWC',
      dilations: [1, 1],
    });
  disposeInfos(backend, g);
  const yh = y.shape[1]!;
  const yw = y.shape[2]!;
  const out = backend.makeOutput([nb, h, w, ci], 'float32');
  {
    const yv = backend.typedArrayFromHeap(y) as Float32Array;
    const ov = backend.typedArrayFromHeap(out) as Float32Array;
    for (let n = 0; n < nb; n++) {
      for (let i = 0; i < h; i++) {
        const u = i + top;
        const uRow = Math.floor(u / sh);
        const a = u - uRow * sh;
        const rowBase = (n * yh + uRow) * yw;
        let dst = ((n * h + i) * w) * ci;
        for (let j = 0; j < w; j++) {
          const v = j + left;
          const vCol = Math.floor(v / sw);
          const src = (rowBase + vCol) * gc + (a * sw + (v - vCol * sw)) * ci;
          for (let c = 0; c < ci; c++) ov[dst++] = yv[src + c]!;
        }
      }
    }
  }
  disposeInfos(backend, y);
  return out;
}

/** Builds the `Conv2DBackpropInput` override from the wasm backend's own config (kept as the fallback). */
export function createWasmConv2DBackpropInputKernel(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = args.attrs as unknown as Conv2DBackpropInputAttrs;
    const out = wasmConv2DBackpropInput(args.backend as WasmBackendLike, dy, filter, attrs);
    return out ?? runWasmKernel(args.backend as WasmBackendLike, tf.Conv2DBackpropInput, args.inputs, args.attrs);
  };
  return { kernelName: tf.Conv2DBackpropInput, backendName: 'wasm', kernelFunc, setupFunc: original.setupFunc };
}
