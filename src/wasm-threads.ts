/**
 * Multithreaded wasm in Node: registers the threaded-SIMD build of `@tensorflow/tfjs-backend-wasm` as the
 * `wasm` backend, so XNNPACK's matrix products and convolutions run on several cores.
 *
 * Why this file exists: tfjs-backend-wasm 4.x never picks its threaded build under Node (flag
 * `WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to false there, tfjs issue 3830), because its loader hands
 * Emscripten the pthread worker script as a blob URL, which Node's `worker_threads` cannot start. The
 * worker script itself supports Node. This loader writes that script to a file once (in the OS temp
 * directory, named by the tfjs version and a hash of the script), points Emscripten at it and at the
 * threaded build's JavaScript on disk, and builds the same `BackendWasm` that tfjs would.
 *
 * Two more details:
 * - The backend's C side caps the pool at half the logical cores it is told about (it assumes two
 *   hardware threads per core) and at 8. The loader reports `2 × threads` cores to the module, so the
 *   count asked for is the count used.
 * - Emscripten starts 8 pool workers up front; the XNNPACK pool takes `threads − 1` of them. The others
 *   are terminated, and the pool's own workers are unreferenced so they never keep a process alive.
 *
 * Results are bit-for-bit those of the single-threaded build: the pool splits a product's output tiles
 * between threads, and each output element is still accumulated in the same order by one thread.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from './atomic-write.js';
import { checkNumber, checkOneOf } from './errors.js';

/** Largest pool the backend supports (Emscripten pre-creates 8 workers; the C side caps at 8). */
export const MAX_WASM_THREADS = 8;

/** The parts of an Emscripten worker the loader touches. */
interface PoolWorker {
  unref(): void;
  terminate(): unknown;
}

/** The parts of the threaded Emscripten module the loader touches. */
interface ThreadedModule {
  cwrap(name: string, returns: string | null, args: string[]): (...args: number[]) => number;
  PThread: { unusedWorkers: PoolWorker[]; runningWorkers: PoolWorker[] };
  tfjs?: Record<string, unknown>;
}

interface EngineRegistry {
  registry: Record<string, unknown>;
  registryFactory: Record<string, { factory: () => tf.KernelBackend | Promise<tf.KernelBackend>; priority: number } | undefined>;
}

/** tfjs-backend-wasm's own factory, kept when the threaded one replaces it. */
let stockFactory: EngineRegistry['registryFactory'][string];

type ModuleFactory = (config: Record<string, unknown>) => Promise<ThreadedModule>;

interface WasmPackage {
  BackendWasm: new (module: unknown) => tf.KernelBackend;
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

/** Where the package's files live, and the worker script written out for Node. */
function locatePackage(): { factoryPath: string; wasmPath: string; workerPath: string } {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const factoryPath = join(root, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
  const wasmPath = join(root, 'dist', 'tfjs-backend-wasm-threaded-simd.wasm');
  const { wasmWorkerContents } = require(join(root, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js')) as {
    wasmWorkerContents: string;
  };
  // The script is kept in a template literal whose `\n` escapes became newlines; tfjs re-escapes them
  // the same way before making its blob.
  const script = wasmWorkerContents.replace(/\n/g, '\\n');
  const version = (require(join(root, 'package.json')) as { version: string }).version;
  const hash = createHash('sha256').update(script).digest('hex').slice(0, 12);
  const workerPath = join(tmpdir(), `si-tfjs-wasm-${version}-${hash}.worker.cjs`);
  if (!existsSync(workerPath) || readFileSync(workerPath, 'utf8') !== script) writeFileAtomic(workerPath, script);
  return { factoryPath, wasmPath, workerPath };
}

/**
 * Replaces the registered `wasm` backend factory with one that loads the threaded build with a pool of
 * `threads` threads (the calling thread counts as one). Call before the wasm backend is first
 * initialised; when it is already running, nothing changes and `false` is returned.
 *
 * Throws when the threaded build cannot be located or its worker script cannot be written; the caller
 * decides whether to fall back to the single-threaded build.
 */
export async function registerThreadedWasm(threads: number): Promise<boolean> {
  checkNumber('registerThreadedWasm', 'threads', threads, { min: 1, max: MAX_WASM_THREADS, integer: true });
  const wasmPackage = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmPackage;
  const engine = tf.engine() as unknown as EngineRegistry;
  if (engine.registry.wasm !== undefined) return false;
  stockFactory ??= engine.registryFactory.wasm;
  const { factoryPath, wasmPath, workerPath } = locatePackage();
  const require = createRequire(import.meta.url);
  const factory = require(factoryPath) as ModuleFactory;
  const priority = 2; // tfjs-backend-wasm's own
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      const module = await factory({
        locateFile: (file: string) => (file.endsWith('.worker.js') ? workerPath : file.endsWith('.wasm') ? wasmPath : file),
        // What each pool worker loads: a path, which its Node branch reads with fs.
        mainScriptUrlOrBlob: factoryPath,
        instantiateWasm: (info: { env: Record<string, unknown> }, receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) => {
          info.env.emscripten_num_logical_cores = () => 2 * threads;
          // Synchronous, so a failure rejects the module's ready promise (Emscripten catches a throw here).
          const compiled = new WebAssembly.Module(readFileSync(wasmPath));
          const instance = new WebAssembly.Instance(compiled, info as unknown as WebAssembly.Imports);
          receive(instance, compiled);
          return instance.exports;
        },
      });
      module.tfjs = {
        init: module.cwrap('init', null, []),
        initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
        getThreadsCount: module.cwrap('get_threads_count', 'number', []),
        registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
        disposeData: module.cwrap('dispose_data', null, ['number']),
        dispose: module.cwrap('dispose', null, []),
      };
      wasmPackage.setThreadsCount(threads);
      const backend = new wasmPackage.BackendWasm(module);
      for (const worker of module.PThread.unusedWorkers) void worker.terminate();
      module.PThread.unusedWorkers.length = 0;
      for (const worker of module.PThread.runningWorkers) worker.unref();
      return backend;
    },
    priority,
  );
  return true;
}

/**
 * Puts tfjs-backend-wasm's own (single-threaded) factory back as the `wasm` backend, disposing a wasm
 * backend that is running. `initBackend` uses it when the threaded build fails to start.
 */
export function restoreStockWasm(): void {
  if (stockFactory === undefined) return;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', stockFactory.factory, stockFactory.priority);
}

/** The XNNPACK pool size of the running wasm backend (1 for the single-threaded build). */
export async function wasmThreadCount(): Promise<number> {
  const wasmPackage = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmPackage;
  return Math.max(1, wasmPackage.getThreadsCount());
}

/** Workloads with a thread count chosen by measurement ({@link defaultWasmThreads}). */
export const WASM_WORKLOADS = ['training', 'sampling'] as const;

/** What a process mostly runs: training steps (batches of hundreds of rows) or sampling (many points). */
export type WasmWorkload = (typeof WASM_WORKLOADS)[number];

/**
 * Below this many points a sampling run defaults to one wasm thread ({@link defaultWasmThreads}). Measured on
 * 2 cores with nothing else running, one `si sample --sampler rk4 --nfe 100` process each (wall, MLP 3×128):
 * 4000 points 3.5–4.1 s on 1 thread against 4.0–4.1 on 2, 8000 points 4.2–5.9 against 4.5–4.6, 20000 points
 * 8.2–8.5 against 6.0–6.2; `si compare` on 200 points 5.2–5.8 s against 10.0–10.5, and 4.6 against 29.9 s
 * while other processes held the cores (a pool waits for its busy threads).
 */
export const SMALL_SAMPLING_POINTS = 5000;

/**
 * The wasm thread count chosen by measurement for a workload, on a machine with `cores` logical cores
 * (an explicit `--threads` or `SI_THREADS` always overrides it).
 *
 * - `'sampling'`: min(2, cores), or 1 when the run samples fewer than {@link SMALL_SAMPLING_POINTS} points
 *   (`points`, when the caller knows it). Many points split well over a pool: RK4 over 10,000 points through
 *   an MLP 3×128 measured 1.72 against 1.88 ms per NFE per 1000 points on 2 threads against 1
 *   (`SI_BENCH_TIMING_ONLY=1 npm run bench -- --only sampling`); a few thousand do not (see
 *   {@link SMALL_SAMPLING_POINTS}). More than 2 is not measured (this machine has 2).
 * - `'training'`: 1. A training step's products are small (batch 512 × width 128) and its many
 *   elementwise kernels each wake the pool: measured on 2 cores, the checkerboard recipe step takes 6.24 ms
 *   on 2 threads against 3.90 on 1 (`npm run bench -- --only checkerboard`), and a small conv net is 1.4×
 *   slower.
 *
 * @param points - how many points the run samples (optional). @default unknown: the many-points choice
 * @throws {ArgumentError} for an unknown workload, a core count below 1 or a point count below 1.
 * @example
 * ```ts
 * await initBackend('wasm', { threads: defaultWasmThreads('sampling', undefined, 20000) });
 * ```
 */
export function defaultWasmThreads(workload: WasmWorkload, cores: number = availableParallelism(), points?: number): number {
  checkOneOf('defaultWasmThreads', 'workload', workload, WASM_WORKLOADS);
  checkNumber('defaultWasmThreads', 'cores', cores, { min: 1, integer: true });
  if (points !== undefined) checkNumber('defaultWasmThreads', 'points', points, { min: 1, integer: true });
  if (workload !== 'sampling' || (points !== undefined && points < SMALL_SAMPLING_POINTS)) return 1;
  return Math.min(2, cores, MAX_WASM_THREADS);
}
