/**
 * Tensors that alias part of another tensor's wasm heap memory, so a wasm kernel can read a window of a
 * buffer (e.g. a shifted view of a padded image) without copying it.
 *
 * The wasm backend lets a kernel register a tensor at any heap address (`makeOutput(shape, dtype,
 * memoryOffset)`); such an alias must never be released with `disposeData` (that would `free` an
 * interior pointer), so {@link releaseAlias} unregisters it without freeing. An alias is valid only while
 * its owner lives, and only until the next heap allocation moves nothing (wasm heaps do not move, but a
 * freed owner would be reused) — create aliases, run the kernels that read them, release them, then
 * release the owner.
 */
import type { DataId, DataType, TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmBackendLike } from './wasm-common.js';

/** The internals of `BackendWasm` the aliases need (structural, like {@link WasmBackendLike}). */
interface WasmBackendInternals extends WasmBackendLike {
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number): TensorInfo;
  dataIdMap: { get(dataId: DataId): { id: number; memoryOffset: number } | undefined; delete(dataId: DataId): boolean };
  wasm: { tfjs: { disposeData(id: number): void } };
}

/** True when `backend` exposes what {@link aliasInfo} needs (the wasm backend of tfjs 4.x does). */
export function supportsAliases(backend: WasmBackendLike): boolean {
  const b = backend as Partial<WasmBackendInternals>;
  return typeof b.dataIdMap?.get === 'function' && typeof b.wasm?.tfjs?.disposeData === 'function';
}

/**
 * A float32 tensor of `shape` whose data starts `offset` elements into `owner`'s memory. The caller must
 * make sure `offset + size(shape)` stays inside memory `owner` owns. Release with {@link releaseAlias}.
 */
export function aliasInfo(backend: WasmBackendLike, owner: TensorInfo, offset: number, shape: number[]): TensorInfo {
  const b = backend as WasmBackendInternals;
  const entry = b.dataIdMap.get(owner.dataId);
  if (entry === undefined) throw new Error('wasm kernel fixes: aliasInfo of a tensor the wasm backend does not hold');
  return b.makeOutput(shape, owner.dtype, entry.memoryOffset + offset * 4);
}

/** Unregisters an alias made by {@link aliasInfo} without freeing the memory it points into. */
export function releaseAlias(backend: WasmBackendLike, alias: TensorInfo): void {
  const b = backend as WasmBackendInternals;
  const entry = b.dataIdMap.get(alias.dataId);
  if (entry === undefined) return;
  b.dataIdMap.delete(alias.dataId);
  b.wasm.tfjs.disposeData(entry.id);
}
