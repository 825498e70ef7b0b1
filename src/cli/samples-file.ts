/**
 * Writing samples to `.csv` (with a header) or `.json`, atomically.
 */
import { extname } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { ArgumentError } from '../errors.js';

/**
 * Writes `[n, d]` samples (row-major) to `path`: CSV with a header `x1,…,xd`, or JSON
 * `{ "columns": [...], "data": [[...], ...] }`, chosen by the extension. Atomic (temp file + rename).
 */
export function writeSamples(path: string, data: ArrayLike<number>, n: number, d: number): void {
  const ext = extname(path).toLowerCase();
  if (ext !== '.csv' && ext !== '.json') throw new ArgumentError('writeSamples', '--out', 'a path ending in .csv or .json', JSON.stringify(path));
  const columns = Array.from({ length: d }, (_, j) => `x${j + 1}`);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from({ length: d }, (_, j) => data[i * d + j] as number));
  const text =
    ext === '.csv'
      ? `${columns.join(',')}\n${rows.map((r) => r.map((v) => String(v)).join(',')).join('\n')}\n`
      : `${JSON.stringify({ columns, data: rows })}\n`;
  writeFileAtomic(path, text);
}
