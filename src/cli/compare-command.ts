/**
 * `si compare`: quality against NFE and time for a grid of samplers, NFE budgets and noise levels — on exact
 * oracle fields (pure sampler error) or a trained model — with the floor, a table, JSON, CSV and pictures.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { initBackend } from '../backend.js';
import { compareSamplers } from '../compare/compare.js';
import type { CompareProgress } from '../compare/compare.js';
import { writeCompareCsv } from '../compare/csv.js';
import { parseEpsilonList, parseNfeList } from '../compare/grid.js';
import { writeComparePlots } from '../compare/plots.js';
import { arrayReference, datasetReference } from '../compare/reference.js';
import type { ReferenceSource } from '../compare/reference.js';
import { parseSamplerList, samplerListing } from '../compare/samplers.js';
import { parseShard } from '../compare/shard.js';
import { formatCompareTable } from '../compare/table.js';
import { modelTarget, oracleTarget } from '../compare/target.js';
import type { CompareTarget } from '../compare/target.js';
import { COMPARE_METRICS } from '../compare/types.js';
import type { CompareMetric, CompareReport } from '../compare/types.js';
import { parseCsv } from '../data/csv.js';
import { getDataset, listDatasets } from '../data/registry.js';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { ORACLE_PROBLEM_NAMES } from '../fields/problems.js';
import type { GaussianMixtureSpec } from '../fields/gaussian-spec.js';
import type { GammaName } from '../interpolants/gamma.js';
import { CheckpointError } from '../train/checkpoint.js';
import { loadTrainedModel } from '../train/trained-model.js';
import type { TrainedModel } from '../train/trained-model.js';
import { parseArgs, threadsFor, pointCount } from './args.js';
import { checkOutputPath } from './output-paths.js';
import type { Command } from './commands.js';
import { ProgressBar } from './progress.js';
import { runEnergyCompare } from './compare-energy.js';
import { readRunFolder } from './run-folder.js';
import { savedModel } from './train-models.js';

const CMD = 'si compare';

/** Parses `--metrics sw2,sinkhorn,nll`. */
export function parseMetrics(text: string): CompareMetric[] {
  const items = text.split(',').map((s) => s.trim());
  const expected = `a comma-separated list of ${COMPARE_METRICS.join(', ')}`;
  if (items.length === 0 || items.some((m) => !(COMPARE_METRICS as readonly string[]).includes(m))) throw new ArgumentError(CMD, '--metrics', expected, JSON.stringify(text));
  return items as CompareMetric[];
}

function readReferenceFile(path: string, dim?: number): ReferenceSource {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ArgumentError(CMD, '--reference', 'a readable CSV file of reference samples (one row per sample)', JSON.stringify(path));
  }
  let csv: ReturnType<typeof parseCsv>;
  try {
    csv = parseCsv(text, { header: 'auto' });
  } catch (err) {
    if (err instanceof ArgumentError) throw new ArgumentError(CMD, '--reference', 'a numeric CSV file (one sample per row, optional header)', `${JSON.stringify(path)}: ${err.message.replace(/^parseCsv: /, '')}`);
    throw err;
  }
  const [rows, cols] = csv.shape;
  if (dim !== undefined && cols !== dim) throw new ArgumentError(CMD, '--reference', `a CSV with ${dim} columns (the target's dimension)`, `${cols} columns in ${path}`);
  return arrayReference(`file ${path}`, csv.values, rows, cols);
}

function readMixtureFile(target: string): GaussianMixtureSpec {
  const path = target.slice('gmm:'.length);
  const expected = 'gmm:<file.json> naming a readable JSON Gaussian mixture { "weights", "means", "covariances" }';
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new ArgumentError(CMD, '--target', expected, JSON.stringify(target));
  }
  if (typeof parsed !== 'object' || parsed === null || !Array.isArray((parsed as GaussianMixtureSpec).means) || !Array.isArray((parsed as GaussianMixtureSpec).weights)) {
    throw new ArgumentError(CMD, '--target', expected, `${JSON.stringify(path)} without weights and means`);
  }
  return parsed as GaussianMixtureSpec;
}

async function loadModel(dir: string, useEma: boolean): Promise<TrainedModel> {
  if (!existsSync(dir)) throw new ArgumentError(CMD, '--model', 'an existing run directory written by si train', `${JSON.stringify(dir)} (no such directory)`);
  try {
    return await loadTrainedModel(dir, { useEma });
  } catch (err) {
    if (err instanceof CheckpointError) throw new ArgumentError(CMD, '--model', 'a checkpoint directory written by si train', `${JSON.stringify(dir)} (${err.message.replace(/\s+/g, ' ')})`);
    throw err;
  }
}

/** `si compare …`. */
export const compareCommand: Command = {
  name: 'compare',
  summary: 'compare samplers: quality (sliced W2, Sinkhorn) against NFE and seconds, same seed, with the floor and plots',
  usage: [
    'si compare [--target gmm2d|gaussian|gmm:<file.json>] [--samplers euler,heun,rk4,dopri5,em] [--nfe 8,16,32,64,128]',
    '           [--eps 0.5,1,bump:1] [--n 2000] [--seed 0] [--repeats 1] [--csv FILE] [--png DIR] [--out FILE] [--json]',
    'si compare --model runs/x [--target <dataset> | --reference ref.csv] …      a trained model (sampler + training error)',
    'si compare --samplers list                                                  list the samplers',
    'si compare --model runs/ebm [--samplers langevin,mala,annealed] [--nfe 50,200] [--step-size 0.05]   an energy run',
    'si compare … --shard k/n --out part-k.json;  si merge part-*.json           split a large grid into n jobs',
    '',
    'Targets: gmm2d, gaussian and gmm:<file.json> have exact fields (src/fields): the error is the sampler\'s alone,',
    'and reference samples are exact. A dataset name has no fields: give --model (a run trained on it) and the',
    'dataset becomes the reference. Every cell starts from the same base noise (--seed) and is measured against',
    'the same reference; SDE cells share one Brownian path. ODE samplers ignore ε and run once per NFE (an SDE',
    'sampler at ε = 0 is its ODE limit); dopri5 runs adaptively with the tolerance that uses about the requested',
    'NFE (reported as "used"). The floor is the metric between independent reference sets of n samples: a',
    'sampler at the floor (within its ± SE) is as good as this n can tell. NLL: the model\'s −mean log ρ̂1 of the',
    'reference by the ODE likelihood (once per target), next to the exact −mean log ρ1 where the density is known.',
    '',
    'An energy run (si train --model energy) compares its Langevin samplers instead: langevin (unadjusted), mala',
    '(Metropolis-adjusted, step size adapted over the first half; its acceptance rate is shown) and annealed',
    '(temperatures 8, 4, 2, 1), at --nfe energy-gradient steps (default 50,200), every cell from the same chain',
    'starts, against the data the run was trained on, with the floor.',
  ].join('\n'),
  flags: {
    target: { help: 'gmm2d, gaussian, gmm:<file.json> (exact fields); with --model: a dataset name as the reference (default gmm2d, or the run\'s dataset)' },
    model: { help: 'a run directory written by si train: compare samplers on the trained model' },
    reference: { help: 'CSV of reference samples (each repeat uses a random subset of n rows; the floor rows it left out)' },
    interpolant: { help: 'interpolant of an oracle target (linear, trig, vp-trig, one-sided-linear, …)', default: 'linear' },
    gamma: { help: 'γ option of an oracle target\'s interpolant (sqrt, quadratic, sin2, sigmoid, zero); sqrt for linear' },
    samplers: { help: "registered samplers, comma-separated; aliases em, sde-heun; suffix :fixed/:adaptive; 'list' prints them", default: 'euler,heun,rk4,dopri5,em' },
    nfe: { help: 'function-evaluation budgets, comma-separated integers >= 1', default: '8,16,32,64,128' },
    eps: { help: 'noise levels ε of the SDE samplers: numbers >= 0 and schedules bump:s, decay:s (ODE samplers ignore ε)', default: '0.5,1' },
    n: { type: 'number', help: 'samples per cell (and per reference set)', default: 2000 },
    seed: { type: 'number', help: 'seed of the base noise (the same for every cell), references and SDE noise', default: 0 },
    repeats: { type: 'number', help: 'repeats with seeds derived from --seed; metrics as mean ± SE', default: 1 },
    'floor-draws': { type: 'number', help: 'independent reference sets per repeat for the floor (default: ceil(5 / repeats))' },
    metrics: { help: `metrics: ${COMPARE_METRICS.join(', ')} (nll: once per target, where ρ0 has a density)`, default: COMPARE_METRICS.join(',') },
    shard: { help: 'k/n: run the k-th of n interleaved parts of the grid (join the parts with si merge)' },
    out: { help: 'write the report as JSON to this file (what si merge reads)' },
    csv: { help: 'write the results as CSV to this file' },
    png: { help: 'write quality-vs-nfe.png, quality-vs-seconds.png, sinkhorn-vs-*.png and samples.png into this directory' },
    'no-ema': { type: 'boolean', help: 'with --model: use the raw weights even if the run kept an EMA' },
    'step-size': { type: 'number', help: 'energy runs: Langevin step size (mala: the initial one, then adapted) (default: 0.05)' },
  },
  async run(argv) {
    try {
      return await runCompare(argv, this.flags);
    } catch (err) {
      throw withoutPrefix(err, CMD);
    }
  },
};

/**
 * `si <cmd>` already prefixes its one-line errors with the command; drop the same prefix from an
 * ArgumentError raised with the command as its function name (`si compare: argument '--nfe' …`).
 */
export function withoutPrefix(err: unknown, command: string): unknown {
  if (err instanceof ArgumentError && err.message.startsWith(`${command}: `)) err.message = err.message.slice(command.length + 2);
  return err;
}

async function runCompare(argv: readonly string[], specs: Command['flags']): Promise<number> {
  const { flags, positional, given } = parseArgs(CMD, argv, specs);
  if (positional.length > 0) throw new ArgumentError(CMD, 'arguments', 'flags only (see si compare --help)', JSON.stringify(positional.join(' ')));
  if (typeof flags.model === 'string' && String(flags.samplers).trim() !== 'list') {
    let saved: ReturnType<typeof readRunFolder> = null;
    try {
      saved = readRunFolder(flags.model);
    } catch {
      // an unreadable run is reported below, with its own message
    }
    const kind = saved ? savedModel(saved.config) : null;
    if (kind === 'energy') return runEnergyCompare(flags.model, flags, given);
    if (kind === 'unet') throw new ArgumentError(CMD, '--model', 'a run of vectors (si train --model mlp or energy): image runs are sampled with si sample --grid', JSON.stringify(flags.model));
  }
  if (given.includes('step-size')) throw new ArgumentError(CMD, '--step-size', 'used with an energy run (--model <run of si train --model energy>)', String(flags['step-size']));
  if (String(flags.samplers).trim() === 'list') {
    console.log(samplerListing());
    return 0;
  }
  // Validate everything cheap before the backend starts or a model loads.
  parseSamplerList(String(flags.samplers), CMD, '--samplers');
  parseNfeList(String(flags.nfe), CMD, '--nfe');
  parseEpsilonList(String(flags.eps), CMD, '--eps');
  const n = checkNumber(CMD, '--n', flags.n, { min: 2, integer: true });
  const seed = checkNumber(CMD, '--seed', flags.seed, { integer: true });
  const repeats = checkNumber(CMD, '--repeats', flags.repeats, { min: 1, integer: true });
  const floorDraws = flags['floor-draws'] === undefined ? undefined : checkNumber(CMD, '--floor-draws', flags['floor-draws'], { min: 1, integer: true });
  const metrics = parseMetrics(String(flags.metrics));
  const shard = flags.shard === undefined ? undefined : parseShard(String(flags.shard), CMD, '--shard');
  if (flags.out !== undefined) checkOutputPath(CMD, '--out', String(flags.out), 'file');
  if (flags.csv !== undefined) checkOutputPath(CMD, '--csv', String(flags.csv), 'file');
  if (flags.png !== undefined) checkOutputPath(CMD, '--png', String(flags.png), 'dir');
  const modelDir = flags.model as string | undefined;
  const targetFlag = flags.target as string | undefined;
  const argvHas = (name: string) => argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (modelDir !== undefined && (argvHas('interpolant') || argvHas('gamma'))) {
    throw new ArgumentError(CMD, argvHas('interpolant') ? '--interpolant' : '--gamma', 'omitted with --model (a model samples with its run\'s interpolant)', 'a value');
  }
  if (targetFlag !== undefined && modelDir === undefined && !targetFlag.startsWith('gmm:') && !(ORACLE_PROBLEM_NAMES as readonly string[]).includes(targetFlag)) {
    if (listDatasets().includes(targetFlag)) {
      throw new ArgumentError(CMD, '--target', `an oracle target (${ORACLE_PROBLEM_NAMES.join(', ')}, gmm:<file.json>), or --model <run> as well: dataset '${targetFlag}' has no exact fields (train one: si train --dataset ${targetFlag} --out runs/${targetFlag})`, JSON.stringify(targetFlag));
    }
    throw new ArgumentError(CMD, '--target', `an oracle target (${ORACLE_PROBLEM_NAMES.join(', ')}, gmm:<file.json>) or, with --model, a dataset (${listDatasets().join(', ')})`, JSON.stringify(targetFlag));
  }
  if (modelDir !== undefined && targetFlag !== undefined && !listDatasets().includes(targetFlag)) {
    throw new ArgumentError(CMD, '--target', `with --model, a dataset name for the reference (${listDatasets().join(', ')})`, JSON.stringify(targetFlag));
  }
  if (modelDir !== undefined && targetFlag !== undefined && flags.reference !== undefined) {
    throw new ArgumentError(CMD, '--reference', 'omitted when --target names the reference dataset', JSON.stringify(flags.reference));
  }

  // Targets, files and mixtures are read and checked before the backend starts (no tensors yet).
  let target: CompareTarget | undefined;
  let reference: ReferenceSource | undefined;
  if (modelDir !== undefined) {
    if (!existsSync(modelDir)) throw new ArgumentError(CMD, '--model', 'an existing run directory written by si train', `${JSON.stringify(modelDir)} (no such directory)`);
    if (!existsSync(join(modelDir, 'manifest.json'))) throw new ArgumentError(CMD, '--model', 'a checkpoint directory written by si train', `${JSON.stringify(modelDir)} (no manifest.json: not a checkpoint)`);
    if (flags.reference !== undefined) reference = readReferenceFile(String(flags.reference));
    else if (targetFlag !== undefined) reference = datasetReference(getDataset(targetFlag));
  } else {
    const name = targetFlag ?? 'gmm2d';
    const interpolant = String(flags.interpolant);
    const gamma = (flags.gamma as GammaName | undefined) ?? (interpolant === 'linear' ? 'sqrt' : undefined);
    const options = { interpolant, ...(gamma ? { gamma } : {}), name };
    target = name.startsWith('gmm:') ? oracleTarget(readMixtureFile(name), options) : oracleTarget(name, options);
    if (flags.reference !== undefined) target = { ...target, reference: readReferenceFile(String(flags.reference), target.dim) };
  }

  await initBackend(flags.backend as string | undefined, { log: flags.json ? null : undefined, threads: threadsFor(flags, 'sampling', pointCount(flags.n)) });
  let run: TrainedModel | undefined;
  try {
    if (modelDir !== undefined) {
      run = await loadModel(modelDir, !flags['no-ema']);
      if (reference !== undefined && reference.dim !== run.config.dim) {
        throw new ArgumentError(CMD, flags.reference !== undefined ? '--reference' : '--target', `samples of the model's dimension ${run.config.dim}`, `${reference.description}, dimension ${reference.dim}`);
      }
      target = modelTarget(run, { name: `model:${modelDir}`, ...(reference ? { reference } : {}) });
    }
    if (target === undefined) throw new Error('si compare: no target');

    let bar: ProgressBar | undefined;
    const samples = new Map<string, Float32Array>();
    let referenceSamples: Float32Array | undefined;
    const report = await compareSamplers({
      target,
      samplers: String(flags.samplers),
      nfe: String(flags.nfe),
      eps: String(flags.eps),
      n,
      seed,
      repeats,
      metrics,
      ...(floorDraws !== undefined ? { floorDraws } : {}),
      ...(shard ? { shard } : {}),
      onProgress: (p: CompareProgress) => {
        bar ??= new ProgressBar(p.total);
        bar.update(p.done, p.label);
      },
      ...(flags.png !== undefined
        ? {
            onSamples: (key: string, repeat: number, data: Float32Array) => {
              if (repeat !== 0) return;
              if (key === 'reference') referenceSamples = data;
              else samples.set(key, data);
            },
          }
        : {}),
    });
    (bar as ProgressBar | undefined)?.done();
    return await emit(report, flags, { cells: samples, ...(referenceSamples ? { reference: referenceSamples } : {}) });
  } finally {
    run?.dispose();
  }
}

/**
 * Prints the table and writes `--out`, `--csv` and `--png` (shared by si compare and si merge); with `--json`
 * the last stdout line is the report (plus the files written).
 */
export async function emit(
  report: CompareReport,
  flags: Record<string, string | number | boolean | undefined>,
  samples?: { cells: Map<string, Float32Array>; reference?: Float32Array },
  command = CMD,
): Promise<number> {
  console.log(formatCompareTable(report));
  console.log(`${report.results.length} cells in ${report.totalSeconds.toFixed(1)} s`);
  const files: { out?: string; csv?: string; png?: { path: string; width: number; height: number }[] } = {};
  if (flags.out !== undefined) {
    files.out = String(flags.out);
    writeFileAtomic(files.out, `${JSON.stringify(report, null, 1)}\n`);
    console.log(`wrote ${files.out}`);
  }
  if (flags.csv !== undefined) {
    files.csv = String(flags.csv);
    writeCompareCsv(report, files.csv);
    console.log(`wrote ${files.csv}`);
  }
  if (flags.png !== undefined) {
    if (typeof flags.png !== 'string' || flags.png.trim() === '') throw new ArgumentError(command, '--png', 'a directory', describeValue(flags.png));
    files.png = await writeComparePlots(report, flags.png, samples);
    for (const f of files.png) console.log(`wrote ${f.path} (${f.width}×${f.height})`);
  }
  if (flags.json) console.log(JSON.stringify({ ...report, files }));
  return 0;
}
