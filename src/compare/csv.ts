/**
 * A comparison report as CSV: one row per cell, then one `floor` row.
 */
import { writeFileAtomic } from '../atomic-write.js';
import { samplerLabel } from './table.js';
import type { CompareReport } from './types.js';

/** CSV columns, in order. */
export const COMPARE_CSV_COLUMNS = [
  'sampler', 'kind', 'mode', 'eps', 'nfe', 'nfeUsed', 'steps', 'tolerance', 'seconds', 'secondsSE',
  'slicedW2', 'slicedW2SE', 'sinkhorn', 'sinkhornSE', 'nll', 'repeats',
] as const;

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The report as CSV text with a header ({@link COMPARE_CSV_COLUMNS}); `sampler` is the label (`heun`,
 * `heun:adaptive`). A last row with sampler `floor` holds the floor's metrics (nfe columns empty, `nll` the
 * exact −mean log ρ1 where known).
 */
export function compareCsv(report: CompareReport): string {
  const lines = [COMPARE_CSV_COLUMNS.join(',')];
  for (const r of report.results) {
    const row: Record<string, unknown> = { ...r, sampler: samplerLabel(r) };
    lines.push(COMPARE_CSV_COLUMNS.map((c) => cell(row[c])).join(','));
  }
  if (report.floor) {
    const f = report.floor;
    const row: Record<string, unknown> = { sampler: 'floor', slicedW2: f.slicedW2, slicedW2SE: f.slicedW2SE, sinkhorn: f.sinkhorn, sinkhornSE: f.sinkhornSE, nll: f.nll, repeats: report.config.repeats };
    lines.push(COMPARE_CSV_COLUMNS.map((c) => cell(row[c])).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Writes {@link compareCsv} to `path` atomically (temporary file, then rename), creating the directory. */
export function writeCompareCsv(report: CompareReport, path: string): void {
  writeFileAtomic(path, compareCsv(report));
}
