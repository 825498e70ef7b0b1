/**
 * Sampling speed (issue: solver core): 10,000 2-D points through an MLP 3×128 with RK4 for 100 steps
 * (400 NFE) via `sampleOde` on the solver core, in ms per NFE per 1,000 points, with PyTorch's number for
 * the same loop (1 and 2 threads) and the ratio.
 */
import * as tf from '@tensorflow/tfjs-core';
import { modelField, timeConditionedMlp } from '../models/mlp.js';
import { sampleOde } from '../samplers/probability-flow.js';
import type { Benchmark, BenchResult } from './lib.js';
import { fmt, median, useBackend } from './lib.js';
import { runTorchRecipe } from './torch-recipes.js';

export const samplingBenchmark: Benchmark = {
  name: 'sampling',
  description: 'RK4 sampling of 10,000 2-D points through an MLP 3×128 (100 steps): ms per NFE per 1,000 points, vs PyTorch',
  async run(ctx): Promise<BenchResult> {
    const n = ctx.quick ? 2000 : 10000;
    const steps = ctx.quick ? 20 : 100;
    const repeats = ctx.quick ? 1 : 3;
    await useBackend('wasm');
    const model = timeConditionedMlp({ dim: 2, hidden: 128, layers: 3, seed: 0 });
    const velocity = modelField(model);
    const x0 = tf.randomNormal([n, 2], 0, 1, 'float32', 1) as tf.Tensor2D;
    const warm = tf.slice(x0, [0, 0], [256, 2]) as tf.Tensor2D;
    (await sampleOde(warm, { velocity, scheme: 'rk4', steps: 2 })).dispose();
    warm.dispose();
    const seconds: number[] = [];
    let nfe = 0;
    for (let r = 0; r < repeats; r++) {
      const t0 = performance.now();
      const sol = await sampleOde(x0, { velocity, scheme: 'rk4', steps });
      await sol.y.data();
      seconds.push((performance.now() - t0) / 1000);
      nfe = sol.stats.nfe;
      sol.dispose();
    }
    x0.dispose();
    model.dispose();
    const ours = (median(seconds) * 1000) / nfe / (n / 1000);
    ctx.progress(`sampling: ours ${fmt(ours, 3)} ms/NFE/1000 points`);
    const rows = [['implementation', 'points', 'NFE', 'seconds', 'ms / NFE / 1000 pts', 'ours / this']];
    rows.push(['ours (wasm + fixes, sampleOde rk4)', String(n), String(nfe), fmt(median(seconds), 2), fmt(ours, 3), '1.00']);
    const notes: string[] = [];
    const torch: Record<string, unknown>[] = [];
    for (const threads of [1, 2]) {
      const r = runTorchRecipe(threads, ['sampling', '--n', String(n), '--steps', String(steps), '--repeats', String(repeats)]);
      if (!r.ok) {
        notes.push(r.reason);
        break;
      }
      torch.push(r.result);
      const per = r.result.ms_per_nfe_per_1000 as number;
      rows.push([`PyTorch ${r.result.torch} (${threads} thread${threads > 1 ? 's' : ''}, no_grad)`, String(n), String(r.result.nfe), fmt(r.result.seconds as number, 2), fmt(per, 3), fmt(ours / per, 2)]);
    }
    return { tables: [{ title: `sampling: RK4, ${steps} steps, MLP 3×128, ${n} points`, rows }], notes, data: { n, steps, nfe, seconds, msPerNfePer1000: ours, torch } };
  },
};

/**
 * RK4 sampling of `n` points (MLP 3×128, `steps` steps) in ms / NFE / 1000 points for each variant of the
 * dense-stack fast path, in interleaved rounds in one process (median per variant): `'layers'` (the
 * ordinary tfjs-layers forward), `'direct'` (the same ops called directly, bit-identical), `'folded'`
 * (direct, time features folded into the first bias at the shared t). `cpu` measures the process's CPU
 * time instead of the wall clock (steadier on a loaded machine; the same on one thread).
 */
export async function samplingVariants({ n = 10000, steps = 20, rounds = 5, cpu = false }: { n?: number; steps?: number; rounds?: number; cpu?: boolean } = {}): Promise<Record<'layers' | 'direct' | 'folded', number>> {
  const { setDenseStackMode, setSharedTimeFolding } = await import('../models/dense-stack.js');
  const model = timeConditionedMlp({ dim: 2, hidden: 128, layers: 3, seed: 0 });
  const velocity = modelField(model);
  const x0 = tf.randomNormal([n, 2], 0, 1, 'float32', 1) as tf.Tensor2D;
  const clock = cpu ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; } : () => performance.now();
  const variants = {
    layers: () => { setDenseStackMode('off'); setSharedTimeFolding(false); },
    direct: () => { setDenseStackMode('on'); setSharedTimeFolding(false); },
    folded: () => { setDenseStackMode('on'); setSharedTimeFolding(true); },
  };
  const names = Object.keys(variants) as (keyof typeof variants)[];
  const once = async (name: keyof typeof variants) => {
    variants[name]();
    const t0 = clock();
    const sol = await sampleOde(x0, { velocity, scheme: 'rk4', steps });
    await sol.y.data();
    const ms = clock() - t0;
    const nfe = sol.stats.nfe;
    sol.dispose();
    return ms / nfe / (n / 1000);
  };
  for (const name of names) await once(name);
  const samples: Record<string, number[]> = { layers: [], direct: [], folded: [] };
  for (let r = 0; r < rounds; r++) for (let j = 0; j < names.length; j++) {
    const name = names[(j + r) % names.length]!;
    samples[name]!.push(await once(name));
  }
  setDenseStackMode('auto');
  setSharedTimeFolding(false);
  x0.dispose();
  model.dispose();
  return { layers: median(samples.layers!), direct: median(samples.direct!), folded: median(samples.folded!) };
}
