import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { timeConditionedMlp } from '../../models/mlp.js';
import { ArgumentError } from '../../src/errors.js';
import { ExponentialMovingAverage } from '../../src/train/ema.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';

/** Float64 EMA reference: shadow ← δ_n shadow + (1 − δ_n) θ_n. */
function emaReference(values: number[][], decays: number[], warmup: boolean): number[] {
  let shadow = [...values[0]!];
  for (let n = 0; n < decays.length; n++) {
    const d = warmup ? Math.min(decays[n]!, (1 + n) / (10 + n)) : decays[n]!;
    shadow = shadow.map((s, i) => d * s + (1 - d) * values[n + 1]![i]!);
  }
  return shadow;
}

describe('ExponentialMovingAverage', () => {
  it('matches a float64 reference, with and without decay warm-up, and per-call decays', () => {
    const values = Array.from({ length: 9 }, (_, k) => [Math.sin(k), k * 0.5 - 1, 2 + Math.cos(3 * k)]);
    const decays = [0.9, 0.9, 0.5, 0.99, 0.9, 0.9, 0.0, 0.95];
    for (const warmup of [false, true]) {
      const theta = tf.variable(tf.tensor1d(values[0]!));
      const ema = new ExponentialMovingAverage([theta], { decay: 0.9, warmup });
      decays.forEach((d, n) => {
        tf.tidy(() => theta.assign(tf.tensor1d(values[n + 1]!)));
        if (d === 0.9) ema.update();
        else ema.update(d);
      });
      expect(ema.numUpdates).toBe(decays.length);
      const [w] = ema.getWeights();
      expectAllClose(w!.tensor, emaReference(values, decays, warmup), { rtol: 1e-5, atol: 1e-6, label: `warmup ${warmup}` });
      tf.dispose(w!.tensor);
      ema.dispose();
      theta.dispose();
    }
    const ema = new ExponentialMovingAverage([], { decay: 0.999, warmup: true });
    expect(ema.effectiveDecay()).toBeCloseTo(0.1, 15);
  });

  it('swapIn/swapOut evaluates a model with the averaged weights and restores the live ones', () => {
    const model = timeConditionedMlp({ dim: 2, hidden: 8, layers: 1, timeFrequencies: 2, seed: 1 });
    const ema = new ExponentialMovingAverage(model, { decay: 0.5 });
    const x = tf.tensor2d([[0.1, -0.2], [1, 2]]);
    const t = tf.tensor2d([[0.3], [0.7]]);
    const original = model.predict([x, t]) as tf.Tensor;
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const live = vars.map((v) => tf.keep(tf.add(v, 1)));
    vars.forEach((v, i) => v.assign(live[i]!)); // "training" moved every weight by +1
    ema.update(); // shadows = original + 0.5
    const shifted = model.predict([x, t]) as tf.Tensor;
    ema.swapIn();
    ema.getWeights().forEach((w, i) => {
      expectAllClose(vars[i]!, w.tensor, { rtol: 0, atol: 0 });
      w.tensor.dispose();
    });
    const averaged = model.predict([x, t]) as tf.Tensor;
    expect(() => ema.swapIn()).toThrow(/already swapped in/);
    expect(() => ema.update()).toThrow(/swapOut\(\) first/);
    ema.swapOut();
    const restored = model.predict([x, t]) as tf.Tensor;
    expectAllClose(restored, shifted, { rtol: 0, atol: 0 });
    vars.forEach((v, i) => expectAllClose(v, live[i]!, { rtol: 0, atol: 0 }));
    expect(() => ema.swapOut()).toThrow(/without swapIn/);
    expect(Array.from(averaged.dataSync())).not.toEqual(Array.from(original.dataSync()));

    // copyTo: another model of the same architecture gets the averaged weights
    const evalModel = timeConditionedMlp({ dim: 2, hidden: 8, layers: 1, timeFrequencies: 2, seed: 99 });
    ema.copyTo(evalModel);
    expectAllClose(evalModel.predict([x, t]) as tf.Tensor, averaged, { rtol: 0, atol: 0 });
    const wrong = timeConditionedMlp({ dim: 2, hidden: 4, layers: 1, timeFrequencies: 2 });
    expect(() => ema.copyTo(wrong)).toThrow(/copyTo: argument 'target\[0\]' must be shape/);

    tf.dispose([x, t, original, shifted, averaged, restored, ...live]);
    ema.dispose();
    [model, evalModel, wrong].forEach((m) => m.dispose());
  });

  it('getWeights/setWeights round trip (with the update count); dispose releases the shadows', () => {
    const theta = tf.variable(tf.tensor2d([[1, 2], [3, 4]]));
    const before = tf.memory().numTensors;
    const a = new ExponentialMovingAverage([theta], { decay: 0.8, warmup: true });
    tf.tidy(() => theta.assign(tf.zeros([2, 2])));
    a.update();
    a.update();
    const saved = a.getWeights();
    expect(saved[0]!.name).toBe(`${theta.name}/ema`);
    const b = new ExponentialMovingAverage([theta], { decay: 0.8, warmup: true });
    b.setWeights(saved, a.numUpdates);
    a.update();
    b.update();
    const [wa] = a.getWeights();
    const [wb] = b.getWeights();
    expectAllClose(wb!.tensor, wa!.tensor, { rtol: 0, atol: 0 });
    const bad = tf.zeros([3]);
    expect(() => b.setWeights([{ name: 'x', tensor: bad }])).toThrow(/weights\[0\]/);
    expect(() => b.setWeights([])).toThrow(ArgumentError);
    tf.dispose([saved[0]!.tensor, wa!.tensor, wb!.tensor, bad]);
    a.dispose();
    b.dispose();
    b.dispose(); // idempotent
    expect(() => b.update()).toThrow(/disposed/);
    expect(tf.memory().numTensors).toBe(before);
    theta.dispose();
  });

  it('update() leaks nothing; arguments are validated', async () => {
    const theta = tf.variable(tf.randomNormal([16, 4], 0, 1, 'float32', 3));
    const ema = new ExponentialMovingAverage([theta], { decay: 0.99 });
    await expectNoLeaks(() => ema.update(), { repeats: 3 });
    expect(() => ema.update(1.5)).toThrow(/ExponentialMovingAverage\.update: argument 'decay'/);
    expect(() => new ExponentialMovingAverage([theta], { decay: -0.1 })).toThrow(/options\.decay/);
    expect(() => new ExponentialMovingAverage([tf.zeros([2]) as never])).toThrow(/target\[0\]' must be a tf\.Variable/);
    expect(() => new ExponentialMovingAverage(42 as never)).toThrow(ArgumentError);
    ema.dispose();
    theta.dispose();
  });
});
