/**
 * Sampling speed (issue: solver core): 10,000 2-D points through an MLP 3×128 with RK4 for 25 steps
 * (100 NFE) via `sampleOde` on the solver core, in ms per NFE per 1,000 points: ours on 1 and 2 wasm
 * threads and PyTorch on 1 and 2 threads (interleaved processes, wall and CPU time), with the network's
 * products alone as the floor, the ratios, and the default thread count ({@link defaultWasmThreads}) marked.
 */
import * as tf from '@tensorflow/tfjs-core';
import { modelField, timeConditionedMlp } from '../models/mlp.js';
import { sampleOde } from '../samplers/probability-flow.js';
import type { Benchmark, BenchResult } from './lib.js';
import { fmt, median } from './lib.js';
import { childRequest, cpuMs, timeInChild } from './checkerboard.js';
import { defaultWasmThreads } from '../src/wasm-threads.js';
import { runTorchRecipe } from './torch-recipes.js';

export const samplingBenchmark: Benchmark = {
  name: 'sampling',
  description: 'RK4 sampling of 10,000 2-D points through an MLP 3×128 (25 steps per process): ms per NFE per 1,000 points, ours and PyTorch on 1 and 2 threads',
  async run(ctx): Promise<BenchResult> {
    const n = ctx.quick ? 2000 : 10000;
    // 25 RK4 steps (100 NFE) per process: the per-NFE time is flat in the step count, and three rounds of
    // four processes stay within minutes on a loaded machine.
    const steps = ctx.quick ? 10 : 25;
    const rounds = ctx.quick ? 1 : 3;
    const ours: Record<number, SamplingTiming[]> = { 1: [], 2: [] };
    const torch: Record<number, { wall: number; cpu: number }[]> = { 1: [], 2: [] };
    const notes: string[] = [];
    let torchUnavailable: string | null = null;
    // Interleaved rounds, one fresh process each (the wasm pool size is fixed when wasm starts).
    for (let r = 0; r < rounds; r++) {
      for (const threads of [1, 2]) {
        ctx.progress(`sampling: round ${r + 1}/${rounds}, ours on ${threads} thread(s)`);
        ours[threads]!.push(timeInChild<SamplingTiming>(import.meta.url, 'sampling', { threads, n, steps }));
      }
      for (const threads of [1, 2]) {
        if (torchUnavailable !== null) break;
        ctx.progress(`sampling: round ${r + 1}/${rounds}, PyTorch on ${threads} thread(s)`);
        const res = runTorchRecipe(threads, ['sampling', '--n', String(n), '--steps', String(steps), '--repeats', '1']);
        if (!res.ok) torchUnavailable = res.reason;
        else torch[threads]!.push({ wall: res.result.ms_per_nfe_per_1000 as number, cpu: res.result.cpu_ms_per_nfe_per_1000 as number });
      }
    }
    const med = (xs: number[]) => median(xs);
    const keys = ['wall', 'cpu', 'unfoldedWall', 'unfoldedCpu', 'floorWall', 'floorCpu'] as const;
    const o = Object.fromEntries([1, 2].map((t) => [t, { threads: ours[t]![0]!.threads, ...Object.fromEntries(keys.map((k) => [k, med(ours[t]!.map((x) => x[k]))])) }])) as Record<number, SamplingTiming>;
    const p = torchUnavailable !== null ? {} : (Object.fromEntries([1, 2].map((t) => [t, { wall: med(torch[t]!.map((x) => x.wall)), cpu: med(torch[t]!.map((x) => x.cpu)) }])) as Record<number, { wall: number; cpu: number }>);
    const bestTorch = p[1] && p[2] ? Math.min(p[1].wall, p[2].wall) : null;
    const defaultThreads = defaultWasmThreads('sampling');
    const rows = [['implementation', 'threads', 'wall', 'CPU', 'floor wall', 'floor CPU', 'ours/floor wall', 'ours/PyTorch same threads (wall)', '(CPU)', "ours/PyTorch's best (wall)"]];
    for (const t of [1, 2]) {
      const x = o[t]!;
      for (const [label, wall, cpu] of [['ours, wasm rk4 (default: shared t folded)', x.wall, x.cpu], ['ours, unfolded (setSharedTimeFolding(false))', x.unfoldedWall, x.unfoldedCpu]] as const) {
        rows.push([
          `${label}${t === defaultThreads ? ' (default threads)' : ''}`, String(x.threads), fmt(wall, 3), fmt(cpu, 3), fmt(x.floorWall, 3), fmt(x.floorCpu, 3), fmt(wall / x.floorWall, 2),
          p[t] ? fmt(wall / p[t].wall, 2) : '-', p[t] ? fmt(cpu / p[t].cpu, 2) : '-', bestTorch ? fmt(wall / bestTorch, 2) : '-',
        ]);
      }
    }
    for (const t of [1, 2]) if (p[t]) rows.push([`PyTorch (no_grad)`, String(t), fmt(p[t].wall, 3), fmt(p[t].cpu, 3), '-', '-', '-', '1.00', '1.00', bestTorch ? fmt(p[t].wall / bestTorch, 2) : '-']);
    if (torchUnavailable !== null) notes.push(torchUnavailable);
    notes.push(
      `ms per NFE per 1,000 points; medians over ${rounds} interleaved rounds of one process each (ours 1 thread, ours 2, PyTorch 1, PyTorch 2). ` +
        `CPU is the process's CPU time over all its threads (on one thread the work itself, steadier than the wall clock on a loaded machine; on two the total cost). ` +
        `Floor: the network's four products alone (${n} rows, operands reused) on the same pool. Ours: the dense-stack fast path with the time features folded into the first bias at the shared t (the default), and unfolded (setSharedTimeFolding(false): the layers' values bit for bit), timed in the same process.`,
    );
    return { tables: [{ title: `sampling: RK4, ${steps} steps, MLP 3×128 swish, ${n} points (ms / NFE / 1000 points)`, rows }], notes, data: { n, steps, rounds, ours: o, torch: p } };
  },
};

/** One process's sampling timing (ms per NFE per 1,000 points), see {@link samplingTiming}. */
export interface SamplingTiming {
  threads: number;
  /** The default path (dense-stack fast path, time features folded at the shared t). */
  wall: number;
  cpu: number;
  /** Without the folding (`setSharedTimeFolding(false)`: the layers' values bit for bit). */
  unfoldedWall: number;
  unfoldedCpu: number;
  /** The network's products alone per NFE per 1,000 points. */
  floorWall: number;
  floorCpu: number;
}

/**
 * RK4 sampling of `n` points through the MLP 3×128 (seed 0) for `steps` steps on wasm with `threads`
 * threads, after a short warm-up, in this process; and the four products of one evaluation alone
 * (operands reused: XNNPACK keeps its packed weights), median of 20. Meant for a fresh child process.
 */
export async function samplingTiming(o: { threads: number; n: number; steps: number }): Promise<SamplingTiming> {
  const { initBackend } = await import('../src/backend.js');
  const info = await initBackend('wasm', { log: null, threads: o.threads });
  const model = timeConditionedMlp({ dim: 2, hidden: 128, layers: 3, seed: 0 });
  const velocity = modelField(model);
  const x0 = tf.randomNormal([o.n, 2], 0, 1, 'float32', 1) as tf.Tensor2D;
  const { setSharedTimeFolding } = await import('../models/dense-stack.js');
  const run = async (fold: boolean) => {
    setSharedTimeFolding(fold);
    const t0 = performance.now();
    const c0 = cpuMs();
    const sol = await sampleOde(x0, { velocity, scheme: 'rk4', steps: o.steps });
    await sol.y.data();
    const times = [performance.now() - t0, cpuMs() - c0, 1 / sol.stats.nfe / (o.n / 1000)] as const;
    sol.dispose();
    return { wall: times[0] * times[2], cpu: times[1] * times[2] };
  };
  // Warm-up of both paths, then the unfolded one (bit-identical to the layers) and the default (folded).
  (await sampleOde(x0, { velocity, scheme: 'rk4', steps: 2 })).dispose();
  await run(false);
  const plain = await run(false);
  const folded = await run(true);
  model.dispose();
  const widths = [19, 128, 128, 128, 2];
  const operands = widths.slice(0, -1).map((w, l) => [tf.randomNormal([o.n, w], 0, 1, 'float32', 3 + l), tf.randomNormal([w, widths[l + 1]!], 0, 1, 'float32', 9 + l)] as const);
  const once = () => {
    const a = performance.now();
    const c = cpuMs();
    for (const [x, w] of operands) tf.matMul(x, w).dispose();
    return [performance.now() - a, cpuMs() - c] as const;
  };
  for (let k = 0; k < 3; k++) once();
  const floors = Array.from({ length: 20 }, once);
  tf.dispose([x0, ...operands.flat()]);
  const perPoints = 1 / (o.n / 1000);
  return { threads: info.threads ?? 1, wall: folded.wall, cpu: folded.cpu, unfoldedWall: plain.wall, unfoldedCpu: plain.cpu, floorWall: median(floors.map((f) => f[0])) * perPoints, floorCpu: median(floors.map((f) => f[1])) * perPoints };
}

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
  setSharedTimeFolding(true);
  x0.dispose();
  model.dispose();
  return { layers: median(samples.layers!), direct: median(samples.direct!), folded: median(samples.folded!) };
}

const request = childRequest(import.meta.url);
if (request?.name === 'sampling') {
  console.log(JSON.stringify(await samplingTiming(request.options as Parameters<typeof samplingTiming>[0])));
  process.exit(0);
}
