import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import {
  GAMMA_NAMES,
  customGamma,
  makeGamma,
  sigmoidGamma,
  sqrtGamma,
  type GammaSchedule,
} from '../../src/interpolants/index.js';
import { expectNoLeaks } from '../helpers/index.js';

/** Central difference with one Richardson step, float64. */
function fd(f: (t: number) => number, t: number, h = 1e-4): number {
  const d = (k: number) => (f(t + k) - f(t - k)) / (2 * k);
  return (4 * d(h / 2) - d(h)) / 3;
}

const INTERIOR = Array.from({ length: 49 }, (_, i) => (i + 1) / 50);

const SCHEDULES: { label: string; make: () => GammaSchedule }[] = [
  { label: 'sqrt', make: () => makeGamma('sqrt') },
  { label: 'sqrt a=2.5', make: () => makeGamma('sqrt', { a: 2.5 }) },
  { label: 'quadratic', make: () => makeGamma('quadratic') },
  { label: 'sin2', make: () => makeGamma('sin2') },
  { label: 'sigmoid', make: () => makeGamma('sigmoid') },
  { label: 'sigmoid f=25', make: () => makeGamma('sigmoid', { f: 25 }) },
  { label: 'zero', make: () => makeGamma('zero') },
  {
    label: 'custom 2t(1-t)',
    make: () => customGamma({ name: 'double-quadratic', gamma: (t) => 2 * t * (1 - t), dGamma: (t) => 2 - 4 * t }),
  },
];

describe('γ options', () => {
  for (const { label, make } of SCHEDULES) {
    describe(label, () => {
      const g = make();

      it('vanishes at the ends and is ≥ 0 inside (> 0 unless zero)', () => {
        expect(Math.abs(g.valuesAt(0).gamma)).toBeLessThan(1e-15);
        expect(Math.abs(g.valuesAt(1).gamma)).toBeLessThan(1e-15);
        for (const t of INTERIOR) {
          const v = g.valuesAt(t).gamma;
          if (g.isZero) expect(v).toBe(0);
          else expect(v).toBeGreaterThan(0);
        }
      });

      it('γ̇ matches a central finite difference at 49 interior points', () => {
        for (const t of INTERIOR) {
          const { dGamma } = g.valuesAt(t);
          const num = fd((s) => g.valuesAt(s).gamma, t);
          expect(Math.abs(dGamma - num)).toBeLessThan(1e-6 * (1 + Math.abs(num)));
        }
      });

      it('closed-form γγ̇ equals γ·γ̇ inside and is finite at the ends', () => {
        for (const t of INTERIOR) {
          const v = g.valuesAt(t);
          expect(Math.abs(v.gammaDGamma - v.gamma * v.dGamma)).toBeLessThan(1e-12 * (1 + Math.abs(v.gammaDGamma)));
        }
        expect(Number.isFinite(g.valuesAt(0).gammaDGamma)).toBe(true);
        expect(Number.isFinite(g.valuesAt(1).gammaDGamma)).toBe(true);
      });

      it('singularEnds reports exactly where γ̇ is infinite', () => {
        expect(g.singularEnds.start).toBe(!Number.isFinite(g.valuesAt(0).dGamma));
        expect(g.singularEnds.end).toBe(!Number.isFinite(g.valuesAt(1).dGamma));
      });

      it('tensor version equals the number version (float32), endpoints included, without leaks', async () => {
        const ts = [0, 0.001, ...INTERIOR, 0.999, 1];
        const t = tf.tensor1d(ts);
        const out = g.values(t);
        for (const key of ['gamma', 'dGamma', 'gammaDGamma'] as const) {
          expect(out[key].shape).toEqual([ts.length]);
          const got = out[key].dataSync();
          ts.forEach((s, i) => {
            const want = g.valuesAt(s)[key];
            if (!Number.isFinite(want)) expect(got[i]).toBe(want);
            else expect(Math.abs(got[i]! - want)).toBeLessThan(2e-5 * (1 + Math.abs(want)));
          });
        }
        tf.dispose([t, out.gamma, out.dGamma, out.gammaDGamma]);
        const t2 = tf.tensor1d([0.2, 0.7]);
        await expectNoLeaks(() => g.values(t2), { label });
        t2.dispose();
      });
    });
  }

  it('sqrt: γ̇ = +∞ at 0 and −∞ at 1, while γγ̇ = a(1−2t)/2 → ±a/2', () => {
    const g = sqrtGamma(3);
    expect(g.valuesAt(0).dGamma).toBe(Infinity);
    expect(g.valuesAt(1).dGamma).toBe(-Infinity);
    expect(g.valuesAt(0).gammaDGamma).toBeCloseTo(1.5, 15);
    expect(g.valuesAt(1).gammaDGamma).toBeCloseTo(-1.5, 15);
    expect(g.valuesAt(0.5).gamma).toBeCloseTo(Math.sqrt(3) / 2, 15);
  });

  it('sigmoid: default f = 10 peaks at γ(½) = σ(1) − σ(−1) − σ(−4) + σ(−6)', () => {
    const s = (x: number) => 1 / (1 + Math.exp(-x));
    expect(sigmoidGamma().valuesAt(0.5).gamma).toBeCloseTo(s(1) - s(-1) - s(-4) + s(-6), 14);
  });

  it('makeGamma: unknown name lists the valid names', () => {
    expect(() => makeGamma('cosine')).toThrow(ArgumentError);
    try {
      makeGamma('cosine');
    } catch (err) {
      for (const name of GAMMA_NAMES) expect((err as Error).message).toContain(`'${name}'`);
      expect((err as Error).message).toContain('makeGamma');
    }
  });

  it('rejects bad parameters and times', () => {
    expect(() => sqrtGamma(0)).toThrow(/sqrtGamma: argument 'a'/);
    expect(() => sigmoidGamma(-1)).toThrow(/sigmoidGamma: argument 'f'/);
    expect(() => makeGamma('sqrt').valuesAt(1.5)).toThrow(/argument 't'/);
    expect(() => makeGamma('sqrt').values(tf.zeros([2, 2]) as unknown as tf.Tensor1D)).toThrow(/argument 't'/);
  });

  describe('customGamma validation', () => {
    it('boundary condition', () => {
      expect(() => customGamma({ gamma: (t) => 1 - t, dGamma: () => -1 })).toThrow(/options\.gamma.*γ\(0\) = 0/);
    });
    it('wrong derivative', () => {
      expect(() => customGamma({ gamma: (t) => t * (1 - t), dGamma: (t) => 1 - t })).toThrow(/options\.dGamma.*finite difference/);
    });
    it('infinite γ̇ at an end needs a closed-form γγ̇', () => {
      const gamma = (t: number) => Math.sqrt(t * (1 - t));
      const dGamma = (t: number) => (1 - 2 * t) / (2 * Math.sqrt(t * (1 - t)));
      expect(() => customGamma({ gamma, dGamma })).toThrow(/options\.gammaDGamma/);
      const g = customGamma({ gamma, dGamma, gammaDGamma: (t) => (1 - 2 * t) / 2 });
      expect(g.singularEnds).toEqual({ start: true, end: true });
      expect(g.valuesAt(0).gammaDGamma).toBe(0.5);
    });
    it('wrong closed-form product', () => {
      expect(() =>
        customGamma({ gamma: (t) => t * (1 - t), dGamma: (t) => 1 - 2 * t, gammaDGamma: (t) => t * (1 - t) }),
      ).toThrow(/options\.gammaDGamma/);
    });
    it('negative values and non-functions', () => {
      expect(() => customGamma({ gamma: (t) => -t * (1 - t), dGamma: (t) => 2 * t - 1 })).toThrow(/γ\(t\) ≥ 0/);
      expect(() => customGamma({ gamma: 3 as unknown as (t: number) => number, dGamma: (t) => t })).toThrow(
        /customGamma: argument 'options.gamma' must be a function/,
      );
    });
  });
});
