/**
 * Monte-Carlo check that the oracle fields are the conditional expectations of §1.2: for a field F with
 * regression target Y (b: ∂_t I + γ̇ z, v: ∂_t I, η_z: z, η_0: x0, η_1: x1, s: −z/γ), the residual Y − F(x_t) is
 * orthogonal to every function of x_t: E[(Y − F(x_t))_k h(x_t)] = 0. Checked for a handful of test
 * functions h within 4 standard errors. In 2-D this pins b down where the continuity equation alone cannot
 * (it leaves divergence-free perturbations of bρ free).
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { makeOracle } from '../../src/fields/index.js';
import { makeInterpolant, type Interpolant } from '../../src/interpolants/index.js';
import { SeedStream } from '../../src/random.js';

const N = 60_000;

/** Test functions h(x) of a `[N, d]` tensor → `[N]`. */
const TEST_FUNCTIONS: [string, (x: tf.Tensor2D) => tf.Tensor1D][] = [
  ['1', (x) => tf.ones([x.shape[0]])],
  ['x_0', (x) => tf.reshape(tf.slice(x, [0, 0], [-1, 1]), [-1])],
  ['x_last', (x) => tf.reshape(tf.slice(x, [0, x.shape[1] - 1], [-1, 1]), [-1])],
  ['tanh(Σx)', (x) => tf.tanh(tf.sum(x, 1)) as tf.Tensor1D],
  ['bump', (x) => tf.exp(tf.mul(-0.5, tf.sum(tf.square(tf.sub(x, 0.5)), 1))) as tf.Tensor1D],
];

function check(problem: 'gaussian' | 'gmm2d', I: Interpolant, t: number, seed: number): void {
  const oracle = makeOracle(problem, I);
  const seeds = new SeedStream(seed);
  const d = oracle.dim;
  const x0 = oracle.sampleBase(N, seeds);
  const x1 = oracle.sampleTarget(N, seeds);
  const z = tf.randomNormal([N, d], 0, 1, 'float32', seeds.next()) as tf.Tensor2D;
  const tt = tf.fill([N], t) as tf.Tensor1D;
  const s = I.sample(I.mirror ? null : x0, x1, tt, z);
  const c = I.coefficientsAt(t);
  const noise = I.oneSided ? x0 : z;
  const noiseScale = I.oneSided ? c.alpha : c.gamma;
  const pairs: [string, tf.Tensor2D, tf.Tensor2D][] = [
    ['b', s.dxt, oracle.velocity(s.xt, tt)],
    ['v', s.dInterp, oracle.v(s.xt, tt)],
    ['η_1', x1, oracle.eta1(s.xt, tt)],
  ];
  if (!I.mirror) pairs.push(['η_0', x0, oracle.eta0(s.xt, tt)]);
  if (noiseScale > 0) {
    pairs.push(['η_z', noise, oracle.denoiser(s.xt, tt)]);
    pairs.push(['s', tf.div(noise, -noiseScale) as tf.Tensor2D, oracle.score(s.xt, tt)]);
  }
  const hs = TEST_FUNCTIONS.map(([name, h]) => [name, h(s.xt)] as const);
  for (const [field, target, value] of pairs) {
    const residual = tf.sub(target, value);
    for (const [hName, h] of hs) {
      const prod = tf.mul(residual, tf.reshape(h, [N, 1]));
      const mean = tf.mean(prod, 0);
      const sd = tf.sqrt(tf.div(tf.sum(tf.square(tf.sub(prod, mean)), 0), N - 1));
      const [m, se] = [Array.from(mean.dataSync()), Array.from(sd.dataSync()).map((v) => v / Math.sqrt(N))];
      m.forEach((v, k) => {
        expect(Math.abs(v), `${I.name} t=${t} ${field}[${k}]·h=${hName}: ${v} (SE ${se[k]})`).toBeLessThan(4 * se[k]! + 1e-6);
      });
      tf.dispose([prod, mean, sd]);
    }
    tf.dispose([residual, value]);
  }
  tf.dispose([x0, x1, z, tt, ...Object.values(s), ...hs.map(([, h]) => h), ...pairs.map(([, y]) => y)]);
}

describe('oracle fields are conditional expectations (Monte Carlo, 4 SE)', () => {
  it('gmm2d × linear/quadratic at t = 0.35 and 0.7', () => {
    const I = makeInterpolant('linear', { gamma: 'quadratic' });
    check('gmm2d', I, 0.35, 1);
    check('gmm2d', I, 0.7, 2);
  });
  it('gmm2d × trig/sqrt, one-sided-vp, mirror/sin2', () => {
    check('gmm2d', makeInterpolant('trig'), 0.5, 3);
    check('gmm2d', makeInterpolant('one-sided-vp'), 0.6, 4);
    check('gmm2d', makeInterpolant('mirror', { gamma: 'sin2' }), 0.3, 5);
  });
  it('gaussian 1-D × encoder-decoder and vp-trig', () => {
    check('gaussian', makeInterpolant('encoder-decoder'), 0.3, 6);
    check('gaussian', makeInterpolant('vp-trig', { gamma: 'sigmoid' }), 0.8, 7);
  });
});
