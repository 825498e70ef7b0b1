import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { WasmBackendLike } from '../../src/kernels/wasm-common.js';
import { setSimdColumnSum, simdColumnSumKernel } from '../../src/kernels/wasm-simd-column-sum.js';
import { heapAddress } from '../../src/kernels/wasm-simd-module.js';
import { expectNoLeaks } from '../helpers/index.js';
import { backendDataIds, runOn, expectSameBits, seeded, useWasmWithLeakChecks } from './compare.js';

/**
 * Values over 16 binary orders of magnitude. Their float64 column sums are still exact (so any order of
 * the additions gives them); these data check the widening, the final rounding and the shapes, and
 * {@link cancelling} checks the order.
 */
function wide(size: number, seed: number): Float32Array {
  const u = seeded(size, seed);
  const v = seeded(size, seed + 1);
  return u.map((x, i) => x * 2 ** Math.round(8 * v[i]!));
}

/**
 * Data whose float64 column sums depend on the order of the additions: each column carries pairs
 * +B, −B (B up to 2^59) three rows apart, so which small values a partial sum absorbs shows in the result.
 */
function cancelling(shape: number[], seed: number): Float32Array {
  const cols = shape[shape.length - 1]!;
  const rows = shape.reduce((p, q) => p * q, 1) / cols;
  const out = seeded(rows * cols, seed);
  for (let c = 0; c < cols; c++) {
    for (let r = c % 5; r + 3 < rows; r += 5) {
      const big = 2 ** (40 + ((r * 13 + c * 7) % 20));
      out[r * cols + c] = big;
      out[(r + 3) * cols + c] = -big;
    }
  }
  return out;
}

/** `tf.sum(x, axis, keepDims)` on the active (wasm) backend with the SIMD kernel on or off, read back. */
function sumWith(simd: boolean, data: Float32Array, shape: number[], axis: number | number[], keepDims = false): { values: Float32Array; shape: number[] } {
  setSimdColumnSum(simd);
  const x = tf.tensor(data, shape);
  const s = tf.sum(x, axis, keepDims);
  const out = { values: s.dataSync() as Float32Array, shape: s.shape };
  tf.dispose([x, s]);
  return out;
}

describe('SIMD column sums (the wasm Sum override over leading axes)', () => {
  useWasmWithLeakChecks();
  afterEach(() => setSimdColumnSum(true));

  // Rows: multiples of 4 and each remainder; columns: 16-blocks, pairs, an odd last column, and mixes.
  const cases: [number[], number | number[]][] = [
    [[512, 128], 0],
    [[512, 2], 0],
    [[513, 130], 0],
    [[514, 33], 0],
    [[515, 17], 0],
    [[1, 1], 0],
    [[3, 1], 0],
    [[6, 19], 0],
    [[5, 6, 7], [0, 1]],
    [[4, 9, 35], 1],
    [[3, 4, 5, 6], [1, 2]],
  ];
  for (const [shape, axis] of cases) {
    it(`[${shape}] over ${JSON.stringify(axis)}: bit-identical to the JavaScript loop, close to cpu`, async () => {
      expect(simdColumnSumKernel(tf.backend() as unknown as WasmBackendLike)).not.toBeNull();
      const data = wide(shape.reduce((p, q) => p * q, 1), shape.length * 1000 + shape[0]!);
      const cancel = cancelling(shape, shape[0]! + 17);
      for (const keepDims of [false, true]) {
        for (const [name, values] of [['wide', data], ['cancelling', cancel]] as const) {
          const simd = sumWith(true, values, shape, axis, keepDims);
          const loop = sumWith(false, values, shape, axis, keepDims);
          expect(simd.shape).toEqual(loop.shape);
          expectSameBits(simd.values, loop.values, `[${shape}] ${name} keepDims ${keepDims}`);
        }
      }
      // The cpu backend adds row after row in float64: the same sums up to the final float32 rounding.
      const cpu = await runOn('cpu', () => tf.sum(tf.tensor(data, shape), axis));
      await runOn('wasm', () => tf.zeros([1]));
      const simd = sumWith(true, data, shape, axis);
      simd.values.forEach((x, i) => {
        const y = cpu.values[0]![i]!;
        expect(Math.abs(x - y), `column ${i}`).toBeLessThanOrEqual(2 ** -20 * Math.max(Math.abs(y), 1));
      });
    });
  }

  it('gives exact sums where float64 sums are exact (integers and halves, with −0 columns)', () => {
    const shape = [37, 21];
    const data = Float32Array.from({ length: 37 * 21 }, (_, k) => (k % 21 === 20 ? -0 : ((k * 7919) % 23) - 11 + (k % 2) / 2));
    const simd = sumWith(true, data, shape, 0);
    for (let c = 0; c < 21; c++) {
      let exact = 0;
      for (let r = 0; r < 37; r++) exact += data[r * 21 + c]!;
      expect(simd.values[c]).toBe(exact);
    }
    // A column of −0s sums to +0 (the accumulator starts at +0), as in the loop.
    expect(Object.is(simd.values[20], 0)).toBe(true);
  });

  it('keeps int32 sums on the loop (exact, like cpu) and handles empty reductions', () => {
    const ints = Int32Array.from({ length: 45 }, (_, k) => (k * 37) % 11 - 5);
    const s = tf.sum(tf.tensor(ints, [9, 5], 'int32'), 0);
    expect(s.dtype).toBe('int32');
    const expected = [0, 1, 2, 3, 4].map((c) => [...Array(9).keys()].reduce((acc, r) => acc + ints[r * 5 + c]!, 0));
    expect(Array.from(s.dataSync())).toEqual(expected);
    s.dispose();
    const e = tf.sum(tf.zeros([0, 3]), 0);
    expect(Array.from(e.dataSync())).toEqual([0, 0, 0]);
    e.dispose();
  });

  it('writes exactly its cols outputs (guard values on both sides stay)', () => {
    const backend = tf.backend() as unknown as WasmBackendLike;
    const kernel = simdColumnSumKernel(backend)!;
    for (const [rows, cols] of [[9, 1], [5, 2], [7, 3], [4, 16], [6, 17], [3, 35], [8, 50]] as const) {
      const x = tf.tensor(seeded(rows * cols, cols), [rows, cols]);
      const guard = 8;
      const out = tf.fill([cols + 2 * guard], 12345.5);
      kernel.columnSums(heapAddress(backend, x), heapAddress(backend, out) + 4 * guard, rows, cols);
      const got = out.dataSync();
      const xs = x.dataSync();
      tf.dispose([x, out]);
      for (let k = 0; k < guard; k++) {
        expect(got[k], `[${rows},${cols}] guard before`).toBe(12345.5);
        expect(got[guard + cols + k], `[${rows},${cols}] guard after`).toBe(12345.5);
      }
      for (let c = 0; c < cols; c++) {
        let sum = 0;
        for (let r = 0; r < rows; r++) sum += xs[r * cols + c]!;
        expect(Math.abs(got[guard + c]! - sum)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(sum)));
      }
    }
  });

  it('leaks neither tensors nor backend buffers', async () => {
    const x = tf.tensor(seeded(64 * 33, 5), [64, 33]);
    const run = () => tf.tidy(() => [tf.sum(x, 0), tf.sum(tf.reshape(x, [8, 8, 33]), [0, 1], true)]);
    await expectNoLeaks(run, { label: 'SIMD column sum' });
    const before = backendDataIds();
    tf.dispose(run());
    expect(backendDataIds()).toBe(before);
    x.dispose();
  });
});
