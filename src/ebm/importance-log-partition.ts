/**
 * The log normaliser `log Z = log ∫ exp(−E(x)) dx` of an energy by importance sampling from a law q with an
 * exact log density, with its standard error.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AnyDistribution } from '../distributions/types.js';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { SeedStream } from '../random.js';
import { checkOptions } from '../validate.js';
import { noiseSource } from './noise-source.js';
import type { NoiseSource } from './noise-source.js';
import type { EnergyFunction } from './score-from-energy.js';

/** Options of {@link importanceLogPartition}. */
export interface ImportanceLogPartitionOptions {
  /** Number of draws M from q. */
  samples: number;
  /** Seed of the draws. */
  seed: number;
  /** Draws per energy evaluation. @default 8192 */
  chunk?: number;
}

/** What {@link importanceLogPartition} returns. */
export interface LogPartitionEstimate {
  /** `log Ẑ = log mean_j w_j`, `w_j = exp(−E(y_j)) / q(y_j)`. */
  logZ: number;
  /** Standard error of log Ẑ by the delta method: `sd(w) / (√M · mean(w))`. */
  standardError: number;
  /** Effective sample size `(Σ w)² / Σ w²`. */
  effectiveSampleSize: number;
}

/**
 * Importance sampling of the normaliser: `Ẑ = (1/M) Σ_j exp(−E(y_j) − log q(y_j))`, `y_j ~ q`, in float64 after
 * a log-sum-exp shift (weights never overflow). Unbiased for Z; log Ẑ has a downward bias of order SE²/2.
 *
 * @throws ArgumentError for a q without an exact log density, bad counts, or non-finite energies
 * @example
 * ```ts
 * const { logZ, standardError } = await importanceLogPartition(model.energy, q, { samples: 50000, seed: 2 });
 * ```
 */
export async function importanceLogPartition(energy: EnergyFunction, q: AnyDistribution | NoiseSource, options: ImportanceLogPartitionOptions): Promise<LogPartitionEstimate> {
  const fn = 'importanceLogPartition';
  if (typeof energy !== 'function') throw new ArgumentError(fn, 'energy', 'a function (x: [batch, ...event]) => [batch]', describeValue(energy));
  const source = noiseSource(fn, 'q', q);
  const o = checkOptions(fn, options, ['samples', 'seed', 'chunk']);
  const total = checkNumber(fn, 'options.samples', o.samples, { min: 1, integer: true });
  const chunk = checkNumber(fn, 'options.chunk', o.chunk ?? 8192, { min: 1, integer: true });
  const seeds = new SeedStream(checkNumber(fn, 'options.seed', o.seed, { integer: true }));
  const logW = new Float64Array(total);
  for (let start = 0; start < total; start += chunk) {
    const n = Math.min(chunk, total - start);
    const { x, logq } = await source.draw(n, seeds);
    const lw = tf.tidy(() => tf.neg(tf.add(energy(x), logq)));
    logW.set(await lw.data(), start);
    tf.dispose([x, logq, lw]);
  }
  let max = -Infinity;
  for (const v of logW) {
    if (Number.isNaN(v) || v === Infinity) throw new ArgumentError(fn, 'energy', 'finite energies at the draws of q', 'a non-finite energy');
    if (v > max) max = v;
  }
  let s1 = 0;
  let s2 = 0;
  for (const v of logW) {
    const w = Math.exp(v - max);
    s1 += w;
    s2 += w * w;
  }
  const mean = s1 / total;
  const variance = Math.max(0, s2 / total - mean * mean) * (total / Math.max(1, total - 1));
  return { logZ: max + Math.log(mean), standardError: Math.sqrt(variance / total) / mean, effectiveSampleSize: (s1 * s1) / s2 };
}
