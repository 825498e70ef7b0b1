/**
 * The terminal table of a comparison report.
 */
import type { CompareReport, CompareResult } from './types.js';

/** Options of {@link formatCompareTable}. */
export interface CompareTableOptions {
  /**
   * Include the wall-seconds column (the only column that differs between two runs with the same seed).
   * @default true
   */
  seconds?: boolean;
}

/** A metric value with 4 significant digits (exponent form below 1e-3). */
export function formatMetric(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return '–';
  if (v !== 0 && Math.abs(v) < 1e-3) return v.toExponential(2);
  return v.toPrecision(4);
}

/** A standard error with 2 significant digits. */
function formatSE(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (v !== 0 && Math.abs(v) < 1e-3) return v.toExponential(1);
  return v.toPrecision(2);
}

function withSE(v: number | undefined, se: number | undefined): string {
  return se === undefined ? formatMetric(v) : `${formatMetric(v)} ± ${formatSE(se)}`;
}

/** The sampler label of a row: its name, with `:mode` when not the scheme's default (from the cell id). */
export function samplerLabel(r: Pick<CompareResult, 'id' | 'sampler'>): string {
  return r.id.split('|')[0] ?? r.sampler;
}

/**
 * Formats a report as a table — one row per cell (sampler, ε, requested and used NFE, seconds, sliced W2,
 * Sinkhorn, each mean ± SE with repeats) — followed by the floor and the NLL lines.
 */
export function formatCompareTable(report: CompareReport, options: CompareTableOptions = {}): string {
  const showSeconds = options.seconds ?? true;
  const { config, target } = report;
  const hasSW = report.results.some((r) => r.slicedW2 !== undefined);
  const hasSK = report.results.some((r) => r.sinkhorn !== undefined);
  const header = ['sampler', 'ε', 'NFE', 'used', ...(showSeconds ? ['seconds'] : []), ...(hasSW ? ['sliced W2'] : []), ...(hasSK ? ['Sinkhorn'] : [])];
  const rows = report.results.map((r) => [
    samplerLabel(r),
    r.kind === 'ode' ? '–' : String(r.eps),
    String(r.nfe),
    Number.isInteger(r.nfeUsed) ? String(r.nfeUsed) : r.nfeUsed.toFixed(1),
    ...(showSeconds ? [r.seconds.toFixed(3)] : []),
    ...(hasSW ? [withSE(r.slicedW2, r.slicedW2SE)] : []),
    ...(hasSK ? [withSE(r.sinkhorn, r.sinkhornSE)] : []),
  ]);
  const right = new Set([2, 3, ...(showSeconds ? [4] : [])]);
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j]!.length)));
  const line = (row: string[]) => row.map((c, j) => (right.has(j) ? c.padStart(widths[j]!) : c.padEnd(widths[j]!))).join('  ').trimEnd();
  const repeats = `${config.repeats} repeat${config.repeats === 1 ? '' : 's'}${config.repeats > 1 ? ' (mean ± SE)' : ''}`;
  const kind = target.kind === 'oracle' ? 'exact fields: pure sampler error' : 'trained model';
  const out = [
    `target ${target.name} (${kind}; reference: ${target.reference}), n ${config.n}, seed ${config.seed}, ${repeats}${report.shard ? `, shard ${report.shard.index}/${report.shard.count}` : ''}`,
    line(header),
    ...rows.map(line),
  ];
  const f = report.floor;
  if (f) {
    const parts = [...(f.slicedW2 !== undefined ? [`sliced W2 ${withSE(f.slicedW2, f.slicedW2SE)}`] : []), ...(f.sinkhorn !== undefined ? [`Sinkhorn ${withSE(f.sinkhorn, f.sinkhornSE)}`] : [])];
    const draws = config.repeats * (config.floorDraws ?? 1);
    out.push(`floor (${draws} independent reference set${draws === 1 ? '' : 's'} of ${f.n} against the reference): ${parts.length ? parts.join(', ') : 'not available (reference too small)'}`);
  } else if (report.shard) {
    out.push('floor: computed by shard 1 (si merge joins it)');
  }
  const nll: string[] = [];
  if (target.nll !== undefined) nll.push(`model ${withSE(target.nll, target.nllSE)} (ODE likelihood −mean log ρ̂1(reference))`);
  if (f?.nll !== undefined) nll.push(`exact ${withSE(f.nll, f.nllSE)} (−mean log ρ1(reference))`);
  if (nll.length) out.push(`NLL: ${nll.join('; ')}`);
  return out.join('\n');
}
