import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { CONV_ENERGY_BUILDER, HalfSquaredNorm, convEnergy } from '../../models/conv-energy.js';
import { diagonalGaussian } from '../../src/distributions/diagonal-gaussian.js';
import { standardNormal } from '../../src/distributions/standard-normal.js';
import { nceTask } from '../../src/ebm/nce-task.js';
import { scoreFromEnergy } from '../../src/ebm/score-from-energy.js';
import { buildModel, modelBuilderNames } from '../../src/train/model-builders.js';
import { Trainer } from '../../src/train/trainer.js';
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

const images = (n: number, seed: number) => tf.randomNormal([n, 8, 8, 1], 0, 1, 'float32', seed);

describe('convEnergy', () => {
  it('maps [b, h, w, c] to one energy per image; the confinement adds exactly ½α|x|²; same seed same weights', () => {
    const a = convEnergy({ imageSize: 8, widths: [8, 16], seed: 2, confinement: 0 });
    const b = convEnergy({ imageSize: 8, widths: [8, 16], seed: 2, confinement: 0.5 });
    const rgb = convEnergy({ imageSize: [6, 10], channels: 3, widths: [8], seed: 1 });
    const x = images(3, 1);
    const ea = a.energy(x).dataSync();
    const eb = b.energy(x).dataSync();
    const sq = tf.sum(tf.square(tf.reshape(x, [3, 64])), 1).dataSync();
    expect(ea).toHaveLength(3);
    for (let i = 0; i < 3; i++) expect(eb[i]! - ea[i]!).toBeCloseTo(0.25 * sq[i]!, 3);
    expect(a.eventShape).toEqual([8, 8, 1]);
    expect(Object.keys(a.modules)).toEqual(['energy']);
    expect(rgb.energy(tf.zeros([2, 6, 10, 3])).shape).toEqual([2]);
    const again = convEnergy({ imageSize: 8, widths: [8, 16], seed: 2, confinement: 0 });
    expect(Array.from(again.energy(x).dataSync())).toEqual(Array.from(ea));
    // the U-Net's GroupNorm layer is inside
    expect(a.network.layers.some((l) => l.getClassName() === 'SiGroupNormalization')).toBe(true);
    [a, b, rgb, again].forEach((m) => m.dispose());
    x.dispose();
  });

  it('saves and reloads (custom layers by className) with identical energies; the builder is registered', async () => {
    const model = convEnergy({ imageSize: 8, widths: [8, 16], blocksPerLevel: 2, seed: 4, confinement: 0.1 });
    const reloaded = convEnergy({ network: await roundTrip(model.network) });
    const x = images(4, 2);
    expectAllClose(reloaded.energy(x), model.energy(x), { rtol: 0, atol: 0 });
    expect(modelBuilderNames()).toContain(CONV_ENERGY_BUILDER);
    const built = buildModel({ builder: CONV_ENERGY_BUILDER, options: { imageSize: 8, widths: [8, 16], blocksPerLevel: 2, seed: 4, confinement: 0.1 } });
    expectAllClose(built.predict(x) as tf.Tensor, tf.reshape(model.energy(x), [4, 1]), { rtol: 0, atol: 0 });
    [model, reloaded].forEach((m) => m.dispose());
    built.dispose();
    x.dispose();
  });

  it('scoreFromEnergy gives −∇E: finite, matching central differences; weight gradients are finite', () => {
    const model = convEnergy({ imageSize: 8, widths: [8, 16], seed: 5 });
    const x = images(2, 3);
    const s = scoreFromEnergy(model.energy)(x, tf.zeros([2]));
    expect(s.shape).toEqual([2, 8, 8, 1]);
    const sv = s.dataSync();
    expect(sv.every(Number.isFinite)).toBe(true);
    // central differences in float32 on a few coordinates, with h = 1e-2
    const xv = x.dataSync();
    for (const k of [0, 27, 64 + 9, 127]) {
      const plus = Float32Array.from(xv);
      const minus = Float32Array.from(xv);
      plus[k] += 1e-2;
      minus[k] -= 1e-2;
      const ep = model.energy(tf.tensor4d(plus, [2, 8, 8, 1])).dataSync();
      const em = model.energy(tf.tensor4d(minus, [2, 8, 8, 1])).dataSync();
      const row = Math.floor(k / 64);
      const fd = -(ep[row]! - em[row]!) / 2e-2;
      expect(Math.abs(sv[k]! - fd)).toBeLessThan(2e-3 + 0.02 * Math.abs(fd));
    }
    const { value, grads } = tf.variableGrads(() => tf.mean(model.energy(x)) as tf.Scalar);
    expect(Object.keys(grads).length).toBe(model.network.trainableWeights.length);
    for (const g of Object.values(grads)) expect(g.dataSync().every(Number.isFinite)).toBe(true);
    tf.dispose([value, ...Object.values(grads), s, x]);
    model.dispose();
  });

  it('a tiny NCE run on 8×8 images lowers its loss; energy, score and training steps do not leak', async () => {
    // data: a bright square on a dark background, pixel noise 0.3; noise: N(0, 1) per pixel
    const mean = Array.from({ length: 64 }, (_, i) => (Math.floor(i / 8) >= 2 && Math.floor(i / 8) < 6 && i % 8 >= 2 && i % 8 < 6 ? 1 : -1));
    const data = diagonalGaussian({ eventShape: [8, 8, 1], mean, std: 0.3 });
    const model = convEnergy({ imageSize: 8, widths: [8, 16], seed: 6 });
    // c starts where the log-odds of a noise draw are about 0: c₀ = E[−log q(y)] = 32 log 2π + 32 (E_θ ≈ 0)
    const c0 = 32 * Math.log(2 * Math.PI) + 32;
    const task = nceTask({ model, data, noise: standardNormal([8, 8, 1]), batchSize: 32, nu: 1, initialLogNormalizer: c0 });
    const losses: number[] = [];
    const trainer = new Trainer({ task, steps: 40, learningRate: 1e-2, seed: 7, logEvery: 1, onLog: (e) => losses.push(e.loss) });
    await trainer.train();
    const first = losses.slice(0, 5).reduce((s, v) => s + v, 0) / 5;
    const last = losses.slice(-10).reduce((s, v) => s + v, 0) / 10;
    // chance level is 2 log 2 ≈ 1.386 (ν = 1); the two laws are far apart, so the loss must drop well below it
    expect(first).toBeGreaterThan(last);
    expect(last).toBeLessThan(0.5 * first);
    const x = images(4, 8);
    await expectNoLeaks(() => model.energy(x), { label: 'energy' });
    const t = tf.zeros([4]) as tf.Tensor1D;
    await expectNoLeaks(() => scoreFromEnergy(model.energy)(x, t), { label: 'score' });
    await expectNoLeaks(() => trainer.trainStep(), { label: 'training steps' });
    trainer.dispose();
    task.dispose();
    tf.dispose([x, t]);
  }, 60_000);

  it('bad options and networks give ArgumentErrors naming the function and the argument', () => {
    expect(() => convEnergy({ imageSize: 8, widths: [12] })).toThrow(/convEnergyNetwork: argument 'options.widths\[0\]'/);
    expect(() => convEnergy({ imageSize: 0 })).toThrow(/convEnergyNetwork: argument 'options.imageSize\[0\]'/);
    expect(() => convEnergy({ imageSize: 8, confinement: -1 })).toThrow(/options.confinement/);
    const dense = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [4] })] });
    expect(() => convEnergy({ network: dense })).toThrow(/convEnergy: argument 'options.network'/);
    expect(() => new HalfSquaredNorm({ alpha: -1 })).toThrow(/HalfSquaredNorm/);
    dense.dispose();
  });
});
