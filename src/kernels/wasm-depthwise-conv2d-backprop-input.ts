/**
 * `DepthwiseConv2dNativeBackpropInput` (the input gradient of depthwise conv2d, used by
 * `depthwiseConv2d` and `separableConv2d` layers) for the wasm backend, which does not have it.
 *
 * Method: as for {@link wasmConv2DBackpropInput}, the input gradient is a convolution of the
 * zero-interleaved, padded `dy` with the spatially reversed filter — here a depthwise one. With channel
 * multiplier `CM`, `dy` has `CI·CM` channels; the reversed filter reshaped to `[FH, FW, CI·CM, 1]` turns it
 * into a plain depthwise convolution (the wasm `DepthwiseConv2dNative` kernel, XNNPACK), whose
 * `[B, H, W, CI, CM]` result is summed over `CM` with the wasm `Sum` kernel (an innermost reduction).
 * Dilation is supported (the reversed filter keeps its dilation).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { interleaveAndPad } from './wasm-conv2d-backprop-input.js';
import { cropInfo, disposeInfos, reshapeInfo, runWasmKernel, type ConvWindowAttrs, type WasmBackendLike } from './wasm-common.js';

/** Attributes of the `DepthwiseConv2dNativeBackpropInput` kernel. */
export interface DepthwiseConv2DBackpropInputAttrs extends ConvWindowAttrs {
  inputShape: [number, number, number, number];
}

/**
 * The input gradient of a channels-last depthwise conv2d: `dy: [B, OH, OW, CI·CM]`,
 * `filter: [FH, FW, CI, CM]` → `dx: [B, H, W, CI]` with `inputShape = [B, H, W, CI]`.
 */
export function wasmDepthwiseConv2DBackpropInput(
  backend: WasmBackendLike,
  dy: TensorInfo,
  filter: TensorInfo,
  attrs: DepthwiseConv2DBackpropInputAttrs,
): TensorInfo {
  if (dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    throw new Error(`DepthwiseConv2dNativeBackpropInput on wasm supports float32 only, got ${dy.dtype}, ${filter.dtype}`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    attrs.inputShape,
    filter.shape as [number, number, number, number],
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
    'channelsLast',
  );
  const [fh, fw, ci, cm] = filter.shape as [number, number, number, number];
  const { batchSize, inHeight, inWidth, dilationHeight: dh, dilationWidth: dw } = info;
  const effH = (fh - 1) * dh + 1;
  const effW = (fw - 1) * dw + 1;
  const frontH = effH - 1 - info.padInfo.top;
  const frontW = effW - 1 - info.padInfo.left;
  if (frontH < 0 || frontW < 0) {
    throw new Error(
      `DepthwiseConv2dNativeBackpropInput on wasm: padding (${info.padInfo.top}, ${info.padInfo.left}) larger ` +
        `than the dilated filter (${effH}×${effW}) is not supported`,
    );
  }
  const outShape = [batchSize, inHeight, inWidth, ci];
  if (tf.util.sizeFromShape(outShape) === 0 || tf.util.sizeFromShape(dy.shape) === 0) {
    const zeros = backend.makeOutput(outShape, 'float32');
    if (tf.util.sizeFromShape(outShape) > 0) backend.typedArrayFromHeap(zeros).fill(0);
    return zeros;
  }
  const flipped = runWasmKernel(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
  const g = reshapeInfo(backend, flipped, [fh, fw, ci * cm, 1]);
  const z = interleaveAndPad(
    backend,
    dy,
    [info.strideHeight, info.strideWidth],
    [frontH, frontW],
    [inHeight + effH - 1, inWidth + effW - 1],
  );
  const y = runWasmKernel(backend, 'DepthwiseConv2dNative', { x: z, filter: g }, {
    strides: [1, 1],
    pad: 'valid',
    dilations: [dh, dw],
    dataFormat: 'NHWC',
  });
  const yc = cropInfo(backend, y, [batchSize, inHeight, inWidth, ci * cm]);
  let out: TensorInfo;
  if (cm === 1) {
    out = reshapeInfo(backend, yc, outShape);
  } else {
    const y5 = reshapeInfo(backend, yc, [batchSize, inHeight, inWidth, ci, cm]);
    out = runWasmKernel(backend, 'Sum', { x: y5 }, { axis: [4], keepDims: false });
    disposeInfos(backend, y5);
  }
  disposeInfos(backend, flipped, g, z, y, yc);
  return out;
}

/** Builds the `DepthwiseConv2dNativeBackpropInput` kernel for the wasm backend (an addition). */
export function createWasmDepthwiseConv2DBackpropInputKernel(): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    return wasmDepthwiseConv2DBackpropInput(
      backend as WasmBackendLike,
      dy,
      filter,
      attrs as unknown as DepthwiseConv2DBackpropInputAttrs,
    );
  };
  return { kernelName: tf.DepthwiseConv2dNativeBackpropInput, backendName: 'wasm', kernelFunc };
}
