/**
 * The samplers `si sample` and `si compare` run on an energy run, by name, for a budget of energy-gradient
 * steps: unadjusted Langevin (`langevin`: Euler–Maruyama on `langevinTerm`), MALA (`mala`: the Metropolis-
 * adjusted scheme, its step size adapted during the first half of the budget) and annealed Langevin
 * (`annealed`: temperatures 8, 4, 2, 1, a quarter of the budget each).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { annealedLangevin } from '../ebm/annealed-langevin.js';
import { langevinTerm } from '../ebm/langevin.js';
import { sampleMala } from '../ebm/mala-sampler.js';
import type { EnergyFunction } from '../ebm/score-from-energy.js';
import { ArgumentError, checkNumber } from '../errors.js';
import { integrate } from '../solver/integrate.js';
import { didYouMean } from './suggest.js';

/** The samplers of an energy run. */
export const ENERGY_SAMPLERS = ['langevin', 'mala', 'annealed'] as const;
/** One of {@link ENERGY_SAMPLERS}. */
export type EnergySamplerName = (typeof ENERGY_SAMPLERS)[number];

/** Other names accepted for them. */
const ALIASES: Record<string, EnergySamplerName> = { ula: 'langevin', 'euler-maruyama': 'langevin', em: 'langevin', 'annealed-langevin': 'annealed' };

/** The temperatures of `annealed` (the last is 1: the run's own density). */
export const ANNEALING_TEMPERATURES = [8, 4, 2, 1] as const;

/**
 * Resolves a sampler name (or alias: `ula`, `em`, `euler-maruyama` → `langevin`) of an energy run.
 *
 * @throws ArgumentError naming `flag` for any other name
 */
export function energySampler(command: string, flag: string, name: string): EnergySamplerName {
  const n = name.trim();
  if ((ENERGY_SAMPLERS as readonly string[]).includes(n)) return n as EnergySamplerName;
  if (ALIASES[n]) return ALIASES[n]!;
  const hint = didYouMean(n, [...ENERGY_SAMPLERS, ...Object.keys(ALIASES)]);
  throw new ArgumentError(command, flag, `for an energy run, one of ${ENERGY_SAMPLERS.join(', ')} (aliases ula, em → langevin)`, `${JSON.stringify(name)}${hint}`);
}

/** Options of {@link sampleEnergy}. */
export interface SampleEnergyOptions {
  sampler: EnergySamplerName;
  /** Energy-gradient steps in all (MALA: half adapt the step size, half sample; annealed: a quarter per level). */
  steps: number;
  /** Step size h > 0 (MALA: the initial one; annealed: ε, the step at temperature T being εT with the noise). */
  stepSize: number;
  seed: number;
}

/** What {@link sampleEnergy} returns; owns `x`. */
export interface EnergySamples {
  /** Final states, the shape of x0. */
  x: tf.Tensor;
  /** Accepted / proposed after the burn-in (MALA only). */
  acceptanceRate?: number;
  /** The step size used (MALA: after adaptation). */
  stepSize: number;
  /** Energy-gradient steps taken. */
  steps: number;
}

/**
 * Runs one chain per row of `x0` (borrowed) for `steps` steps of the named sampler on `exp(−E)`.
 *
 * @throws ArgumentError for a bad count or step size; SolverError when a chain becomes non-finite
 * @example
 * ```ts
 * const r = await sampleEnergy(run.model.energy, x0, { sampler: 'mala', steps: 200, stepSize: 0.05, seed: 1 });
 * r.acceptanceRate; // in (0, 1)
 * r.x.dispose();
 * ```
 */
export async function sampleEnergy(energy: EnergyFunction, x0: tf.Tensor, options: SampleEnergyOptions): Promise<EnergySamples> {
  const fn = 'sampleEnergy';
  const steps = checkNumber(fn, 'options.steps', options.steps, { min: 1, integer: true });
  const h = checkNumber(fn, 'options.stepSize', options.stepSize, { min: 0, exclusiveMin: true });
  const seed = checkNumber(fn, 'options.seed', options.seed, { integer: true });
  if (options.sampler === 'langevin') {
    const sol = await integrate(langevinTerm(energy), 'euler-maruyama', x0, { steps, t0: 0, t1: steps * h, seed });
    return { x: sol.y, stepSize: h, steps };
  }
  if (options.sampler === 'mala') {
    const burn = Math.floor(steps / 2);
    const r = await sampleMala(energy, x0, { steps: steps - burn, stepSize: h, seed, ...(burn > 0 ? { adapt: { steps: burn, every: Math.min(10, burn) } } : {}) });
    return { x: r.x, acceptanceRate: r.acceptanceRate, stepSize: r.stepSize, steps };
  }
  const levels = Math.min(ANNEALING_TEMPERATURES.length, steps);
  const temperatures = ANNEALING_TEMPERATURES.slice(ANNEALING_TEMPERATURES.length - levels);
  const r = await annealedLangevin(energy, x0, { temperatures, stepsPerLevel: Math.floor(steps / levels), stepSize: h, seed });
  return { x: r.x, stepSize: h, steps: levels * Math.floor(steps / levels) };
}
