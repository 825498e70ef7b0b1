import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend.js';
import type { WasmBackendLike } from '../../src/kernels/wasm-common.js';
import { WasmKernelScope } from '../../src/kernels/wasm-direct.js';
import { directAsBatch, directOps } from '../../src/interpolants/direct-ops.js';
import { asBatch, tensorOps } from '../../src/interpolants/ops.js';
import type { Ops } from '../../src/interpolants/ops.js';

/** Float32 values with the awkward cases: ±0, ±∞, NaN, subnormals, huge and tiny magnitudes, then normals. */
function values(n: number, seed: number): Float32Array {
  const special = [0, -0, Infinity, -Infinity, NaN, 1e-45, -3e-42, 3.4e38, -3.4e38, 1e-30, 1, -1, 0.1, 7];
  const out = new Float32Array(n);
  const r = tf.randomNormal([n], 0, 3, 'float32', seed);
  out.set(r.dataSync());
  r.dispose();
  for (let i = 0; i < n; i++) if (i % 3 === 0) out[i] = special[(i / 3 + seed) % special.length]!;
  return out;
}

const bits = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

describe('directOps on wasm: the bits of tensorOps', () => {
  let previous = '';
  beforeAll(async () => {
    previous = tf.getBackend();
    await initBackend('wasm', { log: null });
  });
  afterAll(async () => {
    if (previous) await initBackend(previous, { log: null });
  });

  /** Runs `f` on the direct ops (reading the result off the heap) and on tensorOps; both as float32 arrays. */
  function both(f: <T>(o: Ops<T>, a: T, b: T) => T, a: tf.Tensor, b: tf.Tensor): [Float32Array, Float32Array] {
    const k = new WasmKernelScope(tf.backend() as unknown as WasmBackendLike);
    try {
      const out = f(directOps(k), a as TensorInfo, b as TensorInfo);
      const direct = (k.backend.typedArrayFromHeap(out) as Float32Array).slice();
      const engine = tf.tidy(() => f(tensorOps, a, b).dataSync() as Float32Array);
      return [direct, engine];
    } finally {
      k.dispose();
    }
  }

  const ops: [string, <T>(o: Ops<T>, a: T, b: T) => T][] = [
    ['add', (o, a, b) => o.add(a, b)],
    ['sub', (o, a, b) => o.sub(a, b)],
    ['mul', (o, a, b) => o.mul(a, b)],
    ['div', (o, a, b) => o.div(a, b)],
    ['neg', (o, a) => o.neg(a)],
    ['sqrt', (o, a) => o.sqrt(a)],
    ['a formula: (1 − a)·b + √|a| / (b·c(3))', (o, a, b) => o.add(o.mul(o.sub(o.c(1), a), b), o.div(o.sqrt(o.mul(a, a)), o.mul(b, o.c(3))))],
  ];
  for (const [name, f] of ops) {
    it(`${name}: same shape, scalar with vector and vector with scalar`, () => {
      const a = tf.tensor1d(values(300, 1));
      const b = tf.tensor1d(values(300, 2));
      const s = tf.scalar(-2.75);
      const z = tf.scalar(-0);
      for (const [x, y] of [[a, b], [s, b], [a, s], [z, a], [a, z], [s, z]] as const) {
        const [direct, engine] = both(f, x, y);
        expect(bits(direct)).toEqual(bits(engine));
      }
      tf.dispose([a, b, s, z]);
    });
  }

  it('asBatch: t itself (a copy), a [batch] value, and scalars including −0 and NaN', () => {
    const t = tf.tensor1d(values(64, 3));
    for (const value of [t, tf.tensor1d(values(64, 4)), tf.scalar(-0), tf.scalar(NaN), tf.scalar(1.5), tf.tensor1d([0.25])]) {
      const k = new WasmKernelScope(tf.backend() as unknown as WasmBackendLike);
      try {
        const out = directAsBatch(k, value as TensorInfo, t as TensorInfo);
        expect(out).not.toBe(t as TensorInfo);
        const direct = (k.backend.typedArrayFromHeap(out) as Float32Array).slice();
        const engine = tf.tidy(() => asBatch(value, t as tf.Tensor1D).dataSync() as Float32Array);
        expect(bits(direct)).toEqual(bits(engine));
      } finally {
        k.dispose();
      }
      if (value !== t) value.dispose();
    }
    t.dispose();
  });

  it('leaves no data behind on the backend', () => {
    const dataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
    const a = tf.tensor1d(values(32, 5));
    const before = dataIds();
    const k = new WasmKernelScope(tf.backend() as unknown as WasmBackendLike);
    const o = directOps(k);
    o.sqrt(o.add(o.mul(a as TensorInfo, o.c(2)), directAsBatch(k, o.c(1), a as TensorInfo)));
    k.dispose();
    expect(dataIds()).toBe(before);
    a.dispose();
  });
});
