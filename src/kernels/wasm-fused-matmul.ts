/**
 * `_FusedMatMul` (matmul + bias + activation, what `tf.fused.matMul` and tfjs-layers `Dense` run) for the
 * wasm backend.
 *
 * Why: the wasm kernel shares the native path of `BatchMatMul` — XNNPACK only without transposes and with
 * batch size 1, a scalar loop otherwise (1024×512·(512×512)ᵀ with bias and relu: 326 ms against 20 ms for the
 * plain product). It also accepts only a rank-1 bias. This override keeps the native fused kernel where it
 * is fast and correct, and otherwise makes the operands contiguous (explicit transposes), runs the plain
 * XNNPACK product, then adds the bias and applies the activation with the wasm backend's own kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { contiguousOperands, matMulGeometry, simdBatchedProduct, wasmBatchMatMul } from './wasm-batch-matmul.js';
import { castInfo, disposeInfos, reshapeInfo, runWasmKernel, type WasmBackendLike } from './wasm-common.js';
import { simdGemmKernels } from './wasm-simd-gemm.js';

/** Activations `tf.fused.matMul` accepts. */
export type FusedActivation = 'linear' | 'relu' | 'relu6' | 'prelu' | 'leakyrelu' | 'sigmoid' | 'elu';

/** Attributes of the `_FusedMatMul` kernel. */
export interface FusedMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
  activation: FusedActivation;
  leakyreluAlpha?: number;
}

/**
 * Activations the native fused kernel computes correctly on its XNNPACK path (checked against the cpu
 * backend in test/kernels); the others are applied as separate wasm kernels.
 */
const NATIVE_FUSED_ACTIVATIONS: ReadonlySet<string> = new Set(['linear', 'relu', 'relu6']);

/** Applies `activation` with the wasm backend's own kernels; returns a new TensorInfo (never `x` itself). */
export function applyActivationWasm(
  backend: WasmBackendLike,
  x: TensorInfo,
  activation: FusedActivation,
  preluActivationWeights: TensorInfo | undefined,
  leakyreluAlpha: number,
): TensorInfo {
  switch (activation) {
    case 'linear':
      return reshapeInfo(backend, x, x.shape);
    case 'relu':
      return runWasmKernel(backend, 'Relu', { x });
    case 'relu6':
      return runWasmKernel(backend, 'Relu6', { x });
    case 'elu':
      return runWasmKernel(backend, 'Elu', { x });
    case 'sigmoid':
      return runWasmKernel(backend, 'Sigmoid', { x });
    case 'leakyrelu':
      return runWasmKernel(backend, 'LeakyRelu', { x }, { alpha: leakyreluAlpha });
    case 'prelu':
      if (preluActivationWeights == null) throw new Error('_FusedMatMul: prelu activation needs preluActivationWeights');
      return runWasmKernel(backend, 'Prelu', { x, alpha: preluActivationWeights });
    default:
      throw new Error(`_FusedMatMul: activation '${String(activation)}' is not supported`);
  }
}

/**
 * `activation(a·b + bias)` on the wasm backend (transpose flags, batch broadcasting, any bias shape that
 * broadcasts to the result); the result has shape `[...broadcast(batchA, batchB), m, n]`.
 */
export function wasmFusedMatMul(
  backend: WasmBackendLike,
  a: TensorInfo,
  b: TensorInfo,
  bias: TensorInfo | undefined,
  preluActivationWeights: TensorInfo | undefined,
  attrs: FusedMatMulAttrs,
): TensorInfo {
  const { transposeA, transposeB, activation } = attrs;
  const leakyreluAlpha = attrs.leakyreluAlpha ?? 0.2;
  const g = matMulGeometry(a.shape, b.shape, transposeA, transposeB);
  const batchA = tf.util.sizeFromShape(g.outerA);
  const batchB = tf.util.sizeFromShape(g.outerB);
  const floatInputs = a.dtype === 'float32' && b.dtype === 'float32' && (bias == null || bias.dtype === 'float32');
  const nativeBias = bias == null || (bias.shape.length === 1 && bias.shape[0] === g.n);
  const nativeOk =
    floatInputs && nativeBias && NATIVE_FUSED_ACTIVATIONS.has(activation) && g.k > 0 && tf.util.sizeFromShape(g.outShape) > 0;

  if (nativeOk && batchB === 1 && batchA === tf.util.sizeFromShape(g.outBatch)) {
    const kernels = activation === 'linear' ? simdGemmKernels(backend) : null;
    if (kernels !== null) {
      // XNNPACK's sums with the bias as the accumulator's start, in its order (see wasm-simd-gemm.ts).
      return simdBatchedProduct(backend, kernels, a, b, bias ?? null, transposeA, transposeB, g);
    }
    // One XNNPACK call with bias and clamp fused: [1, batchA·m, k]·[1, k, n].
    const [a3, b3] = contiguousOperands(backend, a, b, transposeA, transposeB, g);
    const a2 = reshapeInfo(backend, a3, [1, batchA * g.m, g.k]);
    const inputs: Record<string, TensorInfo> = { a: a2, b: b3 };
    if (bias != null) inputs.bias = bias;
    const out = runWasmKernel(backend, '_FusedMatMul', inputs, {
      transposeA: false,
      transposeB: false,
      activation,
      leakyreluAlpha,
    });
    disposeInfos(backend, a3, b3, a2);
    out.shape = g.outShape;
    return out;
  }

  const product = wasmBatchMatMul(backend, a, b, transposeA, transposeB);
  let biased = product;
  if (bias != null) {
    const biasCast = castInfo(backend, bias, product.dtype);
    biased = runWasmKernel(backend, 'Add', { a: product, b: biasCast });
    disposeInfos(backend, biasCast, product);
  }
  const out = applyActivationWasm(backend, biased, activation, preluActivationWeights, leakyreluAlpha);
  disposeInfos(backend, biased);
  return out;
}

/**
 * Builds the `_FusedMatMul` override for the wasm backend from the backend's own config (whose
 * `setupFunc` it keeps).
 */
export function createWasmFusedMatMulKernel(original: KernelConfig): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
    const { a, b, bias, preluActivationWeights } = inputs as {
      a: TensorInfo;
      b: TensorInfo;
      bias?: TensorInfo;
      preluActivationWeights?: TensorInfo;
    };
    const at = (attrs ?? {}) as Partial<FusedMatMulAttrs>;
    return wasmFusedMatMul(backend as WasmBackendLike, a, b, bias ?? undefined, preluActivationWeights ?? undefined, {
      transposeA: at.transposeA ?? false,
      transposeB: at.transposeB ?? false,
      activation: at.activation ?? 'linear',
      leakyreluAlpha: at.leakyreluAlpha,
    });
  };
  return { kernelName: tf._FusedMatMul, backendName: 'wasm', kernelFunc, setupFunc: original.setupFunc };
}
