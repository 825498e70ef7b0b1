/**
 * Langevin dynamics of an energy as a solver term: `dX = −∇E(X) dt + √(2T) dW`, whose stationary law is
 * `∝ exp(−E/T)`. Integrated by `'euler-maruyama'` it is the unadjusted Langevin algorithm (ULA); the same
 * term carries the tempered energy `E/T`, so `'mala'` adds the Metropolis correction.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import type { Term } from '../solver/types.js';
import { checkOptions } from '../validate.js';
import { energyGradientScore } from './score-from-energy.js';
import type { EnergyFunction } from './score-from-energy.js';

/** Options of {@link langevinTerm}. */
export interface LangevinTermOptions {
  /** Temperature T > 0: the target is `exp(−E/T)`. @default 1 */
  temperature?: number;
}

/**
 * The Langevin term of an energy: drift `−∇E(y)`, additive diffusion `√(2T)`, energy `E(y)/T`.
 * With fixed steps h, Euler–Maruyama gives ULA, `y ← y − h∇E(y) + √(2hT) ξ`, whose stationary law carries
 * an O(h) bias (for `E = x²/(2σ²)`, T = 1, the chain's variance is exactly `σ² / (1 − h/(2σ²))`).
 *
 * @throws ArgumentError when `energy` is not a function or T ≤ 0
 * @example
 * ```ts
 * const term = langevinTerm(model.energy);
 * const sol = await integrate(term, 'euler-maruyama', x0, { steps: 1000, t1: 1000 * 0.01, seed: 3 }); // h = 0.01
 * ```
 */
export function langevinTerm(energy: EnergyFunction, options: LangevinTermOptions = {}): Term {
  const fn = 'langevinTerm';
  if (typeof energy !== 'function') throw new ArgumentError(fn, 'energy', 'a function (x: [batch, ...event]) => [batch]', describeValue(energy));
  const o = checkOptions(fn, options, ['temperature']);
  const temperature = checkNumber(fn, 'options.temperature', o.temperature ?? 1, { min: 0, exclusiveMin: true });
  const sigma = Math.sqrt(2 * temperature);
  return {
    drift: (_t, y) => energyGradientScore(energy, y),
    diffusion: () => tf.scalar(sigma),
    additiveNoise: true,
    energy: (_t, y) => (temperature === 1 ? energy(y) : tf.div(energy(y), temperature)),
  };
}
