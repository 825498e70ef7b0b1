/**
 * Helpers for the wasm kernel-fix specs: seeded inputs, running one computation on wasm (fixes on) and on
 * cpu, and comparing with a relative tolerance scaled by the largest reference value.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { initBackend } from '../../src/backend.js';
import { expectAllClose } from '../helpers/index.js';

/** Deterministic standard-normal-ish values (mulberry32 + Box–Muller). */
export function seeded(size: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const u = Math.max(next(), 1e-12);
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  }
  return out;
}

/** A seeded tensor of the given shape (float32 unless `dtype` says int32, then small integers). */
export function rand(shape: number[], seed: number, dtype: 'float32' | 'int32' = 'float32'): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const v = seeded(size, seed);
  if (dtype === 'int32') return tf.tensor(Int32Array.from(v, (x) => Math.round(x * 3)), shape, 'int32');
  return tf.tensor(v, shape, 'float32');
}

/** Values and shapes read back from a computation. */
export interface Readback {
  values: Float32Array[] | Int32Array[];
  shapes: number[][];
  dtypes: string[];
}

/** Runs `fn` on `backend` inside a tidy and reads every returned tensor back. */
export async function runOn(backend: 'cpu' | 'wasm', fn: () => tf.Tensor | tf.Tensor[]): Promise<Readback> {
  await initBackend(backend, { log: null });
  const outs = tf.tidy(() => {
    const r = fn();
    return Array.isArray(r) ? r : [r];
  });
  const values = outs.map((t) => t.dataSync() as Float32Array);
  const shapes = outs.map((t) => t.shape);
  const dtypes = outs.map((t) => t.dtype);
  tf.dispose(outs);
  return { values: values as Float32Array[], shapes, dtypes };
}

/** Largest absolute value (at least 1), the scale of the relative tolerance. */
function scaleOf(values: ArrayLike<number>): number {
  let m = 1;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]!));
  return m;
}

/**
 * Asserts that `fn` gives the same shapes, dtypes and values on wasm (with this library's fixes) as on
 * cpu: `|wasm − cpu| ≤ rtol · max(1, max|cpu|)` elementwise (default rtol 1e-4). Leaves wasm active.
 */
export async function expectWasmMatchesCpu(
  label: string,
  fn: () => tf.Tensor | tf.Tensor[],
  { rtol = 1e-4, reference }: { rtol?: number; reference?: () => tf.Tensor | tf.Tensor[] } = {},
): Promise<void> {
  const cpu = await runOn('cpu', reference ?? fn);
  const wasm = await runOn('wasm', fn);
  if (wasm.values.length !== cpu.values.length) {
    throw new Error(`${label}: ${wasm.values.length} outputs on wasm, ${cpu.values.length} on cpu`);
  }
  cpu.values.forEach((expected, i) => {
    const name = `${label} [output ${i}]`;
    if (wasm.shapes[i]!.join(',') !== cpu.shapes[i]!.join(',')) {
      throw new Error(`${name}: shape [${wasm.shapes[i]}] on wasm, [${cpu.shapes[i]}] on cpu`);
    }
    if (reference === undefined && wasm.dtypes[i] !== cpu.dtypes[i]) {
      throw new Error(`${name}: dtype ${wasm.dtypes[i]} on wasm, ${cpu.dtypes[i]} on cpu`);
    }
    expectAllClose(wasm.values[i]!, expected, { rtol: 0, atol: rtol * scaleOf(expected), label: name });
  });
}

/**
 * For a spec file: makes wasm (with fixes) the active backend and turns on tfjs's kernel-level leak check
 * (`IS_TEST`: every kernel must leave exactly its outputs behind), restoring both afterwards.
 */
export function useWasmWithLeakChecks(): void {
  let previousBackend = '';
  let previousIsTest = false;
  beforeAll(async () => {
    previousBackend = tf.getBackend();
    previousIsTest = tf.env().getBool('IS_TEST');
    tf.env().set('IS_TEST', true);
    await initBackend('wasm', { log: null });
  });
  afterAll(async () => {
    tf.env().set('IS_TEST', previousIsTest);
    if (previousBackend) await initBackend(previousBackend, { log: null });
  });
}

/** Number of data buffers the active backend holds (catches intermediates a kernel forgot to free). */
export function backendDataIds(): number {
  return tf.engine().backend.numDataIds();
}

/**
 * Runs `fn` with tfjs's kernel-level leak check off. Needed around `tf.fused.*` gradients: tfjs's
 * scope-level check misfires on the wasm backend for custom-gradient ops (it does so with the fixes
 * unregistered too), while the tensor-level guard still applies.
 */
export async function withoutKernelLeakCheck<T>(fn: () => Promise<T>): Promise<T> {
  const previous = tf.env().getBool('IS_TEST');
  tf.env().set('IS_TEST', false);
  try {
    return await fn();
  } finally {
    tf.env().set('IS_TEST', previous);
  }
}

/** Asserts equal bit patterns element by element (so −0 ≠ +0), naming the first mismatch. */
export function expectSameBits(actual: Float32Array, expected: Float32Array, label: string): void {
  expect(actual.length, label).toBe(expected.length);
  const x = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const y = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  let bad = -1;
  for (let k = 0; k < x.length && bad < 0; k++) if (x[k] !== y[k]) bad = k;
  expect(bad < 0 ? '' : `${label}: element ${bad} is ${actual[bad]}, expected ${expected[bad]}`).toBe('');
}

/** The four transpose-flag pairs [transposeA, transposeB] of a matrix product. */
export const TRANSPOSE_FLAGS = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
] as const;

/** Shape of an operand holding an m×k matrix (k×m when transposed) under batch dims `outer`. */
export function operand(outer: number[], rows: number, cols: number, transposed: boolean): number[] {
  return transposed ? [...outer, cols, rows] : [...outer, rows, cols];
}
