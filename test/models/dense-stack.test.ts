import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { denseStackOf, setDenseStackMode, setSharedTimeFolding, withDenseStackFastPath } from '../../models/dense-stack.js';
import { timeConditionedMlp } from '../../models/mlp.js';
import { initBackend } from '../../src/backend.js';
import { ArgumentError } from '../../src/errors.js';
import { setSimdGemm } from '../../src/kernels/wasm-simd-gemm.js';
import { decodeModule, encodeModule, registerDecodedModuleWrapper } from '../../src/train/module-io.js';
import type { ModuleJson } from '../../src/train/module-io.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';

afterAll(() => {
  setDenseStackMode('auto');
  setSharedTimeFolding(true);
  setSimdGemm(true);
});

/** Value, parameter gradients and input gradients of a loss through `model.apply([x, t])`. */
function valueAndGrads(model: ReturnType<typeof timeConditionedMlp>, x: tf.Tensor, t: tf.Tensor) {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const loss = (xx: tf.Tensor, tt: tf.Tensor) => tf.sum(tf.mul(tf.sin(tf.slice(xx, [0, 0], [-1, 1])), tf.square(model.apply([xx, tt]) as tf.Tensor))) as tf.Scalar;
  const { value, grads } = tf.variableGrads(() => loss(x, t), vars);
  const [dx, dt] = tf.grads((xx: tf.Tensor, tt: tf.Tensor) => loss(xx, tt))([x, t]);
  return { out: model.apply([x, t]) as tf.Tensor, value, grads: vars.map((v) => grads[v.name]!), dx: dx!, dt: dt! };
}

/** Runs `fn` (result disposed) twice after a first run and checks that the backend holds no more data buffers than before. */
function expectNoBackendData(fn: () => unknown, label: string): void {
  const count = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
  tf.dispose(fn() as tf.TensorContainer);
  const before = count();
  for (let i = 0; i < 2; i++) tf.dispose(fn() as tf.TensorContainer);
  expect(count(), label).toBe(before);
}

describe('dense-stack fast path', () => {
  for (const activation of ['swish', 'tanh', 'relu'] as const) {
    it(`${activation}: values, parameter and input gradients match the plain layers on cpu (float32)`, async () => {
      await initBackend('cpu', { log: null });
      const model = timeConditionedMlp({ dim: 3, hidden: 16, layers: 2, activation, seed: 4 });
      expect(denseStackOf(model)).not.toBeNull();
      // Non-zero biases, so the bias path is exercised.
      model.trainableWeights.forEach((w, i) => w.write(tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 50 + i)));
      const x = tf.randomNormal([9, 3], 0, 1, 'float32', 1);
      const t = tf.randomUniform([9, 1], 0, 1, 'float32', 2);
      setDenseStackMode('off');
      const plain = valueAndGrads(model, x, t);
      setDenseStackMode('on');
      const fast = valueAndGrads(model, x, t);
      expectAllClose(fast.out, plain.out, { rtol: 1e-5, atol: 1e-6 });
      expectAllClose(fast.value, plain.value, { rtol: 1e-5, atol: 1e-6 });
      fast.grads.forEach((g, i) => expectAllClose(g, plain.grads[i]!, { rtol: 1e-5, atol: 1e-5 }));
      expectAllClose(fast.dx, plain.dx, { rtol: 1e-5, atol: 1e-5 });
      expectAllClose(fast.dt, plain.dt, { rtol: 1e-4, atol: 1e-4 });
      // The input gradient in t is not trivially zero (the comparison above is not between zeros).
      expect(Math.abs(plain.dt.dataSync()[0]!)).toBeGreaterThan(0);
      tf.dispose([x, t, plain.out, plain.value, ...plain.grads, plain.dx, plain.dt, fast.out, fast.value, ...fast.grads, fast.dx, fast.dt]);
      model.dispose();
      await initBackend('wasm', { log: null });
    });
  }

  for (const activation of ['swish', 'tanh', 'relu'] as const) it(`${activation} on wasm (kernels called directly): parameter gradients and inference are bit-identical to the layers, input gradients to float32 accuracy`, async () => {
    await initBackend('wasm', { log: null });
    const model = timeConditionedMlp({ dim: 2, hidden: 32, layers: 3, seed: 1, activation });
    model.trainableWeights.forEach((w, i) => w.write(tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 70 + i)));
    const x = tf.randomNormal([64, 2], 0, 1, 'float32', 5);
    const t = tf.randomUniform([64, 1], 0, 1, 'float32', 6);
    setDenseStackMode('off');
    const plain = valueAndGrads(model, x, t);
    setDenseStackMode('on');
    const fast = valueAndGrads(model, x, t);
    expect(Array.from(fast.value.dataSync())).toEqual(Array.from(plain.value.dataSync()));
    fast.grads.forEach((g, i) => expect(Array.from(g.dataSync())).toEqual(Array.from(plain.grads[i]!.dataSync())));
    expectAllClose(fast.dx, plain.dx, { rtol: 1e-5, atol: 1e-5 });
    expectAllClose(fast.dt, plain.dt, { rtol: 1e-4, atol: 1e-4 });
    await expectNoLeaks(() => tf.tidy(() => tf.grads((xx: tf.Tensor, tt: tf.Tensor) => tf.sum(model.apply([xx, tt]) as tf.Tensor))([x, t])), { label: 'input gradients' });
    // A taped forward whose gradient is never taken (the node is off the path to the variables) leaks nothing.
    const v = tf.variable(tf.scalar(2));
    await expectNoLeaks(() => tf.tidy(() => { tf.variableGrads(() => { model.apply([x, t]); return tf.square(v) as tf.Scalar; }, [v]); }), { label: 'node off the path' });
    expectNoBackendData(() => tf.tidy(() => tf.variableGrads(() => tf.sum(model.apply([x, t]) as tf.Tensor) as tf.Scalar)), 'wasm heap, training');
    expectNoBackendData(() => tf.tidy(() => { tf.variableGrads(() => { model.apply([x, t]); return tf.square(v) as tf.Scalar; }, [v]); }), 'wasm heap, node off the path');
    v.dispose();
    await expectNoLeaks(() => tf.tidy(() => tf.variableGrads(() => tf.sum(model.apply([x, t]) as tf.Tensor) as tf.Scalar)), { label: 'fast path' });
    const shared = tf.fill([64, 1], 0.3);
    setSharedTimeFolding(false);
    await expectNoLeaks(() => model.apply([x, shared]), { label: 'inference' });
    setSharedTimeFolding(true);
    // Folding is on by default.
    const byDefault = model.apply([x, shared]) as tf.Tensor;
    await expectNoLeaks(() => model.apply([x, shared]), { label: 'inference, folded' });
    setSharedTimeFolding(false);
    // Without folding, inference is the layers' forward bit for bit.
    setDenseStackMode('off');
    const plainOut = model.apply([x, shared]) as tf.Tensor;
    setDenseStackMode('on');
    const fastOut = model.apply([x, shared]) as tf.Tensor;
    expect(Array.from(fastOut.dataSync())).toEqual(Array.from(plainOut.dataSync()));
    // Folded: equal to the layers' to float32 accuracy.
    setSharedTimeFolding(true);
    const folded = model.apply([x, shared]) as tf.Tensor;
    expect(Array.from(byDefault.dataSync())).toEqual(Array.from(folded.dataSync()));
    expectAllClose(folded, plainOut, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([shared, plainOut, fastOut, byDefault, folded]);
    tf.dispose([x, t, plain.out, plain.value, ...plain.grads, plain.dx, plain.dt, fast.out, fast.value, ...fast.grads, fast.dx, fast.dt]);
    model.dispose();
    setDenseStackMode('auto');
  });

  it('on wasm with the SIMD products off (XNNPACK, as on a thread pool): training values and parameter gradients bit-identical to the layers and to the SIMD products', async () => {
    await initBackend('wasm', { log: null });
    const model = timeConditionedMlp({ dim: 2, hidden: 32, layers: 3, seed: 2, activation: 'swish' });
    model.trainableWeights.forEach((w, i) => w.write(tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 90 + i)));
    const x = tf.randomNormal([37, 2], 0, 1, 'float32', 7);
    const t = tf.randomUniform([37, 1], 0, 1, 'float32', 8);
    const run = (mode: 'on' | 'off', simd: boolean) => {
      setSimdGemm(simd);
      setDenseStackMode(mode);
      return valueAndGrads(model, x, t);
    };
    const plain = run('off', false);
    const fast = run('on', false);
    const simd = run('on', true);
    for (const other of [fast, simd]) {
      expect(Array.from(other.value.dataSync())).toEqual(Array.from(plain.value.dataSync()));
      other.grads.forEach((g, i) => expect(Array.from(g.dataSync())).toEqual(Array.from(plain.grads[i]!.dataSync())));
    }
    await expectNoLeaks(() => tf.tidy(() => run('on', false).value), { label: 'fast path, XNNPACK' });
    for (const r of [plain, fast, simd]) tf.dispose([r.out, r.value, ...r.grads, r.dx, r.dt]);
    tf.dispose([x, t]);
    model.dispose();
    setSimdGemm(true);
    setDenseStackMode('auto');
  });

  for (const activation of ['swish', 'tanh', 'relu'] as const) it(`${activation}: at a shared t (sampling) folds the time features into the first bias: same values to float32 accuracy`, async () => {
    await initBackend('cpu', { log: null });
    const model = timeConditionedMlp({ dim: 2, hidden: 24, layers: 3, seed: 2, activation });
    model.trainableWeights.forEach((w, i) => w.write(tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 90 + i)));
    const x = tf.randomNormal([33, 2], 0, 1, 'float32', 7);
    for (const tv of [0, 0.37, 1]) {
      const t = tf.fill([33, 1], tv);
      setDenseStackMode('off');
      const plain = model.apply([x, t]) as tf.Tensor;
      setDenseStackMode('on');
      const fast = model.apply([x, t]) as tf.Tensor;
      expectAllClose(fast, plain, { rtol: 1e-5, atol: 1e-5 });
      tf.dispose([t, plain, fast]);
    }
    x.dispose();
    model.dispose();
    await initBackend('wasm', { log: null });
  });

  it('a model rebuilt by the checkpoint loader takes the fast path and samples bit for bit as the original; other models stay plain', async () => {
    await initBackend('wasm', { log: null });
    const reload = async (m: tfl.LayersModel) => {
      const { topology, weights } = await encodeModule('test', 'model', m, 'weights.bin');
      return decodeModule(JSON.parse(new TextDecoder().decode(topology)) as ModuleJson, weights);
    };
    const model = timeConditionedMlp({ dim: 2, hidden: 32, layers: 3, seed: 3 });
    model.trainableWeights.forEach((w, i) => w.write(tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 20 + i)));
    const reloaded = await reload(model);
    expect(denseStackOf(reloaded)).not.toBeNull();
    expect(reloaded.apply).not.toBe(tfl.LayersModel.prototype.apply);
    const x = tf.randomNormal([40, 2], 0, 1, 'float32', 8);
    const shared = tf.fill([40, 1], 0.6);
    const [a, b] = [model.apply([x, shared]) as tf.Tensor, reloaded.apply([x, shared]) as tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    // The folded value is not the plain layers' bit for bit (so the equality above is the fast path's).
    const plain = reloaded.predict([x, shared]) as tf.Tensor;
    expect(Array.from(plain.dataSync())).not.toEqual(Array.from(b.dataSync()));
    expectAllClose(b, plain, { rtol: 1e-5, atol: 1e-5 });
    // A model of another structure (class labels) is rebuilt as is.
    const labelled = timeConditionedMlp({ dim: 2, hidden: 8, layers: 2, numClasses: 3 });
    const other = await reload(labelled);
    expect(other.apply).toBe(tfl.LayersModel.prototype.apply);
    expect((other as { denseStackSpec?: unknown }).denseStackSpec).toBeUndefined();
    tf.dispose([x, shared, a, b, plain]);
    [model, reloaded, labelled, other].forEach((m) => m.dispose());
  });

  it('recognises only the plain time-conditioned MLP and rejects non-models', () => {
    const labelled = timeConditionedMlp({ dim: 2, hidden: 8, layers: 2, numClasses: 3 });
    const elu = timeConditionedMlp({ dim: 2, hidden: 8, layers: 2, activation: 'elu' });
    const towers = timeConditionedMlp({ dim: 2, hidden: 8, layers: 2, heads: 2, towers: 'separate' });
    expect(denseStackOf(labelled)).toBeNull();
    expect(denseStackOf(elu)).toBeNull();
    expect(denseStackOf(towers)).toBeNull();
    const relu = timeConditionedMlp({ dim: 2, hidden: 8, layers: 2, activation: 'relu' });
    expect(denseStackOf(relu)?.activation).toBe('relu');
    const plainSpec = denseStackOf(timeConditionedMlp({ dim: 2, hidden: 8, layers: 2, timeFrequencies: 0 }));
    expect(plainSpec?.timeFeatures).toBeNull();
    expect(() => withDenseStackFastPath({} as never)).toThrow(ArgumentError);
    expect(() => registerDecodedModuleWrapper('', withDenseStackFastPath)).toThrow(/registerDecodedModuleWrapper: argument 'name'/);
    expect(() => registerDecodedModuleWrapper('x', 3 as never)).toThrow(/registerDecodedModuleWrapper: argument 'wrap' must be a function/);
    registerDecodedModuleWrapper('dense-stack', withDenseStackFastPath); // registering again replaces, no error
    expect(() => setDenseStackMode('fast' as never)).toThrow(ArgumentError);
    [labelled, elu, relu, towers].forEach((m) => m.dispose());
  });
});
