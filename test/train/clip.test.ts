import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { clipByGlobalNorm } from '../../src/train/clip.js';
import { expectAllClose } from '../helpers/index.js';

describe('clipByGlobalNorm', () => {
  it('scales by maxNorm / N when the global norm N exceeds maxNorm (hand computation)', () => {
    // N = √(3² + 4² + 12²) = 13
    const a = tf.tensor1d([3, 4]);
    const b = tf.tensor2d([[12]]);
    const before = tf.memory().numTensors;
    const { grads, norm } = clipByGlobalNorm([a, b], 6.5);
    expect(tf.memory().numTensors).toBe(before + 3); // two clipped gradients and the norm, nothing else
    expectAllClose(norm, 13, { rtol: 1e-6 });
    expect(norm.shape).toEqual([]);
    expectAllClose(grads[0]!, [1.5, 2], { rtol: 1e-6 });
    expectAllClose(grads[1]!, tf.tensor2d([[6]]), { rtol: 1e-6 });
    tf.dispose([a, b, norm, ...grads]);
  });

  it('leaves gradients below maxNorm unchanged, keeps map keys and passes null entries through', () => {
    const grads = { w: tf.tensor1d([0.3, -0.4]), b: tf.scalar(1.2), unused: null as unknown as tf.Tensor };
    const out = clipByGlobalNorm(grads, 10);
    expectAllClose(out.norm, 1.3, { rtol: 1e-6 });
    expect(Object.keys(out.grads)).toEqual(['w', 'b', 'unused']);
    expectAllClose(out.grads['w']!, [0.3, -0.4], { rtol: 1e-6 });
    expectAllClose(out.grads['b']!, 1.2, { rtol: 1e-6 });
    expect(out.grads['unused']).toBeNull();
    expect(out.grads['w']).not.toBe(grads.w); // always new tensors, owned by the caller
    const zero = clipByGlobalNorm([tf.zeros([3])], 1);
    expectAllClose(zero.grads[0]!, [0, 0, 0]);
    tf.dispose([grads.w, grads.b, out.norm, out.grads['w']!, out.grads['b']!, zero.norm, ...zero.grads]);
  });

  it('validates its arguments', () => {
    const g = tf.ones([2]);
    expect(() => clipByGlobalNorm([g], 0)).toThrow(/clipByGlobalNorm: argument 'maxNorm'/);
    expect(() => clipByGlobalNorm([g], Number.NaN)).toThrow(ArgumentError);
    expect(() => clipByGlobalNorm([g, [1, 2] as never], 1)).toThrow(/grads\[1\]/);
    expect(() => clipByGlobalNorm(null as never, 1)).toThrow(/argument 'grads'/);
    g.dispose();
  });
});
