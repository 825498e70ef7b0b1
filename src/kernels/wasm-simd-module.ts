/**
 * Instantiating this library's hand-written WebAssembly SIMD kernels (`simd/*.wat`, assembled into
 * `simd/*-wasm.ts` by `scripts/build-simd-kernels.mjs`) inside the wasm backend's own memory, so that
 * they read and write tensors where the backend keeps them (no copies in or out).
 *
 * The backend's `WebAssembly.Memory` is reached through its Emscripten module: `wasm.wasmMemory` in the
 * threaded build (whose memory is shared, so the module variant with a shared memory import is used),
 * `wasm.asm.memory` otherwise. A kernel module is instantiated once per memory. Anything missing — another
 * backend, an engine without SIMD, a memory the import does not accept — gives null, and the callers keep
 * their XNNPACK paths. The kernels run on the calling thread.
 */
import type { DataId, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './wasm-common.js';

/** The internals of `BackendWasm` the SIMD kernels need (structural, like {@link WasmBackendLike}). */
interface WasmBackendMemory extends WasmBackendLike {
  dataIdMap: { get(dataId: DataId): { memoryOffset: number } | undefined };
  wasm?: { wasmMemory?: unknown; asm?: { memory?: unknown }; _get_threads_count?: () => number };
}

/** Instances per memory, per module (keyed by its plain base64 text); null: failed to instantiate. */
const instances = new WeakMap<WebAssembly.Memory, Map<string, WebAssembly.Exports | null>>();

/** The backend's wasm memory, or null when it is not reachable. */
function backendMemory(backend: WasmBackendLike): WebAssembly.Memory | null {
  const b = backend as Partial<WasmBackendMemory>;
  if (typeof b.dataIdMap?.get !== 'function') return null;
  const memory = b.wasm?.wasmMemory ?? b.wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : null;
}

/** Decodes base64 without Node's `Buffer` (works in browsers too). */
function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/**
 * The exports of a SIMD kernel module instantiated in `backend`'s memory (cached), or null when it cannot
 * run there. `plain` and `shared` are the module's two base64 assemblies (memory import plain / shared).
 */
export function simdKernelExports<T>(backend: WasmBackendLike, plain: string, shared: string): T | null {
  const memory = backendMemory(backend);
  if (memory === null) return null;
  let byModule = instances.get(memory);
  if (byModule === undefined) {
    byModule = new Map();
    instances.set(memory, byModule);
  }
  let exports = byModule.get(plain);
  if (exports === undefined) {
    try {
      const isShared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const module = new WebAssembly.Module(decodeBase64(isShared ? shared : plain));
      exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
    } catch {
      exports = null; // no SIMD in this engine, or a memory the import does not accept
    }
    byModule.set(plain, exports);
  }
  return exports as T | null;
}

/** Byte address of a tensor's data in the backend's wasm memory. */
export function heapAddress(backend: WasmBackendLike, t: TensorInfo): number {
  const entry = (backend as WasmBackendMemory).dataIdMap.get(t.dataId);
  if (entry === undefined) throw new Error('wasm kernel fixes: a tensor the wasm backend does not hold');
  return entry.memoryOffset;
}

/**
 * Threads in the backend's XNNPACK pool (1 when it cannot tell). The SIMD kernels use one thread, so a
 * caller may prefer XNNPACK when the pool has more.
 */
export function backendThreadCount(backend: WasmBackendLike): number {
  const count = (backend as Partial<WasmBackendMemory>).wasm?._get_threads_count?.();
  return typeof count === 'number' && count >= 1 ? count : 1;
}
