import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { makeInterpolant } from '../../src/interpolants/index.js';
import { quadraticObjective } from '../../src/objectives/quadratic-objective.js';
import type { TrainableField } from '../../src/objectives/types.js';
import { constantForTape, untaped } from '../../src/objectives/untaped.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';

describe('untaped and constantForTape', () => {
  it('tells batch constants from variables and tape outputs', () => {
    const x = tf.ones([3]);
    const v = tf.variable(tf.scalar(2));
    const frozen = tf.variable(tf.scalar(1), false);
    let inside: boolean[] = [];
    tf.tidy(() => {
      tf.variableGrads(() => {
        const y = tf.mul(v, x);
        inside = [constantForTape([x, null, undefined]), constantForTape([frozen]), constantForTape([v]), constantForTape([x, y])];
        return tf.sum(y) as tf.Scalar;
      }, [v]);
    });
    expect(inside).toEqual([true, true, false, false]);
    // No tape: everything is a constant.
    expect(constantForTape([v])).toBe(true);
    tf.dispose([x, v, frozen]);
  });

  it('computes the same values without recording them: no gradient flows through untaped ops', async () => {
    const v = tf.variable(tf.scalar(3));
    const { value, grads } = tf.tidy(() =>
      tf.variableGrads(() => {
        const a = untaped(() => tf.mul(v, 2)); // 6, constant for the tape
        return tf.add(tf.mul(a, v), tf.mul(v, v)) as tf.Scalar; // 6 v + v²: d/dv = 6 + 2v = 12
      }, [v]),
    );
    expect(value.dataSync()[0]).toBe(27);
    expect(grads[v.name]!.dataSync()[0]).toBe(12);
    await expectNoLeaks(() => untaped(() => tf.mul(v, 2)), { label: 'untaped outside a tape' });
    tf.dispose([value, grads[v.name]!, v]);
  });
});

describe('quadraticObjective off the tape', () => {
  it('a batch computed from a trainable variable inside the tape still passes its gradient (closed form)', () => {
    // One-sided linear: x_t = (1 − t) x0 + t x1, target of b = x1 − x0. Field f(x) = a·x. With x1 = w·u
    // (u fixed), the loss L = mean_i [½ (a x_t)² − (x1 − x0) a x_t] and ∂L/∂w = mean_i [a² x_t t u − a u x_t − (x1 − x0) a t u].
    const interpolant = makeInterpolant('one-sided-linear');
    const objective = quadraticObjective(interpolant, ['b']);
    const x0v = [0.3, -1.2, 0.7, 2.0];
    const u = [1.0, -0.5, 0.25, 2.0];
    const tv = [0.1, 0.4, 0.6, 0.9];
    const a = 0.8;
    const w0 = 1.5;
    const w = tf.variable(tf.scalar(w0));
    const x0 = tf.tensor2d(x0v, [4, 1]);
    const ut = tf.tensor2d(u, [4, 1]);
    const t = tf.tensor1d(tv);
    const net: TrainableField = (x) => tf.mul(x, a) as tf.Tensor2D;
    const { value, grads } = tf.tidy(() => tf.variableGrads(() => objective.loss({ b: net }, { x0, x1: tf.mul(ut, w) as tf.Tensor2D, t }).total, [w]));
    let loss = 0;
    let dw = 0;
    for (let i = 0; i < 4; i++) {
      const x1 = w0 * u[i]!;
      const xt = (1 - tv[i]!) * x0v[i]! + tv[i]! * x1;
      const target = x1 - x0v[i]!;
      loss += (0.5 * (a * xt) ** 2 - target * a * xt) / 4;
      dw += (a * a * xt * tv[i]! * u[i]! - u[i]! * a * xt - target * a * tv[i]! * u[i]!) / 4;
    }
    expectAllClose(value, [loss], { rtol: 1e-5, atol: 1e-6 });
    expectAllClose(grads[w.name]!, [dw], { rtol: 1e-5, atol: 1e-6 });
    expect(Math.abs(dw)).toBeGreaterThan(0.1);
    tf.dispose([value, grads[w.name]!, w, x0, ut, t]);
  });
});
