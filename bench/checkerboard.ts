/**
 * The checkerboard recipe of `si train` against PyTorch: the command line
 *   si train --dataset checkerboard --interpolant one-sided-linear --objective b --steps 2000 --batch 512
 *            --hidden 128 --layers 3 --lr 2e-3
 * run in this process (one wasm thread) and in a child process with `--threads 2`, and the same recipe in
 * PyTorch on 1 and 2 threads (same network, objective, Adam with linear decay, batch, steps); both
 * sampled with Heun, 100 NFE, from 4,000 base points; quality as the sliced W2 to one fresh reference set
 * (and the floor between two reference sets), speed as seconds per training step.
 *
 * A second table times the step alone (no sampling, no logging) in interleaved processes: ours on 1 and 2
 * wasm threads and PyTorch on 1 and 2 threads, wall and CPU time, with the products-alone floor beside ours
 * and the default thread count ({@link defaultWasmThreads}) marked. `SI_BENCH_TIMING_ONLY=1` runs only
 * that table.
 *
 * It also times the step's matrix products alone on wasm (same shapes, operands reused, so XNNPACK keeps
 * its packed weights: a lower bound on what any wasm step with these products costs), and states that
 * floor as a ratio to PyTorch's whole step.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { sampleOde } from '../samplers/probability-flow.js';
import { main as si } from '../src/cli/main.js';
import { getDataset } from '../src/data/registry.js';
import { slicedWasserstein2 } from '../src/metrics/sliced-wasserstein.js';
import { SeedStream } from '../src/random.js';
import { loadTrainedModel } from '../src/train/trained-model.js';
import { defaultWasmThreads, wasmThreadCount } from '../src/wasm-threads.js';
import { fileURLToPath } from 'node:url';
import type { Benchmark, BenchContext, BenchResult } from './lib.js';
import { fmt, median, useBackend } from './lib.js';
import { runTorchRecipe } from './torch-recipes.js';

export const checkerboardBenchmark: Benchmark = {
  name: 'checkerboard',
  description: 'si train checkerboard recipe vs the same recipe in PyTorch: sliced W2 after equal steps, seconds per step',
  async run(ctx): Promise<BenchResult> {
    if (process.env.SI_BENCH_TIMING_ONLY === '1') {
      const { table, notes, timing } = stepTimingSection(ctx);
      return { tables: [table], notes, data: { stepTiming: timing } };
    }
    const steps = ctx.quick ? 200 : 2000;
    const n = 4000;
    const dir = mkdtempSync(join(tmpdir(), 'si-bench-checker-'));
    try {
      await useBackend('wasm');
      const args = ['train', '--dataset', 'checkerboard', '--interpolant', 'one-sided-linear', '--objective', 'b', '--steps', String(steps), '--batch', '512', '--hidden', '128', '--layers', '3', '--lr', '2e-3', '--out', join(dir, 'run'), '--backend', 'wasm', '--json'];
      ctx.progress(`checkerboard: si ${args.join(' ')}`);
      const log = console.log;
      let last = '';
      console.log = (...a: unknown[]) => void (last = a.join(' '));
      try {
        if ((await si(args)) !== 0) throw new Error('si train failed');
      } finally {
        console.log = log;
      }
      const ours = JSON.parse(last) as { secondsPerStep: number; finalLoss: number };

      const seeds = new SeedStream(2024);
      const reference = getDataset('checkerboard').sample(n, seeds);
      const second = getDataset('checkerboard').sample(n, seeds);
      const w2 = (x: tf.Tensor2D) => slicedWasserstein2(x, reference, { seed: 11 });
      const run = await loadTrainedModel(join(dir, 'run'));
      const x0 = tf.randomNormal([n, 2], 0, 1, 'float32', seeds.next()) as tf.Tensor2D;
      const sol = await sampleOde(x0, { velocity: run.velocity!, scheme: 'heun', steps: 50 });
      const oursW2 = await w2(sol.y);
      const floor = await w2(second);
      sol.dispose();
      run.dispose();

      // The same run on two wasm threads, in its own process (the pool size is fixed when wasm starts).
      ctx.progress('checkerboard: the same command with --threads 2');
      const twoArgs = [...args.slice(0, args.indexOf('--out')), '--out', join(dir, 'run2'), '--backend', 'wasm', '--threads', '2', '--json'];
      const bin = fileURLToPath(new URL('../src/cli/bin.ts', import.meta.url));
      const twoOut = execFileSync(process.execPath, ['--import', 'tsx', bin, ...twoArgs], { encoding: 'utf8', env: { ...process.env, SI_THREADS: '' } });
      const two = JSON.parse(twoOut.trim().split('\n').pop()!) as { secondsPerStep: number; finalLoss: number };

      const floor_ = productsFloor(ctx.quick ? 20 : 100);
      const rows = [['implementation', 'steps', 's / step', 'sliced W2 (heun, 100 NFE)', 'floor', 'ratio s/step ours (first row) / this']];
      const threads = await wasmThreadCount();
      rows.push([`ours: si train (wasm + fixes, ${threads} thread${threads > 1 ? 's' : ''})`, String(steps), fmt(ours.secondsPerStep, 4), fmt(oursW2, 4), fmt(floor, 4), '1.00']);
      rows.push(['ours: si train --threads 2', String(steps), fmt(two.secondsPerStep, 4), two.finalLoss === ours.finalLoss ? 'same run' : 'DIFFERS', fmt(floor, 4), fmt(ours.secondsPerStep / two.secondsPerStep, 2)]);
      const notes: string[] = [];
      const torch: Record<string, unknown>[] = [];
      for (const threads of [1, 2]) {
        const out = join(dir, `torch-${threads}.json`);
        const r = runTorchRecipe(threads, ['checkerboard', '--steps', String(steps), '--batch', '512', '--n', String(n), '--out', out]);
        if (!r.ok) {
          notes.push(r.reason);
          break;
        }
        const samples = tf.tensor2d(JSON.parse(readFileSync(out, 'utf8')) as number[][]);
        const torchW2 = await w2(samples);
        samples.dispose();
        torch.push({ ...r.result, slicedW2: torchW2 });
        const sps = r.result.secondsPerStep as number;
        rows.push([`PyTorch ${r.result.torch} (${threads} thread${threads > 1 ? 's' : ''})`, String(steps), fmt(sps, 4), fmt(torchW2, 4), fmt(floor, 4), fmt(ours.secondsPerStep / sps, 2)]);
      }
      const best = Math.min(...torch.map((t) => t.secondsPerStep as number));
      const oursBest = Math.min(ours.secondsPerStep, two.secondsPerStep);
      notes.push(`--threads 2 ${two.finalLoss === ours.finalLoss ? 'reaches the same final loss bit for bit' : `ends at loss ${two.finalLoss} against ${ours.finalLoss}`}.`);
      if (torch.length > 0) {
        notes.push(`ratio, our best (${fmt(oursBest * 1e3, 2)} ms) to PyTorch's best (${fmt(best * 1e3, 2)} ms) on this machine: ${fmt(oursBest / best, 2)} (goal ≤ 1.5)`);
        notes.push(
          `floor: the step's ${floor_.products} matrix products alone (${fmt(floor_.mflop, 0)} MFLOP) take ${fmt(floor_.ms, 2)} ms on one wasm thread ` +
            `(${fmt(floor_.mflop / floor_.ms, 1)} GFLOP/s), ${fmt(floor_.ms / 1e3 / best, 2)}× PyTorch's whole step; ` +
            `with nothing else in the step, the ratio could not go below that on one thread.`,
        );
      }
      notes.push('Sliced W2 is measured for both against the same reference set with the same projections; the floor is two independent reference sets.');
      tf.dispose([reference, second, x0]);
      const { table: timingTable, notes: timingNotes, timing } = stepTimingSection(ctx);
      return {
        tables: [{ title: `checkerboard recipe, ${steps} steps × batch 512, MLP 3×128`, rows }, timingTable],
        notes: [...notes, ...timingNotes],
        data: { steps, ours: { ...ours, slicedW2: oursW2 }, oursTwoThreads: two, floor, torch, productsFloor: floor_, stepTiming: timing },
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** The interleaved step-timing table (swish, the PyTorch recipe's activation) for the benchmark. */
function stepTimingSection(ctx: BenchContext): { table: { title: string; rows: string[][] }; notes: string[]; timing: InterleavedStepTimings } {
  const timing = interleavedStepTimings({ rounds: ctx.quick ? 1 : 3, blocks: ctx.quick ? 2 : 5, block: ctx.quick ? 20 : 50, progress: ctx.progress });
  const { rows, notes } = stepTimingRows(timing, defaultWasmThreads('training'));
  return { table: { title: 'checkerboard recipe step (MLP 3×128 swish, batch 512, Adam, objective b): ms per step', rows }, notes, timing };
}

/**
 * Times the matrix products of one training step of the recipe's network (features 19 → 128 → 128 → 128
 * → 2, batch 512): the forward products, the input gradients of every layer but the first, and every
 * weight gradient, each with the transposes training uses. Operands are created once, so XNNPACK reuses
 * its packed weights: a lower bound. Returns the median over `repeats` of the summed time.
 */
function productsFloor(repeats: number): { ms: number; cpuMs: number; products: number; mflop: number } {
  const widths = [19, 128, 128, 128, 2];
  const batch = 512;
  const made: tf.Tensor[] = [];
  const r = (shape: number[]) => {
    const t = tf.randomNormal(shape, 0, 1, 'float32', 7);
    made.push(t);
    return t;
  };
  const products: [tf.Tensor, tf.Tensor, boolean, boolean][] = [];
  let flop = 0;
  for (let l = 0; l < widths.length - 1; l++) {
    const [i, o] = [widths[l]!, widths[l + 1]!];
    const x = r([batch, i]);
    const w = r([i, o]);
    const dy = r([batch, o]);
    products.push([x, w, false, false]); // forward
    products.push([x, dy, true, false]); // weight gradient
    flop += 2 * 2 * batch * i * o;
    if (l > 0) {
      products.push([dy, w, false, true]); // input gradient
      flop += 2 * batch * i * o;
    }
  }
  const once = () => {
    const t0 = performance.now();
    const c0 = cpuMs();
    for (const [a, b, ta, tb] of products) tf.matMul(a, b, ta, tb).dispose();
    return [performance.now() - t0, cpuMs() - c0] as const;
  };
  for (let k = 0; k < 5; k++) once();
  const times = Array.from({ length: repeats }, once);
  tf.dispose(made);
  return { ms: median(times.map((x) => x[0])), cpuMs: median(times.map((x) => x[1])), products: products.length, mflop: flop / 1e6 };
}

/** CPU time of this process (user + system, every thread) in milliseconds. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
}

/** One process's timing of the recipe step ({@link recipeStepTiming}). */
export interface StepTiming {
  threads: number;
  /** Median over blocks of ms per step, wall clock and process CPU time. */
  wallMs: number;
  cpuMs: number;
  /** The step's products alone (operands reused), ms, wall and CPU. */
  floorWallMs: number;
  floorCpuMs: number;
}

/**
 * Times the checkerboard recipe step (MLP 3×128, batch 512, Adam, objective b) on wasm with `threads`
 * threads in this process: `warmup` steps, then `blocks` blocks of `block` steps (medians of wall and CPU
 * time per step), and the products-alone floor on the same pool. Meant for a fresh child process (the pool
 * size is fixed when wasm starts): see {@link timeInChild}.
 */
export async function recipeStepTiming(o: { threads: number; activation?: 'swish' | 'relu' | 'tanh'; warmup?: number; blocks?: number; block?: number }): Promise<StepTiming> {
  const { initBackend } = await import('../src/backend.js');
  const info = await initBackend('wasm', { log: null, threads: o.threads });
  const [trainer] = await recipeTrainers(1, o.activation ?? 'swish');
  const block = o.block ?? 50;
  for (let k = 0; k < (o.warmup ?? 20); k++) void trainer!.trainStep();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let b = 0; b < (o.blocks ?? 5); b++) {
    const t0 = performance.now();
    const c0 = cpuMs();
    for (let k = 0; k < block; k++) void trainer!.trainStep();
    wall.push((performance.now() - t0) / block);
    cpu.push((cpuMs() - c0) / block);
  }
  trainer!.dispose();
  const floor = productsFloor(40);
  return { threads: info.threads ?? 1, wallMs: median(wall), cpuMs: median(cpu), floorWallMs: floor.ms, floorCpuMs: floor.cpuMs };
}

/**
 * Runs `fn` of a bench module in a fresh Node process (`node --import tsx <module> --bench-child <name> <json>`)
 * and returns what it prints as JSON on its last line. SI_THREADS is cleared so the options decide.
 */
export function timeInChild<T>(moduleUrl: string, name: string, options: Record<string, unknown>): T {
  const file = fileURLToPath(moduleUrl);
  const out = execFileSync(process.execPath, ['--import', 'tsx', file, '--bench-child', name, JSON.stringify(options)], {
    encoding: 'utf8',
    env: { ...process.env, SI_THREADS: '' },
    maxBuffer: 16 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as T;
}

/** Whether this module runs as the child entry of {@link timeInChild}; returns its name and options. */
export function childRequest(moduleUrl: string): { name: string; options: Record<string, unknown> } | null {
  const argv = process.argv;
  if (argv[2] !== '--bench-child' || argv[1] === undefined || fileURLToPath(moduleUrl) !== resolve(argv[1])) return null;
  return { name: argv[3]!, options: JSON.parse(argv[4] ?? '{}') as Record<string, unknown> };
}

/** Trainers of the recipe (each its own model from the same seed) on the active backend. */
async function recipeTrainers(count: number, activation: 'swish' | 'relu' | 'tanh') {
  const { timeConditionedMlp } = await import('../models/mlp.js');
  const { makeInterpolant } = await import('../src/interpolants/index.js');
  const { quadraticObjective } = await import('../src/objectives/quadratic-objective.js');
  const { interpolantTask } = await import('../src/train/tasks/interpolant.js');
  const { Trainer } = await import('../src/train/trainer.js');
  return Array.from({ length: count }, () => {
    const interpolant = makeInterpolant('one-sided-linear');
    const objective = quadraticObjective(interpolant, ['b']);
    const model = timeConditionedMlp({ dim: 2, hidden: 128, layers: 3, activation, heads: 1, towers: 'shared', seed: 0 });
    const task = interpolantTask({ interpolant, objective, model, target: getDataset('checkerboard'), batchSize: 512 });
    return new Trainer({ task, steps: 1_000_000, seed: 0, learningRate: 2e-3, logEvery: 1_000_000 });
  });
}

/** A switchable part of the training step, for {@link checkerboardStepComparison}. */
export interface StepVariant {
  /** Row label. */
  label: string;
  /** Sets the library's switches for this variant (called before every block of it). */
  apply: () => void;
}

/**
 * Milliseconds per step of the checkerboard recipe (MLP 3×128 swish, batch 512, Adam, objective b) for
 * each variant, in one process on the active backend: variants run in interleaved blocks of `block` steps
 * (the order rotates every round) so that background load hits all alike; returns the median over
 * `rounds` of each variant's per-step time (wall clock, or the process's CPU time with `cpu`, which a
 * loaded machine disturbs far less; the same thing on one thread). Each variant trains its own model from the same seed.
 */
export async function checkerboardStepComparison(
  variants: readonly StepVariant[],
  {
    rounds = 9,
    block = 20,
    warmup = 10,
    cpu = false,
    activation = 'swish',
  }: { rounds?: number; block?: number; warmup?: number; cpu?: boolean; activation?: 'swish' | 'relu' | 'tanh' } = {},
): Promise<{ label: string; ms: number; samples: number[] }[]> {
  const trainers = await recipeTrainers(variants.length, activation);
  // CPU time of this process (user + system), not wall time: on a loaded machine the wall clock mostly
  // measures the other processes. On one wasm thread it is the step's own work.
  const clock = cpu ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; } : () => performance.now();
  const time = (i: number, steps: number) => {
    variants[i]!.apply();
    const t0 = clock();
    for (let k = 0; k < steps; k++) void trainers[i]!.trainStep();
    return (clock() - t0) / steps;
  };
  variants.forEach((_, i) => time(i, warmup));
  const samples = variants.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < variants.length; j++) {
      const i = (j + r) % variants.length;
      samples[i]!.push(time(i, block));
    }
  }
  trainers.forEach((t) => t.dispose());
  return variants.map((v, i) => ({ label: v.label, ms: median(samples[i]!), samples: samples[i]! }));
}

/** Medians of interleaved per-process timings of the recipe step: ours and PyTorch on 1 and 2 threads. */
export interface InterleavedStepTimings {
  rounds: number;
  ours: Record<number, StepTiming>;
  torch: Record<number, { wallMs: number; cpuMs: number }>;
  torchUnavailable: string | null;
}

/**
 * Times the recipe step in `rounds` rounds, each running, in turn, our step on 1 and on 2 wasm threads (a
 * fresh process each: {@link recipeStepTiming}) and PyTorch's on 1 and 2 threads (`torch_recipes.py
 * step-timing`), each `blocks` blocks of `block` steps after a warm-up; returns the median over rounds of
 * every per-process median, wall and CPU. Interleaving the processes lets background load hit all alike.
 */
export function interleavedStepTimings(o: { rounds: number; blocks: number; block: number; progress: (line: string) => void }): InterleavedStepTimings {
  const ours: Record<number, StepTiming[]> = { 1: [], 2: [] };
  const torch: Record<number, { wallMs: number; cpuMs: number }[]> = { 1: [], 2: [] };
  let torchUnavailable: string | null = null;
  for (let r = 0; r < o.rounds; r++) {
    for (const threads of [1, 2]) {
      o.progress(`checkerboard timing: round ${r + 1}/${o.rounds}, ours on ${threads} thread(s)`);
      ours[threads]!.push(timeInChild<StepTiming>(import.meta.url, 'step', { threads, blocks: o.blocks, block: o.block }));
    }
    for (const threads of [1, 2]) {
      if (torchUnavailable !== null) break;
      o.progress(`checkerboard timing: round ${r + 1}/${o.rounds}, PyTorch on ${threads} thread(s)`);
      const res = runTorchRecipe(threads, ['step-timing', '--blocks', String(o.blocks), '--block', String(o.block)]);
      if (!res.ok) torchUnavailable = res.reason;
      else torch[threads]!.push({ wallMs: (res.result.wallSecondsPerStep as number) * 1e3, cpuMs: (res.result.cpuSecondsPerStep as number) * 1e3 });
    }
  }
  const med = <K extends string>(xs: Record<K, number>[], keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, median(xs.map((x) => x[k]))])) as Record<K, number>;
  const oursKeys = ['wallMs', 'cpuMs', 'floorWallMs', 'floorCpuMs'] as const;
  return {
    rounds: o.rounds,
    ours: Object.fromEntries([1, 2].map((t) => [t, { threads: ours[t]![0]!.threads, ...med(ours[t]!, oursKeys) }])),
    torch: torchUnavailable !== null ? {} : Object.fromEntries([1, 2].map((t) => [t, med(torch[t]!, ['wallMs', 'cpuMs'] as const)])),
    torchUnavailable,
  };
}

/**
 * The timing table of {@link interleavedStepTimings}: ours and PyTorch per thread count, the products-alone
 * floor beside ours, the ratios, and the default thread count's row marked.
 */
export function stepTimingRows(timing: InterleavedStepTimings, defaultThreads: number): { rows: string[][]; notes: string[] } {
  const rows = [['implementation', 'threads', 'ms/step wall', 'ms/step CPU', 'floor wall', 'floor CPU', 'step/floor wall', 'step/floor CPU', 'ours/PyTorch wall', 'ours/PyTorch CPU']];
  const notes: string[] = [];
  for (const threads of [1, 2]) {
    const o = timing.ours[threads]!;
    const p = timing.torch[threads];
    const mark = threads === defaultThreads ? ' (default)' : '';
    rows.push([
      `ours, wasm${mark}`, String(o.threads), fmt(o.wallMs, 2), fmt(o.cpuMs, 2), fmt(o.floorWallMs, 2), fmt(o.floorCpuMs, 2),
      fmt(o.wallMs / o.floorWallMs, 2), fmt(o.cpuMs / o.floorCpuMs, 2), p ? fmt(o.wallMs / p.wallMs, 2) : '-', p ? fmt(o.cpuMs / p.cpuMs, 2) : '-',
    ]);
  }
  for (const threads of [1, 2]) {
    const p = timing.torch[threads];
    if (p) rows.push([`PyTorch`, String(threads), fmt(p.wallMs, 2), fmt(p.cpuMs, 2), '-', '-', '-', '-', '1.00', '1.00']);
  }
  if (timing.torchUnavailable !== null) notes.push(timing.torchUnavailable);
  notes.push(
    `step timing: medians over ${timing.rounds} interleaved rounds of one process each (ours 1 thread, ours 2, PyTorch 1, PyTorch 2); ` +
      `CPU is the process's CPU time over all its threads (on one thread the step's own work, steadier than the wall clock on a loaded machine; ` +
      `on two threads the total cost, not the speed). Floor: the step's 11 matrix products alone with reused operands, on the same pool.`,
  );
  return { rows, notes };
}

const request = childRequest(import.meta.url);
if (request?.name === 'step') {
  const result = await recipeStepTiming(request.options as Parameters<typeof recipeStepTiming>[0]);
  console.log(JSON.stringify(result));
  process.exit(0);
}
