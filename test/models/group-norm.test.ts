import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { GroupNormalization, groupNorm, groupNormPlain } from '../../models/group-norm.js';
import { ArgumentError } from '../../src/errors.js';
import { initBackend } from '../../src/backend.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';
import { rand, runOn } from '../kernels/compare.js';

/** Group norm in float64 straight from the definition: the independent truth for the forward pass. */
function groupNormF64(x: Float32Array, shape: number[], gamma: Float32Array, beta: Float32Array, groups: number, eps: number): Float64Array {
  const b = shape[0]!;
  const c = shape[shape.length - 1]!;
  const s = x.length / (b * c);
  const cg = c / groups;
  const out = new Float64Array(x.length);
  for (let i = 0; i < b; i++) {
    for (let g = 0; g < groups; g++) {
      let sum = 0;
      for (let p = 0; p < s; p++) for (let k = 0; k < cg; k++) sum += x[(i * s + p) * c + g * cg + k]!;
      const mean = sum / (s * cg);
      let sq = 0;
      for (let p = 0; p < s; p++) for (let k = 0; k < cg; k++) sq += (x[(i * s + p) * c + g * cg + k]! - mean) ** 2;
      const r = 1 / Math.sqrt(sq / (s * cg) + eps);
      for (let p = 0; p < s; p++) {
        for (let k = 0; k < cg; k++) {
          const j = (i * s + p) * c + g * cg + k;
          out[j] = (x[j]! - mean) * r * gamma[g * cg + k]! + beta[g * cg + k]!;
        }
      }
    }
  }
  return out;
}

describe('groupNorm (fused forward and backward)', () => {
  const shape = [3, 5, 4, 8];
  const inputs = () => [tf.add(rand(shape, 1), 2), tf.add(rand([8], 2), 1), rand([8], 3)];

  it('forward equals the float64 definition (4 groups, and 1 and C groups)', async () => {
    for (const groups of [4, 1, 8]) {
      const x = rand(shape, 1).dataSync() as Float32Array;
      const gamma = rand([8], 2).dataSync() as Float32Array;
      const beta = rand([8], 3).dataSync() as Float32Array;
      const expected = groupNormF64(x, shape, gamma, beta, groups, 1e-5);
      for (const backend of ['cpu', 'wasm'] as const) {
        const got = await runOn(backend, () => groupNorm(tf.tensor(x, shape), tf.tensor(gamma), tf.tensor(beta), { groups }));
        expectAllClose(got.values[0]!, expected, { rtol: 1e-4, atol: 1e-5, label: `${backend} G=${groups}` });
      }
    }
  });

  it('gradients equal autodiff of the plain-op formula on cpu, on cpu and on wasm', async () => {
    const weight = () => rand(shape, 4);
    const loss = (f: typeof groupNorm) => (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.square(f(x, g, b, { groups: 4 })), weight()));
    const reference = await runOn('cpu', () => tf.grads(loss(groupNormPlain))(inputs()));
    for (const backend of ['cpu', 'wasm'] as const) {
      const got = await runOn(backend, () => tf.grads(loss(groupNorm))(inputs()));
      got.values.forEach((v, i) => {
        const scale = Math.max(...Array.from(reference.values[i]!, Math.abs));
        expectAllClose(v, reference.values[i]!, { rtol: 0, atol: 2e-5 * scale, label: `${backend} grad ${['x', 'gamma', 'beta'][i]}` });
      });
    }
  });

  it('rejects groups that do not divide the channels and mis-shaped parameters', () => {
    const x = tf.zeros([2, 3, 3, 6]);
    expect(() => groupNorm(x, tf.ones([6]), tf.zeros([6]), { groups: 4 })).toThrow(ArgumentError);
    expect(() => groupNorm(x, tf.ones([6]), tf.zeros([6]), { groups: 4 })).toThrow("groupNorm: argument 'options.groups' must be a divisor of the channel count 6, got 4");
    expect(() => groupNorm(x, tf.ones([5]), tf.zeros([6]), { groups: 3 })).toThrow(/'gamma' must be a \[6\] tensor/);
    expect(() => groupNorm(x, tf.ones([6]), tf.zeros([6]), { epsilon: 0 })).toThrow(/'options.epsilon'/);
    expect(() => new GroupNormalization({ groups: 4 }).apply(tfl.input({ shape: [3, 3, 6] }))).toThrow(/divisor of the channel count 6/);
  });

  it('leaks no tensors (forward and gradient)', async () => {
    await initBackend('wasm', { log: null });
    const [x, g, b] = inputs() as [tf.Tensor, tf.Tensor, tf.Tensor];
    const grads = tf.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => tf.sum(groupNorm(p, q, r, { groups: 2 })));
    await expectNoLeaks(() => grads([x, g, b]), { label: 'groupNorm grads' });
    await expectNoLeaks(() => groupNorm(x, g, b), { label: 'groupNorm forward' });
    tf.dispose([x, g, b]);
  });
});

describe('GroupNormalization layer', () => {
  it('trains gamma and beta, saves and reloads by className with identical outputs', async () => {
    await initBackend('wasm', { log: null });
    const input = tfl.input({ shape: [4, 4, 6] });
    const out = new GroupNormalization({ groups: 3, epsilon: 1e-4, name: 'gn' }).apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    const layer = model.getLayer('gn') as GroupNormalization;
    expect(layer.getConfig()).toMatchObject({ groups: 3, epsilon: 1e-4 });
    expect(model.trainableWeights.map((w) => w.shape)).toEqual([[6], [6]]);
    model.setWeights([rand([6], 5), rand([6], 6)]);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    expect(JSON.stringify(artifacts!.modelTopology)).toContain('SiGroupNormalization');
    const reloaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    const x = rand([2, 4, 4, 6], 7);
    expectAllClose(reloaded.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor, { rtol: 0, atol: 0 });
    // The same as the function with the layer's weights.
    const [g, b] = model.getWeights();
    expectAllClose(model.predict(x) as tf.Tensor, groupNorm(x, g!, b!, { groups: 3, epsilon: 1e-4 }), { rtol: 1e-6, atol: 1e-6 });
  });
});
