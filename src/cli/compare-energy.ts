/**
 * `si compare --model <energy run>`: the Langevin samplers of an energy run (unadjusted Langevin, MALA,
 * annealed Langevin) at several step budgets, every cell from the same chain starts (the run's noise law)
 * and measured against the same reference draws of the data the run was trained on — sliced W2 and the
 * Sinkhorn divergence, with MALA's acceptance rate — next to the floor (two independent reference sets).
 */
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '../atomic-write.js';
import { initBackend } from '../backend.js';
import { threadsFor } from './args.js';
import { parseNfeList } from '../compare/grid.js';
import { measure, sinkhornEpsilonFor } from '../compare/metrics.js';
import type { MetricSettings } from '../compare/metrics.js';
import { meanSE } from '../compare/statistics.js';
import { ArgumentError, checkNumber } from '../errors.js';
import { SeedStream } from '../random.js';
import { ENERGY_SAMPLERS, energySampler, sampleEnergy } from './energy-sampling.js';
import type { EnergySamplerName } from './energy-sampling.js';
import { energyStarts, loadEnergyRun } from './energy-run.js';
import { checkOutputPath } from './output-paths.js';
import { ProgressBar } from './progress.js';
import { energyStepSize } from './sample-energy.js';
import type { CliFlags } from './train-session.js';

const CMD = 'si compare';

/** Step budgets when `--nfe` is not given. */
export const ENERGY_COMPARE_STEPS = [50, 200] as const;

/** Independent reference sets behind the floor. */
const FLOOR_DRAWS = 3;

/** One row of an energy comparison. */
export interface EnergyCompareRow {
  sampler: EnergySamplerName;
  /** Energy-gradient steps. */
  steps: number;
  /** Step size used (MALA: after adaptation). */
  stepSize: number;
  /** MALA's acceptance rate after the burn-in. */
  acceptanceRate?: number;
  slicedW2?: number;
  sinkhorn?: number;
  seconds: number;
}

/** What `si compare --model <energy run>` reports (and writes with `--out`, prints with `--json`). */
export interface EnergyCompareReport {
  format: 'si-compare-energy';
  version: 1;
  model: string;
  dataset: string;
  n: number;
  seed: number;
  stepSize: number;
  results: EnergyCompareRow[];
  /** The metrics between independent reference sets of n points (mean ± SE over a few draws). */
  floor: { slicedW2?: number; slicedW2SE?: number; sinkhorn?: number; sinkhornSE?: number };
  totalSeconds: number;
}

/** Flags of `si compare` an energy run does not take, with why. */
const NOT_FOR_ENERGY: Record<string, string> = {
  eps: 'omitted with an energy run (Langevin noise is set by the temperature; compare step sizes with --step-size)',
  target: 'omitted with an energy run (the reference is the data it was trained on)',
  reference: 'omitted with an energy run (the reference is the data it was trained on)',
  interpolant: 'omitted with --model (a model samples with its own run)',
  gamma: 'omitted with --model (a model samples with its own run)',
  shard: 'omitted with an energy run (its grid is small: run it whole)',
  png: 'omitted with an energy run (use si sample --png for a scatter plot)',
  'floor-draws': 'omitted with an energy run',
};

function fmt(v: number | undefined, digits = 4): string {
  return v === undefined ? '—' : v.toFixed(digits);
}

/** The terminal table of an energy comparison. */
export function formatEnergyTable(r: EnergyCompareReport): string {
  const head = ['sampler', 'steps', 'step size', 'acceptance', 'sliced W2', 'sinkhorn', 'seconds'];
  const rows = r.results.map((c) => [c.sampler, String(c.steps), c.stepSize.toPrecision(3), c.acceptanceRate === undefined ? '—' : c.acceptanceRate.toFixed(3), fmt(c.slicedW2), fmt(c.sinkhorn), c.seconds.toFixed(2)]);
  const f = r.floor;
  rows.push(['floor', '', '', '', f.slicedW2 === undefined ? '—' : `${fmt(f.slicedW2)} ± ${fmt(f.slicedW2SE)}`, f.sinkhorn === undefined ? '—' : `${fmt(f.sinkhorn)} ± ${fmt(f.sinkhornSE)}`, '']);
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((row) => row[j]!.length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  ');
  return [`energy run ${r.model} (data: ${r.dataset}), n = ${r.n}, chains from the run's noise law, seed ${r.seed}`, line(head), ...rows.map(line)].join('\n');
}

/** Runs `si compare --model <energy run>` with parsed flags. */
export async function runEnergyCompare(modelDir: string, flags: CliFlags, given: readonly string[]): Promise<number> {
  for (const f of given) if (NOT_FOR_ENERGY[f]) throw new ArgumentError(CMD, `--${f}`, NOT_FOR_ENERGY[f]!, String(flags[f]));
  const samplers = given.includes('samplers') ? String(flags.samplers).split(',').map((s) => energySampler(CMD, '--samplers', s)) : [...ENERGY_SAMPLERS];
  if (new Set(samplers).size !== samplers.length) throw new ArgumentError(CMD, '--samplers', 'distinct samplers', JSON.stringify(flags.samplers));
  const budgets = given.includes('nfe') ? parseNfeList(String(flags.nfe), CMD, '--nfe') : [...ENERGY_COMPARE_STEPS];
  const n = checkNumber(CMD, '--n', flags.n, { min: 2, integer: true });
  const seed = checkNumber(CMD, '--seed', flags.seed, { integer: true });
  if (checkNumber(CMD, '--repeats', flags.repeats, { min: 1, integer: true }) !== 1) throw new ArgumentError(CMD, '--repeats', '1 with an energy run (each cell runs n chains once)', String(flags.repeats));
  const stepSize = energyStepSize(CMD, flags);
  const metrics = String(flags.metrics).split(',').map((s) => s.trim());
  if (given.includes('metrics') && metrics.some((m) => m !== 'sw2' && m !== 'sinkhorn')) {
    throw new ArgumentError(CMD, '--metrics', 'with an energy run, sw2 and/or sinkhorn (an energy run has no ODE likelihood)', JSON.stringify(flags.metrics));
  }
  if (flags.out !== undefined) checkOutputPath(CMD, '--out', String(flags.out), 'file');
  if (flags.csv !== undefined) checkOutputPath(CMD, '--csv', String(flags.csv), 'file');

  await initBackend(flags.backend as string | undefined, { log: flags.json ? null : undefined, threads: threadsFor(flags, 'sampling', n) });
  const run = await loadEnergyRun(modelDir, { useEma: !flags['no-ema'] });
  const started = performance.now();
  const seeds = new SeedStream(seed);
  const x0 = energyStarts(run, n, seeds.next());
  const reference = run.target.sample(n, new SeedStream(seed + 1));
  try {
    const settings: MetricSettings = { slicedW2: metrics.includes('sw2'), sinkhorn: metrics.includes('sinkhorn'), sinkhornEpsilon: sinkhornEpsilonFor(reference) };
    const bar = new ProgressBar(samplers.length * budgets.length + FLOOR_DRAWS);
    let done = 0;
    const results: EnergyCompareRow[] = [];
    const chainSeed = seeds.next();
    for (const sampler of samplers) {
      for (const steps of budgets) {
        const t0 = performance.now();
        const r = await sampleEnergy(run.model.energy, x0, { sampler, steps, stepSize, seed: chainSeed });
        const seconds = (performance.now() - t0) / 1000;
        try {
          const m = await measure(r.x as tf.Tensor2D, reference, settings);
          results.push({ sampler, steps: r.steps, stepSize: r.stepSize, ...(r.acceptanceRate !== undefined ? { acceptanceRate: r.acceptanceRate } : {}), ...m, seconds });
        } finally {
          r.x.dispose();
        }
        bar.update(++done, `${sampler} ${steps} steps`);
      }
    }
    const floorW2: number[] = [];
    const floorSk: number[] = [];
    for (let k = 0; k < FLOOR_DRAWS; k++) {
      const other = run.target.sample(n, new SeedStream(seed + 1000 + k));
      try {
        const m = await measure(other, reference, settings);
        if (m.slicedW2 !== undefined) floorW2.push(m.slicedW2);
        if (m.sinkhorn !== undefined) floorSk.push(m.sinkhorn);
      } finally {
        other.dispose();
      }
      bar.update(++done, 'floor');
    }
    bar.done();
    const w2 = floorW2.length ? meanSE(floorW2) : undefined;
    const sk = floorSk.length ? meanSE(floorSk) : undefined;
    const report: EnergyCompareReport = {
      format: 'si-compare-energy',
      version: 1,
      model: modelDir,
      dataset: run.config.dataset,
      n,
      seed,
      stepSize,
      results,
      floor: { ...(w2 ? { slicedW2: w2.mean, ...(w2.se !== undefined ? { slicedW2SE: w2.se } : {}) } : {}), ...(sk ? { sinkhorn: sk.mean, ...(sk.se !== undefined ? { sinkhornSE: sk.se } : {}) } : {}) },
      totalSeconds: (performance.now() - started) / 1000,
    };
    console.log(formatEnergyTable(report));
    console.log(`${results.length} cells in ${report.totalSeconds.toFixed(1)} s`);
    const files: { out?: string; csv?: string } = {};
    if (flags.out !== undefined) {
      files.out = String(flags.out);
      writeFileAtomic(files.out, `${JSON.stringify(report, null, 1)}\n`);
      console.log(`wrote ${files.out}`);
    }
    if (flags.csv !== undefined) {
      files.csv = String(flags.csv);
      const cols = ['sampler', 'steps', 'stepSize', 'acceptanceRate', 'slicedW2', 'sinkhorn', 'seconds'] as const;
      const text = [cols.join(','), ...results.map((r) => cols.map((c) => (r[c] === undefined ? '' : String(r[c]))).join(','))].join('\n');
      writeFileAtomic(files.csv, `${text}\n`);
      console.log(`wrote ${files.csv}`);
    }
    if (flags.json) console.log(JSON.stringify({ ...report, files }));
    return 0;
  } finally {
    tf.dispose([x0, reference]);
    run.dispose();
  }
}
