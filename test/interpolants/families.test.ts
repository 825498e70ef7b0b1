import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  customInterpolant,
  encoderDecoderInterpolant,
  makeInterpolant,
  oneSidedVpInterpolant,
  vpTrigInterpolant,
  type Interpolant,
  type InterpolantCoefficients,
} from '../../src/interpolants/index.js';
import { SeedStream } from '../../src/random.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';

function fd(f: (t: number) => number, t: number, h = 1e-4): number {
  const d = (k: number) => (f(t + k) - f(t - k)) / (2 * k);
  return (4 * d(h / 2) - d(h)) / 3;
}

const INTERIOR = Array.from({ length: 49 }, (_, i) => (i + 1) / 50).filter((t) => t !== 0.5);
const KEYS = ['alpha', 'beta', 'gamma', 'dAlpha', 'dBeta', 'dGamma', 'gammaDGamma', 'alphaDAlpha', 'betaDBeta'] as const;

const quadraticPath = () =>
  customInterpolant({
    name: 'quadratic-path',
    alpha: (t) => (1 - t) ** 2,
    dAlpha: (t) => -2 * (1 - t),
    beta: (t) => 1 - (1 - t) ** 2,
    dBeta: (t) => 2 * (1 - t),
    gamma: 'sigmoid',
  });

export const CASES: { label: string; make: () => Interpolant }[] = [
  ...(['linear', 'trig', 'mirror'] as const).flatMap((name) =>
    (['sqrt', 'quadratic', 'sin2', 'sigmoid', 'zero'] as const).map((gamma) => ({
      label: `${name}/${gamma}`,
      make: () => makeInterpolant(name, { gamma }),
    })),
  ),
  ...(['sqrt', 'quadratic', 'sigmoid', 'zero'] as const).map((gamma) => ({
    label: `vp-trig/${gamma}`,
    make: () => makeInterpolant('vp-trig', { gamma }),
  })),
  { label: 'vp-trig/sqrt a=3', make: () => makeInterpolant('vp-trig', { gamma: 'sqrt', gammaOptions: { a: 3 } }) },
  { label: 'encoder-decoder', make: () => makeInterpolant('encoder-decoder') },
  { label: 'one-sided-linear', make: () => makeInterpolant('one-sided-linear') },
  { label: 'one-sided-trig', make: () => makeInterpolant('one-sided-trig') },
  { label: 'one-sided-vp', make: () => makeInterpolant('one-sided-vp') },
  { label: 'custom quadratic path', make: quadraticPath },
];

describe('interpolant families', () => {
  for (const { label, make } of CASES) {
    describe(label, () => {
      const I = make();

      it('boundary conditions α(0)=β(1)=1, α(1)=β(0)=γ(0)=γ(1)=0', () => {
        const c0 = I.coefficientsAt(0);
        const c1 = I.coefficientsAt(1);
        if (I.mirror) {
          expect([c0.alpha, c1.alpha, c0.beta, c1.beta]).toEqual([0, 0, 1, 1]);
        } else {
          expect(c0.alpha).toBeCloseTo(1, 14);
          expect(c0.beta).toBeCloseTo(0, 14);
          expect(c1.alpha).toBeCloseTo(0, 14);
          expect(c1.beta).toBeCloseTo(1, 14);
        }
        expect(c0.gamma).toBeCloseTo(0, 14);
        expect(c1.gamma).toBeCloseTo(0, 14);
        if (I.oneSided) {
          for (const t of INTERIOR) expect(I.coefficientsAt(t).gamma).toBe(0);
        }
      });

      it('α̇, β̇, γ̇ match central finite differences at 48 interior points', () => {
        for (const t of INTERIOR) {
          const c = I.coefficientsAt(t);
          for (const [f, df] of [
            ['alpha', 'dAlpha'],
            ['beta', 'dBeta'],
            ['gamma', 'dGamma'],
          ] as const) {
            const num = fd((s) => I.coefficientsAt(s)[f], t);
            expect(Math.abs(c[df] - num), `${df}(${t})`).toBeLessThan(1e-6 * (1 + Math.abs(num)));
          }
        }
      });

      it('closed-form products equal the products inside and are finite at the ends', () => {
        for (const t of INTERIOR) {
          const c = I.coefficientsAt(t);
          expect(c.gammaDGamma).toBeCloseTo(c.gamma * c.dGamma, 10);
          expect(c.alphaDAlpha).toBeCloseTo(c.alpha * c.dAlpha, 10);
          expect(c.betaDBeta).toBeCloseTo(c.beta * c.dBeta, 10);
        }
        for (const t of [0, 1]) {
          const c = I.coefficientsAt(t);
          for (const key of ['gammaDGamma', 'alphaDAlpha', 'betaDBeta'] as const) {
            expect(Number.isFinite(c[key]), `${key}(${t})`).toBe(true);
          }
          const singular = t === 0 ? I.singularEnds.start : I.singularEnds.end;
          const derivativesFinite = [c.dAlpha, c.dBeta, c.dGamma].every(Number.isFinite);
          expect(singular).toBe(!derivativesFinite);
        }
      });

      it('tensor coefficients equal the number version (float32), endpoints included', () => {
        const ts = [0, 0.001, ...INTERIOR, 0.5, 0.999, 1];
        const t = tf.tensor1d(ts);
        const c = I.coefficients(t);
        for (const key of KEYS) {
          expect(c[key].shape).toEqual([ts.length]);
          const got = c[key].dataSync();
          ts.forEach((s, i) => {
            const want = I.coefficientsAt(s)[key];
            if (!Number.isFinite(want)) expect(got[i], `${key}(${s})`).toBe(want);
            else expect(Math.abs(got[i]! - want), `${key}(${s})`).toBeLessThan(3e-5 * (1 + Math.abs(want)));
          });
        }
        tf.dispose([t, ...Object.values(c)]);
      });

      it('sample: x_t = αx0 + βx1 + γz, dxt = α̇x0 + β̇x1 + γ̇z, without leaks', async () => {
        const seeds = new SeedStream(7);
        const [n, d] = [64, 3];
        const x0 = tf.randomNormal([n, d], 0, 1, 'float32', seeds.next()) as tf.Tensor2D;
        const x1 = tf.randomNormal([n, d], 2, 1, 'float32', seeds.next()) as tf.Tensor2D;
        const z = tf.randomNormal([n, d], 0, 1, 'float32', seeds.next()) as tf.Tensor2D;
        const t = tf.randomUniform([n], 0.01, 0.99, 'float32', seeds.next()) as tf.Tensor1D;
        const out = I.sample(I.mirror ? null : x0, x1, t, z);
        const ts = t.dataSync();
        const [a0, a1, az] = [x0.arraySync(), x1.arraySync(), z.arraySync()];
        const want = (key: 'xt' | 'dxt' | 'interp' | 'dInterp') =>
          a1.map((row, i) => {
            const c: InterpolantCoefficients<number> = I.coefficientsAt(ts[i]!);
            const [a, b, g] =
              key === 'xt' || key === 'interp' ? [c.alpha, c.beta, c.gamma] : [c.dAlpha, c.dBeta, c.dGamma];
            const noise = key === 'xt' || key === 'dxt' ? g : 0;
            return row.map((v, j) => (I.mirror ? 0 : a * a0[i]![j]!) + b * v + noise * az[i]![j]!);
          });
        for (const key of ['xt', 'dxt', 'interp', 'dInterp'] as const) {
          expect(out[key].shape).toEqual([n, d]);
          expectAllClose(out[key], want(key), { rtol: 1e-4, atol: 1e-4, label: key });
        }
        tf.dispose(Object.values(out));
        await expectNoLeaks(() => I.sample(I.mirror ? null : x0, x1, t, z), { label });
        await expectNoLeaks(() => I.coefficients(t), { label });
        tf.dispose([x0, x1, z, t]);
      });
    });
  }

  it('vp-trig preserves variance: α² + β² + γ² = 1', () => {
    const I = vpTrigInterpolant({ gamma: 'sigmoid' });
    for (const t of [0, ...INTERIOR, 1]) {
      const c = I.coefficientsAt(t);
      expect(c.alpha ** 2 + c.beta ** 2 + c.gamma ** 2).toBeCloseTo(1, 14);
    }
  });

  it('vp-trig rejects γ options that reach 1 (sin2, sqrt with a ≥ 4)', () => {
    expect(() => vpTrigInterpolant({ gamma: 'sin2' })).toThrow(/vpTrigInterpolant: argument 'options.gamma'.*γ\(t\) < 1/);
    expect(() => vpTrigInterpolant({ gamma: 'sqrt', gammaOptions: { a: 4 } })).toThrow(/γ\(0.5\) = 1/);
  });

  it('vp-trig with sqrt γ has finite α̇, β̇ at the ends (uses the closed-form γγ̇)', () => {
    const c = vpTrigInterpolant().coefficientsAt(0);
    expect(c.dAlpha).toBeCloseTo(-0.5, 14); // −γγ̇/√(1−γ²)·cos 0 at t = 0 with γγ̇ = ½
    expect(c.dBeta).toBeCloseTo(Math.PI / 2, 14);
  });

  it('encoder–decoder: α̇ = −π sin(2πt) and it is not variance preserving', () => {
    const I = encoderDecoderInterpolant();
    const c = I.coefficientsAt(0.2);
    expect(c.dAlpha).toBeCloseTo(-Math.PI * Math.sin(2 * Math.PI * 0.2), 14);
    expect(I.coefficientsAt(0.8).dBeta).toBeCloseTo(-Math.PI * Math.sin(2 * Math.PI * 0.8), 14);
    const q = I.coefficientsAt(0.25);
    expect(q.alpha ** 2 + q.beta ** 2 + q.gamma ** 2).toBeCloseTo(0.5, 14);
    const h = I.coefficientsAt(0.5);
    expect([h.alpha, h.beta, h.gamma]).toEqual([0, expect.closeTo(0, 14), 1]);
    expect(() => encoderDecoderInterpolant({ gamma: 'sqrt' })).toThrow(/options.gamma/);
  });

  it('one-sided-vp: α̇ = −∞ at t = 1, αα̇ = −t finite, singularEnds.end', () => {
    const I = oneSidedVpInterpolant();
    const c = I.coefficientsAt(1);
    expect(c.dAlpha).toBe(-Infinity);
    expect(c.alphaDAlpha).toBe(-1);
    expect(I.singularEnds).toEqual({ start: false, end: true });
    expect(I.oneSided).toBe(true);
  });

  it('flags', () => {
    expect(makeInterpolant('mirror').mirror).toBe(true);
    expect(makeInterpolant('linear').mirror).toBe(false);
    expect(makeInterpolant('one-sided-trig').oneSided).toBe(true);
    expect(makeInterpolant('trig').oneSided).toBe(false);
    expect(makeInterpolant('linear').gammaSchedule.name).toBe('sqrt');
    expect(makeInterpolant('linear').singularEnds).toEqual({ start: true, end: true });
    expect(makeInterpolant('linear', { gamma: 'quadratic' }).singularEnds).toEqual({ start: false, end: false });
  });

  describe('sample input checks', () => {
    const x = tf.zeros([4, 2]) as tf.Tensor2D;
    const t = tf.fill([4], 0.5) as tf.Tensor1D;
    it('z is required unless γ ≡ 0', () => {
      expect(() => makeInterpolant('linear').sample(x, x, t)).toThrow(/sample: argument 'z' must be .*γ is not identically zero/);
      const out = makeInterpolant('one-sided-linear').sample(x, x, t);
      expect(out.xt.shape).toEqual([4, 2]);
      tf.dispose(Object.values(out));
      const out2 = makeInterpolant('linear', { gamma: 'zero' }).sample(x, x, t);
      tf.dispose(Object.values(out2));
    });
    it('shapes', () => {
      const I = makeInterpolant('linear');
      expect(() => I.sample(tf.zeros([4, 3]) as tf.Tensor2D, x, t, x)).toThrow(/argument 'x0' must be a float32 tensor of shape \[4, 2\], got a float32 tensor of shape \[4, 3\]/);
      expect(() => I.sample(x, x, tf.zeros([3]) as tf.Tensor1D, x)).toThrow(/argument 't'/);
      expect(() => I.sample(x, x, t, tf.zeros([4, 1]) as tf.Tensor2D)).toThrow(/argument 'z'/);
      expect(() => I.sample(null, x, t, x)).toThrow(/argument 'x0'/);
      expect(() => I.coefficientsAt(-0.1)).toThrow(/coefficientsAt: argument 't' must be a finite number >= 0 <= 1/);
    });
  });
});

describe('sample on [batch, ...event] tensors', () => {
  it('each row of an image batch gets its own coefficients: x_t = α x0 + β x1 + γ z by hand, and equals the flattened sample', () => {
    const I = makeInterpolant('trig', { gamma: 'sqrt' });
    tf.tidy(() => {
      const seeds = new SeedStream(8);
      const [x0, x1, z] = [0, 1, 2].map(() => tf.randomNormal([3, 2, 2, 1], 0, 1, 'float32', seeds.next()) as tf.Tensor4D);
      const ts = [0.2, 0.5, 0.9];
      const t = tf.tensor1d(ts);
      const s = I.sample(x0!, x1!, t, z!);
      expect(s.xt.shape).toEqual([3, 2, 2, 1]);
      const [a, b, c] = [x0!, x1!, z!].map((v) => v.arraySync());
      const got = s.xt.arraySync();
      ts.forEach((tv, i) => {
        const k = I.coefficientsAt(tv);
        for (let h = 0; h < 2; h++) {
          for (let w = 0; w < 2; w++) {
            const want = k.alpha * a![i]![h]![w]![0]! + k.beta * b![i]![h]![w]![0]! + k.gamma * c![i]![h]![w]![0]!;
            expect(got[i]![h]![w]![0]!).toBeCloseTo(want, 5);
          }
        }
      });
      const flat = (v: tf.Tensor) => tf.reshape(v, [3, 4]) as tf.Tensor2D;
      const f = I.sample(flat(x0!), flat(x1!), t, flat(z!));
      for (const key of ['xt', 'dxt', 'interp', 'dInterp'] as const) {
        expectAllClose(s[key].dataSync(), f[key].dataSync(), { rtol: 0, atol: 0, label: key });
      }
      expect(() => I.sample<tf.Tensor>(x0!, x1!, t, flat(z!))).toThrow(/argument 'z' must be a float32 tensor of shape \[3, 2, 2, 1\]/);
    });
  });
});
