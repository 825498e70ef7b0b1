/**
 * `FusedConv2D` (conv2d + bias, what tfjs-layers' `conv2d` runs) for the wasm backend, through this
 * library's WebAssembly SIMD conv (`wasm-simd-conv2d.ts`) where it applies: stride 1, dilation 1,
 * channels-last, 32 or 64 input channels, output channels a multiple of 8, a rank-1 bias (or none), no
 * activation, and a one-thread backend (the SIMD conv runs on one thread). Everything else goes to the backend's own kernel (XNNPACK).
 *
 * Measured on the U-Net's shapes, batch 64, one process, CPU clock (`npx tsx bench/simd-filter-grad.ts`):
 * see that benchmark's "SIMD conv" column against "forward conv" (XNNPACK).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { ConvWindowAttrs, WasmBackendLike } from './wasm-common.js';
import { simdConv2D } from './wasm-simd-conv2d.js';
import { backendThreadCount } from './wasm-simd-module.js';

/** Attributes of the `FusedConv2D` kernel (tfjs's names). */
export interface FusedConv2DAttrs extends ConvWindowAttrs {
  dataFormat?: 'NHWC' | 'NCHW';
  activation?: string;
}

/**
 * The SIMD form of `FusedConv2D`, or null when it does not apply (the caller then runs the backend's own
 * kernel). `x: [B, H, W, CI]`, `filter: [FH, FW, CI, CO]`, `bias: [CO]` or undefined.
 */
export function simdFusedConv2D(
  backend: WasmBackendLike,
  x: TensorInfo,
  filter: TensorInfo,
  bias: TensorInfo | undefined,
  preluActivationWeights: TensorInfo | undefined,
  attrs: FusedConv2DAttrs,
): TensorInfo | null {
  if ((attrs.activation ?? 'linear') !== 'linear' || preluActivationWeights !== undefined) return null;
  if (backendThreadCount(backend) !== 1) return null; // the SIMD conv uses one thread; XNNPACK splits over the pool
  if (tf.backend_util.convertConv2DDataFormat(attrs.dataFormat ?? 'NHWC') !== 'channelsLast') return null;
  if (x.shape.length !== 4 || filter.shape.length !== 4) return null;
  const co = filter.shape[3]!;
  if (bias !== undefined && (bias.shape.length !== 1 || bias.shape[0] !== co)) return null;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  if (info.strideHeight !== 1 || info.strideWidth !== 1 || info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  // Stride 1: the padded input has OH + FH − 1 rows.
  const bottom = info.outHeight + info.filterHeight - 1 - info.inHeight - top;
  const right = info.outWidth + info.filterWidth - 1 - info.inWidth - left;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) return null;
  return simdConv2D(backend, x, filter, bias ?? null, [top, bottom, left, right]);
}

/** Builds the `FusedConv2D` override: the SIMD form where it applies, else `original` (the backend's own). */
export function createWasmFusedConv2DKernel(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]) => {
    const { x, filter, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined>;
    const out =
      x === undefined || filter === undefined
        ? null
        : simdFusedConv2D(args.backend as WasmBackendLike, x, filter, bias, preluActivationWeights, args.attrs as unknown as FusedConv2DAttrs);
    return out ?? original.kernelFunc(args);
  };
  return { kernelName: tf.FusedConv2D, backendName: 'wasm', kernelFunc };
}
