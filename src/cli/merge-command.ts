/**
 * `si merge`: joins the JSON reports of the shards of one `si compare` grid into the report of the whole grid.
 */
import { mergeReports, readCompareReport } from '../compare/merge.js';
import { ArgumentError } from '../errors.js';
import { parseArgs } from './args.js';
import type { Command } from './commands.js';
import { emit, withoutPrefix } from './compare-command.js';

const CMD = 'si merge';

/** `si merge part-1.json part-2.json … [--out FILE] [--csv FILE] [--png DIR] [--json]`. */
export const mergeCommand: Command = {
  name: 'merge',
  summary: 'join the JSON reports of si compare --shard k/n runs into one table, JSON, CSV and plots',
  usage: [
    'si merge part-1.json part-2.json … [--out merged.json] [--csv FILE] [--png DIR] [--json]',
    '',
    'Each file is a report written by si compare --out, or its --json stdout (the last JSON line counts).',
    'All shards 1..n of the same grid (target, samplers, nfe, eps, n, seed, repeats, metrics) must be given;',
    'the merged table equals that of one unsharded run with the same seed (wall seconds aside).',
    '--png draws the quality-vs-NFE and quality-vs-seconds plots (the shards keep no samples for scatters).',
  ].join('\n'),
  // Merging reads and writes JSON only: no backend, so no --backend or --threads.
  common: ['json', 'help'],
  flags: {
    out: { help: 'write the merged report as JSON to this file' },
    csv: { help: 'write the merged results as CSV to this file' },
    png: { help: 'write the quality plots into this directory' },
  },
  async run(argv) {
    try {
      return await runMerge(argv, this.flags, this.common);
    } catch (err) {
      throw withoutPrefix(err, CMD);
    }
  },
};

async function runMerge(argv: readonly string[], specs: Command['flags'], common: Command['common']): Promise<number> {
  const { flags, positional } = parseArgs(CMD, argv, specs, { common });
  if (positional.length === 0) throw new ArgumentError(CMD, 'files', 'one or more report files (si compare --shard k/n --out part-k.json)', 'none');
  const reports = positional.map((path) => readCompareReport(path, CMD, path));
  let merged;
  try {
    merged = mergeReports(reports);
  } catch (err) {
    if (err instanceof ArgumentError) {
      // The same message, naming files instead of array positions.
      const named = new ArgumentError(CMD, 'files', 'the reports of all shards of one grid', 'others');
      named.message = err.message.replace(/^mergeReports: /, '').replace(/reports\[(\d+)\]/g, (_, i: string) => positional[Number(i)] ?? `file ${i}`);
      throw named;
    }
    throw err;
  }
  return emit(merged, flags, undefined, CMD);
}
