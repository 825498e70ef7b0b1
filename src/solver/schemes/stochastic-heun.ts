/**
 * Stochastic Heun, a predictor–corrector for SDEs (diagonal or general noise, `g·ΔW` from `diffusionProd`):
 *   predictor (Euler–Maruyama):  ȳ = y0 + f(t0, y0) h + g(t0, y0)·ΔW
 *   corrector (trapezoid):       y1 = y0 + ½ (f(t0, y0) + f(t1, ȳ)) h + ½ (g(t0, y0) + g(t1, ȳ))·ΔW
 * with the same increment ΔW in both. The error estimate is y1 − ȳ (Heun against its Euler–Maruyama
 * predictor), so the scheme also runs adaptively on a queryable noise (`brownianPath`).
 *
 * Assumptions: with additive noise (g depends on t only — the generative SDEs `dX = b dt + √(2ε(t)) dW`)
 * the Itô and Stratonovich readings coincide and the scheme converges to the Itô solution with weak order
 * 2 and strong order 1. With state-dependent diagonal noise it converges to the Stratonovich solution,
 * which differs from the Itô one by the drift ½ g ∂g/∂y. The scheme therefore declares
 * `requires.calculus: 'stratonovich'`: it accepts Stratonovich terms, and Itô terms only with additive noise
 * (`integrate` refuses an Itô term with state-dependent noise, saying why). Use `'euler-maruyama'` for Itô
 * SDEs with multiplicative noise, or rewrite the term in Stratonovich form.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scheme, StepResult, Term } from '../types.js';
import { diffusionTimes, requireNoise } from './euler-maruyama.js';

/**
 * Stochastic Heun (`'stochastic-heun'`): weak order 2 and strong order 1 for additive noise; two drift and
 * two diffusion evaluations per step; error estimate against Euler–Maruyama.
 *
 * @example
 * ```ts
 * const sde = { drift: b, diffusion: (t) => tf.scalar(Math.sqrt(2 * eps(t))) };
 * const sol = await integrate(sde, 'stochastic-heun', x0, { grid: uniformGrid({ steps: 100, tMin: 1e-3 }), seed: 7 });
 * ```
 */
export const stochasticHeun: Scheme<undefined> = {
  name: 'stochastic-heun',
  kind: 'sde',
  requires: { diffusion: 'required', calculus: 'stratonovich' },
  order: 2,
  strongOrder: 1,
  errorOrder: 1,
  stagesPerStep: 2,
  adaptive: true,
  description:
    'stochastic Heun predictor–corrector for additive/diagonal noise, weak order 2 and strong order 1 with additive noise ' +
    '(Stratonovich for state-dependent noise), error estimate against Euler–Maruyama',
  step(term: Term, t0: number, t1: number, y: tf.Tensor, dW: tf.Tensor | undefined): StepResult<undefined> {
    requireNoise('stochastic-heun', term, dW);
    const h = t1 - t0;
    const f0 = term.drift(t0, y);
    const g0dW = diffusionTimes(term, t0, y, dW);
    const predictor = tf.add(tf.add(y, tf.mul(f0, h)), g0dW);
    const f1 = term.drift(t1, predictor);
    const g1dW = diffusionTimes(term, t1, predictor, dW);
    const y1 = tf.add(y, tf.add(tf.mul(tf.add(f0, f1), 0.5 * h), tf.mul(tf.add(g0dW, g1dW), 0.5)));
    return { y1, error: tf.sub(y1, predictor) };
  },
};
