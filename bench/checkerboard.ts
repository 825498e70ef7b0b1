/**
 * The checkerboard recipe of `si train` against PyTorch: the command line
 *   si train --dataset checkerboard --interpolant one-sided-linear --objective b --steps 2000 --batch 512
 *            --hidden 128 --layers 3 --lr 2e-3
 * run in this process, and the same recipe in PyTorch (same network, objective, Adam with linear decay,
 * batch, steps); both sampled with Heun, 100 NFE, from 4,000 base points; quality as the sliced W2 to one
 * fresh reference set (and the floor between two reference sets), speed as seconds per training step.
 */
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
import type { Benchmark, BenchResult } from './lib.js';
import { fmt, useBackend } from './lib.js';
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

      const rows = [['implementation', 'steps', 's / step', 'sliced W2 (heun, 100 NFE)', 'floor', 'ratio s/step ours/this']];
      rows.push(['ours: si train (wasm + fixes)', String(steps), fmt(ours.secondsPerStep, 4), fmt(oursW2, 4), fmt(floor, 4), '1.00']);
      const notes: string[] = [];
      const torch: Record<string, unknown>[] = [];
      for (const threads of [1, 2]) {
        const out = join(dir, `torch-${threads}.json`);
        const r = runTorchRecipe(['checkerboard', '--threads', String(threads), '--steps', String(steps), '--batch', '512', '--n', String(n), '--out', out]);
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
      tf.dispose([reference, second, x0]);
      notes.push('Sliced W2 is measured for both against the same reference set with the same projections; the floor is two independent reference sets.');
      return { tables: [{ title: `checkerboard recipe, ${steps} steps × batch 512, MLP 3×128`, rows }], notes, data: { steps, ours: { ...ours, slicedW2: oursW2 }, floor, torch } };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
