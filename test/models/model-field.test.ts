/**
 * modelAdapter: inputs found by name, heads split on the last axis (columns for points, channels for
 * images), labels, the deprecated wrappers giving the same numbers, errors and leaks.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { modelAdapter, modelField, modelFields } from '../../models/model-field.js';
import { timeConditionedMlp } from '../../models/mlp.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';

/** A tiny image model: x [h, w, c] and t [1] (inputs in the order t, x) → [h, w, heads·c]. */
function imageModel(heads: number, names = { x: 'x', t: 't' }): tfl.LayersModel {
  const t = tfl.input({ shape: [1], name: names.t });
  const x = tfl.input({ shape: [2, 2, 1], name: names.x });
  const flat = tfl.layers.flatten().apply(x) as tfl.SymbolicTensor;
  const h = tfl.layers.concatenate().apply([flat, t]) as tfl.SymbolicTensor;
  const dense = tfl.layers.dense({ units: 4 * heads, kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }), biasInitializer: 'ones' }).apply(h) as tfl.SymbolicTensor;
  const out = tfl.layers.reshape({ targetShape: [2, 2, heads] }).apply(dense) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [t, x], outputs: out });
}

async function roundTrip(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
}

describe('modelAdapter', () => {
  it('finds the inputs of a saved and reloaded model by name and gives the same numbers', async () => {
    const model = timeConditionedMlp({ dim: 2, hidden: 8, layers: 1, heads: 2, numClasses: 2, seed: 6 });
    const reloaded = await roundTrip(model);
    const a = modelAdapter(model, { heads: ['b', 's'], label: 0 });
    const b = modelAdapter(reloaded, { heads: ['b', 's'], label: 0 });
    expect(b.inputs).toEqual({ x: 0, t: 1, label: 2 });
    tf.tidy(() => {
      const x = tf.randomNormal([4, 2], 0, 1, 'float32', 7);
      const t = tf.fill([4], 0.25) as tf.Tensor1D;
      expectAllClose(b.fields.s(x, t), a.fields.s(x, t), { rtol: 0, atol: 0 });
    });
    model.dispose();
    reloaded.dispose();
  });

  it('finds x, t by name and splits [batch, H·d] into heads by columns, the same numbers as modelFields', () => {
    const model = timeConditionedMlp({ dim: 2, hidden: 8, layers: 1, heads: 2, seed: 4 });
    const adapter = modelAdapter(model, { heads: ['b', 's'] });
    expect(adapter.inputs).toEqual({ x: 0, t: 1 });
    expect(adapter.conditional).toBe(false);
    tf.tidy(() => {
      const x = tf.randomNormal([6, 2], 0, 1, 'float32', 1);
      const t = tf.linspace(0, 1, 6) as tf.Tensor1D;
      const full = model.apply([x, tf.reshape(t, [6, 1])]) as tf.Tensor2D;
      const { b, s } = adapter.fields;
      expectAllClose(b(x, t), tf.slice(full, [0, 0], [-1, 2]), { rtol: 0, atol: 0 });
      expectAllClose(s(x, t), tf.slice(full, [0, 2], [-1, 2]), { rtol: 0, atol: 0 });
      const legacy = modelFields(model, ['b', 's']);
      expectAllClose(legacy.b(x as tf.Tensor2D, t), b(x, t), { rtol: 0, atol: 0 });
      expectAllClose(legacy.s(x as tf.Tensor2D, t), s(x, t), { rtol: 0, atol: 0 });
      expectAllClose(adapter.apply(x, t), full, { rtol: 0, atol: 0 });
    });
    model.dispose();
  });

  it('on images, heads are channel groups of the last axis; inputs are found by name in any order', () => {
    const model = imageModel(2);
    const adapter = modelAdapter(model, { heads: ['b', 'eta-z'] });
    expect(adapter.inputs).toEqual({ x: 1, t: 0 });
    tf.tidy(() => {
      const x = tf.randomNormal([3, 2, 2, 1], 0, 1, 'float32', 2);
      const t = tf.tensor1d([0.1, 0.5, 0.9]);
      const full = model.apply([tf.reshape(t, [3, 1]), x]) as tf.Tensor4D;
      const b = adapter.fields.b(x, t);
      const eta = adapter.fields['eta-z'](x, t);
      expect(b.shape).toEqual([3, 2, 2, 1]);
      expectAllClose(b, tf.slice(full, [0, 0, 0, 0], [-1, -1, -1, 1]), { rtol: 0, atol: 0 });
      expectAllClose(eta, tf.slice(full, [0, 0, 0, 1], [-1, -1, -1, 1]), { rtol: 0, atol: 0 });
    });
    model.dispose();
  });

  it('takes explicit inputs when the names are not x, t', () => {
    const model = imageModel(1, { x: 'image', t: 'noise_level' });
    expect(() => modelAdapter(model, { heads: ['b'] })).toThrow(/modelAdapter: argument 'options.inputs' must be given when the model's inputs are not named 'x', 't'/);
    const adapter = modelAdapter(model, { heads: ['b'], inputs: { x: 'image', t: 0 } });
    expect(adapter.inputs).toEqual({ x: 1, t: 0 });
    expect(() => modelAdapter(model, { heads: ['b'], inputs: { x: 'pixels', t: 0 } })).toThrow(/argument 'options.inputs.x' must be one of the model's input names 'noise_level', 'image'/);
    model.dispose();
  });

  it('class-conditional models: a default class or per-row labels', () => {
    const model = timeConditionedMlp({ dim: 2, hidden: 8, layers: 1, numClasses: 3, seed: 2 });
    const adapter = modelAdapter(model, { heads: ['b'], label: 1 });
    expect(adapter.inputs).toEqual({ x: 0, t: 1, label: 2 });
    tf.tidy(() => {
      const x = tf.randomNormal([4, 2], 0, 1, 'float32', 5);
      const t = tf.fill([4], 0.4) as tf.Tensor1D;
      const ones = tf.fill([4], 1) as tf.Tensor1D;
      expectAllClose(adapter.fields.b(x, t), adapter.fields.b(x, t, ones), { rtol: 0, atol: 0 });
      expectAllClose(adapter.fields.b(x, t), modelField(model, 1)(x as tf.Tensor2D, t), { rtol: 0, atol: 0 });
      const other = adapter.fields.b(x, t, tf.fill([4], 2) as tf.Tensor1D);
      expect(tf.max(tf.abs(tf.sub(other, adapter.fields.b(x, t)))).dataSync()[0]).toBeGreaterThan(0);
      expect(() => modelAdapter(model, { heads: ['b'] }).fields.b(x, t)).toThrow(/modelAdapter: argument 'label' must be a class index/);
    });
    model.dispose();
  });

  it('rejects heads that do not divide the last axis, and non-models', () => {
    const model = timeConditionedMlp({ dim: 3, hidden: 4, layers: 1 });
    expect(() => modelAdapter(model, { heads: ['b', 's'] })).toThrow(/modelAdapter: argument 'options.heads' must be a non-empty list of distinct names whose length divides the output's last axis \(3\)/);
    expect(() => modelAdapter(model, { heads: [] })).toThrow(/options.heads/);
    expect(() => modelAdapter({} as tfl.LayersModel, { heads: ['b'] })).toThrow(/modelAdapter: argument 'model' must be a tfjs-layers LayersModel/);
    model.dispose();
  });

  it('shares one forward pass across heads when asked, and leaks nothing', async () => {
    const model = imageModel(2);
    const shared = modelAdapter(model, { heads: ['b', 's'], shareForwardPass: true });
    const x = tf.randomNormal([3, 2, 2, 1], 0, 1, 'float32', 2);
    const t = tf.fill([3], 0.5) as tf.Tensor1D;
    await expectNoLeaks(() =>
      tf.tidy(() => {
        const before = tf.memory().numTensors;
        shared.fields.b(x, t);
        const afterFirst = tf.memory().numTensors;
        shared.fields.s(x, t);
        // the second head only slices the cached output: one new tensor
        expect(tf.memory().numTensors - afterFirst).toBe(1);
        expect(afterFirst).toBeGreaterThan(before + 1);
        return shared.apply(x, t);
      }),
    );
    tf.dispose([x, t]);
    model.dispose();
  });
});
