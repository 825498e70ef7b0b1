/**
 * Euler–Maruyama for Itô SDEs with any noise (diagonal `diffusion` or general `diffusionProd`):
 *   y1 = y0 + f(t0, y0) h + g(t0, y0)·ΔW,   ΔW = W(t1) − W(t0),  h = t1 − t0.
 * Weak order 1; strong order 1/2 (1 for additive noise). One drift and one diffusion evaluation per step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '../../errors.js';
import type { Scheme, StepResult, Term } from '../types.js';

/**
 * Throws when an SDE scheme is stepped without noise or increment (the core never does this); returns the
 * term's `g·dW` (its `diffusionProd`, or `diffusion ⊙ dW` for a term built by hand outside the core).
 */
export function requireNoise(scheme: string, term: Term, dW: tf.Tensor | undefined): asserts dW is tf.Tensor {
  if ((term.diffusion === undefined && term.diffusionProd === undefined) || dW === undefined) {
    throw new ArgumentError(`${scheme}.step`, 'term', 'a term with diffusion and a noise increment dW', 'none');
  }
}

/** `g(t, y)·dW` of a term: its `diffusionProd`, else the diagonal `diffusion(t, y) ⊙ dW`. */
export function diffusionTimes(term: Term, t: number, y: tf.Tensor, dW: tf.Tensor): tf.Tensor {
  return term.diffusionProd !== undefined ? term.diffusionProd(t, y, dW) : tf.mul(term.diffusion!(t, y), dW);
}

/**
 * Euler–Maruyama (`'euler-maruyama'`): the Itô SDE workhorse, fixed steps only; takes diagonal and general
 * (`diffusionProd`, any `noiseShape`) noise.
 *
 * @example
 * ```ts
 * const ou = { drift: (_t, y) => tf.mul(y, -1), diffusion: () => tf.scalar(0.5) };
 * const sol = await integrate(ou, 'euler-maruyama', x0, { steps: 200, seed: 1 });
 * ```
 */
export const eulerMaruyama: Scheme<undefined> = {
  name: 'euler-maruyama',
  kind: 'sde',
  requires: { diffusion: 'required', calculus: 'ito' },
  order: 1,
  strongOrder: 0.5,
  stagesPerStep: 1,
  adaptive: false,
  description: 'Euler–Maruyama for Itô SDEs, weak order 1, strong order 0.5 (1 with additive noise)',
  step(term: Term, t0: number, t1: number, y: tf.Tensor, dW: tf.Tensor | undefined): StepResult<undefined> {
    requireNoise('euler-maruyama', term, dW);
    const h = t1 - t0;
    const drift = tf.mul(term.drift(t0, y), h);
    const noise = diffusionTimes(term, t0, y, dW);
    return { y1: tf.add(tf.add(y, drift), noise) };
  },
};
