import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { DiffGrad } from '../../src/train/diffgrad.js';
import { expectAllClose } from '../helpers/index.js';
import { QUADRATIC, quadraticGrad, quadraticLoss, referenceTrajectory, tensorTrajectory } from './reference.js';

/** θ after each of `steps` applications of the same gradient, starting from 0. */
function constantGradientPath(optimizer: tf.Optimizer, g: number[], steps: number): number[][] {
  const theta = tf.variable(tf.zeros([g.length]));
  const grad = tf.tensor1d(g);
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    optimizer.applyGradients([{ name: theta.name, tensor: grad }]);
    out.push(Array.from(theta.dataSync()));
  }
  tf.dispose([theta, grad]);
  return out;
}

function increments(path: number[][]): number[][] {
  return path.map((theta, k) => theta.map((x, i) => x - (k === 0 ? 0 : path[k - 1]![i]!)));
}

describe('DiffGrad', () => {
  it('matches a float64 reference of the update rule over 12 steps (with an lr change and weight decay)', () => {
    for (const weightDecay of [0, 0.05]) {
      const lr = (k: number) => (k < 6 ? 0.1 : 0.03);
      const opt = new DiffGrad({ learningRate: 0.1, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, weightDecay });
      const actual = tensorTrajectory(opt, 12, (k) => opt.setLearningRate(lr(k)));
      const expected = referenceTrajectory('diffgrad', QUADRATIC.theta0, quadraticGrad, 12, { lr, beta1: 0.9, beta2: 0.99, epsilon: 1e-8, weightDecay });
      actual.forEach((theta, k) => expectAllClose(theta, expected[k]!, { rtol: 1e-4, atol: 1e-6, label: `wd ${weightDecay}, step ${k + 1}` }));
      opt.dispose();
    }
  });

  it("under a constant gradient: step 1 is Adam's times ξ(|g|), later steps exactly half of Adam's", () => {
    const g = [0.3, -2, 1e-2];
    const adam = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
    const diffgrad = new DiffGrad({ learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    const adamSteps = increments(constantGradientPath(adam, g, 6));
    const diffSteps = increments(constantGradientPath(diffgrad, g, 6));
    const xi = g.map((x) => 1 / (1 + Math.exp(-Math.abs(x))));
    expectAllClose(diffSteps[0]!, adamSteps[0]!.map((s, i) => s * xi[i]!), { rtol: 1e-5, atol: 0, label: 'step 1' });
    for (let k = 1; k < 6; k++) {
      expectAllClose(diffSteps[k]!, adamSteps[k]!.map((s) => s / 2), { rtol: 1e-4, atol: 0, label: `step ${k + 1}` });
    }
    adam.dispose();
    diffgrad.dispose();
  });

  it('minimises a quadratic', () => {
    const opt = new DiffGrad({ learningRate: 0.05 });
    const theta = tf.variable(tf.tensor1d(QUADRATIC.theta0));
    for (let k = 0; k < 400; k++) opt.minimize(() => quadraticLoss(theta), false, [theta]);
    const loss = quadraticLoss(theta);
    expect(loss.dataSync()[0]).toBeLessThan(1e-3);
    tf.dispose([theta, loss]);
    opt.dispose();
  });

  it('getWeights lists iter, m, v and prev_grad; it is registered for serialisation', async () => {
    const opt = new DiffGrad({ learningRate: 0.01 });
    const theta = tf.variable(tf.tensor1d([1, 2]), true, 'diffgrad_test_theta');
    opt.minimize(() => tf.sum(tf.square(theta)) as tf.Scalar, false, [theta]);
    const weights = await opt.getWeights();
    expect(weights.map((w) => w.name)).toEqual(['iter', 'diffgrad_test_theta/m', 'diffgrad_test_theta/v', 'diffgrad_test_theta/prev_grad']);
    expectAllClose(weights[3]!.tensor, [2, 4], { rtol: 1e-6 });
    tf.dispose([weights[0]!.tensor, theta]);
    opt.dispose();
    expect(tf.serialization.SerializationMap.getMap().classNameMap['DiffGrad']?.[0]).toBe(DiffGrad);
    expect(DiffGrad.fromConfig(DiffGrad, opt.getConfig()).getConfig()).toEqual(opt.getConfig());
  });

  it('validates its arguments', async () => {
    expect(() => new DiffGrad({ beta2: 1 })).toThrow(ArgumentError);
    expect(() => new DiffGrad({ weightDecay: -1 })).toThrow(/options\.weightDecay/);
    const opt = new DiffGrad();
    expect(() => opt.setLearningRate(Infinity)).toThrow(ArgumentError);
    const iter = tf.scalar(0, 'int32');
    const z = tf.zeros([2]);
    await expect(opt.setWeights([{ name: 'iter', tensor: iter }, { name: 'a/m', tensor: z }, { name: 'a/v', tensor: z }])).rejects.toThrow(/3 equally long groups/);
    tf.dispose([iter, z]);
    opt.dispose();
  });
});
