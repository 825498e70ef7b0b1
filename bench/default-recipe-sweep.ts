/**
 * Chooses the defaults of `si train` by measurement: the README's checkerboard recipe
 *   si train --dataset checkerboard --interpolant one-sided-linear --objective b --steps 2000 --batch 512
 *            --hidden 128 --layers 3 --lr 2e-3
 * trained with several network variants (activation, time features, initialisation) and learning rates
 * over several seeds, each sampled with Heun at 100 NFE from n base points and scored by the sliced W2 to
 * one fixed reference set of the same n (same projections for every row); beside it, the same recipe
 * written plainly in PyTorch (`bench/torch_default_recipe.py`: ReLU MLP on (x, t), Adam, linear decay).
 *
 * Standalone (the full sweep, one JSON line per run appended to --out so a long sweep survives):
 *   npx tsx bench/default-recipe-sweep.ts [--variants all|name,name] [--lrs 1e-3,2e-3,3e-3] [--seeds 0,1,2]
 *                                         [--steps 2000] [--n 20000] [--torch] [--out sweep.jsonl]
 * In `npm run bench` (`default-recipe`): the current `si train` defaults against PyTorch, 3 seeds.
 */
import '@tensorflow/tfjs-layers';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { timeConditionedMlp } from '../models/mlp.js';
import type { TimeConditionedMlpOptions } from '../models/mlp.js';
import { sampleOde } from '../samplers/probability-flow.js';
import { trainCommand } from '../src/cli/train-command.js';
import { getDataset } from '../src/data/registry.js';
import { makeInterpolant } from '../src/interpolants/registry.js';
import { slicedWasserstein2 } from '../src/metrics/sliced-wasserstein.js';
import { quadraticObjective } from '../src/objectives/quadratic-objective.js';
import { SeedStream } from '../src/random.js';
import { Trainer } from '../src/train/trainer.js';
import type { Benchmark, BenchResult } from './lib.js';
import { fmt, median, useBackend } from './lib.js';
import { findTorchPython } from './torch-mlp.js';

/** One network variant of the sweep: options of `timeConditionedMlp` beyond dim, width and depth. */
export interface RecipeVariant {
  /** Short id for `--variants`. */
  id: string;
  name: string;
  model: Pick<TimeConditionedMlpOptions, 'activation' | 'timeFrequencies' | 'maxTimeFrequency' | 'kernelInitializer'>;
}

/** The variants the sweep knows (`--variants all`). */
export const RECIPE_VARIANTS: readonly RecipeVariant[] = [
  { id: 'swish-tf8', name: 'swish, t-features 8 (old default)', model: { activation: 'swish', timeFrequencies: 8 } },
  { id: 'relu-tf8', name: 'relu, t-features 8', model: { activation: 'relu', timeFrequencies: 8 } },
  { id: 'gelu-tf8', name: 'gelu, t-features 8', model: { activation: 'gelu', timeFrequencies: 8 } },
  { id: 'swish-t', name: 'swish, raw t', model: { activation: 'swish', timeFrequencies: 0 } },
  { id: 'relu-t', name: 'relu, raw t', model: { activation: 'relu', timeFrequencies: 0 } },
  { id: 'relu-tf8-max4', name: 'relu, t-features 8 up to 4', model: { activation: 'relu', timeFrequencies: 8, maxTimeFrequency: 4 } },
  { id: 'relu-tf8-he', name: 'relu, t-features 8, he-uniform', model: { activation: 'relu', timeFrequencies: 8, kernelInitializer: 'heUniform' } },
];

/** The network options `si train` uses when no flag is given (read from its flag table). */
export function cliDefaultVariant(): RecipeVariant {
  const f = trainCommand.flags;
  const model: RecipeVariant['model'] = { activation: f.activation!.default as TimeConditionedMlpOptions['activation'] };
  if (f['time-frequencies']?.default !== undefined) model.timeFrequencies = f['time-frequencies'].default as number;
  return { id: 'default', name: `si train defaults (${model.activation}${model.timeFrequencies !== undefined ? `, t-features ${model.timeFrequencies}` : ''})`, model };
}

/** One measured run. */
export interface RecipeRun {
  variant: string;
  lr: number;
  seed: number;
  steps: number;
  n: number;
  slicedW2: number;
  secondsPerStep: number;
  finalLoss: number;
}

/** The fixed reference of n points (and a second, independent set for the floor). */
export function referenceSets(n: number): { reference: tf.Tensor2D; second: tf.Tensor2D } {
  const seeds = new SeedStream(2024);
  const data = getDataset('checkerboard');
  return { reference: data.sample(n, seeds), second: data.sample(n, seeds) };
}

const W2_SEED = 11;

/** Trains one variant with the recipe and scores Heun-100-NFE samples against `reference`. */
export async function runOurs(variant: RecipeVariant, lr: number, seed: number, steps: number, reference: tf.Tensor2D): Promise<RecipeRun> {
  const n = reference.shape[0];
  const interpolant = makeInterpolant('one-sided-linear');
  const model = timeConditionedMlp({ dim: 2, hidden: 128, layers: 3, seed, ...variant.model });
  const trainer = new Trainer({ interpolant, objective: quadraticObjective(interpolant, ['b']), model, target: getDataset('checkerboard'), steps, batchSize: 512, learningRate: lr, seed, logEvery: steps });
  try {
    const result = await trainer.train();
    const x0 = tf.randomNormal([n, 2], 0, 1, 'float32', 1000 + seed) as tf.Tensor2D;
    const sol = await sampleOde(x0, { velocity: trainer.fields().b, scheme: 'heun', steps: 50 });
    const slicedW2 = await slicedWasserstein2(sol.y as tf.Tensor2D, reference, { seed: W2_SEED });
    x0.dispose();
    sol.dispose();
    return { variant: variant.name, lr, seed, steps, n, slicedW2, secondsPerStep: result.secondsPerStep, finalLoss: result.finalLoss };
  } finally {
    trainer.dispose();
  }
}

/** Runs `bench/torch_default_recipe.py` once (1 thread, BLAS pools pinned); null when PyTorch is missing. */
export async function runTorch(lr: number, seed: number, steps: number, reference: tf.Tensor2D): Promise<RecipeRun | { error: string }> {
  const found = findTorchPython();
  if (found === null) return { error: 'PyTorch not available (apt-get install -y python3-torch)' };
  const dir = mkdtempSync(join(tmpdir(), 'si-sweep-torch-'));
  try {
    const out = join(dir, 'samples.json');
    const n = reference.shape[0];
    const script = fileURLToPath(new URL('./torch_default_recipe.py', import.meta.url));
    const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', MALLOC_MMAP_THRESHOLD_: '4294967296', MALLOC_TRIM_THRESHOLD_: '4294967296' };
    const args = [script, '--seed', String(seed), '--lr', String(lr), '--steps', String(steps), '--n', String(n), '--out', out];
    const run = spawnSync(found.python, args, { encoding: 'utf8', env, timeout: 3_600_000, maxBuffer: 64 << 20 });
    if (run.status !== 0) return { error: `PyTorch run failed (exit ${run.status}): ${(run.stderr || '').trim().split('\n').pop()}` };
    const meta = JSON.parse(run.stdout.trim().split('\n').pop()!) as { secondsPerStep: number; finalLoss: number; torch: string };
    const samples = tf.tensor2d(JSON.parse(readFileSync(out, 'utf8')) as number[][]);
    const slicedW2 = await slicedWasserstein2(samples, reference, { seed: W2_SEED });
    samples.dispose();
    return { variant: `PyTorch ${meta.torch}: ReLU MLP on (x, t), Adam, linear decay`, lr, seed, steps, n, slicedW2, secondsPerStep: meta.secondsPerStep, finalLoss: meta.finalLoss };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rows of the sweep table: one per (variant, lr), median and range of sliced W2 over the seeds. */
export function sweepTable(runs: readonly RecipeRun[], floor: number): string[][] {
  const groups = new Map<string, RecipeRun[]>();
  for (const r of runs) {
    const key = `${r.variant}|${r.lr}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const torch = runs.filter((r) => r.variant.startsWith('PyTorch'));
  const torchMedian = torch.length > 0 ? median(torch.map((r) => r.slicedW2)) : Number.NaN;
  const rows = [['recipe', 'lr', 'seeds', 'sliced W2 median', 'min … max', '× PyTorch', 's / step']];
  const sorted = [...groups.values()].sort((a, b) => median(a.map((r) => r.slicedW2)) - median(b.map((r) => r.slicedW2)));
  for (const g of sorted) {
    const w = g.map((r) => r.slicedW2);
    const m = median(w);
    rows.push([g[0]!.variant, String(g[0]!.lr), String(g.length), fmt(m, 4), `${fmt(Math.min(...w), 4)} … ${fmt(Math.max(...w), 4)}`, Number.isFinite(torchMedian) ? fmt(m / torchMedian, 2) : '–', fmt(median(g.map((r) => r.secondsPerStep)), 4)]);
  }
  rows.push([`floor (two reference sets of n = ${runs[0]?.n ?? '?'})`, '', '', fmt(floor, 4), '', '', '']);
  return rows;
}

/** `npm run bench -- --only default-recipe`: the current defaults of `si train` against PyTorch. */
export const defaultRecipeBenchmark: Benchmark = {
  name: 'default-recipe',
  description: "si train's default checkerboard recipe vs the plain PyTorch recipe: sliced W2 over 3 seeds (goal ≤ 1.1×)",
  async run(ctx): Promise<BenchResult> {
    const steps = ctx.quick ? 200 : 2000;
    const n = ctx.quick ? 4000 : 20000;
    const seeds = ctx.quick ? [0] : [0, 1, 2];
    await useBackend('wasm');
    const { reference, second } = referenceSets(n);
    const floor = await slicedWasserstein2(second, reference, { seed: W2_SEED });
    const runs: RecipeRun[] = [];
    const notes: string[] = [];
    const variant = cliDefaultVariant();
    const lr = trainCommand.flags.lr!.default as number;
    for (const seed of seeds) {
      ctx.progress(`default-recipe: ${variant.name}, lr ${lr}, seed ${seed}`);
      runs.push(await runOurs(variant, lr, seed, steps, reference));
      const t = await runTorch(lr, seed, steps, reference);
      if ('error' in t) notes.push(t.error);
      else runs.push(t);
    }
    tf.dispose([reference, second]);
    const ours = median(runs.filter((r) => !r.variant.startsWith('PyTorch')).map((r) => r.slicedW2));
    const torch = runs.filter((r) => r.variant.startsWith('PyTorch')).map((r) => r.slicedW2);
    if (torch.length > 0) notes.push(`default / PyTorch (medians): ${fmt(ours / median(torch), 2)} (goal ≤ 1.10)`);
    notes.push(`Heun, 100 NFE, n = ${n}; sliced W2 to one reference set of n points with the same projections for every row.`);
    return { tables: [{ title: `default si train recipe vs PyTorch, ${steps} steps × batch 512, MLP 3×128`, rows: sweepTable(runs, floor) }], notes: [...new Set(notes)], data: { steps, n, floor, runs } };
  },
};

function list(text: string | undefined, fallback: string): string[] {
  return (text ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);
}

async function standalone(argv: readonly string[]): Promise<void> {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const names = list(arg('variants'), 'all');
  const variants = names.includes('all') ? [...RECIPE_VARIANTS] : names.map((name) => {
    const v = name === 'default' ? cliDefaultVariant() : RECIPE_VARIANTS.find((r) => r.id === name);
    if (!v) throw new Error(`default-recipe-sweep: unknown variant '${name}'; known: default, ${RECIPE_VARIANTS.map((r) => r.id).join(', ')}`);
    return v;
  });
  const lrs = list(arg('lrs'), '2e-3').map(Number);
  const seeds = list(arg('seeds'), '0,1,2').map(Number);
  const steps = Number(arg('steps') ?? 2000);
  const n = Number(arg('n') ?? 20000);
  const out = arg('out');
  const withTorch = argv.includes('--torch');
  const withOurs = !argv.includes('--torch-only');
  await useBackend('wasm');
  const { reference, second } = referenceSets(n);
  const floor = await slicedWasserstein2(second, reference, { seed: W2_SEED });
  const runs: RecipeRun[] = out ? readPrevious(out) : [];
  const record = (r: RecipeRun) => {
    runs.push(r);
    if (out) appendFileSync(out, `${JSON.stringify(r)}\n`);
    console.error(`[sweep] ${r.variant} lr ${r.lr} seed ${r.seed}: sliced W2 ${r.slicedW2.toFixed(4)} (${(r.secondsPerStep * 1000).toFixed(1)} ms/step)`);
  };
  for (const seed of seeds) {
    if (withTorch) {
      for (const lr of lrs) {
        const t = await runTorch(lr, seed, steps, reference);
        if ('error' in t) console.error(`[sweep] ${t.error}`);
        else record(t);
      }
    }
    if (withOurs) for (const v of variants) for (const lr of lrs) record(await runOurs(v, lr, seed, steps, reference));
  }
  tf.dispose([reference, second]);
  const rows = sweepTable(runs, floor);
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
  console.log(`| ${rows[0]!.join(' | ')} |\n| ${widths.map(() => '---').join(' | ')} |`);
  for (const r of rows.slice(1)) console.log(`| ${r.join(' | ')} |`);
}

function readPrevious(path: string): RecipeRun[] {
  try {
    return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RecipeRun);
  } catch {
    return [];
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await standalone(process.argv.slice(2));
}
