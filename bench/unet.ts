/**
 * One U-Net training step (flow matching, Adam, batch 64, 28×28×1, widths 32/64, GroupNorm(8), 10 classes:
 * `models/unet.ts`) on wasm with one thread, against the same network in PyTorch
 * (`bench/torch_unet_bench.py`, one thread, run as a child process) — interleaved blocks in one run, medians.
 *
 * Three configurations alternate in every block:
 * - `ours`: this library's kernels (shifted-product filter gradient, SplitV and resize-gradient overrides)
 *   and the fused GroupNorm node;
 * - `before`: the previous kernels (filter gradient as one XNNPACK convolution, stride-1 input gradient
 *   through a padded copy, the wasm backend's own SplitV and ResizeNearestNeighborGrad) and GroupNorm
 *   from ordinary ops;
 * - PyTorch, on the wall clock and on the thread's CPU clock.
 * Our steps are timed on both clocks too (process CPU time): on a shared machine the CPU clock is the
 * steadier of the two. A per-kernel profile of one `ours` step gives the convolutions' share.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { timeConditionedUNet } from '../models/unet.js';
import { initBackend } from '../src/backend.js';
import { runWasmKernel, wasmKernel, type WasmBackendLike } from '../src/kernels/wasm-common.js';
import { type Conv2DBackpropInputAttrs, wasmConv2DBackpropInput } from '../src/kernels/wasm-conv2d-backprop-input.js';
import { convFormFilterGrad, type Conv2DBackpropFilterAttrs } from '../src/kernels/wasm-conv2d-backprop-filter.js';
import { type Benchmark, type BenchResult, fmt, median } from './lib.js';
import { findTorchPython } from './torch-mlp.js';

/** The benchmarked network and step (those of `torch_unet_bench.py`). */
export const UNET_BENCH = { batch: 64, size: 28, widths: [32, 64], classes: 10, lr: 2e-4 } as const;

/** Kernels whose implementation differs between `ours` and `before`. */
const SWAPPED = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'SplitV', 'ResizeNearestNeighborGrad'] as const;

/** The previous filter gradient (one XNNPACK convolution for every stride) as a kernel config. */
function previousFilterGradKernel(): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const a = attrs as unknown as Conv2DBackpropFilterAttrs;
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
    return convFormFilterGrad(backend as WasmBackendLike, x, dy, info);
  };
  return { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc };
}

/** The previous input gradient (stride 1 through a padded copy of dy and a crop) as a kernel config. */
function previousInputGradKernel(): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const backend = args.backend as WasmBackendLike;
    const out = wasmConv2DBackpropInput(backend, dy, filter, args.attrs as unknown as Conv2DBackpropInputAttrs, false);
    return out ?? runWasmKernel(backend, 'Conv2DBackpropInput', args.inputs, args.attrs);
  };
  return { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc };
}

/** Switches the swapped kernels between this library's (`ours`) and the previous ones (`before`). */
function kernelSwitch(): (mode: 'ours' | 'before') => void {
  const ours = new Map(SWAPPED.map((name) => [name, tf.getKernel(name, 'wasm')!]));
  const before = new Map<string, KernelConfig>([
    ['Conv2DBackpropFilter', previousFilterGradKernel()],
    ['Conv2DBackpropInput', previousInputGradKernel()],
    ['SplitV', wasmKernel('SplitV')],
    ['ResizeNearestNeighborGrad', wasmKernel('ResizeNearestNeighborGrad')],
  ]);
  return (mode) => {
    for (const name of SWAPPED) {
      tf.unregisterKernel(name, 'wasm');
      tf.registerKernel((mode === 'ours' ? ours : before).get(name)!);
    }
  };
}

/** A U-Net, Adam and one flow-matching step (`loss = mean_b Σ_pixels pred·(pred/2 − (x1 − x0))`). */
function makeStep(plainGroupNorm: boolean, seed: number): { step: () => tf.Scalar; model: tfl.LayersModel; dispose: () => void } {
  const { batch, size, widths, classes, lr } = UNET_BENCH;
  const model = timeConditionedUNet({ imageSize: size, widths: [...widths], numClasses: classes, plainGroupNorm, seed });
  const optimizer = tf.train.adam(lr);
  let k = 0;
  const step = () =>
    tf.tidy(() => {
      const s = seed * 100_000 + 4 * k++;
      const x1 = tf.sub(tf.mul(tf.randomUniform([batch, size, size, 1], 0, 1, 'float32', s), 2), 1);
      const x0 = tf.randomNormal([batch, size, size, 1], 0, 1, 'float32', s + 1);
      const t = tf.randomUniform([batch, 1], 0, 1, 'float32', s + 2);
      const label = tf.floor(tf.randomUniform([batch, 1], 0, classes + 1, 'float32', s + 3));
      const tt = tf.reshape(t, [batch, 1, 1, 1]);
      const xt = tf.add(tf.mul(tf.sub(1, tt), x0), tf.mul(tt, x1));
      const target = tf.sub(x1, x0);
      return optimizer.minimize(() => {
        const pred = model.apply([xt, t, label]) as tf.Tensor;
        return tf.div(tf.sum(tf.mul(pred, tf.sub(tf.mul(pred, 0.5), target))), batch) as tf.Scalar;
      }, true) as tf.Scalar;
    });
  return { step, model, dispose: () => { optimizer.dispose(); model.dispose(); } };
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Runs `steps` steps; per-step wall and CPU milliseconds (the loss is read back inside each step). */
function timeSteps(step: () => tf.Scalar, steps: number): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < steps; i++) {
    const w0 = performance.now();
    const c0 = cpuMs();
    const loss = step();
    loss.dataSync();
    cpu.push(cpuMs() - c0);
    wall.push(performance.now() - w0);
    loss.dispose();
  }
  return { wall, cpu };
}

/** One run of the PyTorch script: its median step time on the given clock, or a reason it failed. */
function torchRun(python: string, clock: 'wall' | 'cpu', steps: number): { ms: number; params: number; torch: string } | string {
  const script = fileURLToPath(new URL('./torch_unet_bench.py', import.meta.url));
  const env = {
    ...process.env,
    OMP_NUM_THREADS: '1',
    OPENBLAS_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
    MALLOC_MMAP_THRESHOLD_: '4294967296',
    MALLOC_TRIM_THRESHOLD_: '4294967296',
  };
  const run = spawnSync(python, [script, '--threads', '1', '--steps', String(steps), '--clock', clock], { encoding: 'utf8', timeout: 1_800_000, env });
  if (run.status !== 0) return `PyTorch run failed (exit ${run.status}): ${(run.stderr || '').trim().split('\n').pop()}`;
  const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as { stepMs: number; params: number; torch: string };
  return { ms: out.stepMs, params: out.params, torch: out.torch };
}

/** Kernel time (ms) and, for convolutions, multiply-add FLOPs of one step by kernel name (tf.profile). */
async function kernelProfile(step: () => tf.Scalar): Promise<Map<string, { ms: number; flops: number }>> {
  const info = await tf.profile(() => step());
  const byName = new Map<string, { ms: number; flops: number }>();
  const size = (s: number[] | undefined) => (s ?? []).reduce((a, b) => a * b, 1);
  for (const k of info.kernels) {
    // Scopes (custom gradients, fused ops) are listed beside their kernels: count kernels only.
    if (tf.getKernel(k.name, 'wasm') === undefined) continue;
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    let flops = 0;
    const [a, b] = k.inputShapes;
    if (k.name === 'Conv2D' || k.name === 'FusedConv2D') flops = 2 * size(k.outputShapes[0]) * size(b?.slice(0, 3));
    else if (k.name === 'Conv2DBackpropFilter') flops = 2 * size(b) * size(k.outputShapes[0]?.slice(0, 3));
    else if (k.name === 'Conv2DBackpropInput') flops = 2 * size(a) * size(b?.slice(0, 3));
    const entry = byName.get(k.name) ?? { ms: 0, flops: 0 };
    entry.ms += ms;
    entry.flops += flops;
    byName.set(k.name, entry);
  }
  tf.dispose(info.result as tf.Tensor);
  return byName;
}

const CONV_KERNELS = ['Conv2D', 'FusedConv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput'];

export const unetBenchmark: Benchmark = {
  name: 'unet',
  description: 'U-Net training step (28×28×1, 32/64, GroupNorm, batch 64, Adam) on wasm 1 thread vs PyTorch 1 thread, before/after the conv work',
  async run(ctx): Promise<BenchResult> {
    await initBackend('wasm', { log: null, threads: 1 });
    const blocks = ctx.quick ? 1 : 3;
    const steps = ctx.quick ? 2 : 4;
    const torchSteps = ctx.quick ? 4 : 8;
    const found = findTorchPython();
    const useKernels = kernelSwitch();
    const ours = makeStep(false, 1);
    const before = makeStep(true, 1);
    before.model.setWeights(ours.model.getWeights());
    const samples: Record<'ours' | 'before', { wall: number[]; cpu: number[] }> = { ours: { wall: [], cpu: [] }, before: { wall: [], cpu: [] } };
    const torch = { wall: [] as number[], cpu: [] as number[], params: 0, version: '', failure: '' };
    // Warm-up (XNNPACK operators, tfjs-layers graph caches) in both configurations.
    useKernels('before');
    timeSteps(before.step, 1);
    useKernels('ours');
    timeSteps(ours.step, 1);
    for (let b = 0; b < blocks; b++) {
      ctx.progress(`unet: block ${b + 1}/${blocks}`);
      useKernels('ours');
      const o = timeSteps(ours.step, steps);
      useKernels('before');
      const p = timeSteps(before.step, steps);
      useKernels('ours');
      samples.ours.wall.push(median(o.wall));
      samples.ours.cpu.push(median(o.cpu));
      samples.before.wall.push(median(p.wall));
      samples.before.cpu.push(median(p.cpu));
      if (found !== null && torch.failure === '') {
        for (const clock of ['wall', 'cpu'] as const) {
          const r = torchRun(found.python, clock, torchSteps);
          if (typeof r === 'string') torch.failure = r;
          else {
            torch[clock].push(r.ms);
            torch.params = r.params;
            torch.version = r.torch;
          }
        }
      }
    }
    useKernels('ours');
    const profile = await kernelProfile(ours.step);
    const params = ours.model.countParams();
    ours.dispose();
    before.dispose();

    const { batch } = UNET_BENCH;
    const med = (xs: number[]) => (xs.length > 0 ? median(xs) : NaN);
    const cells = {
      ours: { wall: med(samples.ours.wall), cpu: med(samples.ours.cpu) },
      before: { wall: med(samples.before.wall), cpu: med(samples.before.cpu) },
      torch: { wall: med(torch.wall), cpu: med(torch.cpu) },
    };
    const ips = (ms: number) => (batch * 1000) / ms;
    const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) ? `${fmt(a / b)}×` : '-');
    const rows = [
      ['config', 'ms/step (wall)', 'img/s (wall)', 'ms/step (cpu)', 'img/s (cpu)', 'vs PyTorch (wall)', 'vs PyTorch (cpu)'],
      ...(['ours', 'before', 'torch'] as const).map((k) => [
        k === 'ours' ? 'ours (wasm, 1 thread)' : k === 'before' ? 'before (previous kernels, plain GroupNorm)' : `PyTorch ${torch.version || ''} (1 thread)`,
        fmt(cells[k].wall, 0),
        fmt(ips(cells[k].wall), 1),
        fmt(cells[k].cpu, 0),
        fmt(ips(cells[k].cpu), 1),
        ratio(cells[k].wall, cells.torch.wall),
        ratio(cells[k].cpu, cells.torch.cpu),
      ]),
    ];
    const total = [...profile.values()].reduce((a, b) => a + b.ms, 0);
    const top = [...profile.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
    const profileRows = [
      ['kernel', 'ms', 'share', 'GFLOP/s'],
      ...top.map(([name, { ms, flops }]) => [name, fmt(ms, 1), `${fmt((100 * ms) / total, 1)}%`, flops > 0 ? fmt(flops / ms / 1e6, 1) : '']),
    ];
    const convMs = CONV_KERNELS.reduce((a, n) => a + (profile.get(n)?.ms ?? 0), 0);
    const notes = [
      `interleaved: ${blocks} block(s) × ${steps} steps per configuration (PyTorch: ${torchSteps} steps per run, one run per clock per block); medians of block medians`,
      `parameters: ours ${params}${torch.params ? `, PyTorch ${torch.params}` : ''}`,
      `conv kernels (${CONV_KERNELS.join(', ')}): ${fmt(convMs, 0)} of ${fmt(total, 0)} ms kernel time in one profiled step (${fmt((100 * convMs) / total, 1)}%)`,
      `ours vs before: ${ratio(cells.before.wall, cells.ours.wall)} faster (wall), ${ratio(cells.before.cpu, cells.ours.cpu)} (cpu)`,
    ];
    if (found === null) notes.push('PyTorch not available (apt-get install -y python3-torch)');
    if (torch.failure) notes.push(torch.failure);
    return {
      tables: [
        { title: `U-Net training step (batch ${batch}, 28×28×1, widths 32/64, GroupNorm(8), Adam)`, rows },
        { title: 'U-Net step: kernel time by kernel (ours, one profiled step; times inflated by the profiler)', rows: profileRows },
      ],
      notes,
      data: { net: UNET_BENCH, cells, samples, torch, profile: Object.fromEntries(profile), params },
    };
  },
};
