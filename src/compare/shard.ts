/**
 * Sharding a grid: `k/n` runs every n-th cell of the canonical order, starting at the k-th, so that a large
 * sweep runs as an array job and `si merge` joins the parts.
 */
import { ArgumentError, describeValue } from '../errors.js';
import type { ShardSpec } from './types.js';

/**
 * Parses `k/n` (1 ≤ k ≤ n).
 *
 * @example
 * ```ts
 * parseShard('2/4'); // { index: 2, count: 4 }
 * parseShard('3/2'); // throws: k must be between 1 and n
 * ```
 */
export function parseShard(text: string, fn = 'parseShard', arg = 'shard'): ShardSpec {
  const m = typeof text === 'string' ? /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text) : null;
  if (!m) throw new ArgumentError(fn, arg, 'k/n with integers 1 <= k <= n (e.g. 2/4)', describeValue(text));
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new ArgumentError(fn, arg, 'k/n with integers 1 <= k <= n (e.g. 2/4)', describeValue(text));
  return { index, count };
}

/**
 * The cells of shard k of n: those at positions i (canonical order) with `i mod n = k − 1`. Interleaving
 * spreads cheap and expensive cells (low and high NFE) evenly over the shards.
 */
export function shardCells<T extends { index: number }>(cells: readonly T[], shard: ShardSpec | undefined): T[] {
  if (shard === undefined) return [...cells];
  return cells.filter((c) => c.index % shard.count === shard.index - 1);
}
