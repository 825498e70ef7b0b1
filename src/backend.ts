/**
 * Backend selection: the only file in the library that names a TensorFlow.js backend.
 *
 * Order for `'auto'`: `tensorflow` through `@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`, then
 * `wasm` (with this library's kernel fixes), then the pure-JavaScript `cpu` backend. The `SI_BACKEND`
 * environment variable and the `--backend` flag of every script and CLI command override the default.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, describeValue } from './errors.js';
import { registerWasmKernelFixes, unregisterWasmKernelFixes } from './kernels/index.js';
import { MAX_WASM_THREADS, registerThreadedWasm, restoreStockWasm, wasmThreadCount } from './wasm-threads.js';

/** Names accepted by {@link initBackend}. */
export const BACKEND_NAMES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

/** A backend name accepted by {@link initBackend}. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What {@link initBackend} chose and why. */
export interface BackendInfo {
  /** The active tfjs backend: `'tensorflow'`, `'wasm'` or `'cpu'`. */
  name: 'tensorflow' | 'wasm' | 'cpu';
  /** What was asked for (after `SI_BACKEND` was applied). */
  requested: BackendName;
  /** The npm package that provides the active backend. */
  providedBy: string;
  /** Backends tried before the active one, each with the reason it was skipped. */
  skipped: { name: string; reason: string }[];
  /** Kernel fixes registered for the active backend (empty unless wasm). */
  kernelFixes: string[];
  /**
   * Threads of the wasm backend's XNNPACK pool (1: the single-threaded build); `undefined` for the
   * other backends, which manage their own threads.
   */
  threads?: number;
}

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Register this library's wasm kernel fixes (fast transposed matmuls, missing gradient kernels);
   * `false` removes fixes registered earlier, restoring the stock kernels. Turn off only to measure what
   * they gain.
   * @default true
   */
  kernelFixes?: boolean;
  /**
   * Threads for the wasm backend: more than 1 loads the threaded build, whose XNNPACK pool runs matrix
   * products and convolutions on that many threads (see `src/wasm-threads.ts`); results are bit-for-bit
   * those of one thread. It pays off for large products only. Measured on 2 cores with 2 threads: RK4
   * sampling of 10,000 points 1.8× faster, an MLP training step of width 256 and batch 1024 1.4× faster,
   * width 128 and batch 512 no faster, a small conv net 1.4× slower (every elementwise kernel then wakes
   * the pool). Takes effect when the wasm backend starts, so the first call in a process decides it;
   * {@link BackendInfo.threads} reports what runs.
   * @default `SI_THREADS` when set, else 1
   */
  threads?: number;
  /**
   * Where the one info line goes; `null` silences it.
   * @default console.error
   */
  log?: ((line: string) => void) | null;
}

const INSTALL_HINT =
  "install it with 'npm install @tensorflow/tfjs-node-gpu' (NVIDIA GPU with CUDA) or 'npm install @tensorflow/tfjs-node' " +
  '(CPU); both download libtensorflow while installing, so they need network access to storage.googleapis.com';

function isInstalled(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

async function tryImport(pkg: string): Promise<string | null> {
  if (!isInstalled(pkg)) return 'not installed';
  try {
    await import(pkg);
    return null;
  } catch (err) {
    return `failed to load: ${(err as Error).message.split('\n')[0]}`;
  }
}

async function activate(name: 'tensorflow' | 'wasm' | 'cpu'): Promise<boolean> {
  try {
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    return ok && tf.getBackend() === name;
  } catch {
    return false;
  }
}

/**
 * Resolves the backend name: an explicit argument wins, then `SI_BACKEND`, then `'auto'`.
 * Throws an {@link ArgumentError} listing the valid names for anything else.
 */
export function resolveBackendName(name?: string): BackendName {
  const chosen = name ?? (process.env.SI_BACKEND || undefined) ?? 'auto';
  if (!(BACKEND_NAMES as readonly string[]).includes(chosen)) {
    const source = name !== undefined ? 'name' : 'SI_BACKEND';
    throw new ArgumentError(
      'initBackend',
      source,
      `one of ${BACKEND_NAMES.map((b) => `'${b}'`).join(', ')}`,
      describeValue(chosen),
    );
  }
  return chosen as BackendName;
}

/**
 * Chooses and activates the fastest available backend, or the one asked for.
 *
 * - `'auto'` (default): tfjs-node-gpu → tfjs-node → wasm → cpu; prints one info line naming the choice.
 * - `'tensorflow'`: tfjs-node-gpu or tfjs-node, else an error that says how to install them.
 * - `'wasm'`: the WebAssembly backend with this library's kernel fixes registered.
 * - `'cpu'`: the pure-JavaScript backend (slow; the reference for tests).
 *
 * @param name - backend to use; when omitted, `process.env.SI_BACKEND`, else `'auto'`.
 * @returns what was chosen, what was skipped and why, and which kernel fixes are active.
 * @example
 * ```ts
 * const info = await initBackend();          // e.g. { name: 'wasm', kernelFixes: ['BatchMatMul', ...] }
 * await initBackend('cpu');                  // force the reference backend
 * await initBackend('wasm', { threads: 2 }); // wasm on two threads (before wasm first starts)
 * ```
 */
export async function initBackend(name?: string, options: InitBackendOptions = {}): Promise<BackendInfo> {
  const requested = resolveBackendName(name);
  const threads = resolveThreads(options.threads);
  const log = options.log === undefined ? (line: string) => console.error(line) : options.log;
  const skipped: { name: string; reason: string }[] = [];

  if (requested === 'auto' || requested === 'tensorflow') {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      const failure = await tryImport(pkg);
      if (failure === null && (await activate('tensorflow'))) {
        const info: BackendInfo = { name: 'tensorflow', requested, providedBy: pkg, skipped, kernelFixes: [] };
        if (requested === 'auto') log?.(`si: backend tensorflow (${pkg})`);
        return info;
      }
      skipped.push({ name: pkg, reason: failure ?? 'loaded, but the tensorflow backend did not initialise' });
    }
    if (requested === 'tensorflow') {
      throw new Error(
        `initBackend: the 'tensorflow' backend is not available (${skipped
          .map((s) => `${s.name}: ${s.reason}`)
          .join('; ')}); ${INSTALL_HINT}`,
      );
    }
  }

  if (requested === 'auto' || requested === 'wasm') {
    // The wasm module installs process-wide uncaughtException / unhandledRejection handlers that rethrow
    // from inside its one-line minified source, so any later uncaught error (a user's bad argument) would be
    // printed as ~40 KB of wasm glue and exit 7. Remove the handlers it adds; errors then surface normally.
    const restoreErrorHandlers = keepProcessErrorHandlers();
    try {
      return await initWasm();
    } catch (err) {
      if (err instanceof WasmUnavailable) skipped.push({ name: '@tensorflow/tfjs-backend-wasm', reason: 'failed to initialise' });
      else throw err;
    } finally {
      restoreErrorHandlers();
    }
  }

  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await activate('cpu'))) throw new Error('initBackend: the cpu backend failed to initialise');
  if (requested === 'auto') log?.(`si: backend cpu (${skipped.map((s) => `${s.name} ${s.reason}`).join(', ')})`);
  return { name: 'cpu', requested, providedBy: '@tensorflow/tfjs-backend-cpu', skipped, kernelFixes: [] };

  async function initWasm(): Promise<BackendInfo> {
    await import('@tensorflow/tfjs-backend-wasm');
    let threaded = false;
    let threadNote = '';
    if (threads > 1) {
      try {
        threaded = await registerThreadedWasm(threads);
        if (!threaded) threadNote = '; wasm was already running, so its thread count stands';
      } catch (err) {
        threadNote = `; threaded build unavailable (${(err as Error).message.split('\n')[0]}), one thread`;
      }
    }
    let active = await activate('wasm');
    if (!active && threaded) {
      restoreStockWasm();
      threadNote = '; threaded build failed to start, one thread';
      active = await activate('wasm');
    }
    if (active) {
      let kernelFixes: string[] = [];
      if (options.kernelFixes === false) unregisterWasmKernelFixes();
      else kernelFixes = registerWasmKernelFixes();
      const actual = await wasmThreadCount();
      if (requested === 'auto') {
        log?.(`si: backend wasm, ${actual} thread${actual > 1 ? 's' : ''} (${skipped.map((s) => `${s.name} ${s.reason}`).join(', ')})${threadNote}`);
      }
      return { name: 'wasm', requested, providedBy: '@tensorflow/tfjs-backend-wasm', skipped, kernelFixes, threads: actual };
    }
    if (requested === 'wasm') throw new Error('initBackend: the wasm backend failed to initialise');
    throw new WasmUnavailable();
  }
}

/** The wasm backend did not start (initBackend falls back to cpu when the request was 'auto'). */
class WasmUnavailable extends Error {}

/**
 * Snapshots Node's uncaughtException / unhandledRejection listeners; the returned function removes every
 * listener added since. A no-op outside Node.
 */
function keepProcessErrorHandlers(): () => void {
  type Listener = (...args: unknown[]) => void;
  const proc = (globalThis as { process?: { listeners(e: string): Listener[]; off(e: string, l: Listener): unknown } }).process;
  if (typeof proc?.listeners !== 'function') return () => {};
  const events = ['uncaughtException', 'unhandledRejection'];
  const before = events.map((e) => new Set(proc.listeners(e)));
  return () => {
    events.forEach((e, i) => {
      for (const h of proc.listeners(e)) if (!before[i]!.has(h)) proc.off(e, h);
    });
  };
}

/**
 * The wasm thread count: the option, else `SI_THREADS`, else 1. Throws an {@link ArgumentError} for
 * anything but an integer in `[1, MAX_WASM_THREADS]`.
 */
export function resolveThreads(threads?: number): number {
  const fromEnv = process.env.SI_THREADS;
  const source = threads !== undefined ? 'options.threads' : 'SI_THREADS';
  const value = threads ?? (fromEnv ? Number(fromEnv) : 1);
  if (!Number.isInteger(value) || value < 1 || value > MAX_WASM_THREADS) {
    throw new ArgumentError('initBackend', source, `an integer from 1 to ${MAX_WASM_THREADS}`, describeValue(threads ?? fromEnv));
  }
  return value;
}

/**
 * Reads `--backend NAME` or `--backend=NAME` from a script's arguments (default `process.argv`).
 * Returns `undefined` when absent so that {@link initBackend} falls back to `SI_BACKEND` / `'auto'`.
 */
export function backendFlag(argv: readonly string[] = process.argv.slice(2)): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--backend') {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) {
        throw new ArgumentError('--backend', '--backend', `followed by one of ${BACKEND_NAMES.join(', ')}`, 'nothing');
      }
      return value;
    }
    if (arg.startsWith('--backend=')) return arg.slice('--backend='.length);
  }
  return undefined;
}
