/**
 * The speeds γ_1 < … < γ_K of the Ornstein–Uhlenbeck factors of the Markov-approximate fBM: a geometric
 * grid (MATH.md §2.2).
 */
import { ArgumentError, checkNumber, describeValue } from '../errors.js';

/** Options of {@link speedGrid}. */
export interface SpeedGridOptions {
  /** Number of OU factors, an integer ≥ 1. */
  K: number;
  /** Largest speed γ_K > 0. */
  gammaMax: number;
  /**
   * Smallest speed γ_1: `0 < gammaMin < gammaMax` (equal is allowed only for K = 1).
   * @default 1 / gammaMax
   */
  gammaMin?: number;
}

/**
 * Validated speed-grid options: `K` an integer ≥ 1, `0 < gammaMin < gammaMax` (≤ for K = 1). Throws an
 * ArgumentError naming `fn` and the argument (`options.K`, `options.gammaMin`, `options.gammaMax`).
 */
export function checkSpeedGridOptions(fn: string, options: SpeedGridOptions): { K: number; gammaMin: number; gammaMax: number } {
  const K = checkNumber(fn, 'options.K', options.K, { integer: true, min: 1 });
  const gammaMax = checkNumber(fn, 'options.gammaMax', options.gammaMax, { min: 0, exclusiveMin: true });
  const gammaMin = checkNumber(fn, 'options.gammaMin', options.gammaMin ?? 1 / gammaMax, { min: 0, exclusiveMin: true });
  const ordered = K === 1 ? gammaMin <= gammaMax : gammaMin < gammaMax;
  if (!ordered) {
    throw new ArgumentError(
      fn,
      'options.gammaMin',
      `${K === 1 ? '<=' : '<'} options.gammaMax = ${gammaMax} (the speed bounds must be ordered${options.gammaMin === undefined ? '; the default gammaMin is 1/gammaMax, so gammaMax must exceed 1' : ''})`,
      describeValue(gammaMin),
    );
  }
  return { K, gammaMin, gammaMax };
}

/**
 * The geometric speed grid `γ_k = c · r^{k − (K+1)/2}`, k = 1…K, with centre `c = √(γ_min γ_max)` and
 * ratio `r = (γ_max/γ_min)^{1/(K−1)}`, so that γ_1 = γ_min and γ_K = γ_max. With the default
 * `γ_min = 1/γ_max` this is the paper's grid `γ_k = r^{k−(K+1)/2}`, `r = γ_max^{2/(K−1)}`.
 * K = 1 gives the single speed `c = √(γ_min γ_max)` (1 with the default γ_min): the geometric centre of the
 * range, the limit of the grid's middle point.
 *
 * @returns the K speeds, increasing, as a Float64Array.
 * @throws ArgumentError for K < 1, non-positive or unordered bounds.
 * @example
 * ```ts
 * speedGrid({ K: 5, gammaMax: 20 }); // [0.05, 0.2236, 1, 4.472, 20]
 * ```
 */
export function speedGrid(options: SpeedGridOptions): Float64Array {
  const { K, gammaMin, gammaMax } = checkSpeedGridOptions('speedGrid', options);
  const gammas = new Float64Array(K);
  if (K === 1) {
    gammas[0] = Math.sqrt(gammaMin * gammaMax);
    return gammas;
  }
  const defaultMin = options.gammaMin === undefined;
  const centre = defaultMin ? 1 : Math.sqrt(gammaMin * gammaMax);
  const r = defaultMin ? Math.pow(gammaMax, 2 / (K - 1)) : Math.pow(gammaMax / gammaMin, 1 / (K - 1));
  for (let k = 1; k <= K; k++) gammas[k - 1] = centre * Math.pow(r, k - (K + 1) / 2);
  gammas[0] = gammaMin;
  gammas[K - 1] = gammaMax;
  return gammas;
}
