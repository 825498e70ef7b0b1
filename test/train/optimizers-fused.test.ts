import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend.js';
import { FUSED_ADAM_KERNEL } from '../../src/kernels/wasm-fused-adam.js';
import { AdaBelief } from '../../src/train/adabelief.js';
import { fusedStepAvailable, setFusedOptimizerStep } from '../../src/train/fused-adam.js';
import type { NamedTensor } from '../../src/train/optimizer-state.js';
import { ScheduledAdam } from '../../src/train/optimizers.js';
import { expectNoLeaks } from '../helpers/index.js';
import { useWasmWithLeakChecks } from '../kernels/compare.js';

/** Three variables (one without gradient), a loss with uneven gradients, `steps` steps; returns the bits. */
async function run(
  make: () => tf.Optimizer,
  fused: boolean,
  steps: number,
  restoreAt = -1,
): Promise<{ values: Float32Array[]; kernels: string[] }> {
  setFusedOptimizerStep(fused);
  const vars = [
    tf.variable(tf.randomNormal([7, 5], 0, 1, 'float32', 1), true, 'fusedA'),
    tf.variable(tf.randomNormal([5], 0, 1, 'float32', 2), true, 'fusedB'),
    tf.variable(tf.randomNormal([3], 0, 1, 'float32', 3), true, 'fusedUnused'),
  ];
  let opt = make();
  const kernels: string[] = [];
  const x = tf.randomNormal([4, 7], 0, 1, 'float32', 4);
  for (let k = 0; k < steps; k++) {
    if (k === restoreAt) {
      // A checkpoint round trip through plain arrays onto a fresh optimiser.
      const saved: NamedTensor[] = [];
      for (const w of await opt.getWeights()) saved.push({ name: w.name, tensor: tf.tensor(await w.tensor.data(), w.tensor.shape, w.tensor.dtype) });
      opt.dispose();
      opt = make();
      await opt.setWeights(saved);
      tf.dispose(saved.map((w) => w.tensor));
    }
    (opt as ScheduledAdam).setLearningRate?.(0.05 / (1 + k));
    const profile = await tf.profile(() =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.tanh(tf.add(tf.matMul(x, vars[0]!), vars[1]!)))) as tf.Scalar, [vars[0]!, vars[1]!]);
        opt.applyGradients([
          { name: 'fusedA', tensor: grads['fusedA']! },
          { name: 'fusedB', tensor: grads['fusedB']! },
          { name: 'fusedUnused', tensor: null as unknown as tf.Tensor },
        ]);
      }),
    );
    kernels.push(...profile.kernelNames);
  }
  const values = vars.map((v) => v.dataSync().slice() as Float32Array);
  for (const w of await opt.getWeights()) if (w.name !== 'iter') values.push(w.tensor.dataSync().slice() as Float32Array);
  opt.dispose();
  tf.dispose([...vars, x]);
  return { values, kernels };
}

function expectSameBits(a: Float32Array[], b: Float32Array[]): void {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => expect(Array.from(x), `array ${i}`).toEqual(Array.from(b[i]!)));
}

describe('fused Adam-family step on wasm', () => {
  useWasmWithLeakChecks();
  afterEach(() => setFusedOptimizerStep(true));

  const cases: [string, () => tf.Optimizer][] = [
    ['ScheduledAdam', () => new ScheduledAdam({ learningRate: 0.05 })],
    ['ScheduledAdam with weight decay and odd betas', () => new ScheduledAdam({ learningRate: 0.05, beta1: 0.7, beta2: 0.95, epsilon: 1e-6, weightDecay: 0.3 })],
    ['AdaBelief', () => new AdaBelief({ learningRate: 0.05 })],
    ['AdaBelief with weight decay', () => new AdaBelief({ learningRate: 0.05, beta1: 0.8, beta2: 0.99, epsilon: 1e-12, weightDecay: 0.2 })],
  ];
  for (const [label, make] of cases) {
    it(`${label}: one kernel per step, bit-identical to tfjs ops over 12 steps and across a restore`, async () => {
      const plain = await run(make, false, 12);
      const fused = await run(make, true, 12);
      expect(plain.kernels).not.toContain(FUSED_ADAM_KERNEL);
      expect(fused.kernels.filter((k) => k === FUSED_ADAM_KERNEL)).toHaveLength(12);
      expectSameBits(fused.values, plain.values);
      // The weights moved (a test that compares two no-ops would pass too).
      expect(fused.values[0]!.some((v, i) => v !== plain.values[0]![i] || v !== 0)).toBe(true);
      const resumed = await run(make, true, 12, 5);
      expectSameBits(resumed.values, plain.values);
    });
  }

  it('switching between fused and plain mid-run keeps the numbers (the β products stay in step)', async () => {
    const make = () => new ScheduledAdam({ learningRate: 0.05 });
    const plain = await run(make, false, 8);
    const v = tf.variable(tf.randomNormal([7, 5], 0, 1, 'float32', 1), true, 'fusedA');
    const b = tf.variable(tf.randomNormal([5], 0, 1, 'float32', 2), true, 'fusedB');
    const u = tf.variable(tf.randomNormal([3], 0, 1, 'float32', 3), true, 'fusedUnused');
    const x = tf.randomNormal([4, 7], 0, 1, 'float32', 4);
    const opt = make();
    for (let k = 0; k < 8; k++) {
      setFusedOptimizerStep(k % 3 !== 1);
      opt.setLearningRate(0.05 / (1 + k));
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(tf.square(tf.tanh(tf.add(tf.matMul(x, v), b)))) as tf.Scalar, [v, b]);
        opt.applyGradients([
          { name: 'fusedA', tensor: grads['fusedA']! },
          { name: 'fusedB', tensor: grads['fusedB']! },
          { name: 'fusedUnused', tensor: null as unknown as tf.Tensor },
        ]);
      });
    }
    expect(Array.from(v.dataSync())).toEqual(Array.from(plain.values[0]!));
    expect(Array.from(b.dataSync())).toEqual(Array.from(plain.values[1]!));
    opt.dispose();
    tf.dispose([v, b, u, x]);
  });

  it('is available on wasm, not on cpu, and leaks nothing', async () => {
    expect(fusedStepAvailable()).toBe(true);
    setFusedOptimizerStep(false);
    expect(fusedStepAvailable()).toBe(false);
    setFusedOptimizerStep(true);
    const v = tf.variable(tf.ones([6]), true, 'fusedLeak');
    const opt = new ScheduledAdam({ learningRate: 0.1 });
    await expectNoLeaks(() => tf.tidy(() => void opt.minimize(() => tf.sum(tf.square(v)) as tf.Scalar, false, [v])), { label: 'fused adam' });
    opt.dispose();
    v.dispose();
    await initBackend('cpu', { log: null });
    expect(fusedStepAvailable()).toBe(false);
    await initBackend('wasm', { log: null });
  });
});
