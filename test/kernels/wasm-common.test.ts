import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { transposeInner, type WasmBackendLike } from '../../src/kernels/wasm-common.js';
import { PLAIN_WASM_BASE64, SHARED_WASM_BASE64 } from '../../src/kernels/simd/gemm-wasm.js';
import { simdKernelExports } from '../../src/kernels/wasm-simd-module.js';
import { expectNoLeaks } from '../helpers/index.js';
import { backendDataIds, seeded, useWasmWithLeakChecks } from './compare.js';

/** The expected transpose of the innermost axes, index by index from the definition. */
function reference(values: ArrayLike<number>, batch: number, rows: number, cols: number): number[] {
  const out = new Array<number>(values.length);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[b * rows * cols + j * rows + i] = values[b * rows * cols + i * cols + j]!;
  }
  return out;
}

/** transposeInner on a wasm tensor of `shape` and `dtype`: its shape and values read back. */
function run(shape: number[], dtype: 'float32' | 'int32' | 'bool', seed: number): { shape: number[]; got: number[]; want: number[] } {
  const backend = tf.backend() as unknown as WasmBackendLike;
  const size = shape.reduce((a, b) => a * b, 1);
  const raw = seeded(size, seed);
  const values = dtype === 'float32' ? raw : Int32Array.from(raw, (v) => (dtype === 'bool' ? Number(v > 0) : Math.round(v * 1000)));
  const x = tf.tensor(values, shape, dtype);
  const rows = shape[shape.length - 2]!;
  const cols = shape[shape.length - 1]!;
  const out: TensorInfo = transposeInner(backend, x);
  const got = Array.from(backend.typedArrayFromHeap(out));
  backend.disposeData(out.dataId);
  const batch = rows * cols === 0 ? 0 : size / (rows * cols);
  const want = reference(Array.from(dtype === 'float32' ? Float32Array.from(values) : values), batch, rows, cols);
  x.dispose();
  return { shape: out.shape, got, want };
}

describe('transposeInner (the innermost two axes)', () => {
  useWasmWithLeakChecks();

  it('float32 and int32 (the SIMD transpose): every element where the definition puts it, for edge and batched shapes', () => {
    // the SIMD module loads in this engine, so these dtypes take it
    expect(simdKernelExports(tf.backend() as unknown as WasmBackendLike, PLAIN_WASM_BASE64, SHARED_WASM_BASE64)).not.toBeNull();
    const shapes = [
      [512, 128],
      [4, 4],
      [5, 7],
      [3, 9],
      [17, 2],
      [2, 6, 5],
      [2, 3, 13, 6],
    ];
    for (const dtype of ['float32', 'int32'] as const) {
      shapes.forEach((shape, k) => {
        const r = run(shape, dtype, 40 + k);
        expect(r.shape).toEqual([...shape.slice(0, -2), shape[shape.length - 1], shape[shape.length - 2]]);
        expect(r.got, `${dtype} [${shape}]`).toEqual(r.want);
      });
    }
  });

  it('keeps the bits: −0, NaN payloads, infinities and subnormals are copied as they are', () => {
    const backend = tf.backend() as unknown as WasmBackendLike;
    const bits = new Uint32Array([0x80000000, 0x7fc00001, 0xff800000, 0x00000001, 0x7f800000, 0x3f800000, 0xffc12345, 0x00800000]);
    const x = backend.makeOutput([2, 4], 'float32');
    const heap = backend.typedArrayFromHeap(x);
    new Uint32Array(heap.buffer, heap.byteOffset, 8).set(bits);
    const out = transposeInner(backend, x);
    const view = backend.typedArrayFromHeap(out);
    const got = new Uint32Array(view.buffer, view.byteOffset, 8).slice();
    backend.disposeData(x.dataId);
    backend.disposeData(out.dataId);
    expect(Array.from(got)).toEqual([0x80000000, 0x7f800000, 0x7fc00001, 0x3f800000, 0xff800000, 0xffc12345, 0x00000001, 0x00800000]);
  });

  it('bool (the JavaScript loop), a single row or column (a shared view), and empty shapes', () => {
    for (const shape of [[5, 7], [2, 4, 9]]) {
      const r = run(shape, 'bool', 7);
      expect(r.got, `bool [${shape}]`).toEqual(r.want);
    }
    for (const shape of [[1, 6], [6, 1], [0, 3], [3, 0]]) {
      const r = run(shape, 'float32', 8);
      expect(r.shape).toEqual([shape[1], shape[0]]);
      expect(r.got).toEqual(r.want);
    }
  });

  it('leaks no heap buffers', async () => {
    const before = backendDataIds();
    await expectNoLeaks(() => {
      for (let k = 0; k < 3; k++) run([9, 11], 'float32', k);
    });
    expect(backendDataIds()).toBe(before);
  });
});
