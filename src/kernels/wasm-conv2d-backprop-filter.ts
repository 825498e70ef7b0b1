/**
 * `Conv2DBackpropFilter` (the filter gradient of conv2d) for the wasm backend, which does not have it.
 *
 * Method: the filter gradient is itself a convolution in which the batch plays the role of channels,
 *
 *     dF[fh, fw, ci, co] = Σ_{b, oh, ow} x[b, oh·s + fh·d − padTop, …, ci] · dy[b, oh, ow, co]
 *                        = conv( xᵀ: [CI, H, W, B],  dyᵀ as filter: [OH, OW, B, CO],
 *                                stride d, dilation s, explicit padding )[ci, fh, fw, co],
 *
 * so it runs as the wasm backend's own `Conv2D` (XNNPACK) after two `Transpose`s, followed by a small
 * transpose of the `[CI, FH, FW, CO]` result. Chosen over im2col + matmul because it needs no
 * `N × FH·FW·CI` patch matrix built in JavaScript (the transposes are linear in the input sizes), and over
 * the cpu backend's loop because the work here runs in SIMD XNNPACK kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { cropInfo, disposeInfos, runWasmKernel, type ConvWindowAttrs, type WasmBackendLike, zerosInfo } from './wasm-common.js';

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

/** Builds the `Conv2DBackpropFilter` kernel for the wasm backend (an addition: wasm has none). */
export function createWasmConv2DBackpropFilterKernel(): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    return wasmConv2DBackpropFilter(backend as WasmBackendLike, x, dy, attrs as unknown as Conv2DBackpropFilterAttrs);
  };
  return { kernelName: tf.Conv2DBackpropFilter, backendName: 'wasm', kernelFunc };
}
