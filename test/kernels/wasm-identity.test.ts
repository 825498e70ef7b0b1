import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { backendDataIds, expectWasmMatchesCpu, rand, useWasmWithLeakChecks } from './compare.js';

describe('wasm Identity and Cast overrides (shared data instead of copies)', () => {
  useWasmWithLeakChecks();

  it('a clone reads the same values, outlives its source, and frees the buffer with the last reference', () => {
    const before = backendDataIds();
    const x = rand([64, 33], 1);
    const expected = x.dataSync().slice();
    const c = tf.clone(x);
    expect(c).not.toBe(x);
    expect(backendDataIds()).toBe(before + 1); // one buffer, two tensors
    x.dispose();
    expect(Array.from(c.dataSync())).toEqual(Array.from(expected));
    c.dispose();
    expect(backendDataIds()).toBe(before);
  });

  it('a clone of a variable keeps the old values after the variable is assigned', () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const snapshot = tf.clone(v);
    v.assign(tf.tensor1d([7, 8, 9]));
    expect(Array.from(snapshot.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(v.dataSync())).toEqual([7, 8, 9]);
    tf.dispose([v, snapshot]);
  });

  it('a cast to the same dtype shares the buffer; the values are unchanged', () => {
    const before = backendDataIds();
    const x = rand([10, 7], 2);
    const y = tf.cast(x, 'float32');
    expect(backendDataIds()).toBe(before + 1);
    expect(Array.from(y.dataSync())).toEqual(Array.from(x.dataSync()));
    tf.dispose([x, y]);
    const i = tf.tensor1d([3, -4, 5], 'int32');
    const j = tf.cast(i, 'int32');
    expect(j.dtype).toBe('int32');
    expect(Array.from(j.dataSync())).toEqual([3, -4, 5]);
    tf.dispose([i, j]);
    expect(backendDataIds()).toBe(before);
  });

  for (const [from, to] of [
    ['float32', 'int32'],
    ['int32', 'float32'],
    ['float32', 'bool'],
    ['bool', 'float32'],
    ['int32', 'bool'],
  ] as const) {
    it(`a cast from ${from} to ${to} converts as on cpu`, async () => {
      await expectWasmMatchesCpu(`cast ${from}→${to}`, () => {
        const base = from === 'bool' ? tf.greater(rand([5, 9], 3), 0) : tf.mul(rand([5, 9], 3, from === 'int32' ? 'int32' : 'float32'), 2.5);
        return tf.cast(base, to);
      });
    });
  }

  it('gradients that pass through identities and casts match cpu', async () => {
    await expectWasmMatchesCpu('grad through identity/cast', () => {
      const a = rand([16, 8], 4);
      const b = rand([16, 8], 5);
      const f = (x: tf.Tensor) => tf.sum(tf.mul(tf.cast(tf.clone(x), 'float32'), tf.sigmoid(tf.mul(x, b))));
      return tf.grad(f)(a);
    });
  });
});
