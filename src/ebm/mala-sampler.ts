/**
 * Sampling an energy model with MALA on the solver core, with optional step-size adaptation towards a target
 * acceptance rate during a burn-in.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { SeedStream } from '../random.js';
import { integrate } from '../solver/integrate.js';
import { checkState } from '../solver/options.js';
import type { Term } from '../solver/types.js';
import { checkBoolean, checkOptions } from '../validate.js';
import { mala } from '../solver/schemes/mala.js';
import type { EnergyFunction } from './score-from-energy.js';

/** Step-size adaptation of {@link sampleMala}. */
export interface MalaAdaptation {
  /** Burn-in steps spent adapting (not counted in `steps`). */
  steps: number;
  /** Target acceptance rate in (0, 1). @default 0.574 (the optimal rate of MALA in high dimension) */
  targetAcceptance?: number;
  /** Steps per adaptation round (the step size is fixed within a round). @default 10 */
  every?: number;
}

/** Options of {@link sampleMala}. */
export interface MalaOptions {
  /** MALA steps after the burn-in. */
  steps: number;
  /** Step size h > 0 (the initial one when adapting). */
  stepSize: number;
  /** Seed of the proposals and the accept/reject draws. */
  seed: number;
  /** Temperature T > 0: the target is `exp(−E/T)`. @default 1 */
  temperature?: number;
  /** Adapt the step size during a burn-in first. @default none */
  adapt?: MalaAdaptation;
  /** Check the final state is finite. @default true */
  checkFinite?: boolean;
}

/** What {@link sampleMala} returns; owns `x`. */
export interface MalaResult {
  /** The final states, the shape of x0. */
  x: tf.Tensor;
  /** The step size used after the burn-in. */
  stepSize: number;
  /** Accepted / proposed over the `steps` after the burn-in. */
  acceptanceRate: number;
  /** Step size and acceptance rate of every adaptation round. */
  adaptation: { stepSize: number; acceptanceRate: number }[];
  /** Energy evaluations in all. */
  nfeEnergy: number;
}

/** The MALA term of an energy at temperature T (no drift: the scheme uses the energy). */
function malaTerm(energy: EnergyFunction, temperature: number): Term {
  return { drift: (_t, y) => tf.zerosLike(y), energy: (_t, y) => (temperature === 1 ? energy(y) : tf.div(energy(y), temperature)) };
}

/**
 * Runs MALA chains from `x0: [batch, ...event]` (one chain per row) targeting `exp(−E/T)`. With `adapt`, a
 * burn-in of `adapt.steps` steps first adapts the step size in rounds of `adapt.every` steps by the
 * Robbins–Monro rule `log h ← log h + (r − r*) / √(k + 1)` (r the round's acceptance rate, r* the target,
 * k the round), then `steps` steps run at the final h. Built on `integrate(term, 'mala', …)` with
 * `t1 = steps·h`, so every step has size h.
 *
 * @throws ArgumentError for a step size ≤ 0, a bad count, temperature or target
 * @example
 * ```ts
 * const r = await sampleMala(model.energy, x0, { steps: 200, stepSize: 0.1, seed: 1, adapt: { steps: 200 } });
 * r.acceptanceRate; // ≈ 0.57
 * r.x.dispose();
 * ```
 */
export async function sampleMala(energy: EnergyFunction, x0: tf.Tensor, options: MalaOptions): Promise<MalaResult> {
  const fn = 'sampleMala';
  if (typeof energy !== 'function') throw new ArgumentError(fn, 'energy', 'a function (x: [batch, ...event]) => [batch]', describeValue(energy));
  checkState(fn, x0, 'x0');
  const o = checkOptions(fn, options, ['steps', 'stepSize', 'seed', 'temperature', 'adapt', 'checkFinite']);
  const steps = checkNumber(fn, 'options.steps', o.steps, { min: 1, integer: true });
  let h = checkNumber(fn, 'options.stepSize', o.stepSize, { min: 0, exclusiveMin: true });
  const seed = checkNumber(fn, 'options.seed', o.seed, { integer: true });
  const temperature = checkNumber(fn, 'options.temperature', o.temperature ?? 1, { min: 0, exclusiveMin: true });
  const finite = checkBoolean(fn, 'options.checkFinite', o.checkFinite ?? true);
  const seeds = new SeedStream(seed);
  const term = malaTerm(energy, temperature);
  let nfeEnergy = 0;
  const run = async (x: tf.Tensor, n: number, checkFinite: boolean) => {
    const sol = await integrate(term, mala, x, { steps: n, t0: 0, t1: n * h, seed: seeds.next(), checkFinite });
    nfeEnergy += sol.stats.nfeEnergy;
    const s = sol.stats.scheme!;
    return { y: sol.y, rate: (s.accepted as number) / (s.proposed as number) };
  };
  const adaptation: MalaResult['adaptation'] = [];
  let x = x0;
  if (o.adapt !== undefined) {
    const a = checkOptions(fn, o.adapt, ['steps', 'targetAcceptance', 'every']);
    const burn = checkNumber(fn, 'options.adapt.steps', a.steps, { min: 1, integer: true });
    const target = checkNumber(fn, 'options.adapt.targetAcceptance', a.targetAcceptance ?? 0.574, { min: 0, exclusiveMin: true, max: 1 });
    const every = checkNumber(fn, 'options.adapt.every', a.every ?? 10, { min: 1, integer: true });
    for (let done = 0, k = 0; done < burn; k++) {
      const n = Math.min(every, burn - done);
      const { y, rate } = await run(x, n, false);
      if (x !== x0) x.dispose();
      x = y;
      adaptation.push({ stepSize: h, acceptanceRate: rate });
      h *= Math.exp((rate - target) / Math.sqrt(k + 1));
      done += n;
    }
  }
  const { y, rate } = await run(x, steps, finite);
  if (x !== x0) x.dispose();
  return { x: y, stepSize: h, acceptanceRate: rate, adaptation, nfeEnergy };
}
