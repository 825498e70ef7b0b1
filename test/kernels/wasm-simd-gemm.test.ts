import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  setSimdGemm,
  simdDenseBiasAfter,
  simdGemm,
  simdGemmCallCount,
  simdGemmEnabled,
  simdGemmKernels,
} from '../../src/kernels/wasm-simd-gemm.js';
import { expectNoLeaks } from '../helpers/index.js';
import { backendDataIds, expectWasmMatchesCpu, rand, useWasmWithLeakChecks, operand, TRANSPOSE_FLAGS } from './compare.js';

/** `fused.matMul` (bias optional) read back, with the SIMD GEMM on or off, and how many SIMD products ran. */
function product(
  on: boolean,
  a: tf.Tensor,
  b: tf.Tensor,
  bias: tf.Tensor | undefined,
  transposeA: boolean,
  transposeB: boolean,
): { values: Float32Array; shape: number[]; simdCalls: number } {
  setSimdGemm(on);
  const before = simdGemmCallCount();
  const y = tf.fused.matMul({ a, b, bias, transposeA, transposeB });
  const values = y.dataSync() as Float32Array;
  const out = { values, shape: y.shape, simdCalls: simdGemmCallCount() - before };
  y.dispose();
  return out;
}

/** Asserts element-for-element identity (Object.is: also the sign of zero). */
function expectIdentical(label: string, got: Float32Array, want: Float32Array): void {
  expect(got.length, label).toBe(want.length);
  let mismatches = 0;
  let first = -1;
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) {
      mismatches++;
      if (first < 0) first = i;
    }
  }
  expect(mismatches, `${label}: first mismatch at ${first}: ${got[first]} vs ${want[first]}`).toBe(0);
}

/** SIMD on against off (XNNPACK) for one product; the SIMD run must have used the kernel. */
function expectBitIdentical(label: string, aShape: number[], bShape: number[], biasShape: number[] | null, tA: boolean, tB: boolean): void {
  const a = rand(aShape, 11);
  const b = rand(bShape, 12);
  const bias = biasShape === null ? undefined : rand(biasShape, 13);
  const simd = product(true, a, b, bias, tA, tB);
  const xnn = product(false, a, b, bias, tA, tB);
  tf.dispose([a, b, bias ?? []]);
  expect(simd.simdCalls, `${label}: the SIMD kernel ran`).toBe(1);
  expect(xnn.simdCalls).toBe(0);
  expect(simd.shape).toEqual(xnn.shape);
  expectIdentical(label, simd.values, xnn.values);
}

describe('wasm SIMD GEMM (own WebAssembly kernel, no packing)', () => {
  useWasmWithLeakChecks();
  afterEach(() => setSimdGemm(true));

  it('applies on the one-thread wasm backend, not when switched off or on a pool of several threads', () => {
    const backend = tf.backend() as never;
    expect(simdGemmEnabled()).toBe(true);
    expect(simdGemmKernels(backend)).not.toBeNull();
    setSimdGemm(false);
    expect(simdGemmKernels(backend)).toBeNull();
    setSimdGemm(true);
    // The same backend seen with a two-thread pool (what backendThreadCount reads).
    const wasm = (backend as { wasm: object }).wasm;
    const twoThreads = Object.create(backend as object, { wasm: { value: { ...wasm, _get_threads_count: () => 2 } } });
    expect(simdGemmKernels(twoThreads)).toBeNull();
    setSimdGemm(true, { anyThreadCount: true }); // for measurements only
    expect(simdGemmKernels(twoThreads)).not.toBeNull();
    setSimdGemm(true);
    expect(simdGemmKernels(twoThreads)).toBeNull();
  });

  // Ragged sizes: m, n, k not multiples of the 4×8 tile; k = 1, 2, 19; n = 1, 2, 3 (the narrow kernels).
  const SHAPES: [number, number, number][] = [
    [1, 1, 1], [5, 1, 9], [7, 2, 3], [13, 19, 17], [4, 3, 8], [9, 7, 2], [3, 5, 12], [30, 19, 128], [66, 128, 2], [17, 33, 21],
  ];
  for (const [tA, tB] of TRANSPOSE_FLAGS) {
    for (const bias of [false, true]) {
      it(`bit-identical to XNNPACK, rank 2, transposeA=${tA}, transposeB=${tB}, ${bias ? 'bias' : 'no bias'}`, () => {
        for (const [m, k, n] of SHAPES) {
          expectBitIdentical(`${m}×${k}·${k}×${n}`, operand([], m, k, tA), operand([], k, n, tB), bias ? [n] : null, tA, tB);
        }
      });
    }
  }

  it('bit-identical to XNNPACK on the checkerboard step shapes (batch 512, widths 19, 128, 2)', () => {
    expectBitIdentical('h·W0 + b', [512, 19], [19, 128], [128], false, false);
    expectBitIdentical('h·W1', [512, 128], [128, 128], null, false, false);
    expectBitIdentical('h·W3 + b', [512, 128], [128, 2], [2], false, false);
    expectBitIdentical('in0ᵀ·dz', [512, 19], [512, 128], null, true, false);
    expectBitIdentical('in1ᵀ·dz', [512, 128], [512, 128], null, true, false);
    expectBitIdentical('in3ᵀ·dz', [512, 128], [512, 2], null, true, false);
    expectBitIdentical('dz·W1ᵀ', [512, 128], [128, 128], null, false, true);
    expectBitIdentical('dz·W3ᵀ', [512, 2], [128, 2], null, false, true);
  });

  it('bit-identical to XNNPACK on products large enough to copy B to a panel (ragged sizes, batched)', () => {
    // m ≥ 64 and m·k·n ≥ 2^22 (PANEL_MIN_ROWS, PANEL_MIN_PRODUCT in wasm-simd-gemm.ts).
    for (const [tA, tB] of TRANSPOSE_FLAGS) {
      expectBitIdentical(`67×300·300×210 tA=${tA} tB=${tB}`, operand([], 67, 300, tA), operand([], 300, 210, tB), [210], tA, tB);
    }
    expectBitIdentical('[2]·[2] 70×250·250×245', [2, 70, 250], [2, 250, 245], null, false, false);
  });

  for (const [tA, tB] of TRANSPOSE_FLAGS) {
    it(`bit-identical to XNNPACK, batched and broadcast, transposeA=${tA}, transposeB=${tB}`, () => {
      // [3]·[3], [1]·[3] and [3]·[1] (broadcast), [2,3]·[] with a bias (the fused kernel's one-call path),
      // large enough that XNNPACK (not the original kernel's loop for tiny batched products) is the reference.
      expectBitIdentical('[3]·[3]', operand([3], 21, 30, tA), operand([3], 30, 19, tB), null, tA, tB);
      expectBitIdentical('[1]·[3]', operand([1], 21, 30, tA), operand([3], 30, 19, tB), null, tA, tB);
      expectBitIdentical('[3]·[1]', operand([3], 21, 30, tA), operand([1], 30, 19, tB), null, tA, tB);
      expectBitIdentical('[2,3]·[] + bias', operand([2, 3], 21, 30, tA), operand([], 30, 19, tB), [19], tA, tB);
    });
  }

  it('a dense layer with the bias added after the sum is bit-identical to add(matMul(x, W), b) on XNNPACK', () => {
    const backend = tf.backend() as never;
    for (const [m, k, n] of [[512, 19, 128], [512, 128, 128], [9, 7, 2], [13, 5, 11], [6, 1, 3]] as const) {
      const x = rand([m, k], 31);
      const w = rand([k, n], 32);
      const b = rand([n], 33);
      setSimdGemm(false);
      const reference = tf.add(tf.matMul(x, w), b);
      const want = reference.dataSync() as Float32Array;
      expect(simdDenseBiasAfter(backend, x, w, b)).toBeNull(); // switched off
      setSimdGemm(true);
      const info = simdDenseBiasAfter(backend, x, w, b);
      expect(info).not.toBeNull();
      const z = tf.engine().makeTensorFromTensorInfo(info!);
      expect(z.shape).toEqual([m, n]);
      expectIdentical(`${m}×${k}·${k}×${n} + b`, z.dataSync() as Float32Array, want);
      tf.dispose([x, w, b, reference, z]);
    }
    // Operands that do not fit: a bias of the wrong length, mismatched inner sizes, int32, rank 3.
    const x = rand([4, 3], 34);
    const w = rand([3, 5], 35);
    const misfits: [tf.Tensor, tf.Tensor, tf.Tensor][] = [
      [x, w, rand([4], 36)],
      [x, rand([4, 5], 37), rand([5], 38)],
      [rand([4, 3], 39, 'int32'), w, rand([5], 40)],
      [rand([1, 4, 3], 41), w, rand([5], 42)],
    ];
    for (const [xi, wi, bi] of misfits) expect(simdDenseBiasAfter(backend, xi, wi, bi)).toBeNull();
    tf.dispose([x, w, ...misfits.flat()]);
  });

  it('matches the cpu backend (float32 accuracy)', async () => {
    for (const [tA, tB] of TRANSPOSE_FLAGS) {
      await expectWasmMatchesCpu(`67×130·130×35 tA=${tA} tB=${tB}`, () =>
        tf.fused.matMul({ a: rand(operand([], 67, 130, tA), 1), b: rand(operand([], 130, 35, tB), 2), bias: rand([35], 3), transposeA: tA, transposeB: tB }),
      );
    }
  });

  it('the kernel writes every element of the result (checked against a closed form) and nothing else', () => {
    // A = all ones [m, k], B[k, j] = j + 1: C[i, j] = bias[j] + k·(j + 1), exact in float32.
    const backend = tf.backend() as never;
    const kernels = simdGemmKernels(backend)!;
    const [m, k, n] = [11, 6, 23];
    const a = tf.ones([m, k]);
    const b = tf.tile(tf.reshape(tf.range(1, n + 1), [1, n]), [k, 1]);
    const bias = tf.mul(tf.range(0, n), 100);
    const info = simdGemm(backend, kernels, a, b, { m, k, n, bias });
    const c = tf.engine().makeTensorFromTensorInfo(info);
    const values = c.dataSync();
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(values[i * n + j]).toBe(100 * j + k * (j + 1));
    tf.dispose([a, b, bias, c]);
  });

  it('leaks no tensor and no heap buffer (the transposed right operand is freed)', async () => {
    const a = rand([40, 19], 5);
    const b = rand([23, 19], 6);
    const before = backendDataIds();
    await expectNoLeaks(() => {
      for (let i = 0; i < 3; i++) tf.dispose([tf.matMul(a, b, false, true), tf.matMul(a, a, true, false)]);
    });
    expect(backendDataIds()).toBe(before);
    tf.dispose([a, b]);
  });
});
