import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend.js';
import {
  activeWasmKernelFixes,
  registerWasmKernelFixes,
  unregisterWasmKernelFixes,
  WASM_KERNEL_FIX_NAMES,
  WASM_KERNEL_FIXES,
} from '../../src/kernels/index.js';

describe('registerWasmKernelFixes / unregisterWasmKernelFixes', () => {
  let previous = '';
  beforeAll(async () => {
    previous = tf.getBackend();
    await initBackend('wasm', { log: null });
  });
  afterAll(async () => {
    registerWasmKernelFixes();
    if (previous) await initBackend(previous, { log: null });
  });

  const overrides = WASM_KERNEL_FIXES.filter((f) => f.kind === 'override').map((f) => f.kernelName);
  const additions = WASM_KERNEL_FIXES.filter((f) => f.kind === 'addition').map((f) => f.kernelName);

  it('lists the fixes: the slow kernels it overrides and the missing ones it adds', () => {
    expect(overrides).toEqual([
      'BatchMatMul',
      '_FusedMatMul',
      'Sum',
      'Identity',
      'Cast',
      'Concat',
      'Sin',
      'Cos',
      'SplitV',
      'ResizeNearestNeighborGrad',
      'MaxPoolGrad',
      'AvgPoolGrad',
      'Conv2DBackpropInput',
      'FusedConv2D',
      'Pack',
    ]);
    expect(additions).toEqual([
      'Conv2DBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
      'DepthwiseConv2dNativeBackpropFilter',
      'SiFusedAdamUpdate',
      'UnsortedSegmentSum',
    ]);
    expect(WASM_KERNEL_FIX_NAMES).toEqual([...overrides, ...additions]);
  });

  it('initBackend reports every fix as registered', async () => {
    const info = await initBackend('wasm', { log: null });
    expect(info.kernelFixes).toEqual(WASM_KERNEL_FIX_NAMES);
  });

  it('is idempotent: a second registration changes nothing and warns nothing', () => {
    const configs = WASM_KERNEL_FIX_NAMES.map((n) => tf.getKernel(n, 'wasm'));
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      expect(registerWasmKernelFixes()).toEqual(WASM_KERNEL_FIX_NAMES);
    } finally {
      console.warn = warn;
    }
    expect(WASM_KERNEL_FIX_NAMES.map((n) => tf.getKernel(n, 'wasm'))).toEqual(configs);
    expect(warnings).toEqual([]);
  });

  it('unregistering restores the original kernels and removes the additions; twice is harmless', () => {
    const ours = overrides.map((n) => tf.getKernel(n, 'wasm'));
    unregisterWasmKernelFixes();
    const originals = overrides.map((n) => tf.getKernel(n, 'wasm'));
    originals.forEach((config, i) => {
      expect(config, overrides[i]).toBeDefined();
      expect(config, overrides[i]).not.toBe(ours[i]);
    });
    for (const name of additions) expect(tf.getKernel(name, 'wasm'), name).toBeUndefined();
    expect(activeWasmKernelFixes()).toEqual([]);
    unregisterWasmKernelFixes();
    expect(overrides.map((n) => tf.getKernel(n, 'wasm'))).toEqual(originals);

    expect(registerWasmKernelFixes()).toEqual(WASM_KERNEL_FIX_NAMES);
    overrides.forEach((n, i) => expect(tf.getKernel(n, 'wasm'), n).not.toBe(originals[i]));
    unregisterWasmKernelFixes();
    expect(overrides.map((n) => tf.getKernel(n, 'wasm'))).toEqual(originals);
    registerWasmKernelFixes();
  });

  it('computes the same products with and without the fixes', () => {
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
    const b = tf.tensor2d([1, 0, -1, 2, 0.5, 1], [3, 2]);
    const withFixes = tf.matMul(a, b, true, false);
    unregisterWasmKernelFixes();
    const without = tf.matMul(a, b, true, false);
    registerWasmKernelFixes();
    expect(Array.from(withFixes.dataSync())).toEqual(Array.from(without.dataSync()));
    tf.dispose([a, b, withFixes, without]);
  });
});
