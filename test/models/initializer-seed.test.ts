import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { normalInitializerSeed } from '../../models/initializer-seed.js';
import { timeConditionedMlp } from '../../models/mlp.js';
import { timeConditionedUNet } from '../../models/unet.js';
import { initBackend } from '../../src/backend.js';

const sameWeights = (a: tf.Tensor[], b: tf.Tensor[]) => a.length === b.length && a.every((w, i) => tf.all(tf.equal(w, b[i]!)).dataSync()[0] === 1);

describe('normalInitializerSeed', () => {
  it('moves only 0, which tfjs ignores for normal initialisers', () => {
    expect(normalInitializerSeed(0)).not.toBe(0);
    for (const s of [1, 2, 17, -3, 2 ** 31 - 1]) expect(normalInitializerSeed(s)).toBe(s);
    // The bug it avoids: tfjs's Gaussian generator treats seed 0 as unseeded.
    const a = tf.randomNormal([64], 0, 1, 'float32', 0).dataSync();
    const b = tf.randomNormal([64], 0, 1, 'float32', 0).dataSync();
    expect(Array.from(a)).not.toEqual(Array.from(b));
  });

  it('makes networks built with seed 0 and a normal initialiser the same on every build', async () => {
    await initBackend('wasm', { log: null });
    const unet = () => timeConditionedUNet({ imageSize: 8, widths: [8, 16], groups: 4, embedding: 16, numClasses: 3, seed: 0 });
    const [u1, u2] = [unet(), unet()];
    expect(sameWeights(u1.getWeights(), u2.getWeights())).toBe(true);
    const mlp = (kernelInitializer: 'heNormal' | 'glorotUniform') => timeConditionedMlp({ dim: 2, hidden: 8, layers: 2, numClasses: 2, kernelInitializer, seed: 0 });
    for (const init of ['heNormal', 'glorotUniform'] as const) {
      const [m1, m2] = [mlp(init), mlp(init)];
      expect(sameWeights(m1.getWeights(), m2.getWeights())).toBe(true);
      [m1, m2].forEach((m) => m.dispose());
    }
    [u1, u2].forEach((m) => m.dispose());
  });
});
