/**
 * Kernel fixes for the wasm backend, registered by `initBackend` when wasm is chosen.
 *
 * Two kinds:
 * - **overrides** replace a wasm kernel that exists but is slow on shapes training produces (transposed
 *   and batched matmuls, the input gradient of conv2d); they call the wasm backend's own kernels for
 *   the work;
 * - **additions** register kernels tfjs-backend-wasm lacks, which gradients of common layers need
 *   (conv2d and depthwise-conv2d gradients, the gradient of gather).
 *
 * {@link registerWasmKernelFixes} is idempotent and {@link unregisterWasmKernelFixes} restores the
 * backend's own kernels, so a benchmark can compare both in one process.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { createWasmBatchMatMulKernel } from './wasm-batch-matmul.js';
import { createWasmConcatKernel } from './wasm-concat.js';
import { forgetOriginalKernel, rememberOriginalKernel } from './wasm-common.js';
import { createWasmConv2DBackpropFilterKernel } from './wasm-conv2d-backprop-filter.js';
import { createWasmConv2DBackpropInputKernel } from './wasm-conv2d-backprop-input.js';
import { createWasmDepthwiseConv2DBackpropFilterKernel } from './wasm-depthwise-conv2d-backprop-filter.js';
import { createWasmDepthwiseConv2DBackpropInputKernel } from './wasm-depthwise-conv2d-backprop-input.js';
import { createWasmFusedAdamKernel, FUSED_ADAM_KERNEL } from './wasm-fused-adam.js';
import { createWasmFusedConv2DKernel } from './wasm-fused-conv2d.js';
import { createWasmFusedMatMulKernel } from './wasm-fused-matmul.js';
import { createWasmPackKernel } from './wasm-pack.js';
import { createWasmCastKernel, createWasmIdentityKernel } from './wasm-identity.js';
import { createWasmAvgPoolGradKernel, createWasmMaxPoolGradKernel } from './wasm-pool-grad.js';
import { createWasmResizeNearestNeighborGradKernel } from './wasm-resize-nearest-grad.js';
import { createWasmSplitVKernel } from './wasm-split-v.js';
import { createWasmSumKernel } from './wasm-sum.js';
import { createWasmCosKernel, createWasmSinKernel } from './wasm-trig.js';
import { createWasmUnsortedSegmentSumKernel } from './wasm-unsorted-segment-sum.js';

/** One kernel fix: which kernel, whether it replaces or adds, and how to build it. */
export interface WasmKernelFix {
  /** The tfjs kernel name, e.g. `'BatchMatMul'`. */
  kernelName: string;
  /** `'override'`: replaces an existing wasm kernel; `'addition'`: registers one the backend lacks. */
  kind: 'override' | 'addition';
  /** One line: what is wrong without the fix. */
  reason: string;
  /** Builds the config; receives the backend's own config for overrides (undefined for additions). */
  create(original: KernelConfig | undefined): KernelConfig;
}

function needsOriginal(name: string, build: (original: KernelConfig) => KernelConfig) {
  return (original: KernelConfig | undefined) => {
    if (original === undefined) throw new Error(`wasm kernel fixes: no wasm '${name}' kernel to override`);
    return build(original);
  };
}

/** Every fix this library knows, in registration order. */
export const WASM_KERNEL_FIXES: readonly WasmKernelFix[] = [
  {
    kernelName: 'BatchMatMul',
    kind: 'override',
    reason: 'transposed or batched products fall off XNNPACK to a scalar loop (10–50× slower)',
    create: needsOriginal('BatchMatMul', createWasmBatchMatMulKernel),
  },
  {
    kernelName: '_FusedMatMul',
    kind: 'override',
    reason: 'same slow path as BatchMatMul when transposed or batched; rank-1 bias only',
    create: needsOriginal('_FusedMatMul', createWasmFusedMatMulKernel),
  },
  {
    kernelName: 'Sum',
    kind: 'override',
    reason: 'reducing a leading axis (bias gradients) transposes the input with a slow strided copy first',
    create: needsOriginal('Sum', createWasmSumKernel),
  },
  {
    kernelName: 'Identity',
    kind: 'override',
    reason: 'copies the whole buffer; backpropagation passes every gradient through it',
    create: needsOriginal('Identity', createWasmIdentityKernel),
  },
  {
    kernelName: 'Cast',
    kind: 'override',
    reason: 'copies the whole buffer when the dtype does not change (every Multiply gradient casts), and casts to bool by keeping the low byte',
    create: needsOriginal('Cast', createWasmCastKernel),
  },
  {
    kernelName: 'Concat',
    kind: 'override',
    reason: 'copies every short run with TypedArray.set; joining feature columns pays that per row',
    create: needsOriginal('Concat', createWasmConcatKernel),
  },
  {
    kernelName: 'Sin',
    kind: 'override',
    reason: 'a scalar libm call per element, 3× slower than Math.sin (time embeddings call it every step)',
    create: needsOriginal('Sin', createWasmSinKernel),
  },
  {
    kernelName: 'Cos',
    kind: 'override',
    reason: 'as Sin',
    create: needsOriginal('Cos', createWasmCosKernel),
  },
  {
    kernelName: 'SplitV',
    kind: 'override',
    reason: 'one Slice per output, each copying the whole input off the heap (the gradient of every concat)',
    create: needsOriginal('SplitV', createWasmSplitVKernel),
  },
  {
    kernelName: 'ResizeNearestNeighborGrad',
    kind: 'override',
    reason: 'slow loop (23 ms for a U-Net upsampling at batch 64); the gradient is one scatter-add pass',
    create: needsOriginal('ResizeNearestNeighborGrad', createWasmResizeNearestNeighborGradKernel),
  },
  {
    kernelName: 'MaxPoolGrad',
    kind: 'override',
    reason: 'a scalar loop over every input position and its windows (30 ms against 15 for [64,28,28,32] 2×2, cpu time)',
    create: needsOriginal('MaxPoolGrad', createWasmMaxPoolGradKernel),
  },
  {
    kernelName: 'AvgPoolGrad',
    kind: 'override',
    reason: 'as MaxPoolGrad (12 ms against 5)',
    create: needsOriginal('AvgPoolGrad', createWasmAvgPoolGradKernel),
  },
  {
    kernelName: 'Conv2DBackpropInput',
    kind: 'override',
    reason: 'a scalar loop ~10× slower than the XNNPACK forward convolution',
    create: needsOriginal('Conv2DBackpropInput', createWasmConv2DBackpropInputKernel),
  },
  {
    kernelName: 'FusedConv2D',
    kind: 'override',
    reason: "stride-1 convs with 32/64 input channels run faster in the library's SIMD conv (one thread); others stay XNNPACK's",
    create: needsOriginal('FusedConv2D', createWasmFusedConv2DKernel),
  },
  {
    kernelName: 'Pack',
    kind: 'override',
    reason: 'stack goes through the slow Concat path: one TypedArray.set per element when stacking on the last axis',
    create: needsOriginal('Pack', createWasmPackKernel),
  },
  {
    kernelName: 'Conv2DBackpropFilter',
    kind: 'addition',
    reason: 'missing: the filter gradient of conv2d (every conv layer in training)',
    create: () => createWasmConv2DBackpropFilterKernel(),
  },
  {
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    kind: 'addition',
    reason: 'missing: the input gradient of depthwise/separable conv2d',
    create: () => createWasmDepthwiseConv2DBackpropInputKernel(),
  },
  {
    kernelName: 'DepthwiseConv2dNativeBackpropFilter',
    kind: 'addition',
    reason: 'missing: the filter gradient of depthwise/separable conv2d',
    create: () => createWasmDepthwiseConv2DBackpropFilterKernel(),
  },
  {
    kernelName: FUSED_ADAM_KERNEL,
    kind: 'addition',
    reason: 'new: one kernel for a whole Adam/AdaBelief step (tfjs issues ~14 elementwise kernels per variable)',
    create: () => createWasmFusedAdamKernel(),
  },
  {
    kernelName: 'UnsortedSegmentSum',
    kind: 'addition',
    reason: 'missing: the gradient of gather (embeddings)',
    create: () => createWasmUnsortedSegmentSumKernel(),
  },
];

/** Names of every fix this library knows (whether or not registered right now). */
export const WASM_KERNEL_FIX_NAMES: readonly string[] = WASM_KERNEL_FIXES.map((f) => f.kernelName);

/** What is registered now: our config and the backend's own one it replaced (undefined for additions). */
const installed = new Map<string, { ours: KernelConfig; original: KernelConfig | undefined }>();

/**
 * Registers this library's wasm kernel fixes and returns the names of the fixes now active.
 *
 * Idempotent: a second call registers nothing new and returns the same names. Needs the wasm backend's
 * kernels to be registered (i.e. `@tensorflow/tfjs-backend-wasm` imported); without them it registers
 * nothing and returns `[]`. An addition is skipped when the wasm backend already has that kernel (a
 * future tfjs-backend-wasm that implements it natively wins).
 */
export function registerWasmKernelFixes(): string[] {
  if (tf.getKernel('BatchMatMul', 'wasm') === undefined && installed.size === 0) return [];
  for (const fix of WASM_KERNEL_FIXES) {
    if (installed.has(fix.kernelName)) continue;
    const current = tf.getKernel(fix.kernelName, 'wasm');
    if (fix.kind === 'addition') {
      if (current !== undefined) continue;
      const ours = fix.create(undefined);
      tf.registerKernel(ours);
      installed.set(fix.kernelName, { ours, original: undefined });
    } else {
      if (current === undefined) continue;
      const ours = fix.create(current);
      rememberOriginalKernel(current);
      tf.unregisterKernel(fix.kernelName, 'wasm');
      tf.registerKernel(ours);
      installed.set(fix.kernelName, { ours, original: current });
    }
  }
  return activeWasmKernelFixes();
}

/**
 * Removes every registered fix and restores the wasm backend's own kernels. Safe to call when nothing is
 * registered. A kernel that someone else re-registered since is left alone.
 */
export function unregisterWasmKernelFixes(): void {
  for (const [name, { ours, original }] of [...installed].reverse()) {
    if (tf.getKernel(name, 'wasm') === ours) {
      tf.unregisterKernel(name, 'wasm');
      if (original !== undefined) tf.registerKernel(original);
    }
    forgetOriginalKernel(name);
    installed.delete(name);
  }
}

/** Names of the fixes registered right now, in registration order. */
export function activeWasmKernelFixes(): string[] {
  return WASM_KERNEL_FIXES.map((f) => f.kernelName).filter((name) => installed.has(name));
}
