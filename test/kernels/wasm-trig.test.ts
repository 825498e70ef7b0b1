import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectWasmMatchesCpu, rand, useWasmWithLeakChecks } from './compare.js';

describe('wasm Sin and Cos overrides', () => {
  useWasmWithLeakChecks();

  for (const op of ['sin', 'cos'] as const) {
    it(`${op} equals the cpu backend's values exactly, from small to large arguments`, async () => {
      await expectWasmMatchesCpu(op, () => tf[op](tf.mul(rand([64, 16], 7), tf.tensor1d([1e-3, 0.1, 1, 3, 10, 100, 1e3, 1e4, 1e5, 1, 1, 1, 1, 1, 1, 1]))), { rtol: 0 });
    });

    it(`${op} keeps NaN and gives NaN for ±Infinity, as on cpu`, () => {
      const y = tf[op](tf.tensor1d([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0]));
      const v = Array.from(y.dataSync());
      expect(v.slice(0, 3).every(Number.isNaN)).toBe(true);
      expect(v[3]).toBe(op === 'sin' ? 0 : 1);
      y.dispose();
    });

    it(`the gradient of ${op} matches cpu`, async () => {
      await expectWasmMatchesCpu(`${op} grad`, () => tf.grad((x: tf.Tensor) => tf.sum(tf[op](tf.mul(x, 3))))(rand([10, 4], 9)), { rtol: 1e-6 });
    });
  }
});
