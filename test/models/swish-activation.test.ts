import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import '../../models/register.js';
import { FastSwish, OriginalSwish } from '../../models/swish-activation.js';
import { timeConditionedUNet } from '../../models/unet.js';
import { initBackend } from '../../src/backend.js';
import { swishGradAvailable } from '../../src/kernels/wasm-swish-grad.js';
import { expectNoLeaks } from '../helpers/index.js';

type Registrable = tf.serialization.SerializableConstructor<tf.serialization.Serializable>;

/** Builds with tfjs-layers' original Swish in the serialization map (getActivation reads it at construction). */
function withOriginalSwish<T>(build: () => T): T {
  tf.serialization.registerClass(OriginalSwish as unknown as Registrable);
  try {
    return build();
  } finally {
    tf.serialization.registerClass(FastSwish as unknown as Registrable);
  }
}

/** Seeded values with large |x|, ±0, and values where σ saturates (float32 exact). */
function testInput(n: number, seed: number): tf.Tensor {
  const base = tf.randomNormal([n], 0, 4, 'float32', seed).dataSync() as Float32Array;
  const special = [0, -0, 30, -30, 90, -90, 1e-30, -1e-30, 1e4, -1e4, 17.3, -17.3];
  special.forEach((v, i) => (base[(i * 7) % n] = v));
  return tf.tensor1d(base);
}

/** Values and gradient (∂/∂x of Σ w·swish(x), w seeded) of a swish activation layer. */
function valueAndGrad(layer: tfl.layers.Layer, x: tf.Tensor, w: tf.Tensor): [Float32Array, Float32Array] {
  return tf.tidy(() => {
    const y = layer.apply(x) as tf.Tensor;
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(layer.apply(v) as tf.Tensor, w)))(x);
    return [y.dataSync() as Float32Array, g.dataSync() as Float32Array];
  });
}

const heapBuffers = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();

describe('the swish activation with a SIMD backward pass', () => {
  afterAll(async () => {
    await initBackend('cpu', { log: null });
  });

  for (const backend of ['wasm', 'cpu']) {
    it(`[${backend}] values and gradients are bit-identical to tfjs-layers' Swish (odd sizes, large |x|, ±0)`, async () => {
      await initBackend(backend, { log: null });
      expect(swishGradAvailable(tf.backend() as never)).toBe(backend === 'wasm');
      const fast = tfl.layers.activation({ activation: 'swish' });
      const original = withOriginalSwish(() => tfl.layers.activation({ activation: 'swish' }));
      for (const [i, n] of [1, 3, 4, 7, 13, 64, 1001, 4099].entries()) {
        const x = testInput(n, i + 1);
        const w = tf.randomNormal([n], 0, 1, 'float32', 100 + i);
        const [yf, gf] = valueAndGrad(fast, x, w);
        const [yo, go] = valueAndGrad(original, x, w);
        expect(Array.from(yf)).toEqual(Array.from(yo));
        // toEqual tells -0 from 0 (Object.is): the bits agree, not just the values.
        expect(Array.from(gf)).toEqual(Array.from(go));
        expect(gf.some((v) => v !== 0)).toBe(true);
        tf.dispose([x, w]);
      }
      // The class in the map is ours and serialises as tfjs-layers' name.
      expect((fast.getConfig() as { activation: string }).activation).toBe('swish');
      const dense = tfl.layers.dense({ units: 2, activation: 'swish' });
      expect((dense.getConfig() as { activation: string }).activation).toBe('swish');
    });
  }

  it('[wasm] the gradient of a 4-D activation (not a multiple of 4 elements) is bit-identical to tfjs-layers\' Swish', async () => {
    await initBackend('wasm', { log: null });
    const fast = tfl.layers.activation({ activation: 'swish' });
    const original = withOriginalSwish(() => tfl.layers.activation({ activation: 'swish' }));
    const x = tf.randomNormal([3, 5, 7, 3], 0, 3, 'float32', 7);
    const w = tf.randomNormal([3, 5, 7, 3], 0, 1, 'float32', 8);
    const [yf, gf] = valueAndGrad(fast, x, w);
    const [yo, go] = valueAndGrad(original, x, w);
    expect(Array.from(yf)).toEqual(Array.from(yo));
    expect(Array.from(gf)).toEqual(Array.from(go));
    // The fast path ran: its backward pass has no Sub (Sigmoid's 1 − s) and far fewer kernels.
    const kernels = async (layer: tfl.layers.Layer) =>
      (await tf.profile(() => tf.grad((v: tf.Tensor) => tf.sum(tf.mul(layer.apply(v) as tf.Tensor, w)))(x))).kernelNames;
    const [kf, ko] = [await kernels(fast), await kernels(original)];
    expect(ko).toContain('Sub');
    expect(kf).not.toContain('Sub');
    expect(kf.length).toBeLessThan(ko.length);
    tf.dispose([x, w]);
  });

  it('[wasm] leaks no tensors and no heap buffers (taped, untaped)', async () => {
    await initBackend('wasm', { log: null });
    const fast = tfl.layers.activation({ activation: 'swish' });
    const x = testInput(1001, 3);
    const run = () => tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(fast.apply(v) as tf.Tensor))(x));
    await expectNoLeaks(run, { label: 'taped' });
    await expectNoLeaks(() => fast.apply(x), { label: 'untaped' });
    run().dispose();
    const before = heapBuffers();
    for (let i = 0; i < 3; i++) {
      run().dispose();
      (fast.apply(x) as tf.Tensor).dispose();
    }
    expect(heapBuffers()).toBe(before);
    x.dispose();
  });

  it('[wasm] a small U-Net\'s parameter gradients are bit-identical to the ones through tfjs-layers\' Swish', async () => {
    await initBackend('wasm', { log: null });
    const options = { imageSize: 8, widths: [8, 16], groups: 4, embedding: 16, seed: 3 };
    const fast = timeConditionedUNet(options);
    const original = withOriginalSwish(() => timeConditionedUNet(options));
    const x = tf.randomNormal([3, 8, 8, 1], 0, 1, 'float32', 1);
    const t = tf.tensor2d([0.1, 0.5, 0.9], [3, 1]);
    const target = tf.randomNormal([3, 8, 8, 1], 0, 1, 'float32', 2);
    const grads = (model: tfl.LayersModel): Float32Array[] => tf.tidy(() => {
      const vars = model.trainableWeights.map((v) => v.read() as tf.Variable);
      const loss = () => tf.mean(tf.square(tf.sub(model.apply([x, t]) as tf.Tensor, target))) as tf.Scalar;
      const { grads: g } = tf.variableGrads(loss, vars);
      return vars.map((v) => g[v.name]!.dataSync() as Float32Array);
    });
    // Same seed, same weights; copy them anyway so the comparison is only about the activation.
    original.setWeights(fast.getWeights());
    const gf = grads(fast);
    const go = grads(original);
    expect(gf.length).toBe(go.length);
    gf.forEach((g, i) => expect(Array.from(g)).toEqual(Array.from(go[i]!)));
    expect(gf.some((g) => g.some((v) => v !== 0))).toBe(true);
    const before = tf.memory().numTensors;
    grads(fast);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, t, target]);
    fast.dispose();
    original.dispose();
  });
});
