/**
 * The Metropolis-adjusted Langevin algorithm (MALA) as a scheme of the solver core: one Langevin proposal
 * per step with step size h = |t1 − t0|, accepted or rejected per row so that `exp(−U)` is left exactly
 * invariant. Needs `term.energy` and seeded draws (`options.seed`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Scheme, StepContext, StepResult, Term } from '../types.js';

/** Per-row sums over the event axes of `[batch, ...event]` → `[batch]`. */
function rowSum(x: tf.Tensor): tf.Tensor {
  return x.rank === 1 ? x : tf.sum(x, Array.from({ length: x.rank - 1 }, (_, i) => i + 1));
}

/**
 * MALA (`'mala'`): with U = `term.energy(t0, ·)` and h = |t1 − t0|,
 *
 *   proposal  y' = y − h ∇U(y) + √(2h) ξ,  ξ ~ N(0, I) (from `ctx.random`),
 *   log α     = U(y) − U(y') + (|y' − y + h∇U(y)|² − |y − y' + h∇U(y')|²) / (4h),
 *   accept    when log u < log α, u ~ U(0, 1) (from `ctx.random`), else stay at y.
 *
 * The drift and any diffusion of the term are ignored (the energy defines the target `exp(−U)`). Summaries
 * (in `Solution.stats.scheme`): `accepted` and `proposed` (their ratio is the acceptance rate). Four energy
 * evaluations per step (U and ∇U at y and y').
 *
 * @example
 * ```ts
 * const term = { drift: (_t, y) => tf.zerosLike(y), energy: (_t, y) => model.energy(y) };
 * const sol = await integrate(term, 'mala', x0, { steps: 500, t1: 500 * 0.05, seed: 1 }); // h = 0.05
 * const rate = sol.stats.scheme.accepted / sol.stats.scheme.proposed;
 * ```
 */
export const mala: Scheme<undefined> = {
  name: 'mala',
  kind: 'sde',
  requires: { diffusion: 'optional', energy: true, randomness: true },
  order: 1,
  stagesPerStep: 0,
  adaptive: false,
  description: 'Metropolis-adjusted Langevin (MALA) on term.energy, step h = |dt|, exact invariance of exp(−U); acceptance in stats.scheme',
  step(term: Term, t0: number, t1: number, y: tf.Tensor, _dW: tf.Tensor | undefined, _state: undefined, ctx: StepContext): StepResult<undefined> {
    const h = Math.abs(t1 - t0);
    const energy = term.energy!;
    const grad = (x: tf.Tensor) => tf.grad((z: tf.Tensor) => tf.sum(energy(t0, z)))(x);
    const g0 = grad(y);
    const proposal = tf.add(tf.sub(y, tf.mul(g0, h)), tf.mul(ctx.random.normal(y.shape), Math.sqrt(2 * h)));
    const g1 = grad(proposal);
    const forward = rowSum(tf.square(tf.add(tf.sub(proposal, y), tf.mul(g0, h))));
    const backward = rowSum(tf.square(tf.add(tf.sub(y, proposal), tf.mul(g1, h))));
    const logRatio = tf.add(tf.sub(energy(t0, y), energy(t0, proposal)), tf.div(tf.sub(forward, backward), 4 * h));
    // NaN log-ratios (a non-finite energy at the proposal) reject.
    const accept = tf.logicalAnd(tf.less(tf.log(ctx.random.uniform([ctx.batch])), logRatio), tf.isFinite(logRatio));
    const mask = tf.reshape(accept, [ctx.batch, ...ctx.eventShape.map(() => 1)]);
    const y1 = tf.where(tf.broadcastTo(mask, y.shape), proposal, y);
    return { y1, summary: { accepted: tf.sum(tf.cast(accept, 'float32')), proposed: tf.scalar(ctx.batch) } };
  },
};
