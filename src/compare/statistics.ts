/**
 * Means and standard errors over repeats.
 */
import type { MeanSE } from './types.js';

/**
 * The mean of `values` and the standard error of the mean `sd / √k` (sample sd, k − 1 in the
 * denominator); the SE is absent for a single value. NaN for an empty list.
 *
 * @example
 * ```ts
 * meanSE([1, 2, 3]); // { mean: 2, se: 0.577… }
 * ```
 */
export function meanSE(values: readonly number[]): MeanSE {
  const k = values.length;
  if (k === 0) return { mean: Number.NaN };
  const mean = values.reduce((a, b) => a + b, 0) / k;
  if (k === 1) return { mean };
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (k - 1);
  return { mean, se: Math.sqrt(variance / k) };
}
