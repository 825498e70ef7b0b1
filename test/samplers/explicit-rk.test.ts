import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { dopri5 } from '../../samplers/dopri5.js';
import { explicitRungeKutta } from '../../samplers/explicit-rk.js';
import { rk4 } from '../../samplers/rk4.js';
import { expectAllClose } from '../helpers/index.js';
import { plainContext } from '../solver/problems.js';

describe('explicitRungeKutta', () => {
  it('rejects malformed tableaus, naming the scheme', () => {
    const make = (tableau: Parameters<typeof explicitRungeKutta>[0]['tableau']) =>
      explicitRungeKutta({ name: 'x', order: 1, description: 'x', tableau });
    expect(() => make({ a: [[]], b: [], c: [0] })).toThrow(/tableau of 'x'/);
    expect(() => make({ a: [[], [1, 2]], b: [0.5, 0.5], c: [0, 1] })).toThrow(/row 1 of a with 1 entries/);
    expect(() => make({ a: [[]], b: [1], c: [0.5] })).toThrow(/c\[0\] = 0/);
    expect(() => make({ a: [[], [1]], b: [0.5, 0.5], c: [0, 1], fsal: true })).toThrow(/an FSAL tableau/);
    expect(() => make({ a: [[]], b: [NaN], c: [0] })).toThrow(/finite coefficients/);
  });

  it('one RK4 step of y′ = y matches the Taylor polynomial to fourth order', () => {
    const y = tf.tensor2d([[1]]);
    const h = 0.1;
    const out = tf.tidy(() => rk4.step({ drift: (_t, v) => v }, 0, h, y, undefined, undefined, plainContext(y)).y1);
    expectAllClose(out, [[1 + h + h ** 2 / 2 + h ** 3 / 6 + h ** 4 / 24]], { atol: 1e-7, rtol: 0 });
    tf.dispose([y, out]);
  });

  it('dopri5 carries f(t1, y1) as FSAL state and its error estimate is O(h^5) small', () => {
    const y = tf.tensor2d([[1]]);
    const term = { drift: (_t: number, v: tf.Tensor2D) => v };
    const r = tf.tidy(() => {
      const s = dopri5.step(term, 0, 0.1, y, undefined, undefined, plainContext(y));
      return { y1: s.y1, k: s.state!.k, error: s.error! };
    });
    expectAllClose(r.y1, [[Math.exp(0.1)]], { atol: 1e-6, rtol: 0 });
    expectAllClose(r.k, r.y1, { atol: 0, rtol: 0 });
    expect(Math.abs(r.error.dataSync()[0]!)).toBeLessThan(1e-6);
    tf.dispose([y, r.y1, r.k, r.error]);
  });
});
