/**
 * Float64 reference implementations of the optimiser update rules (written from the formulas in the
 * optimisers' docs, independently of the tensor code), and a small quadratic test problem.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface RefHyper {
  /** Learning rate per step (index = 0-based step), or a constant. */
  lr: number | ((step: number) => number);
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay?: number;
}

type Rule = 'adam' | 'adabelief' | 'diffgrad';

/** Runs `steps` updates from theta0 with gradients grad(θ) in float64; returns θ after every step. */
export function referenceTrajectory(rule: Rule, theta0: number[], grad: (theta: number[]) => number[], steps: number, h: RefHyper): number[][] {
  const n = theta0.length;
  const theta = [...theta0];
  const m = new Float64Array(n);
  const v = new Float64Array(n); // Adam / diffGrad second moment, AdaBelief belief s
  const prev = new Float64Array(n);
  const out: number[][] = [];
  const wd = h.weightDecay ?? 0;
  for (let k = 0; k < steps; k++) {
    const t = k + 1;
    const lr = typeof h.lr === 'number' ? h.lr : h.lr(k);
    const g = grad(theta);
    const bc1 = 1 - h.beta1 ** t;
    const bc2 = 1 - h.beta2 ** t;
    for (let i = 0; i < n; i++) {
      m[i] = h.beta1 * m[i]! + (1 - h.beta1) * g[i]!;
      let update: number;
      if (rule === 'adabelief') {
        v[i] = h.beta2 * v[i]! + (1 - h.beta2) * (g[i]! - m[i]!) ** 2 + h.epsilon;
        update = m[i]! / bc1 / (Math.sqrt(v[i]! / bc2) + h.epsilon);
      } else {
        v[i] = h.beta2 * v[i]! + (1 - h.beta2) * g[i]! ** 2;
        update = m[i]! / bc1 / (Math.sqrt(v[i]! / bc2) + h.epsilon);
        if (rule === 'diffgrad') {
          update *= 1 / (1 + Math.exp(-Math.abs(prev[i]! - g[i]!)));
          prev[i] = g[i]!;
        }
      }
      theta[i] = theta[i]! * (1 - lr * wd) - lr * update;
    }
    out.push([...theta]);
  }
  return out;
}

/** f(θ) = ½ Σ a_i (θ_i − c_i)²: the test quadratic. */
export const QUADRATIC = {
  a: [1, 0.5, 2, 0.1],
  c: [0.2, -0.3, 1.0, -1],
  theta0: [1.5, -2, 0.7, 3],
};

/** ∇f in float64. */
export function quadraticGrad(theta: number[]): number[] {
  return theta.map((x, i) => QUADRATIC.a[i]! * (x - QUADRATIC.c[i]!));
}

/** f(θ) as a tfjs scalar (for `optimizer.minimize`). */
export function quadraticLoss(theta: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.mul(0.5, tf.sum(tf.mul(tf.tensor1d(QUADRATIC.a), tf.square(tf.sub(theta, tf.tensor1d(QUADRATIC.c)))))) as tf.Scalar);
}

/** Runs `steps` minimize() calls on a fresh variable; returns θ after every step (and disposes the variable). */
export function tensorTrajectory(optimizer: tf.Optimizer, steps: number, onStep?: (step: number) => void): number[][] {
  const theta = tf.variable(tf.tensor1d(QUADRATIC.theta0));
  const out: number[][] = [];
  for (let k = 0; k < steps; k++) {
    onStep?.(k);
    optimizer.minimize(() => quadraticLoss(theta), false, [theta]);
    out.push(Array.from(theta.dataSync()));
  }
  theta.dispose();
  return out;
}
