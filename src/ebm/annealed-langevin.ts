/**
 * Annealed Langevin sampling of an energy over a decreasing temperature schedule: unadjusted Langevin (or
 * MALA) at each temperature in turn, each level started from the last one's states.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { SeedStream } from '../random.js';
import { integrate } from '../solver/integrate.js';
import { checkState } from '../solver/options.js';
import { mala } from '../solver/schemes/mala.js';
import { checkBoolean, checkNumberArray, checkOptions } from '../validate.js';
import { langevinTerm } from './langevin.js';
import type { EnergyFunction } from './score-from-energy.js';

/** Options of {@link annealedLangevin}. */
export interface AnnealedLangevinOptions {
  /** Temperatures T_1 ≥ T_2 ≥ … > 0, visited in order (end at 1 to sample `exp(−E)`). */
  temperatures: readonly number[];
  /** Steps at each temperature. */
  stepsPerLevel: number;
  /** Base step size ε > 0; at temperature T the step is `h = ε·T` (see below). */
  stepSize: number;
  /** Seed. */
  seed: number;
  /** Add the Metropolis correction at every level (MALA). @default false */
  metropolis?: boolean;
}

/** What {@link annealedLangevin} returns; owns `x`. */
export interface AnnealedLangevinResult {
  /** The states after the last level, the shape of x0. */
  x: tf.Tensor;
  /** Acceptance rate per level (with `metropolis`). */
  acceptanceRates: number[];
}

/**
 * At temperature T the target is `exp(−E/T)`; the unadjusted step `x ← x − ε ∇E(x) + √(2εT) ξ` is
 * Euler–Maruyama on {@link langevinTerm} with h = ε (the drift −∇E at temperature T) — so the gradient
 * step stays ε at every level while the noise grows with T (the schedule of annealed Langevin dynamics in
 * score-based generative modelling). With `metropolis` each level runs MALA on `E/T` with step `εT`,
 * whose proposal is the same.
 *
 * @throws ArgumentError for an empty or increasing schedule, a temperature ≤ 0, a step size ≤ 0
 * @example
 * ```ts
 * const r = await annealedLangevin(model.energy, x0, { temperatures: [8, 4, 2, 1], stepsPerLevel: 100, stepSize: 0.01, seed: 1 });
 * ```
 */
export async function annealedLangevin(energy: EnergyFunction, x0: tf.Tensor, options: AnnealedLangevinOptions): Promise<AnnealedLangevinResult> {
  const fn = 'annealedLangevin';
  if (typeof energy !== 'function') throw new ArgumentError(fn, 'energy', 'a function (x: [batch, ...event]) => [batch]', describeValue(energy));
  checkState(fn, x0, 'x0');
  const o = checkOptions(fn, options, ['temperatures', 'stepsPerLevel', 'stepSize', 'seed', 'metropolis']);
  const temps = checkNumberArray(fn, 'options.temperatures', o.temperatures, { min: 0, exclusiveMin: true });
  if (temps.length === 0 || temps.some((t, i) => i > 0 && t > temps[i - 1]!)) {
    throw new ArgumentError(fn, 'options.temperatures', 'a non-empty, non-increasing list of temperatures > 0', describeValue(o.temperatures));
  }
  const steps = checkNumber(fn, 'options.stepsPerLevel', o.stepsPerLevel, { min: 1, integer: true });
  const eps = checkNumber(fn, 'options.stepSize', o.stepSize, { min: 0, exclusiveMin: true });
  const seeds = new SeedStream(checkNumber(fn, 'options.seed', o.seed, { integer: true }));
  const metropolis = checkBoolean(fn, 'options.metropolis', o.metropolis ?? false);
  let x = x0;
  const acceptanceRates: number[] = [];
  for (const [i, temperature] of temps.entries()) {
    const term = langevinTerm(energy, { temperature });
    const last = i === temps.length - 1;
    const sol = metropolis
      ? await integrate(term, mala, x, { steps, t1: steps * eps * temperature, seed: seeds.next(), checkFinite: last })
      : await integrate(term, 'euler-maruyama', x, { steps, t1: steps * eps, seed: seeds.next(), checkFinite: last });
    if (metropolis) acceptanceRates.push((sol.stats.scheme!.accepted as number) / (sol.stats.scheme!.proposed as number));
    if (x !== x0) x.dispose();
    x = sol.y;
  }
  return { x, acceptanceRates };
}
