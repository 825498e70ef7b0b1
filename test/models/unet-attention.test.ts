import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { timeConditionedUNet } from '../../models/unet.js';
import { initBackend } from '../../src/backend.js';
import { expectAllClose } from '../helpers/index.js';

async function roundTrip(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
}

describe('timeConditionedUNet with self-attention at the lowest resolution', () => {
  const options = { imageSize: [9, 10] as [number, number], widths: [8, 16], groups: 4, embedding: 16, numClasses: 3, seed: 4 };
  const inputs = () => [tf.randomNormal([3, 9, 10, 1], 0, 1, 'float32', 1), tf.tensor2d([0.1, 0.5, 0.9], [3, 1]), tf.tensor2d([0, 2, 3], [3, 1])];

  it('adds exactly one GroupNorm and the attention weights; leaves the default network unchanged', async () => {
    await initBackend('wasm', { log: null });
    const plain = timeConditionedUNet(options);
    const again = timeConditionedUNet({ ...options, attentionHeads: 0 });
    const withAttention = timeConditionedUNet({ ...options, attentionHeads: 4 });
    const c = 16;
    expect(withAttention.countParams() - plain.countParams()).toBe(2 * c + (c * 3 * c + 3 * c) + (c * c + c));
    const x = inputs();
    expectAllClose(again.predict(x) as tf.Tensor, plain.predict(x) as tf.Tensor, { rtol: 0, atol: 0 });
    // The output projection starts at zero, so the block adds nothing before training; with plain's
    // weights copied into every shared layer the outputs agree.
    for (const layer of plain.layers) {
      if (layer.weights.length > 0) withAttention.getLayer(layer.name).setWeights(layer.getWeights());
    }
    expectAllClose(withAttention.predict(x) as tf.Tensor, plain.predict(x) as tf.Tensor, { rtol: 0, atol: 0 });
    tf.dispose(x);
    [plain, again, withAttention].forEach((m) => m.dispose());
  });

  it('trains the block (the output projection gets a non-zero gradient) and saves and reloads exactly', async () => {
    await initBackend('wasm', { log: null });
    const model = timeConditionedUNet({ ...options, attentionHeads: 2 });
    const x = inputs();
    const vars = model.trainableWeights.filter((w) => w.name.includes('mid_attention')).map((w) => w.read() as tf.Variable);
    expect(vars.length).toBe(6);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x) as tf.Tensor)) as tf.Scalar, vars);
    const norms = vars.map((v) => tf.norm(grads[v.name]!).dataSync()[0]!);
    expect(norms.every(Number.isFinite)).toBe(true);
    const outKernel = vars.findIndex((v) => v.name.includes('out_kernel'));
    expect(norms[outKernel]).toBeGreaterThan(0);
    tf.dispose(Object.values(grads));
    // Move the output projection off zero so the reload compares a working block.
    const layer = model.getLayer('mid_attention');
    layer.setWeights(layer.getWeights().map((w, i) => (i === 2 ? tf.randomNormal(w.shape, 0, 0.3, 'float32', 9) : w)));
    const reloaded = await roundTrip(model);
    expectAllClose(reloaded.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor, { rtol: 0, atol: 0 });
    tf.dispose(x);
  });

  it('rejects a head count that does not divide the lowest width', () => {
    expect(() => timeConditionedUNet({ ...options, attentionHeads: 3 })).toThrow("timeConditionedUNet: argument 'options.attentionHeads' must be a divisor of the lowest level's width 16, got 3");
    expect(() => timeConditionedUNet({ ...options, attentionHeads: -1 })).toThrow(/'options.attentionHeads'/);
  });
});
