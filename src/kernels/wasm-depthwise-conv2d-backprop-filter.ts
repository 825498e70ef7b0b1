/**
 * `DepthwiseConv2dNativeBackpropFilter` (the filter gradient of depthwise conv2d) for the wasm backend,
 * which does not have it.
 *
 * Method: one pass over `dy` in memory order, accumulating
 * `dF[fh, fw, ci, m] += x[b, oh·s + fh·d − padTop, ow·s + fw·d − padLeft, ci] · dy[b, oh, ow, ci·CM + m]`
 * in float64 directly on the wasm heap (no copies). Why not an XNNPACK formulation: the batch-as-channels
 * convolution that serves {@link wasmConv2DBackpropFilter} would compute all `CI × CI·CM` channel pairs and
 * keep only the diagonal (a `CI`-fold waste), and the work here is small — `B·OH·OW·FH·FW·CI·CM`
 * multiply-adds with unit-stride inner loops over channels.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { ConvWindowAttrs, WasmBackendLike } from './wasm-common.js';

/** Attributes of the `DepthwiseConv2dNativeBackpropFilter` kernel. */
export interface DepthwiseConv2DBackpropFilterAttrs extends ConvWindowAttrs {
  filterShape: [number, number, number, number];
}

/**
 * The filter gradient of a channels-last depthwise conv2d: `x: [B, H, W, CI]`, `dy: [B, OH, OW, CI·CM]` →
 * `dF: [FH, FW, CI, CM]` (`attrs.filterShape`).
 */
export function wasmDepthwiseConv2DBackpropFilter(
  backend: WasmBackendLike,
  x: TensorInfo,
  dy: TensorInfo,
  attrs: DepthwiseConv2DBackpropFilterAttrs,
): TensorInfo {
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new Error(`DepthwiseConv2dNativeBackpropFilter on wasm supports float32 only, got ${x.dtype}, ${dy.dtype}`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    true,
    'channelsLast',
  );
  const [fh, fw, ci, cm] = attrs.filterShape;
  const { batchSize, inHeight, inWidth, outHeight, outWidth } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const outChannels = ci * cm;
  const expectedDy = [batchSize, outHeight, outWidth, outChannels];
  if (dy.shape.join(',') !== expectedDy.join(',')) {
    throw new Error(`DepthwiseConv2dNativeBackpropFilter: dy has shape [${dy.shape}], expected [${expectedDy}]`);
  }
  const acc = new Float64Array(fh * fw * outChannels);
  const out = backend.makeOutput([fh, fw, ci, cm], 'float32');
  const xv = backend.typedArrayFromHeap(x);
  const dyv = backend.typedArrayFromHeap(dy);
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyRow = ((b * outHeight + oh) * outWidth + ow) * outChannels;
        for (let i = 0; i < fh; i++) {
          const ih = oh * sh + i * dh - top;
          if (ih < 0 || ih >= inHeight) continue;
          for (let j = 0; j < fw; j++) {
            const iw = ow * sw + j * dw - left;
            if (iw < 0 || iw >= inWidth) continue;
            const xRow = ((b * inHeight + ih) * inWidth + iw) * ci;
            const fRow = (i * fw + j) * outChannels;
            if (cm === 1) {
              for (let c = 0; c < ci; c++) acc[fRow + c] += xv[xRow + c]! * dyv[dyRow + c]!;
            } else {
              for (let c = 0; c < ci; c++) {
                const xval = xv[xRow + c]!;
                const base = c * cm;
                for (let m = 0; m < cm; m++) acc[fRow + base + m] += xval * dyv[dyRow + base + m]!;
              }
            }
          }
        }
      }
    }
  }
  backend.typedArrayFromHeap(out).set(acc);
  return out;
}

/** Builds the `DepthwiseConv2dNativeBackpropFilter` kernel for the wasm backend (an addition). */
export function createWasmDepthwiseConv2DBackpropFilterKernel(): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    return wasmDepthwiseConv2DBackpropFilter(
      backend as WasmBackendLike,
      x,
      dy,
      attrs as unknown as DepthwiseConv2DBackpropFilterAttrs,
    );
  };
  return { kernelName: tf.DepthwiseConv2dNativeBackpropFilter, backendName: 'wasm', kernelFunc };
}
