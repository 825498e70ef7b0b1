import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import {
  INTERPOLANT_NAMES,
  customInterpolant,
  interpolantNames,
  makeInterpolant,
  oneSidedVpInterpolant,
  registerInterpolant,
  type CustomInterpolantOptions,
} from '../../src/interpolants/index.js';
import { unregisterInterpolant } from '../../src/interpolants/registry.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';

const trigLike: CustomInterpolantOptions = {
  alpha: (t) => Math.cos((Math.PI * t) / 2),
  dAlpha: (t) => (-Math.PI / 2) * Math.sin((Math.PI * t) / 2),
  beta: (t) => Math.sin((Math.PI * t) / 2),
  dBeta: (t) => (Math.PI / 2) * Math.cos((Math.PI * t) / 2),
  gamma: 'quadratic',
};

describe('customInterpolant', () => {
  it('reproduces the built-in trig family (numbers, tensors, sample) without leaks', async () => {
    const custom = customInterpolant(trigLike);
    const builtIn = makeInterpolant('trig', { gamma: 'quadratic' });
    for (const t of [0, 0.1, 0.5, 0.77, 1]) {
      const a = custom.coefficientsAt(t);
      const b = builtIn.coefficientsAt(t);
      for (const key of Object.keys(b) as (keyof typeof b)[]) expect(a[key]).toBeCloseTo(b[key], 12);
    }
    const x0 = tf.randomNormal([16, 2], 0, 1, 'float32', 1) as tf.Tensor2D;
    const x1 = tf.randomNormal([16, 2], 0, 1, 'float32', 2) as tf.Tensor2D;
    const z = tf.randomNormal([16, 2], 0, 1, 'float32', 3) as tf.Tensor2D;
    const t = tf.randomUniform([16], 0, 1, 'float32', 4) as tf.Tensor1D;
    const s1 = custom.sample(x0, x1, t, z);
    const s2 = builtIn.sample(x0, x1, t, z);
    expectAllClose(s1.xt, s2.xt, { rtol: 1e-5, atol: 1e-5 });
    expectAllClose(s1.dxt, s2.dxt, { rtol: 1e-5, atol: 1e-5 });
    tf.dispose([...Object.values(s1), ...Object.values(s2)]);
    await expectNoLeaks(() => custom.sample(x0, x1, t, z));
    await expectNoLeaks(() => custom.coefficients(t));
    tf.dispose([x0, x1, z, t]);
  });

  it('through the registry: makeInterpolant("custom", …)', () => {
    const I = makeInterpolant('custom', { ...trigLike, name: 'my-trig' });
    expect(I.name).toBe('my-trig');
    expect(I.coefficientsAt(1).beta).toBeCloseTo(1, 15);
  });

  it('one-sided VP as a custom interpolant needs the closed form of αα̇ (α̇ = −∞ at 1)', () => {
    const base = {
      alpha: (t: number) => Math.sqrt(1 - t * t),
      dAlpha: (t: number) => -t / Math.sqrt(1 - t * t),
      beta: (t: number) => t,
      dBeta: () => 1,
      oneSided: true,
    };
    expect(() => customInterpolant(base)).toThrow(/customInterpolant: argument 'options.alphaDAlpha'.*finite at t = 1/);
    const I = customInterpolant({ ...base, alphaDAlpha: (t) => -t });
    const ref = oneSidedVpInterpolant();
    expect(I.singularEnds).toEqual({ start: false, end: true });
    expect(I.oneSided).toBe(true);
    for (const t of [0, 0.3, 0.9, 1]) expect(I.coefficientsAt(t).alphaDAlpha).toBeCloseTo(ref.coefficientsAt(t).alphaDAlpha, 14);
  });

  describe('validation errors name the option', () => {
    const cases: [string, Partial<CustomInterpolantOptions>, RegExp][] = [
      ['α(0) ≠ 1 (the printed slip α = t)', { alpha: (t) => t, dAlpha: () => 1, beta: (t) => 1 - t, dBeta: () => -1 }, /options\.alpha.*α\(0\) = 1.*got α\(0\) = 0/],
      ['β(1) ≠ 1', { beta: (t) => 0.5 * t, dBeta: () => 0.5 }, /options\.beta.*β\(1\) = 1/],
      [
        'wrong derivative d/dt cos²(πt) written as −π sin(πt)',
        {
          alpha: (t) => Math.cos((Math.PI * t) / 2) ** 2,
          dAlpha: (t) => -Math.PI * Math.sin((Math.PI * t) / 2),
        },
        /options\.dAlpha.*finite difference/,
      ],
      ['wrong dBeta', { dBeta: () => 1 }, /options\.dBeta/],
      ['not a function', { alpha: 1 as unknown as (t: number) => number }, /options\.alpha.*a function/],
      ['NaN inside', { beta: (t) => (t > 0.295 && t < 0.305 ? NaN : Math.sin((Math.PI * t) / 2)) }, /options\.beta.*finite/],
      ['one-sided with a γ', { oneSided: true, gamma: 'sqrt' }, /options\.gamma.*'zero'/],
      ['unknown γ name', { gamma: 'cosine' as 'sqrt' }, /options\.gamma.*'sqrt', 'quadratic'/],
      ['wrong αα̇', { alphaDAlpha: (t) => t }, /options\.alphaDAlpha/],
      ['bad tolerance', { tolerance: -1 }, /options\.tolerance/],
    ];
    for (const [label, patch, pattern] of cases) {
      it(label, () => {
        expect(() => customInterpolant({ ...trigLike, ...patch } as CustomInterpolantOptions)).toThrow(ArgumentError);
        expect(() => customInterpolant({ ...trigLike, ...patch } as CustomInterpolantOptions)).toThrow(pattern);
      });
    }
  });
});

describe('registry', () => {
  it('builds every built-in name', () => {
    for (const name of INTERPOLANT_NAMES) {
      const I = name === 'custom' ? makeInterpolant('custom', trigLike) : makeInterpolant(name);
      expect(I.coefficientsAt(0.5)).toBeDefined();
    }
  });

  it('unknown name → ArgumentError listing every valid name', () => {
    let message = '';
    try {
      makeInterpolant('linaer');
    } catch (err) {
      expect(err).toBeInstanceOf(ArgumentError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/^makeInterpolant: argument 'name' must be one of /);
    for (const name of INTERPOLANT_NAMES) expect(message).toContain(`'${name}'`);
    expect(message).toContain('got "linaer"');
  });

  it('one-sided families reject a γ option', () => {
    expect(() => makeInterpolant('one-sided-vp', { gamma: 'sqrt' })).toThrow(/makeInterpolant: argument 'options.gamma'/);
    expect(makeInterpolant('one-sided-vp', { gamma: 'zero' }).oneSided).toBe(true);
  });

  it('registerInterpolant adds a name; duplicates are rejected', () => {
    registerInterpolant('test-quadratic-path', (o) =>
      customInterpolant({
        ...o,
        name: 'test-quadratic-path',
        alpha: (t) => (1 - t) ** 2,
        dAlpha: (t) => -2 * (1 - t),
        beta: (t) => 1 - (1 - t) ** 2,
        dBeta: (t) => 2 * (1 - t),
      }),
    );
    expect(interpolantNames()).toContain('test-quadratic-path');
    expect(makeInterpolant('test-quadratic-path', { gamma: 'sin2' }).gammaSchedule.name).toBe('sin2');
    expect(() => registerInterpolant('linear', () => makeInterpolant('trig'))).toThrow(/registerInterpolant: argument 'name'/);
    expect(() => registerInterpolant('', () => makeInterpolant('trig'))).toThrow(/argument 'name'/);
  });

  it('follows the one registry policy: replace only when asked, did-you-mean for unknown names, unregister restores a built-in', () => {
    expect(() => makeInterpolant('lineer')).toThrow(/makeInterpolant: argument 'name' must be one of 'linear', .*got "lineer" \(did you mean 'linear'\?\)/);
    expect(() => registerInterpolant('trig', () => makeInterpolant('linear'))).toThrow(/pass \{ replace: true \} to replace the built-in interpolant/);
    expect(() => registerInterpolant('test-x', 3 as never)).toThrow(/registerInterpolant: argument 'factory' must be a function/);
    registerInterpolant('trig', () => makeInterpolant('linear'), { replace: true });
    expect(makeInterpolant('trig').name).toBe('linear');
    expect(unregisterInterpolant('trig')).toBe(true);
    expect(makeInterpolant('trig').name).toBe('trig');
    expect(unregisterInterpolant('linear')).toBe(false);
    registerInterpolant('test-named path', () => makeInterpolant('linear'));
    expect(() => registerInterpolant('test-named path', () => makeInterpolant('linear'))).toThrow(/an already registered interpolant/);
    expect(unregisterInterpolant('test-named path')).toBe(true);
    expect(interpolantNames()).not.toContain('test-named path');
    expect(interpolantNames().slice(0, INTERPOLANT_NAMES.length)).toEqual([...INTERPOLANT_NAMES]);
  });
});
