import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { setDenseStackMode, setSharedTimeFolding } from '../../models/dense-stack.js';
import { timeConditionedMlp } from '../../models/mlp.js';
import { initBackend } from '../../src/backend.js';
import { setSimdSwish, swishForwardAvailable } from '../../src/kernels/wasm-simd-swish.js';
import { expectNoLeaks } from '../helpers/index.js';

afterAll(() => {
  setSimdSwish(true);
  setDenseStackMode('auto');
  setSharedTimeFolding(true);
});

/** Loss value and parameter gradients through the model, read back. */
function lossAndGrads(model: ReturnType<typeof timeConditionedMlp>, x: tf.Tensor, t: tf.Tensor): number[][] {
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply([x, t]) as tf.Tensor)) as tf.Scalar, vars);
  const out = [Array.from(value.dataSync()), ...vars.map((v) => Array.from(grads[v.name]!.dataSync()))];
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

/** Inference output at one shared t, read back. */
function sample(model: ReturnType<typeof timeConditionedMlp>, x: tf.Tensor, t: number): number[] {
  const tt = tf.fill([x.shape[0]!, 1], t);
  const y = model.apply([x, tt]) as tf.Tensor;
  const out = Array.from(y.dataSync());
  tf.dispose([tt, y]);
  return out;
}

describe('dense stack with the SIMD swish forward (wasm)', () => {
  it('training losses and gradients, and sampling (folded and not), are bit-identical with the SIMD swish on and off', async () => {
    await initBackend('wasm', { log: null });
    expect(swishForwardAvailable(tf.backend() as never)).toBe(true);
    setDenseStackMode('on');
    const model = timeConditionedMlp({ dim: 2, hidden: 24, layers: 3, seed: 3, activation: 'swish' });
    model.trainableWeights.forEach((w, i) => w.write(tf.randomNormal(w.shape as number[], 0, 0.7, 'float32', 20 + i)));
    // 41 rows: 24·41 elements per layer, a multiple of 4 but not of 32 (the 8-vector blocks and the single vectors)
    const x = tf.randomNormal([41, 2], 0, 2, 'float32', 4);
    const t = tf.randomUniform([41, 1], 0, 1, 'float32', 5);
    const run = (on: boolean) => {
      setSimdSwish(on);
      const out = { train: lossAndGrads(model, x, t), folded: [] as number[][], plain: [] as number[][] };
      for (const tv of [0, 0.4, 1]) {
        setSharedTimeFolding(true);
        out.folded.push(sample(model, x, tv));
        setSharedTimeFolding(false);
        out.plain.push(sample(model, x, tv));
      }
      return out;
    };
    const on = run(true);
    const off = run(false);
    expect(on.train).toEqual(off.train);
    expect(on.folded).toEqual(off.folded);
    expect(on.plain).toEqual(off.plain);
    // not a comparison of zeros: the output varies
    expect(new Set(on.plain[1]).size).toBeGreaterThan(20);
    setSimdSwish(true);
    setSharedTimeFolding(true);
    await expectNoLeaks(() => tf.tidy(() => model.apply([x, tf.fill([41, 1], 0.5)]) as tf.Tensor), { label: 'inference' });
    await expectNoLeaks(() => lossAndGrads(model, x, t), { label: 'training' });
    tf.dispose([x, t]);
    model.dispose();
  });
});
