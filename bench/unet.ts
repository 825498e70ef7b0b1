/**
 * One U-Net training step (flow matching, Adam, batch 64, 28×28×1, widths 32/64, GroupNorm(8), 10 classes:
 * `models/unet.ts`) on wasm, against the same network in PyTorch (`bench/torch_unet_bench.py`, run as a
 * child process with the same thread count) — interleaved blocks in one run, medians.
 *
 * Configurations that alternate in every block (one thread; the thread count is `SI_THREADS`, default 1):
 * - `ours`: this library's kernels now: the stride-1 filter gradient (output channels a multiple of 8)
 *   and the stride-1 input gradient (dy with 32 or 64 channels) in the library's own WebAssembly SIMD
 *   code (src/kernels/simd/*.wat); the rest on XNNPACK (strided input gradient as one convolution over
 *   the stride phases; other filter gradients as shifted products or one convolution); fused GroupNorm;
 * - `before`: the XNNPACK-only dispatch at the start of this round (no SIMD kernels: filter gradient as
 *   shifted products over a padded grid from 256 output positions and 8 output channels, else one XNNPACK
 *   convolution; every input gradient as XNNPACK convolutions), same fused GroupNorm;
 * - PyTorch, on the wall clock and on the thread's CPU clock.
 * Our steps are timed on both clocks too (process CPU time): on a shared machine the CPU clock is the
 * steadier of the two. Then:
 * - a per-kernel profile of `ours` on the CPU clock (every wasm kernel wrapped), which gives the
 *   convolutions' share of the step;
 * - the **floor**: the step's 13 forward convolutions alone, timed, times 3 (forward, input gradient and
 *   filter gradient each at the forward convolution's speed) — what the step would cost if everything
 *   but the convolutions were free and the gradients ran as fast as the forward pass;
 * - the same step on two threads (`ours` and PyTorch, wall clock), `ours` in a child process (the wasm
 *   thread pool is fixed when the backend starts). With `SI_THREADS=2` the main run is on two threads and
 *   this extra row is skipped; `UNET_BENCH_SKIP_TWO=1` skips it too (a shorter run).
 * The network's 'swish' activations are the library's (`models/swish-activation.ts`, one SIMD kernel for
 * the backward pass, as `si train` loads them); `UNET_BENCH_ORIGINAL_SWISH=1` uses tfjs-layers' own.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FastSwish, OriginalSwish } from '../models/swish-activation.js';
import { timeConditionedUNet } from '../models/unet.js';
import { initBackend } from '../src/backend.js';
import { makeOptimizer } from '../src/train/optimizers.js';
import { wasmThreadCount } from '../src/wasm-threads.js';
import { runWasmKernel, wasmKernel, type WasmBackendLike } from '../src/kernels/wasm-common.js';
import { type Conv2DBackpropInputAttrs, wasmConv2DBackpropInput } from '../src/kernels/wasm-conv2d-backprop-input.js';
import {
  convFormFilterGrad,
  type Conv2DBackpropFilterAttrs,
  SHIFTED_PRODUCTS_MIN_IMAGE,
  SHIFTED_PRODUCTS_MIN_OUT_CHANNELS,
  shiftedProductsFilterGrad,
} from '../src/kernels/wasm-conv2d-backprop-filter.js';
import { supportsAliases } from '../src/kernels/wasm-alias.js';
import { type Benchmark, type BenchResult, fmt, median } from './lib.js';
import { findTorchPython } from './torch-mlp.js';

/** The benchmarked network and step (those of `torch_unet_bench.py`). */
export const UNET_BENCH = { batch: 64, size: 28, widths: [32, 64], classes: 10, lr: 2e-4 } as const;

/** Kernels whose implementation differs between the configurations. */
const SWAPPED = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'FusedConv2D'] as const;

/** The configurations timed in every block. */
type Config = 'ours' | 'before';

/**
 * The filter gradient as it was before this round: shifted products over a padded grid for stride 1
 * with at least {@link SHIFTED_PRODUCTS_MIN_IMAGE} output positions and
 * {@link SHIFTED_PRODUCTS_MIN_OUT_CHANNELS} output channels, else one XNNPACK convolution.
 */
function previousFilterGradKernel(): KernelConfig {
  const kernelFunc = ({ inputs, backend, attrs }: Parameters<KernelFunc>[0]) => {
    const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
    const a = attrs as unknown as Conv2DBackpropFilterAttrs;
    const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
    const b = backend as WasmBackendLike;
    const shifted =
      info.outHeight * info.outWidth >= SHIFTED_PRODUCTS_MIN_IMAGE &&
      info.outChannels >= SHIFTED_PRODUCTS_MIN_OUT_CHANNELS &&
      info.strideHeight === 1 &&
      info.strideWidth === 1 &&
      info.padInfo.top <= (info.filterHeight - 1) * info.dilationHeight &&
      info.padInfo.left <= (info.filterWidth - 1) * info.dilationWidth &&
      supportsAliases(b);
    return shifted ? shiftedProductsFilterGrad(b, x, dy, info) : convFormFilterGrad(b, x, dy, info);
  };
  return { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc };
}

/** The input gradient as it was before this round: XNNPACK convolutions only (no SIMD kernel). */
function previousInputGradKernel(): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]) => {
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const backend = args.backend as WasmBackendLike;
    const out = wasmConv2DBackpropInput(backend, dy, filter, args.attrs as unknown as Conv2DBackpropInputAttrs, true, true, false);
    return out ?? runWasmKernel(backend, 'Conv2DBackpropInput', args.inputs, args.attrs);
  };
  return { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc };
}

/**
 * Switches the swapped kernels between this library's (`ours`, with the SIMD `FusedConv2D` override) and
 * the previous ones (`before`: XNNPACK's own `FusedConv2D` and the previous gradient kernels).
 */
function kernelSwitch(): (mode: Config) => void {
  const ours = new Map(SWAPPED.map((name) => [name, tf.getKernel(name, 'wasm')!]));
  const before = new Map<string, KernelConfig>([
    ['Conv2DBackpropFilter', previousFilterGradKernel()],
    ['Conv2DBackpropInput', previousInputGradKernel()],
    ['FusedConv2D', wasmKernel('FusedConv2D')],
  ]);
  const configs = { ours, before };
  return (mode) => {
    for (const name of SWAPPED) {
      tf.unregisterKernel(name, 'wasm');
      tf.registerKernel(configs[mode].get(name)!);
    }
  };
}

/** A U-Net, Adam and one flow-matching step (`loss = mean_b Σ_pixels pred·(pred/2 − (x1 − x0))`). */
export function makeStep(plainGroupNorm: boolean, seed: number): { step: () => tf.Scalar; model: tfl.LayersModel; dispose: () => void } {
  const { batch, size, widths, classes, lr } = UNET_BENCH;
  // tfjs-layers looks 'swish' up when a layer is built: register the class the run asks for first.
  const swish = process.env.UNET_BENCH_ORIGINAL_SWISH === '1' ? OriginalSwish : FastSwish;
  tf.serialization.registerClass(swish as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
  const model = timeConditionedUNet({ imageSize: size, widths: [...widths], numClasses: classes, plainGroupNorm, seed });
  tf.serialization.registerClass(FastSwish as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
  // The library's Adam (what `si train` uses): one fused kernel per step on wasm.
  const optimizer = makeOptimizer('adam', { learningRate: lr });
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
function torchRun(python: string, clock: 'wall' | 'cpu', steps: number, threads: number): { ms: number; params: number; torch: string } | string {
  const script = fileURLToPath(new URL('./torch_unet_bench.py', import.meta.url));
  const t = String(threads);
  const env = {
    ...process.env,
    OMP_NUM_THREADS: t,
    OPENBLAS_NUM_THREADS: t,
    MKL_NUM_THREADS: t,
    MALLOC_MMAP_THRESHOLD_: '4294967296',
    MALLOC_TRIM_THRESHOLD_: '4294967296',
  };
  const run = spawnSync(python, [script, '--threads', t, '--steps', String(steps), '--clock', clock], { encoding: 'utf8', timeout: 1_800_000, env });
  if (run.status !== 0) return `PyTorch run failed (exit ${run.status}): ${(run.stderr || '').trim().split('\n').pop()}`;
  const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as { stepMs: number; params: number; torch: string };
  return { ms: out.stepMs, params: out.params, torch: out.torch };
}

/** Per-kernel CPU time of one step. */
interface KernelTimes {
  /** CPU ms and calls by kernel name (a kernel's calls to other kernels count as its own time). */
  byName: Map<string, { ms: number; calls: number }>;
  /** CPU ms of the whole step, and of it inside kernels. */
  stepMs: number;
  kernelMs: number;
}

/**
 * CPU time per wasm kernel over `steps` steps (averaged): every registered wasm kernel is wrapped in a
 * CPU-clock timer for the measurement (outermost calls only) and restored afterwards.
 */
function kernelProfile(step: () => tf.Scalar, steps: number): KernelTimes {
  const originals = tf.getKernelsForBackend('wasm');
  const byName = new Map<string, { ms: number; calls: number }>();
  let depth = 0;
  for (const config of originals) {
    const name = config.kernelName;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        if (depth > 0) return config.kernelFunc(args);
        depth++;
        const c0 = cpuMs();
        try {
          return config.kernelFunc(args);
        } finally {
          depth--;
          const entry = byName.get(name) ?? { ms: 0, calls: 0 };
          entry.ms += (cpuMs() - c0) / steps;
          entry.calls += 1 / steps;
          byName.set(name, entry);
        }
      },
    });
  }
  let stepMs = 0;
  try {
    const c0 = cpuMs();
    for (let i = 0; i < steps; i++) tf.dispose(step());
    stepMs = (cpuMs() - c0) / steps;
  } finally {
    for (const config of originals) {
      tf.unregisterKernel(config.kernelName, 'wasm');
      tf.registerKernel(config);
    }
  }
  const kernelMs = [...byName.values()].reduce((a, b) => a + b.ms, 0);
  return { byName, stepMs, kernelMs };
}

/** The forward convolutions of one U-Net step, as `[x shape, filter shape, stride]` (those of `models/unet.ts` at the bench size). */
function stepConvolutions(model: tfl.LayersModel, batch: number): [number[], number[], number][] {
  const convs: [number[], number[], number][] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Conv2D') continue;
    const input = layer.input as tfl.SymbolicTensor;
    const kernel = layer.getWeights()[0]!;
    const strides = (layer.getConfig()['strides'] as number[])[0]!;
    convs.push([[batch, ...(input.shape.slice(1) as number[])], kernel.shape, strides]);
  }
  return convs;
}

/**
 * The floor: the step's forward convolutions (with bias, as the layers run them) alone, median CPU ms
 * over `repeats` rounds, and their multiply-add FLOPs (×2).
 */
function convolutionFloor(convs: [number[], number[], number][], repeats: number): { forwardMs: number; flops: number } {
  const inputs = convs.map(([x, f], i) => [tf.randomNormal(x, 0, 1, 'float32', 10 + i), tf.randomNormal(f, 0, 0.1, 'float32', 50 + i), tf.zeros([f[3]!])] as const);
  const round = () => {
    const c0 = cpuMs();
    for (const [i, [x, f, b]] of inputs.entries()) {
      tf.dispose(tf.fused.conv2d({ x: x as tf.Tensor4D, filter: f as tf.Tensor4D, bias: b, strides: convs[i]![2], pad: 'same' }));
    }
    return cpuMs() - c0;
  };
  round();
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) times.push(round());
  let flops = 0;
  for (const [x, f, s] of convs) {
    const outPixels = x[0]! * Math.ceil(x[1]! / s) * Math.ceil(x[2]! / s);
    flops += 2 * outPixels * f[0]! * f[1]! * f[2]! * f[3]!;
  }
  for (const t of inputs) tf.dispose([...t]);
  return { forwardMs: median(times), flops };
}

const CONV_KERNELS = ['Conv2D', 'FusedConv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput'];

/** `ours` alone for `blocks × steps` steps on the current backend: block medians of wall and CPU ms. */
function measureOurs(blocks: number, steps: number): { wall: number[]; cpu: number[] } {
  const ours = makeStep(false, 1);
  timeSteps(ours.step, 1);
  const out = { wall: [] as number[], cpu: [] as number[] };
  for (let b = 0; b < blocks; b++) {
    const o = timeSteps(ours.step, steps);
    out.wall.push(median(o.wall));
    out.cpu.push(median(o.cpu));
  }
  ours.dispose();
  return out;
}

/** The two-thread row: `ours` in a child process on two wasm threads (block medians), or a failure reason. */
function twoThreadOurs(blocks: number, steps: number): { wall: number[]; cpu: number[] } | string {
  try {
    const self = fileURLToPath(import.meta.url);
    const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--unet-child', String(blocks), String(steps)], {
      encoding: 'utf8',
      env: { ...process.env, SI_THREADS: '2' },
      timeout: 1_800_000,
    });
    return JSON.parse(out.trim().split('\n').pop()!) as { wall: number[]; cpu: number[] };
  } catch (err) {
    return `two-thread run failed: ${(err as Error).message.split('\n')[0]}`;
  }
}

export const unetBenchmark: Benchmark = {
  name: 'unet',
  description: 'U-Net training step (28×28×1, 32/64, GroupNorm, batch 64, Adam) on wasm vs PyTorch, 1 thread (SI_THREADS) and 2, before/after the conv work, with the convs-alone floor',
  async run(ctx): Promise<BenchResult> {
    await initBackend('wasm', { log: null });
    const threads = await wasmThreadCount();
    const blocks = ctx.quick ? 1 : 3;
    const steps = ctx.quick ? 2 : 4;
    const torchSteps = ctx.quick ? 4 : 8;
    const found = findTorchPython();
    const useKernels = kernelSwitch();
    const ours = makeStep(false, 1);
    const before = makeStep(false, 1);
    before.model.setWeights(ours.model.getWeights());
    const steppers = { ours, before };
    const configs: Config[] = ['ours', 'before'];
    const samples: Record<Config, { wall: number[]; cpu: number[] }> = { ours: { wall: [], cpu: [] }, before: { wall: [], cpu: [] } };
    const torch = { wall: [] as number[], cpu: [] as number[], params: 0, version: '', failure: '' };
    // Warm-up (XNNPACK operators, tfjs-layers graph caches) in every configuration.
    for (const c of configs) {
      useKernels(c);
      timeSteps(steppers[c].step, 1);
    }
    for (let b = 0; b < blocks; b++) {
      ctx.progress(`unet: block ${b + 1}/${blocks}`);
      // Rotate which configuration goes first, so that none always inherits another's garbage.
      for (let k = 0; k < configs.length; k++) {
        const c = configs[(b + k) % configs.length]!;
        useKernels(c);
        const r = timeSteps(steppers[c].step, steps);
        samples[c].wall.push(median(r.wall));
        samples[c].cpu.push(median(r.cpu));
      }
      useKernels('ours');
      if (found !== null && torch.failure === '') {
        for (const clock of ['wall', 'cpu'] as const) {
          const r = torchRun(found.python, clock, torchSteps, threads);
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
    ctx.progress('unet: kernel profile and floor');
    const profile = kernelProfile(ours.step, ctx.quick ? 1 : 2);
    const convs = stepConvolutions(ours.model, UNET_BENCH.batch);
    const floor = convolutionFloor(convs, ctx.quick ? 2 : 5);
    const params = ours.model.countParams();
    ours.dispose();
    before.dispose();

    // Two threads: ours in a child process, PyTorch with two threads (wall clock: the CPU clock adds threads up).
    const two = { ours: { wall: [] as number[], cpu: [] as number[] }, torch: [] as number[], failure: '' };
    if (threads === 1 && process.env.UNET_BENCH_SKIP_TWO !== '1') {
      ctx.progress('unet: two threads');
      const r = twoThreadOurs(blocks, steps);
      if (typeof r === 'string') two.failure = r;
      else two.ours = r;
      if (found !== null) {
        for (let b = 0; b < blocks; b++) {
          const t = torchRun(found.python, 'wall', torchSteps, 2);
          if (typeof t === 'string') {
            two.failure ||= t;
            break;
          }
          two.torch.push(t.ms);
        }
      }
    }

    const { batch } = UNET_BENCH;
    const med = (xs: number[]) => (xs.length > 0 ? median(xs) : NaN);
    const cells = {
      ours: { wall: med(samples.ours.wall), cpu: med(samples.ours.cpu) },
      before: { wall: med(samples.before.wall), cpu: med(samples.before.cpu) },
      torch: { wall: med(torch.wall), cpu: med(torch.cpu) },
    };
    const floorMs = 3 * floor.forwardMs;
    const ips = (ms: number) => (batch * 1000) / ms;
    const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) ? `${fmt(a / b)}×` : '-');
    const tname = `${threads} thread${threads > 1 ? 's' : ''}`;
    const rows = [
      ['config', 'ms/step (wall)', 'img/s (wall)', 'ms/step (cpu)', 'img/s (cpu)', 'vs PyTorch (wall)', 'vs PyTorch (cpu)', 'floor: convs alone (cpu ms, vs PyTorch)'],
      ...(['ours', 'before', 'torch'] as const).map((k) => [
        {
          ours: `ours (wasm, ${tname})`,
          before: `before (XNNPACK only, the kernels at the start of this round, ${tname})`,
          torch: `PyTorch ${torch.version || ''} (${tname})`,
        }[k],
        fmt(cells[k].wall, 0),
        fmt(ips(cells[k].wall), 1),
        fmt(cells[k].cpu, 0),
        fmt(ips(cells[k].cpu), 1),
        ratio(cells[k].wall, cells.torch.wall),
        ratio(cells[k].cpu, cells.torch.cpu),
        k === 'torch' ? '' : `${fmt(floorMs, 0)} (${ratio(floorMs, cells.torch.cpu)})`,
      ]),
    ];
    if (two.ours.wall.length > 0 || two.torch.length > 0) {
      const ow = med(two.ours.wall);
      const tw = med(two.torch);
      rows.push(['ours (wasm, 2 threads; wall clock)', fmt(ow, 0), fmt(ips(ow), 1), '', '', ratio(ow, tw), '', '']);
      rows.push([`PyTorch ${torch.version || ''} (2 threads; wall clock)`, fmt(tw, 0), fmt(ips(tw), 1), '', '', ratio(tw, tw), '', '']);
    }
    const top = [...profile.byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
    const profileRows = [
      ['kernel', 'calls', 'cpu ms', 'share of step'],
      ...top.map(([name, { ms, calls }]) => [name, fmt(calls, 0), fmt(ms, 1), `${fmt((100 * ms) / profile.stepMs, 1)}%`]),
      ['(outside kernels: JavaScript, tape, Adam bookkeeping)', '', fmt(profile.stepMs - profile.kernelMs, 1), `${fmt((100 * (profile.stepMs - profile.kernelMs)) / profile.stepMs, 1)}%`],
    ];
    const convMs = CONV_KERNELS.reduce((a, n) => a + (profile.byName.get(n)?.ms ?? 0), 0);
    const gflops = (ms: number) => fmt(floor.flops / ms / 1e6, 1);
    const notes = [
      `interleaved: ${blocks} block(s) × ${steps} steps per configuration (PyTorch: ${torchSteps} steps per run, one run per clock per block); medians of block medians`,
      `parameters: ours ${params}${torch.params ? `, PyTorch ${torch.params}` : ''}`,
      `conv kernels (${CONV_KERNELS.join(', ')}): ${fmt(convMs, 0)} of ${fmt(profile.stepMs, 0)} ms cpu in a profiled step (${fmt((100 * convMs) / profile.stepMs, 1)}%)`,
      `by kind (GFLOP/s over the step's ${fmt(floor.flops / 1e9, 2)} GFLOP each): forward ${gflops((profile.byName.get('FusedConv2D')?.ms ?? 0) + (profile.byName.get('Conv2D')?.ms ?? 0))}, input gradient ${gflops(profile.byName.get('Conv2DBackpropInput')?.ms ?? NaN)}, filter gradient ${gflops(profile.byName.get('Conv2DBackpropFilter')?.ms ?? NaN)}; forward convs alone ${gflops(floor.forwardMs)}`,
      `floor = 3 × the step's ${convs.length} forward convolutions alone (${fmt(floor.forwardMs, 0)} ms cpu): every gradient at the forward pass's speed, nothing else`,
      `ours vs before: ${ratio(cells.before.wall, cells.ours.wall)} faster (wall), ${ratio(cells.before.cpu, cells.ours.cpu)} (cpu)`,
    ];
    if (found === null) notes.push('PyTorch not available (apt-get install -y python3-torch)');
    if (torch.failure) notes.push(torch.failure);
    if (two.failure) notes.push(two.failure);
    return {
      tables: [
        { title: `U-Net training step (batch ${batch}, 28×28×1, widths 32/64, GroupNorm(8), Adam)`, rows },
        { title: 'U-Net step: CPU time by kernel (ours, profiled steps)', rows: profileRows },
      ],
      notes,
      data: { net: UNET_BENCH, threads, cells, samples, torch, two, floor: { ...floor, floorMs }, profile: { ...profile, byName: Object.fromEntries(profile.byName) }, params },
    };
  },
};

// Child process of the two-thread row: `tsx bench/unet.ts --unet-child <blocks> <steps>` prints one JSON line.
if (process.argv[2] === '--unet-child') {
  await import('@tensorflow/tfjs-layers');
  await initBackend('wasm', { log: null });
  console.log(JSON.stringify(measureOurs(Number(process.argv[3]), Number(process.argv[4]))));
}
