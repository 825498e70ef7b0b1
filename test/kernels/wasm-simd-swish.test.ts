import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend.js';
import { runWasmKernel, type WasmBackendLike } from '../../src/kernels/wasm-common.js';
import { simdSigmoid, simdSwish, simdSwishOutput, swishForwardAvailable } from '../../src/kernels/wasm-simd-swish.js';
import { expectNoLeaks } from '../helpers/index.js';
import { backendDataIds, seeded, useWasmWithLeakChecks } from './compare.js';

/** A float32 tensor on the wasm heap holding these bit patterns. */
function fromBits(backend: WasmBackendLike, bits: Uint32Array, shape: number[] = [bits.length]): TensorInfo {
  const x = backend.makeOutput(shape, 'float32');
  (backend.typedArrayFromHeap(x) as Float32Array).set(new Float32Array(bits.buffer, bits.byteOffset, bits.length));
  return x;
}

/** A copy of a tensor's bit patterns. */
function bitsOf(backend: WasmBackendLike, x: TensorInfo): Uint32Array {
  const v = backend.typedArrayFromHeap(x) as Float32Array;
  return new Uint32Array(Float32Array.from(v).buffer);
}

const isNaNBits = (b: number) => (b & 0x7fffffff) > 0x7f800000;

/**
 * The SIMD σ, swish (s and h) and swish's output alone against the backend's own `Sigmoid` and
 * `Multiply(σ(x), x)` kernels on these bit patterns: every pattern must give the same bits (NaN inputs:
 * NaN out); returns the mismatch count.
 */
function compareOnBits(backend: WasmBackendLike, bits: Uint32Array, shape?: number[]): { mismatches: number; first: string } {
  const x = fromBits(backend, bits, shape);
  const sigRef = runWasmKernel(backend, 'Sigmoid', { x });
  const mulRef = runWasmKernel(backend, 'Multiply', { a: sigRef, b: x });
  const sig = simdSigmoid(backend, x)!;
  const [s, h] = simdSwish(backend, x)!;
  const hOnly = simdSwishOutput(backend, x)!;
  const want = [bitsOf(backend, sigRef), bitsOf(backend, sigRef), bitsOf(backend, mulRef), bitsOf(backend, mulRef)];
  const got = [bitsOf(backend, sig), bitsOf(backend, s), bitsOf(backend, h), bitsOf(backend, hOnly)];
  for (const t of [x, sigRef, mulRef, sig, s, h, hOnly]) backend.disposeData(t.dataId);
  let mismatches = 0;
  let first = '';
  for (let o = 0; o < want.length; o++) {
    for (let i = 0; i < bits.length; i++) {
      const w = want[o]![i]!;
      const g = got[o]![i]!;
      if (w === g || (isNaNBits(w) && isNaNBits(g))) continue;
      if (mismatches++ === 0) first = `output ${o} at x bits 0x${bits[i]!.toString(16)}: 0x${g.toString(16)} vs 0x${w.toString(16)}`;
    }
  }
  return { mismatches, first };
}

/** Bit patterns lo, lo + step, … below hi (unsigned 32-bit). */
function patterns(lo: number, hi: number, step: number): Uint32Array {
  const out = new Uint32Array(Math.ceil((hi - lo) / step));
  for (let i = 0; i < out.length; i++) out[i] = (lo + i * step) >>> 0;
  return out;
}

const POS_100 = 0x42c80000; // bits of 100
const SIGN = 0x80000000;

describe('wasm SIMD sigmoid and swish forward (own WebAssembly kernel)', () => {
  useWasmWithLeakChecks();

  it('σ and σ(z)·z are bit-identical to the backend\'s Sigmoid and Multiply on a stride through every float32 in [−100, 100]', () => {
    const backend = tf.backend() as unknown as WasmBackendLike;
    // 0x00000000 … bits(100), positive and negative, a prime stride: every exponent, many mantissas.
    for (const sign of [0, SIGN]) {
      const bits = patterns(sign, sign + POS_100 + 1, 257);
      const r = compareOnBits(backend, bits);
      expect(r.mismatches, r.first).toBe(0);
    }
  });

  it('is bit-identical on every float32 of windows where the algorithm changes regime', () => {
    const backend = tf.backend() as unknown as WasmBackendLike;
    const windows = [
      0x00000000, // +0 and the smallest subnormals
      0x007f0000, // the subnormal/normal boundary
      0x3f000000, // 0.5 … (the polynomial near one reduction step)
      0x3f800000, // 1
      0x42aeac4f - (1 << 17), // around 87.33654, where exp(−|x|) leaves the normal range (the cutoff)
      0x4b400000, // 2^23 … (integers, the magic bias's scale)
    ];
    for (const w of windows) {
      for (const sign of [0, SIGN]) {
        const bits = patterns(sign + w, sign + w + (1 << 18), 1);
        const r = compareOnBits(backend, bits);
        expect(r.mismatches, `window 0x${(sign + w).toString(16)}: ${r.first}`).toBe(0);
      }
    }
  });

  it('special values: ±0, ±subnormals, ±huge, ±inf, NaN (σ(−0) = σ(0) = 0.5, σ(∞) = 1, σ(−∞) = 0, NaN → NaN)', () => {
    const backend = tf.backend() as unknown as WasmBackendLike;
    const specials = new Uint32Array([
      0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x007fffff, 0x807fffff, 0x7f7fffff, 0xff7fffff,
      0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7f800001, 0x50000000, 0xd0000000, 0x42ae0000,
      0xc2ae0000, 0x42b00000, 0xc2b00000, 0x41000000, 0xc1000000,
    ]);
    const r = compareOnBits(backend, specials);
    expect(r.mismatches, r.first).toBe(0);
    const x = fromBits(backend, specials);
    const s = simdSigmoid(backend, x)!;
    const v = Float32Array.from(backend.typedArrayFromHeap(s) as Float32Array);
    backend.disposeData(x.dataId);
    backend.disposeData(s.dataId);
    expect([v[0], v[1], v[8], v[9]]).toEqual([0.5, 0.5, 1, 0]);
    expect(Number.isNaN(v[10]) && Number.isNaN(v[11]) && Number.isNaN(v[12])).toBe(true);
    // closed forms: σ(8) = 1/(1 + e^−8), σ(−8) = 1 − σ(8), to float32 accuracy
    expect(Math.abs(v[19]! - 1 / (1 + Math.exp(-8)))).toBeLessThan(1e-7);
    expect(Math.abs(v[20]! - 1 / (1 + Math.exp(8)))).toBeLessThan(1e-9);
  });

  it('any length (vector body and the n mod 4 tail) and any shape; the shape is kept', () => {
    const backend = tf.backend() as unknown as WasmBackendLike;
    for (const n of [1, 2, 3, 4, 5, 7, 8, 13, 64, 67]) {
      const v = seeded(n, n);
      for (let i = 0; i < n; i++) v[i] = v[i]! * 6;
      const r = compareOnBits(backend, new Uint32Array(v.buffer), n === 67 ? [67, 1] : [n]);
      expect(r.mismatches, `n = ${n}: ${r.first}`).toBe(0);
    }
    const x = backend.makeOutput([3, 0, 2], 'float32');
    const pair = simdSwish(backend, x)!;
    expect(pair.map((t) => t.shape)).toEqual([
      [3, 0, 2],
      [3, 0, 2],
    ]);
    for (const t of [x, ...pair]) backend.disposeData(t.dataId);
  });

  it('declines int32 inputs; leaks no heap buffers', async () => {
    const backend = tf.backend() as unknown as WasmBackendLike;
    expect(swishForwardAvailable(backend)).toBe(true);
    const i = tf.tensor([1, 2, 3], [3], 'int32');
    expect(simdSigmoid(backend, i)).toBeNull();
    expect(simdSwish(backend, i)).toBeNull();
    expect(simdSwishOutput(backend, i)).toBeNull();
    i.dispose();
    const before = backendDataIds();
    await expectNoLeaks(() => {
      for (let k = 0; k < 3; k++) compareOnBits(backend, patterns(0x3f000000, 0x3f000000 + 1001, 1));
    });
    expect(backendDataIds()).toBe(before);
  });

  it('is unavailable on the cpu backend', async () => {
    await initBackend('cpu', { log: null });
    expect(swishForwardAvailable(tf.backend() as unknown as WasmBackendLike)).toBe(false);
    const x = tf.tensor([1, 2]);
    expect(simdSigmoid(tf.backend() as unknown as WasmBackendLike, x)).toBeNull();
    x.dispose();
    await initBackend('wasm', { log: null });
  });
});
