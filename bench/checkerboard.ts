/**
 * The checkerboard recipe of `si train` against PyTorch: the command line
 *   si train --dataset checkerboard --interpolant one-sided-linear --objective b --steps 2000 --batch 512
 *            --hidden 128 --layers 3 --lr 2e-3
 * run in this process (one wasm thread) and in a child process with `--threads 2`, and the same recipe in
 * PyTorch on 1 and 2 threads (same network, objective, Adam with linear decay, batch, steps); both
 * sampled with Heun, 100 NFE, from 4,000 base points; quality as the sliced W2 to one fresh reference set
 * (and the floor between two reference sets), speed as seconds per training step.
 *
 * It also times the step's matrix products alone on wasm (same shapes, operands reused, so XNNPACK keeps
 * its packed weights: a lower bound on what any wasm step with these products costs), and states that
 * floor as a ratio to PyTorch's whole step.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { sampleOde } from '../samplers/probability-flow.js';
import { main as si } from '../src/cli/main.js';
import { getDataset } from '../src/data/registry.js';
import { slicedWasserstein2 } from '../src/metrics/sliced-wasserstein.js';
import { SeedStream } from '../src/random.js';
import { loadTrainedModel } from '../src/train/trained-model.js';
import { wasmThreadCount } from '../src/wasm-threads.js';
import { fileURLToPath } from 'node:url';
import type { Benchmark, BenchResult } from './lib.js';
import { fmt, median, useBackend } from './lib.js';
import { runTorchRecipe } from './torch-recipes.js';

export const checkerboardBenchmark: Benchmark = {
  name: 'checkerboard',
  description: 'si train checkerboard recipe vs the same recipe in PyTorch: sliced W2 after equal steps, seconds per step',
  async run(ctx): Promise<BenchResult> {
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
      return {
        tables: [{ title: `checkerboard recipe, ${steps} steps × batch 512, MLP 3×128`, rows }],
        notes,
        data: { steps, ours: { ...ours, slicedW2: oursW2 }, oursTwoThreads: two, floor, torch, productsFloor: floor_ },
      };
      tf.dispose([reference, second, x0]);
      notes.push('Sliced W2 is measured for both against the same reference set with the same projections; the floor is two independent reference sets.');
      return { tables: [{ title: `checkerboard recipe, ${steps} steps × batch 512, MLP 3×128`, rows }], notes, data: { steps, ours: { ...ours, slicedW2: oursW2 }, floor, torch } };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/**
 * Times the matrix products of one training step of the recipe's network (features 19 → 128 → 128 → 128
 * → 2, batch 512): the forward products, the input gradients of every layer but the first, and every
 * weight gradient, each with the transposes training uses. Operands are created once, so XNNPACK reuses
 * its packed weights: a lower bound. Returns the median over `repeats` of the summed time.
 */
function productsFloor(repeats: number): { ms: number; products: number; mflop: number } {
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
    for (const [a, b, ta, tb] of products) tf.matMul(a, b, ta, tb).dispose();
    return performance.now() - t0;
  };
  for (let k = 0; k < 5; k++) once();
  const times = Array.from({ length: repeats }, once);
  tf.dispose(made);
  return { ms: median(times), products: products.length, mflop: flop / 1e6 };
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
  const { timeConditionedMlp } = await import('../models/mlp.js');
  const { makeInterpolant } = await import('../src/interpolants/index.js');
  const { quadraticObjective } = await import('../src/objectives/quadratic-objective.js');
  const { interpolantTask } = await import('../src/train/tasks/interpolant.js');
  const { Trainer } = await import('../src/train/trainer.js');
  const trainers = variants.map(() => {
    const interpolant = makeInterpolant('one-sided-linear');
    const objective = quadraticObjective(interpolant, ['b']);
    const model = timeConditionedMlp({ dim: 2, hidden: 128, layers: 3, activation, heads: 1, towers: 'shared', seed: 0 });
    const task = interpolantTask({ interpolant, objective, model, target: getDataset('checkerboard'), batchSize: 512 });
    return new Trainer({ task, steps: 1_000_000, seed: 0, learningRate: 2e-3, logEvery: 1_000_000 });
  });
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
