import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { AdaBelief } from '../../src/train/adabelief.js';
import { expectAllClose } from '../helpers/index.js';
import { QUADRATIC, quadraticGrad, quadraticLoss, referenceTrajectory, tensorTrajectory } from './reference.js';

describe('AdaBelief', () => {
  it('matches a float64 reference of the update rule over 12 steps (with an lr change and weight decay)', () => {
    for (const weightDecay of [0, 0.05]) {
      const lr = (k: number) => (k < 6 ? 0.05 : 0.02);
      const opt = new AdaBelief({ learningRate: 0.05, beta1: 0.9, beta2: 0.99, epsilon: 1e-12, weightDecay });
      const actual = tensorTrajectory(opt, 12, (k) => opt.setLearningRate(lr(k)));
      const expected = referenceTrajectory('adabelief', QUADRATIC.theta0, quadraticGrad, 12, { lr, beta1: 0.9, beta2: 0.99, epsilon: 1e-12, weightDecay });
      actual.forEach((theta, k) => expectAllClose(theta, expected[k]!, { rtol: 1e-4, atol: 1e-6, label: `wd ${weightDecay}, step ${k + 1}` }));
      opt.dispose();
    }
  });

  it('first step is α g / (√(β1² g² + ε/(1−β2)) + ε), ≈ α sign(g)/β1 when β1²g² ≫ ε/(1−β2)', () => {
    const g = [1, -0.5, 1e-3, 2];
    const lr = 0.01;
    for (const epsilon of [1e-16, 1e-8]) {
      const opt = new AdaBelief({ learningRate: lr, epsilon });
      const theta = tf.variable(tf.zeros([4]));
      const grad = tf.tensor1d(g);
      opt.applyGradients([{ name: theta.name, tensor: grad }]);
      const derived = g.map((x) => -(lr * x) / (Math.sqrt(0.81 * x * x + epsilon / (1 - 0.999)) + epsilon));
      expectAllClose(theta, derived, { rtol: 1e-5, atol: 0, label: `eps ${epsilon}` });
      if (epsilon === 1e-16) expectAllClose(theta, g.map((x) => (-lr * Math.sign(x)) / 0.9), { rtol: 1e-5, atol: 0 });
      tf.dispose([theta, grad]);
      opt.dispose();
    }
    // With ε = 1e-8 a small gradient is damped well below α/β1: ε/(1−β2) = 1e-5 ≫ β1²g² = 8.1e-7.
    const step = lr * 1e-3 / (Math.sqrt(0.81e-6 + 1e-5) + 1e-8);
    expect(step).toBeLessThan(0.5 * lr / 0.9);
  });

  it('minimises a quadratic', () => {
    const opt = new AdaBelief({ learningRate: 0.05 });
    const theta = tf.variable(tf.tensor1d(QUADRATIC.theta0));
    for (let k = 0; k < 400; k++) opt.minimize(() => quadraticLoss(theta), false, [theta]);
    expectAllClose(theta, QUADRATIC.c, { atol: 2e-2, rtol: 0 });
    const loss = quadraticLoss(theta);
    expect(loss.dataSync()[0]).toBeLessThan(1e-4);
    tf.dispose([theta, loss]);
    opt.dispose();
  });

  it('getWeights lists iter, m and s by variable name; setWeights restores them', async () => {
    const opt = new AdaBelief({ learningRate: 0.01 });
    const theta = tf.variable(tf.tensor1d([1, 2]), true, 'adabelief_test_theta');
    opt.minimize(() => tf.sum(tf.square(theta)) as tf.Scalar, false, [theta]);
    const weights = await opt.getWeights();
    expect(weights.map((w) => w.name)).toEqual(['iter', 'adabelief_test_theta/m', 'adabelief_test_theta/s']);
    expect(weights[0]!.tensor.dataSync()[0]).toBe(1);
    // m_1 = (1 − β1) g, g = 2θ
    expectAllClose(weights[1]!.tensor, [0.2, 0.4], { rtol: 1e-6 });
    tf.dispose(weights[0]!.tensor);
    tf.dispose(theta);
    opt.dispose();
  });

  it('is registered for tfjs serialisation and rebuilds from its config', () => {
    const opt = new AdaBelief({ learningRate: 0.3, beta1: 0.8, beta2: 0.95, epsilon: 1e-10, weightDecay: 0.01 });
    const registered = tf.serialization.SerializationMap.getMap().classNameMap['AdaBelief'];
    expect(registered?.[0]).toBe(AdaBelief);
    const copy = AdaBelief.fromConfig(AdaBelief, opt.getConfig());
    expect(copy.getConfig()).toEqual(opt.getConfig());
    expect(copy.getClassName()).toBe('AdaBelief');
  });

  it('validates its arguments', async () => {
    expect(() => new AdaBelief({ beta1: 1 })).toThrow(ArgumentError);
    expect(() => new AdaBelief({ beta2: -0.1 })).toThrow(/options\.beta2/);
    expect(() => new AdaBelief({ learningRate: Number.NaN })).toThrow(/options\.learningRate/);
    expect(() => new AdaBelief({ epsilon: 0 })).toThrow(/options\.epsilon/);
    const opt = new AdaBelief();
    expect(() => opt.setLearningRate(-1)).toThrow(/AdaBelief\.setLearningRate: argument 'learningRate'/);
    const iter = tf.scalar(1, 'int32');
    const odd = tf.zeros([2]);
    await expect(opt.setWeights([{ name: 'iter', tensor: iter }, { name: 'x/m', tensor: odd }])).rejects.toThrow(ArgumentError);
    await expect(opt.setWeights([{ name: 'x/m', tensor: odd }])).rejects.toThrow(/'iter' first/);
    // a restored state of the wrong shape is caught at the next step
    await opt.setWeights([{ name: 'iter', tensor: iter }, { name: 'x/m', tensor: odd }, { name: 'x/s', tensor: odd }]);
    const theta = tf.variable(tf.zeros([3]));
    const g = tf.ones([3]);
    expect(() => opt.applyGradients([{ name: theta.name, tensor: g }])).toThrow(/slot 'x\/m' has shape \[2\]/);
    expect(() => opt.applyGradients({ no_such_variable: g })).toThrow(/unknown variable "no_such_variable"/);
    tf.dispose([iter, odd, theta, g]);
    opt.dispose();
  });
});
