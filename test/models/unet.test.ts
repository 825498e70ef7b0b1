import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { type TimeConditionedUNetOptions, timeConditionedUNet } from '../../models/unet.js';
import { ArgumentError } from '../../src/errors.js';
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

const inputsFor = (b: number, h: number, w: number, c: number, labels?: number[]) => {
  const list = [tf.randomNormal([b, h, w, c], 0, 1, 'float32', 1), tf.reshape(tf.linspace(0.05, 0.95, b), [b, 1])];
  if (labels) list.push(tf.tensor2d(labels, [b, 1]));
  return list;
};

describe('timeConditionedUNet', () => {
  it('has the reference architecture: 284,545 parameters at 28×28×1, widths 32/64, 10 classes', () => {
    const model = timeConditionedUNet({ imageSize: 28, widths: [32, 64], numClasses: 10 });
    expect(model.inputs.map((i) => i.name)).toEqual(['x', 't', 'label']);
    // PyTorch's torch_unet.py: 284,545 parameters with the same layers (counted by hand below).
    const conv = (k: number, i: number, o: number) => k * k * i * o + o;
    const gn = (c: number) => 2 * c;
    const block = (i: number, o: number) => gn(i) + conv(3, i, o) + (128 * o + o) + gn(o) + conv(3, o, o) + (i === o ? 0 : conv(1, i, o));
    const expected = 11 * 32 + (65 * 128 + 128) + (128 * 128 + 128) + conv(3, 1, 32) + block(32, 32) + conv(3, 32, 64) + block(64, 64) + block(64, 64) + conv(3, 64, 32) + block(64, 32) + gn(32) + conv(3, 32, 1);
    expect(model.countParams()).toBe(expected);
    expect(expected).toBe(284545);
    model.dispose();
  });

  it('maps [b, h, w, c] to [b, h, w, heads·c] for sizes that do not halve evenly, 1 and 3 channels', () => {
    const cases: [number, number, number, number[], number][] = [
      [28, 28, 1, [8, 16, 16], 1],
      [15, 13, 3, [8, 8, 16], 2],
      [7, 9, 1, [8, 16], 2],
    ];
    for (const [h, w, c, widths, heads] of cases) {
      const model = timeConditionedUNet({ imageSize: [h, w], channels: c, widths, groups: 4, heads, embedding: 16, seed: 3 });
      const out = tf.tidy(() => model.predict(inputsFor(2, h, w, c)) as tf.Tensor);
      expect(out.shape).toEqual([2, h, w, heads * c]);
      expect(Array.from(out.dataSync()).every(Number.isFinite)).toBe(true);
      out.dispose();
      model.dispose();
    }
  });

  it('saves and reloads (custom layers by className) with identical outputs, conditional and not', async () => {
    for (const numClasses of [0, 3]) {
      const model = timeConditionedUNet({ imageSize: [9, 10], widths: [8, 16], groups: 4, embedding: 16, numClasses, heads: 2, seed: 4 });
      const reloaded = await roundTrip(model);
      const inputs = inputsFor(3, 9, 10, 1, numClasses ? [0, 2, 3] : undefined);
      expectAllClose(reloaded.predict(inputs) as tf.Tensor, model.predict(inputs) as tf.Tensor, { rtol: 0, atol: 0 });
      if (numClasses) {
        const other = model.predict([inputs[0]!, inputs[1]!, tf.tensor2d([1, 1, 1], [3, 1])]) as tf.Tensor;
        expect(tf.max(tf.abs(tf.sub(other, model.predict(inputs) as tf.Tensor))).dataSync()[0]).toBeGreaterThan(1e-5);
      }
      tf.dispose(inputs);
    }
  });

  it('the fused group norm gives the outputs and gradients of the plain-op one', () => {
    const opts: TimeConditionedUNetOptions = { imageSize: 8, widths: [8, 16], groups: 4, embedding: 16, numClasses: 2, seed: 5 };
    const fused = timeConditionedUNet(opts);
    const plain = timeConditionedUNet({ ...opts, plainGroupNorm: true });
    plain.setWeights(fused.getWeights());
    const inputs = inputsFor(4, 8, 8, 1, [0, 1, 2, 1]);
    const target = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 6);
    const gradsOf = (m: tfl.LayersModel) =>
      tf.variableGrads(() => tf.mean(tf.square(tf.sub(m.apply(inputs) as tf.Tensor, target))) as tf.Scalar, m.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val));
    const a = gradsOf(fused);
    const b = gradsOf(plain);
    expectAllClose(a.value, b.value, { rtol: 1e-5, atol: 1e-6 });
    Object.values(a.grads).forEach((g, i) => {
      const ref = Object.values(b.grads)[i]!;
      const scale = Math.max(1e-3, tf.max(tf.abs(ref)).dataSync()[0]!);
      expectAllClose(g, ref, { rtol: 0, atol: 1e-4 * scale, label: `grad ${i}` });
    });
  });

  it('every weight receives a finite, non-zero gradient', () => {
    const model = timeConditionedUNet({ imageSize: 8, widths: [8, 16], groups: 4, embedding: 16, numClasses: 2, seed: 7 });
    const inputs = inputsFor(4, 8, 8, 1, [0, 1, 2, 1]);
    const vars = model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const { grads } = tf.variableGrads(() => tf.mean(tf.square(model.apply(inputs) as tf.Tensor)) as tf.Scalar, vars);
    expect(Object.keys(grads)).toHaveLength(vars.length);
    for (const v of vars) {
      const g = Array.from(grads[v.name]!.dataSync());
      expect(g.every(Number.isFinite), v.name).toBe(true);
      expect(Math.max(...g.map(Math.abs)), v.name).toBeGreaterThan(0);
    }
  });

  it('trains: flow matching on two 8×8 patterns lowers the loss; no tensor leaks per step', async () => {
    const model = timeConditionedUNet({ imageSize: 8, widths: [8, 16], groups: 4, embedding: 16, numClasses: 2, seed: 8 });
    const optimizer = tf.train.adam(3e-3);
    const patterns = tf.tidy(() => {
      const r = tf.reshape(tf.range(0, 8), [1, 8, 1, 1]);
      const c = tf.reshape(tf.range(0, 8), [1, 1, 8, 1]);
      const stripes = tf.sub(tf.mul(tf.mod(r, 2), 2), 1);
      const checks = tf.sub(tf.mul(tf.mod(tf.add(r, c), 2), 2), 1);
      return tf.concat([tf.broadcastTo(stripes, [1, 8, 8, 1]), tf.broadcastTo(checks, [1, 8, 8, 1])], 0);
    });
    const batch = 16;
    let step = 0;
    const trainStep = () =>
      tf.tidy(() => {
        const seed = 100 + step++;
        const labels = tf.cast(tf.less(tf.randomUniform([batch], 0, 1, 'float32', seed), 0.5), 'int32');
        const x1 = tf.gather(patterns, labels);
        const x0 = tf.randomNormal([batch, 8, 8, 1], 0, 1, 'float32', seed + 1000);
        const t = tf.randomUniform([batch, 1], 0, 1, 'float32', seed + 2000);
        const tt = tf.reshape(t, [batch, 1, 1, 1]);
        const xt = tf.add(tf.mul(tf.sub(1, tt), x0), tf.mul(tt, x1));
        const target = tf.sub(x1, x0);
        const label = tf.reshape(tf.cast(labels, 'float32'), [batch, 1]);
        return optimizer.minimize(() => tf.mean(tf.square(tf.sub(model.apply([xt, t, label]) as tf.Tensor, target))) as tf.Scalar, true) as tf.Scalar;
      });
    await expectNoLeaks(trainStep, { label: 'U-Net training step' });
    const losses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const loss = trainStep();
      losses.push(loss.dataSync()[0]!);
      loss.dispose();
    }
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const first = mean(losses.slice(0, 10));
    const last = mean(losses.slice(-10));
    // The velocity x1 − x0 has variance 2 per pixel at the start (loss ≈ 2); learning the two patterns
    // conditioned on the label removes the x1 part.
    expect(first).toBeGreaterThan(1.2);
    expect(last).toBeLessThan(0.8 * first);
    optimizer.dispose();
    patterns.dispose();
  }, 120_000);

  it('rejects bad options with the argument named', () => {
    expect(() => timeConditionedUNet({ imageSize: 3, widths: [8, 8, 8] })).toThrow(ArgumentError);
    expect(() => timeConditionedUNet({ imageSize: 3, widths: [8, 8, 8] })).toThrow("timeConditionedUNet: argument 'options.imageSize' must be at least 4×4 for 3 levels (each halves the image), got 3×3");
    expect(() => timeConditionedUNet({ imageSize: 8, widths: [8, 12] })).toThrow("argument 'options.widths[1]' must be a multiple of options.groups (8), got 12");
    expect(() => timeConditionedUNet({ imageSize: 8, widths: [] })).toThrow(/'options.widths'/);
    expect(() => timeConditionedUNet({ imageSize: [8] as never })).toThrow(/'options.imageSize' must be a number or \[height, width\]/);
    expect(() => timeConditionedUNet({ imageSize: 8, channels: 0 })).toThrow(/'options.channels'/);
    expect(() => timeConditionedUNet({ imageSize: 8, numClasses: -1 })).toThrow(/'options.numClasses'/);
  });
});
