/**
 * Joining the reports of the shards of one grid (`si merge`), and reading reports from files.
 */
import { readFileSync } from 'node:fs';
import { ArgumentError, describeValue } from '../errors.js';
import { expandGrid, parseEpsilonList, parseNfeList } from './grid.js';
import { parseSamplerList } from './samplers.js';
import type { CompareConfig, CompareReport } from './types.js';

const FN = 'mergeReports';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Throws unless `value` looks like a {@link CompareReport}. */
export function checkCompareReport(fn: string, arg: string, value: unknown): CompareReport {
  const r = value as CompareReport;
  if (typeof r !== 'object' || r === null || r.format !== 'si-compare' || r.version !== 1 || typeof r.config !== 'object' || !Array.isArray(r.results)) {
    throw new ArgumentError(fn, arg, "an 'si compare' report (JSON with \"format\": \"si-compare\", version 1)", describeValue(value));
  }
  return r;
}

/** The cell ids of a config's whole grid, in canonical order. */
export function gridIds(config: CompareConfig, fn = FN): string[] {
  return expandGrid(parseSamplerList(config.samplers, fn, 'config.samplers'), parseNfeList(config.nfe, fn, 'config.nfe'), parseEpsilonList(config.eps, fn, 'config.eps')).map((c) => c.id);
}

/**
 * Joins the reports of all shards `1/n … n/n` of one grid into the report of the whole grid: the same rows,
 * in the same canonical order, as one unsharded run with the same seed (wall seconds aside); the floor and the
 * NLL come from shard 1. `totalSeconds` is the sum over the shards. A single unsharded report is returned
 * as it is.
 *
 * @throws ArgumentError when the reports are of different grids (target, samplers, NFE, ε, n, seed, repeats,
 *   metrics), a shard is missing or given twice, or a cell is missing or duplicated
 */
export function mergeReports(reports: readonly CompareReport[]): CompareReport {
  if (!Array.isArray(reports) || reports.length === 0) throw new ArgumentError(FN, 'reports', 'at least one report', describeValue(reports));
  reports.forEach((r, i) => checkCompareReport(FN, `reports[${i}]`, r));
  const first = reports[0]!;
  const key = canonical(first.config);
  reports.forEach((r, i) => {
    if (canonical(r.config) !== key) {
      const diff = Object.keys({ ...first.config, ...r.config }).find(
        (k) => canonical((first.config as unknown as Record<string, unknown>)[k]) !== canonical((r.config as unknown as Record<string, unknown>)[k]),
      );
      throw new ArgumentError(FN, `reports[${i}]`, `a shard of the same grid as reports[0] (same target, samplers, nfe, eps, n, seed, repeats, metrics)`, `a different ${diff ?? 'config'}`);
    }
  });
  if (reports.length === 1 && first.shard === undefined) return first;
  const count = first.shard?.count;
  const seen = new Set<number>();
  reports.forEach((r, i) => {
    if (r.shard === undefined || r.shard.count !== count) {
      throw new ArgumentError(FN, `reports[${i}]`, `a shard k/${count ?? 'n'} like reports[0]`, r.shard ? `shard ${r.shard.index}/${r.shard.count}` : 'an unsharded report');
    }
    if (seen.has(r.shard.index)) throw new ArgumentError(FN, `reports[${i}]`, 'each shard once', `shard ${r.shard.index}/${count} twice`);
    seen.add(r.shard.index);
  });
  const missing = Array.from({ length: count! }, (_, k) => k + 1).filter((k) => !seen.has(k));
  if (missing.length) throw new ArgumentError(FN, 'reports', `all shards 1..${count}`, `shards ${[...seen].sort((a, b) => a - b).join(', ')} (missing ${missing.join(', ')})`);

  const byId = new Map<string, CompareReport['results'][number]>();
  for (const r of reports) {
    for (const row of r.results) {
      if (byId.has(row.id)) throw new ArgumentError(FN, 'reports', 'each cell in one shard only', `cell ${row.id} twice`);
      byId.set(row.id, row);
    }
  }
  const ids = gridIds(first.config);
  const absent = ids.filter((id) => !byId.has(id));
  if (absent.length) throw new ArgumentError(FN, 'reports', `every cell of the grid (${ids.length})`, `${absent.length} missing (${absent.slice(0, 3).join(', ')}${absent.length > 3 ? ', …' : ''})`);
  if (byId.size !== ids.length) throw new ArgumentError(FN, 'reports', `only the ${ids.length} cells of the grid`, `${byId.size} cells`);

  const head = reports.find((r) => r.shard!.index === 1)!;
  const nll = head.target.nll;
  // Rows as an unsharded run writes them: the model NLL (computed by shard 1) on every row, before nfeUsed.
  const results = ids.map((id) => {
    const { nll: _nll, nfeUsed, steps, tolerance, repeats, id: _id, ...metrics } = byId.get(id)!;
    return { ...metrics, ...(nll !== undefined ? { nll } : {}), nfeUsed, ...(steps !== undefined ? { steps } : {}), ...(tolerance !== undefined ? { tolerance } : {}), repeats, id };
  });
  return {
    format: 'si-compare',
    version: 1,
    config: first.config,
    target: head.target,
    results,
    floor: head.floor,
    cells: first.cells,
    totalSeconds: reports.reduce((a, r) => a + r.totalSeconds, 0),
  };
}

/**
 * Reads a report from a file: a JSON document, or the output of `si compare --json` (the last line of stdout
 * that parses as a report).
 *
 * @throws ArgumentError naming the file when it is missing or holds no report
 */
export function readCompareReport(path: string, fn = 'readCompareReport', arg = 'path'): CompareReport {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ArgumentError(fn, arg, 'a readable report file (si compare --out or --json output)', describeValue(path));
  }
  const candidates = [text, ...text.split(/\r?\n/).filter((l) => l.trim().startsWith('{')).reverse()];
  for (const c of candidates) {
    try {
      const parsed: unknown = JSON.parse(c);
      return checkCompareReport(fn, arg, parsed);
    } catch {
      // try the next candidate
    }
  }
  throw new ArgumentError(fn, arg, "a file holding an 'si compare' report (si compare --out or --json output)", `${describeValue(path)} without one`);
}
