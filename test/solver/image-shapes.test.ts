/**
 * States of any rank: the same linear ODE and SDE on image-shaped `[batch, 2, 2, 1]` states gives exactly
 * (bit for bit) the numbers of the flattened `[batch, 4]` problem, for every built-in scheme, fixed and
 * adaptive.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_SCHEMES } from '../../src/solver/schemes/registry.js';
import { brownianMotion } from '../../src/solver/brownian.js';
import { brownianPath } from '../../src/solver/brownian-path.js';
import { integrate, integrateSync } from '../../src/solver/integrate.js';
import type { IntegrateOptions } from '../../src/solver/options.js';
import type { Term } from '../../src/solver/types.js';
import { expectNoLeaks } from '../helpers/index.js';

const EVENT = [2, 2, 1];
const RATES = [0.5, 1.5, -0.3, 2];
const FORCING = [1, -1, 0.5, 0.25];

/** y′ = −k ⊙ y + c·cos(t), with the coefficients shaped like the event; SDE: + g dW (additive or multiplicative). */
function linearTerm(event: number[], noise: 'none' | 'additive' | 'multiplicative'): Term {
  const k = tf.tensor(RATES.map((r) => -r), event);
  const c = tf.tensor(FORCING, event);
  const g = tf.tensor([0.3, 0.6, 0.2, 0.8], event);
  const term: Term = { drift: (t, y) => tf.add(tf.mul(y, k), tf.mul(c, Math.cos(t))) };
  if (noise === 'additive') term.diffusion = (t) => tf.mul(g, 1 + t);
  if (noise === 'multiplicative') term.diffusion = (_t, y) => tf.mul(g, y);
  return term;
}

async function both(scheme: string, noise: 'none' | 'additive' | 'multiplicative', options: IntegrateOptions) {
  const flat = tf.tensor2d([
    [1, 2, 3, 4],
    [-1, 0.5, 0, 2],
    [0.1, 0.2, 0.3, 0.4],
  ]);
  const image = tf.reshape(flat, [3, ...EVENT]);
  const a = await integrate(linearTerm([4], noise), scheme, flat, options);
  const b = await integrate(linearTerm(EVENT, noise), scheme, image, options);
  const result = {
    flat: Array.from(a.y.dataSync()),
    image: Array.from(b.y.dataSync()),
    imageShape: b.y.shape,
    savedFlat: a.ys.map((y) => Array.from(y.dataSync())),
    savedImage: b.ys.map((y) => Array.from(y.dataSync())),
    stats: [a.stats, b.stats].map(({ seconds: _s, ...rest }) => rest),
  };
  a.dispose();
  b.dispose();
  tf.dispose([flat, image]);
  return result;
}

function expectSame(r: Awaited<ReturnType<typeof both>>, label: string): void {
  expect(r.imageShape, label).toEqual([3, ...EVENT]);
  expect(r.image, label).toEqual(r.flat);
  expect(r.savedImage, label).toEqual(r.savedFlat);
  expect(r.stats[1], label).toEqual(r.stats[0]);
  expect(r.flat.every(Number.isFinite), label).toBe(true);
}

describe('image-shaped states [batch, 2, 2, 1] give exactly the numbers of [batch, 4]', () => {
  const ode = BUILT_IN_SCHEMES.filter((s) => s.kind === 'ode');
  for (const scheme of ode) {
    it(`${scheme.name}: fixed steps with a save-at time${scheme.adaptive ? ', and adaptive steps (rms and max norms)' : ''}`, async () => {
      expectSame(await both(scheme.name, 'none', { steps: 7, saveAt: [0.3] }), `${scheme.name} fixed`);
      if (scheme.adaptive) {
        expectSame(await both(scheme.name, 'none', { adaptive: { rtol: 1e-4 }, saveAt: [0.5] }), `${scheme.name} adaptive rms`);
        expectSame(await both(scheme.name, 'none', { adaptive: { rtol: 1e-4, norm: 'max' }, t0: 1, t1: 0 }), `${scheme.name} adaptive max, backward`);
      }
    });
  }

  it('euler-maruyama: additive and multiplicative noise, Brownian motion and Brownian path', async () => {
    expectSame(await both('euler-maruyama', 'additive', { steps: 9, seed: 3 }), 'EM additive');
    expectSame(await both('euler-maruyama', 'multiplicative', { steps: 9, seed: 4, noise: brownianPath() }), 'EM multiplicative, path');
  });

  it('stochastic-heun: fixed steps and adaptive steps (rms and max norms)', async () => {
    expectSame(await both('stochastic-heun', 'additive', { steps: 9, seed: 5, saveAt: [0.5] }), 'SH fixed');
    expectSame(await both('stochastic-heun', 'additive', { adaptive: { rtol: 1e-3 }, seed: 6 }), 'SH adaptive rms');
    expectSame(await both('stochastic-heun', 'additive', { adaptive: { rtol: 1e-3, norm: 'max' }, seed: 7, t0: 1, t1: 0 }), 'SH adaptive max');
  });

  it('the increments of both noise processes have the state shape (and the same values as flat ones)', () => {
    for (const noise of [brownianMotion(), brownianPath()]) {
      const draw = (shape: number[]) =>
        tf.tidy(() => {
          const state = noise.init({ batch: 3, dim: 4, shape, t0: 0, t1: 1, seeds: new (class { next = () => 77 })() as never });
          const inc = noise.increment(state as never, 0, 0.25);
          return { shape: inc.dW.shape, values: Array.from(inc.dW.dataSync()) };
        });
      const image = draw([3, ...EVENT]);
      expect(image.shape).toEqual([3, ...EVENT]);
      expect(image.values).toEqual(draw([3, 4]).values);
    }
  });

  it('a noise process written for [batch, dim] increments serves image-shaped states (reshaped by the core)', async () => {
    const flatNoise = {
      name: 'flat-brownian',
      init: ({ batch, dim }: { batch: number; dim: number }) => ({ batch, dim, k: 0 }),
      increment: (state: { batch: number; dim: number; k: number }, t0: number, t1: number) => ({
        dW: tf.mul(tf.randomNormal([state.batch, state.dim], 0, 1, 'float32', 100 + state.k), Math.sqrt(Math.abs(t1 - t0))),
        state: { ...state, k: state.k + 1 },
      }),
      tensors: () => [],
    };
    const r = await both('euler-maruyama', 'additive', { steps: 5, seed: 1, noise: flatNoise as never });
    expectSame(r, 'flat noise process');
    const wrong = { ...flatNoise, increment: (state: { batch: number; dim: number; k: number }) => ({ dW: tf.zeros([state.batch, state.dim + 1]), state }) };
    const y0 = tf.zeros([3, ...EVENT]);
    await expect(integrate(linearTerm(EVENT, 'additive'), 'euler-maruyama', y0, { steps: 1, seed: 1, noise: wrong as never })).rejects.toThrow(
      /'noise' must be a noise process whose increments have shape \[3, 2, 2, 1\], got 'flat-brownian' returning shape \[3, 5\]/,
    );
    y0.dispose();
  });

  it('leaks nothing, and integrateSync differentiates image-shaped states', async () => {
    const y0 = tf.ones([2, ...EVENT]);
    const [sde, ode] = [linearTerm(EVENT, 'additive'), linearTerm(EVENT, 'none')]; // their constants live on
    await expectNoLeaks(() => integrate(sde, 'stochastic-heun', y0, { adaptive: true, seed: 1 }));
    await expectNoLeaks(() => tf.tidy(() => tf.grad((y: tf.Tensor) => tf.sum(integrateSync(ode, 'rk4', y, { steps: 4 }).y))(y0)));
    // y′ = −k y + c cos t is affine in y0: ∂ Σ y(1) / ∂ y0 = e^{−k} per entry (RK4 with 20 steps: to 1e-5).
    const g = tf.tidy(() => tf.grad((y: tf.Tensor) => tf.sum(integrateSync(ode, 'rk4', y, { steps: 20 }).y))(y0));
    expect(g.shape).toEqual([2, ...EVENT]);
    const values = g.dataSync();
    RATES.forEach((r, i) => expect(values[i]!).toBeCloseTo(Math.exp(-r), 5));
    tf.dispose([g, y0]);
  });
});
