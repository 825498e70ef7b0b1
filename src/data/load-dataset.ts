/**
 * A dataset from what a user types: a registered name (`checkerboard`) or the path of a numeric CSV file
 * (`data/points.csv`), as the CLI and saved runs refer to them.
 */
import { resolve } from 'node:path';
import { csvDataset } from './csv.js';
import { getDataset } from './registry.js';
import type { Dataset } from './types.js';

/** Whether `spec` names a CSV file rather than a registered dataset. */
export function isCsvPath(spec: string): boolean {
  return /\.csv$/i.test(spec);
}

/**
 * Loads a registered dataset by name, or a CSV file (header optional, one sample per row) by path. Unknown
 * names fail with the list of registered ones; unreadable or malformed files with the file, line and column.
 *
 * @example
 * ```ts
 * const target = await loadDataset('checkerboard');
 * const mine = await loadDataset('data/points.csv');
 * ```
 */
export async function loadDataset(spec: string): Promise<Dataset> {
  return isCsvPath(spec) ? csvDataset(spec, { name: resolve(spec) }) : getDataset(spec);
}
