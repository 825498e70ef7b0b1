import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { modelField, modelFields, timeConditionedMlp } from '../../models/mlp.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';

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

describe('timeConditionedMlp', () => {
  it('maps x: [n, d] and t: [n] to [n, d] through modelField', () => {
    const model = timeConditionedMlp({ dim: 2, hidden: 16, layers: 2, seed: 1 });
    const field = modelField(model);
    const out = field(tf.randomNormal([5, 2], 0, 1, 'float32', 3) as tf.Tensor2D, tf.linspace(0, 1, 5) as tf.Tensor1D);
    expect(out.shape).toEqual([5, 2]);
    expect(model.countParams()).toBe((2 + 17) * 16 + 16 + 16 * 16 + 16 + 16 * 2 + 2);
    model.dispose();
  });

  it('is deterministic in its seed and differs across seeds', () => {
    const x = tf.ones([3, 2]) as tf.Tensor2D;
    const t = tf.fill([3], 0.3) as tf.Tensor1D;
    const a = modelField(timeConditionedMlp({ dim: 2, hidden: 8, seed: 5 }))(x, t);
    const b = modelField(timeConditionedMlp({ dim: 2, hidden: 8, seed: 5 }))(x, t);
    const c = modelField(timeConditionedMlp({ dim: 2, hidden: 8, seed: 6 }))(x, t);
    expectAllClose(a, b, { rtol: 0, atol: 0 });
    expect(Math.max(...Array.from(tf.abs(tf.sub(a, c)).dataSync()))).toBeGreaterThan(1e-4);
  });

  it('saves and reloads without tfjs-node, giving the same outputs (also class-conditional)', async () => {
    for (const numClasses of [0, 3]) {
      const model = timeConditionedMlp({ dim: 3, hidden: 8, layers: 2, numClasses, seed: 2 });
      const reloaded = await roundTrip(model);
      const x = tf.randomNormal([4, 3], 0, 1, 'float32', 9) as tf.Tensor2D;
      const t = tf.tensor1d([0, 0.2, 0.6, 1]);
      const f0 = modelField(model, numClasses ? 1 : undefined);
      const f1 = modelField(reloaded, numClasses ? 1 : undefined);
      expectAllClose(f1(x, t), f0(x, t), { rtol: 1e-6, atol: 1e-7 });
      if (numClasses) {
        const other = modelField(model, 2)(x, t);
        expect(Math.max(...Array.from(tf.abs(tf.sub(other, f0(x, t))).dataSync()))).toBeGreaterThan(1e-5);
      }
    }
  });

  it('rejects bad options with the argument named', () => {
    expect(() => timeConditionedMlp({ dim: 0 })).toThrow("timeConditionedMlp: argument 'options.dim' must be a finite integer >= 1, got 0");
    expect(() => timeConditionedMlp({ dim: 2, hidden: 2.5 })).toThrow(/'options.hidden'/);
    // @ts-expect-error: invalid on purpose
    expect(() => timeConditionedMlp({ dim: 2, activation: 'sine' })).toThrow(/'options.activation' must be one of 'relu', 'swish'/);
    const conditional = timeConditionedMlp({ dim: 2, numClasses: 2 });
    expect(() => modelField(conditional)).toThrow(/'label'/);
  });

  it('does not leak when evaluated', async () => {
    const field = modelField(timeConditionedMlp({ dim: 2, hidden: 8 }));
    const x = tf.ones([4, 2]) as tf.Tensor2D;
    const t = tf.fill([4], 0.5) as tf.Tensor1D;
    await expectNoLeaks(() => field(x, t));
  });
});

describe('modelFields', () => {
  it('slices one output per head, with shared or separate towers', () => {
    for (const towers of ['shared', 'separate'] as const) {
      const model = timeConditionedMlp({ dim: 2, hidden: 8, layers: 2, heads: 2, towers, seed: 4 });
      const x = tf.randomNormal([5, 2], 0, 1, 'float32', 1) as tf.Tensor2D;
      const t = tf.fill([5], 0.3) as tf.Tensor1D;
      const full = modelField(model)(x, t);
      expect(full.shape).toEqual([5, 4]);
      const { b, s } = modelFields(model, ['b', 's']);
      expectAllClose(b(x, t), tf.slice(full, [0, 0], [-1, 2]), { rtol: 0, atol: 0 });
      expectAllClose(s(x, t), tf.slice(full, [0, 2], [-1, 2]), { rtol: 0, atol: 0 });
    }
  });

  it('shares one forward pass only when asked, and stays differentiable in x without it', () => {
    const model = timeConditionedMlp({ dim: 2, hidden: 8, layers: 1, heads: 2, seed: 5 });
    const x = tf.randomNormal([3, 2], 0, 1, 'float32', 2) as tf.Tensor2D;
    const t = tf.fill([3], 0.5) as tf.Tensor1D;
    const shared = modelFields(model, ['b', 's'], { shareForwardPass: true });
    const before = tf.memory().numTensors;
    shared.b(x, t);
    const afterFirst = tf.memory().numTensors;
    shared.s(x, t);
    // the second head reuses the output: only its slice is new
    expect(tf.memory().numTensors - afterFirst).toBeLessThan(afterFirst - before);
    const plain = modelFields(model, ['b', 's']);
    plain.b(x, t);
    const g = tf.grad((xx: tf.Tensor) => tf.sum(plain.b(xx as tf.Tensor2D, t)))(x);
    expect(Math.max(...Array.from(tf.abs(g).dataSync()))).toBeGreaterThan(0);
  });

  it('rejects a head count that does not divide the output', () => {
    const model = timeConditionedMlp({ dim: 3, hidden: 4, layers: 1 });
    expect(() => modelFields(model, ['b', 's'])).toThrow(/modelFields: argument 'names'/);
  });
});
