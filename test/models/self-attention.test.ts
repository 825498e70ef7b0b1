import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { SpatialSelfAttention } from '../../models/self-attention.js';
import { initBackend } from '../../src/backend.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';
import { rand, runOn } from '../kernels/compare.js';

/** Multi-head attention over pixels in float64 straight from the definition: the independent truth. */
function attentionF64(x: Float32Array, [b, h, w, c]: number[], heads: number, wqkv: Float32Array, bqkv: Float32Array, wo: Float32Array, bo: Float32Array): Float64Array {
  const p = h! * w!;
  const d = c! / heads;
  const out = new Float64Array(x.length);
  for (let n = 0; n < b!; n++) {
    // qkv[i][j]: pixel i, column j of the 3c projection.
    const qkv = Array.from({ length: p }, (_, i) => Array.from({ length: 3 * c! }, (_, j) => {
      let s = bqkv[j]!;
      for (let k = 0; k < c!; k++) s += x[(n * p + i) * c! + k]! * wqkv[k * 3 * c! + j]!;
      return s;
    }));
    const merged = Array.from({ length: p }, () => new Float64Array(c!));
    for (let hd = 0; hd < heads; hd++) {
      for (let i = 0; i < p; i++) {
        const scores = Array.from({ length: p }, (_, j) => {
          let s = 0;
          for (let k = 0; k < d; k++) s += qkv[i]![hd * d + k]! * qkv[j]![c! + hd * d + k]!;
          return s / Math.sqrt(d);
        });
        const m = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - m));
        const z = e.reduce((a, v) => a + v, 0);
        for (let k = 0; k < d; k++) {
          let s = 0;
          for (let j = 0; j < p; j++) s += (e[j]! / z) * qkv[j]![2 * c! + hd * d + k]!;
          merged[i]![hd * d + k] = s;
        }
      }
    }
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < c!; j++) {
        let s = bo[j]!;
        for (let k = 0; k < c!; k++) s += merged[i]![k]! * wo[k * c! + j]!;
        out[(n * p + i) * c! + j] = s;
      }
    }
  }
  return out;
}

describe('SpatialSelfAttention', () => {
  const shape = [2, 3, 5, 8];

  it('equals the float64 definition for 1, 2 and 4 heads, on cpu and wasm', async () => {
    const x = rand(shape, 1).dataSync() as Float32Array;
    const wqkv = rand([8, 24], 2).dataSync() as Float32Array;
    const bqkv = rand([24], 3).dataSync() as Float32Array;
    const wo = rand([8, 8], 4).dataSync() as Float32Array;
    const bo = rand([8], 5).dataSync() as Float32Array;
    for (const heads of [1, 2, 4]) {
      const expected = attentionF64(x, shape, heads, wqkv, bqkv, wo, bo);
      for (const backend of ['cpu', 'wasm'] as const) {
        const got = await runOn(backend, () => {
          const layer = new SpatialSelfAttention({ heads });
          layer.build(shape);
          layer.setWeights([tf.tensor(wqkv, [8, 24]), tf.tensor(bqkv), tf.tensor(wo, [8, 8]), tf.tensor(bo)]);
          return layer.apply(tf.tensor(x, shape)) as tf.Tensor;
        });
        expectAllClose(got.values[0]!, expected, { rtol: 1e-4, atol: 1e-4, label: `${backend} heads=${heads}` });
      }
    }
  });

  it('starts as zero (zero output projection), so x + attention(x) is the identity at initialisation', async () => {
    await initBackend('wasm', { log: null });
    const layer = new SpatialSelfAttention({ heads: 2, seed: 3 });
    const y = layer.apply(rand(shape, 6)) as tf.Tensor;
    expect(Math.max(...Array.from(await y.data(), Math.abs))).toBe(0);
  });

  it('gradients on wasm equal those on cpu (input and every weight)', async () => {
    const run = (backend: 'cpu' | 'wasm') => runOn(backend, () => {
      const layer = new SpatialSelfAttention({ heads: 2 });
      layer.build(shape);
      layer.setWeights([rand([8, 24], 2), rand([24], 3), rand([8, 8], 4), rand([8], 5)]);
      const weight = rand(shape, 7);
      const vars = layer.trainableWeights.map((v) => v.read() as tf.Variable);
      const f = (x: tf.Tensor) => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, weight));
      const gx = tf.grad(f)(rand(shape, 1));
      const { grads } = tf.variableGrads(() => f(rand(shape, 1)) as tf.Scalar, vars);
      return [gx, ...vars.map((v) => grads[v.name]!)];
    });
    const reference = await run('cpu');
    const got = await run('wasm');
    got.values.forEach((v, i) => {
      const scale = Math.max(...Array.from(reference.values[i]!, Math.abs));
      expectAllClose(v, reference.values[i]!, { rtol: 0, atol: 1e-5 * scale, label: `grad ${i}` });
    });
  });

  it('saves and reloads inside a model with identical outputs, and leaks nothing', async () => {
    await initBackend('wasm', { log: null });
    const input = tfl.input({ shape: [3, 5, 8] });
    const out = new SpatialSelfAttention({ heads: 4, name: 'attn' }).apply(input) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: input, outputs: out });
    model.setWeights([rand([8, 24], 2), rand([24], 3), rand([8, 8], 4), rand([8], 5)]);
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    expect(JSON.stringify(artifacts!.modelTopology)).toContain('SiSpatialSelfAttention');
    const reloaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    const x = rand(shape, 8);
    expectAllClose(reloaded.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor, { rtol: 0, atol: 0 });
    await expectNoLeaks(() => model.predict(x) as tf.Tensor, { label: 'attention forward' });
    const grad = tf.grad((v: tf.Tensor) => tf.sum(model.apply(v) as tf.Tensor));
    await expectNoLeaks(() => grad(x), { label: 'attention gradient' });
  });

  it('rejects heads that do not divide the channels and inputs that are not feature maps', () => {
    expect(() => new SpatialSelfAttention({ heads: 3 }).apply(tfl.input({ shape: [4, 4, 8] }))).toThrow("SpatialSelfAttention: argument 'heads' must be a divisor of the channel count 8, got 3");
    expect(() => new SpatialSelfAttention({ heads: 0 })).toThrow(/'heads'/);
    expect(() => new SpatialSelfAttention().apply(tfl.input({ shape: [8] }))).toThrow(/'input' must be a \[batch, height, width, channels\] feature map/);
  });
});
