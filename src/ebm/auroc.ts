/**
 * The area under the ROC curve of a score that should be larger on positives (out-of-distribution points)
 * than on negatives, for out-of-distribution detection with energies as scores.
 */
import { ArgumentError, describeValue } from '../errors.js';

/**
 * AUROC = P(s⁺ > s⁻) + ½ P(s⁺ = s⁻) over independent positive and negative scores — the Mann–Whitney U
 * statistic divided by n⁺n⁻, computed exactly from average ranks (ties count one half), in float64.
 *
 * @param positives - scores of the positives (e.g. energies of out-of-distribution points)
 * @param negatives - scores of the negatives (energies of in-distribution points)
 * @throws ArgumentError for an empty list or a non-finite score
 * @example
 * ```ts
 * auroc([3, 4], [1, 2]); // 1
 * auroc([1, 2], [1, 2]); // 0.5
 * ```
 */
export function auroc(positives: ArrayLike<number>, negatives: ArrayLike<number>): number {
  const fn = 'auroc';
  for (const [arg, v] of [
    ['positives', positives],
    ['negatives', negatives],
  ] as const) {
    if (v === null || typeof v !== 'object' || typeof v.length !== 'number' || v.length === 0) throw new ArgumentError(fn, arg, 'a non-empty array of scores', describeValue(v));
    for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) throw new ArgumentError(fn, arg, 'finite scores', `${describeValue(v[i])} at index ${i}`);
  }
  const p = positives.length;
  const q = negatives.length;
  const all: { s: number; pos: boolean }[] = [];
  for (let i = 0; i < p; i++) all.push({ s: positives[i]!, pos: true });
  for (let i = 0; i < q; i++) all.push({ s: negatives[i]!, pos: false });
  all.sort((a, b) => a.s - b.s);
  let rankSum = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j < all.length && all[j]!.s === all[i]!.s) j++;
    const rank = (i + 1 + j) / 2; // average of ranks i+1 … j
    for (let k = i; k < j; k++) if (all[k]!.pos) rankSum += rank;
    i = j;
  }
  return (rankSum - (p * (p + 1)) / 2) / (p * q);
}
