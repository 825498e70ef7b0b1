import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { AdaBelief } from '../../src/train/adabelief.js';
import { DiffGrad } from '../../src/train/diffgrad.js';
import { ExponentialMovingAverage } from '../../src/train/ema.js';
import type { NamedTensor } from '../../src/train/optimizer-state.js';
import { makeOptimizer, OPTIMIZER_NAMES, ScheduledAdam, ScheduledSgd } from '../../src/train/optimizers.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';
import { QUADRATIC, quadraticLoss } from './reference.js';

/** Copies optimiser weights into fresh tensors through plain arrays, as a checkpoint would. */
async function snapshot(weights: NamedTensor[]): Promise<NamedTensor[]> {
  const out: NamedTensor[] = [];
  for (const w of weights) out.push({ name: w.name, tensor: tf.tensor(await w.tensor.data(), w.tensor.shape, w.tensor.dtype) });
  return out;
}

describe('makeOptimizer', () => {
  it('makes each optimiser by name', () => {
    const classes = { adam: ScheduledAdam, adabelief: AdaBelief, diffgrad: DiffGrad, sgd: ScheduledSgd };
    for (const name of OPTIMIZER_NAMES) {
      const opt = makeOptimizer(name, { learningRate: 0.01 });
      expect(opt).toBeInstanceOf(classes[name]);
      expect(opt).toBeInstanceOf(tf.Optimizer);
      expect(opt.getLearningRate()).toBe(0.01);
      opt.setLearningRate(0.002);
      expect(opt.getLearningRate()).toBe(0.002);
      opt.dispose();
    }
    expect((makeOptimizer('adabelief', { learningRate: 1 }) as AdaBelief).epsilon).toBe(1e-16);
    expect((makeOptimizer('diffgrad', { learningRate: 1 }) as DiffGrad).epsilon).toBe(1e-8);
    expect(makeOptimizer('adam', { learningRate: 1, beta1: 0.5 }).getConfig()).toMatchObject({ beta1: 0.5, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 });
  });

  it('rejects unknown names (listing the valid ones) and bad hyper-parameters', () => {
    expect(() => makeOptimizer('adamw' as never, { learningRate: 1 })).toThrow(ArgumentError);
    expect(() => makeOptimizer('adamw' as never, { learningRate: 1 })).toThrow(
      "makeOptimizer: argument 'name' must be one of 'adam', 'adabelief', 'diffgrad', 'sgd', got \"adamw\"",
    );
    expect(() => makeOptimizer('adam', {} as never)).toThrow(/options\.learningRate/);
    expect(() => makeOptimizer('adam', null as never)).toThrow(/options/);
    expect(() => makeOptimizer('diffgrad', { learningRate: 1, beta1: 1.5 })).toThrow(/makeOptimizer: argument 'options\.beta1'/);
    expect(() => makeOptimizer('sgd', { learningRate: -1 })).toThrow(/makeOptimizer: argument 'options\.learningRate'/);
    expect(() => makeOptimizer('sgd', { learningRate: 1, weightDecay: -1 })).toThrow(/options\.weightDecay/);
  });

  it('the learning rate changes between steps for every optimiser, tfjs Adam and SGD included', () => {
    for (const name of OPTIMIZER_NAMES) {
      const opt = makeOptimizer(name, { learningRate: 0.1 });
      const theta = tf.variable(tf.zeros([2]));
      const g = tf.tensor1d([1, -1]);
      const stepSizes: number[] = [];
      for (const lr of [0.1, 0.01, 0]) {
        opt.setLearningRate(lr);
        const before = theta.dataSync()[0]!;
        opt.applyGradients([{ name: theta.name, tensor: g }]);
        stepSizes.push(before - theta.dataSync()[0]!);
      }
      // constant gradient: SGD steps lr·g, Adam steps lr (m̂/√v̂ = 1), AdaBelief ≈ lr/β1 then larger,
      // diffGrad lr·ξ: in every case proportional to lr given the same state, and zero for lr = 0.
      expect(stepSizes[0]).toBeGreaterThan(0.05);
      expect(stepSizes[1]).toBeLessThan(stepSizes[0]! / 3);
      expect(stepSizes[1]).toBeGreaterThan(0);
      expect(stepSizes[2]).toBe(0);
      if (name === 'sgd') expectAllClose(stepSizes.slice(0, 2), [0.1, 0.01], { rtol: 1e-5 });
      if (name === 'adam') expectAllClose(stepSizes.slice(0, 2), [0.1, 0.01], { rtol: 1e-4 });
      tf.dispose([theta, g]);
      opt.dispose();
    }
  });

  it('applies decoupled weight decay θ(1 − ηλ) before the step', () => {
    const lr = 0.1;
    const wd = 0.5;
    // SGD: θ1 = θ0 (1 − ηλ) − η g
    const sgd = makeOptimizer('sgd', { learningRate: lr, weightDecay: wd });
    const theta = tf.variable(tf.tensor1d([2, -4]));
    const g = tf.tensor1d([1, 1]);
    sgd.applyGradients([{ name: theta.name, tensor: g }]);
    expectAllClose(theta, [2 * 0.95 - 0.1, -4 * 0.95 - 0.1], { rtol: 1e-6 });
    // Adam with decay = Adam without decay applied to the decayed θ
    const adamDecay = makeOptimizer('adam', { learningRate: lr, weightDecay: wd });
    const adamPlain = makeOptimizer('adam', { learningRate: lr });
    const a = tf.variable(tf.tensor1d([2, -4]));
    const b = tf.variable(tf.tensor1d([2 * 0.95, -4 * 0.95]));
    adamDecay.applyGradients([{ name: a.name, tensor: g }]);
    adamPlain.applyGradients([{ name: b.name, tensor: g }]);
    expectAllClose(a, b, { rtol: 1e-6 });
    tf.dispose([theta, g, a, b]);
    [sgd, adamDecay, adamPlain].forEach((o) => o.dispose());
  });

  it('getWeights → setWeights on a fresh optimiser continues identically (all four)', async () => {
    for (const name of OPTIMIZER_NAMES) {
      const options = { learningRate: 0.05, weightDecay: 0.01 };
      const a = makeOptimizer(name, options);
      const thetaA = tf.variable(tf.tensor1d(QUADRATIC.theta0));
      const lossA = () => quadraticLoss(thetaA);
      for (let k = 0; k < 5; k++) a.minimize(lossA, false, [thetaA]);
      const saved = await snapshot(await a.getWeights());
      const thetaSaved = Array.from(thetaA.dataSync());
      for (let k = 0; k < 5; k++) a.minimize(lossA, false, [thetaA]);

      const b = makeOptimizer(name, options);
      await b.setWeights(saved);
      expect(b.iterations).toBe(5);
      tf.dispose(saved.map((w) => w.tensor)); // setWeights must not depend on the caller's tensors
      const thetaB = tf.variable(tf.tensor1d(thetaSaved));
      for (let k = 0; k < 5; k++) b.minimize(() => quadraticLoss(thetaB), false, [thetaB]);
      expect(Array.from(thetaB.dataSync()), name).toEqual(Array.from(thetaA.dataSync()));
      expect(b.iterations).toBe(10);
      tf.dispose([thetaA, thetaB]);
      a.dispose();
      b.dispose();
    }
  });

  it('setWeights on an optimiser that already has state releases the state it replaces', async () => {
    for (const name of OPTIMIZER_NAMES) {
      const opt = makeOptimizer(name, { learningRate: 0.01 });
      const theta = tf.variable(tf.tensor1d([1, 2, 3]));
      opt.minimize(() => quadraticLoss(tf.concat([theta, tf.zeros([1])]) as tf.Tensor1D), false, [theta]);
      const saved = await snapshot(await opt.getWeights());
      await opt.setWeights(saved);
      const before = tf.memory().numTensors;
      await opt.setWeights(saved);
      await opt.setWeights(saved);
      expect(tf.memory().numTensors, name).toBe(before);
      tf.dispose(saved.map((w) => w.tensor));
      tf.dispose(theta);
      opt.dispose();
    }
  });

  it('an optimiser step plus an EMA update leaks no tensors', async () => {
    for (const name of OPTIMIZER_NAMES) {
      const opt = makeOptimizer(name, { learningRate: 0.01, weightDecay: 1e-3 });
      const theta = tf.variable(tf.tensor1d(QUADRATIC.theta0));
      const ema = new ExponentialMovingAverage([theta], { decay: 0.9, warmup: true });
      await expectNoLeaks(
        () => {
          opt.setLearningRate(opt.getLearningRate() * 0.99);
          opt.minimize(() => quadraticLoss(theta), false, [theta]);
          ema.update();
        },
        { label: name, repeats: 3 },
      );
      ema.dispose();
      theta.dispose();
      opt.dispose();
    }
  });
});
