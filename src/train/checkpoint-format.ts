/**
 * The on-disk format of checkpoints: the manifest's types (format version 2, and the version 1 that earlier
 * releases wrote), its validation, and the binary layout of tensor lists. No filesystem access here.
 */
import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, describeValue } from '../errors.js';
import type { NamedTensor } from './optimizer-state.js';

/** The `format` field of every manifest. */
export const CHECKPOINT_FORMAT = 'stochastic-interpolants/checkpoint';
/** The manifest version this library writes (it reads this one and version 1). */
export const CHECKPOINT_FORMAT_VERSION = 2;
/** Every manifest version {@link loadCheckpoint} reads. */
export const READABLE_CHECKPOINT_VERSIONS: readonly number[] = [1, 2];

/** The manifest's file name: the commit point of a run folder. */
export const MANIFEST_FILE = 'manifest.json';

/** A checkpoint on disk is missing, not a checkpoint, corrupted, or of an unsupported version. */
export class CheckpointError extends Error {
  /** The file or directory at fault. */
  readonly path: string;

  /**
   * @param fn - the function that failed (`loadCheckpoint`)
   * @param filePath - the file or directory at fault
   * @param problem - what is wrong, a sentence naming the path
   */
  constructor(fn: string, filePath: string, problem: string) {
    super(`${fn}: ${problem}`);
    this.name = 'CheckpointError';
    this.path = filePath;
  }
}

/** One tensor in a checkpoint's binary file. */
export interface CheckpointTensorEntry {
  /** Name (model weight name, optimiser slot name such as `hidden_0/kernel/m`, `iter`, `…/ema`, or a free variable's key). */
  name: string;
  /** Shape. */
  shape: number[];
  /** Element type: float32, or int32 (the optimiser's iteration counter). */
  dtype: 'float32' | 'int32';
  /** Byte offset in the file. */
  offset: number;
  /** Byte length (4 × number of elements). */
  byteLength: number;
}

/** One saved `LayersModel`: its tfjs `model.json` (topology + weights manifest) and weights file. */
export interface CheckpointModuleEntry {
  /** The model's own name (`model.name`). */
  name: string;
  /** The tfjs model.json, relative to the run folder. */
  topologyFile: string;
  /** The weights, relative to the run folder. */
  weightsFile: string;
  /** The weights the file holds, in order. */
  tensors: CheckpointTensorEntry[];
}

/** JSON values a task may keep in its checkpointed state. */
export type JsonValue = number | string | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The `manifest.json` of a checkpoint (format version 2; a version-1 manifest is read into this shape with
 * one module called `model` and no free variables, task state or trainer settings).
 */
export interface CheckpointManifest {
  /** Always {@link CHECKPOINT_FORMAT}. */
  format: string;
  /** {@link CHECKPOINT_FORMAT_VERSION} when written by this version of the library; 1 for older runs. */
  formatVersion: number;
  /** Training step the checkpoint was taken at. */
  step: number;
  /** The run's configuration (for runs of the trainer: a run config tagged by task, see `RunConfig`). */
  config: Record<string, unknown>;
  /** Anything else the caller stored (metrics, RNG state, …), or null. */
  extra: Record<string, unknown> | null;
  /** ISO time of writing. */
  createdAt: string;
  /** Every file but the manifest, by path relative to the run folder, with its size and SHA-256 (hex). */
  files: Record<string, { byteLength: number; sha256: string }>;
  /** The task that wrote the checkpoint (`'interpolant'`, …), or null (a plain `saveCheckpoint`). */
  task: string | null;
  /** The networks by name (`model` for a single-network run). */
  modules: Record<string, CheckpointModuleEntry>;
  /** Free variables (tensors a task trains besides its networks), keyed by name; null when none. */
  variables: { file: string; tensors: CheckpointTensorEntry[] } | null;
  /** The optimiser: class, config, iteration count and state tensors; null when none was saved. */
  optimizer: {
    className: string;
    config: Record<string, unknown>;
    iterations: number;
    file: string;
    tensors: CheckpointTensorEntry[];
  } | null;
  /**
   * The EMA: decay settings, update count and averaged weights; null when none was saved. `targets[i]` says
   * what `tensors[i]` averages: a module's trainable weight (`{ module, weight }`) or a free variable
   * (`{ variable }`); absent in version 1 (there, the one model's trainable weights in order).
   */
  ema: {
    decay: number;
    warmup: boolean;
    numUpdates: number;
    file: string;
    tensors: CheckpointTensorEntry[];
    targets?: ({ module: string; weight: number } | { variable: string })[];
  } | null;
  /** The task's own state (moving averages, counters …) as JSON, or null. */
  taskState: Record<string, JsonValue> | null;
  /** The trainer's settings (steps, learning rate, schedule, …) when a `Trainer` wrote it, or null. */
  trainer: Record<string, unknown> | null;
}

/** The version-1 manifest (one model, files at the top of the checkpoint directory). */
export interface CheckpointManifestV1 {
  format: string;
  formatVersion: 1;
  step: number;
  config: Record<string, unknown>;
  extra: Record<string, unknown> | null;
  createdAt: string;
  files: Record<string, { byteLength: number; sha256: string }>;
  model: CheckpointModuleEntry;
  optimizer: CheckpointManifest['optimizer'];
  ema: CheckpointManifest['ema'];
}

/** The file names a version-1 checkpoint directory holds (the only ones a later save may remove). */
export const V1_FILES: readonly string[] = ['manifest.json', 'model.json', 'model.weights.bin', 'optimizer.bin', 'ema.bin'];

/** SHA-256 in hex. */
export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Concatenates byte arrays. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

/** Number of elements of a shape. */
export function sizeOfShape(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Reads tensors back (a boundary) and lays them out one after the other. */
export async function encodeTensors(fn: string, arg: string, tensors: NamedTensor[]): Promise<{ bytes: Uint8Array; entries: CheckpointTensorEntry[] }> {
  const parts: Uint8Array[] = [];
  const entries: CheckpointTensorEntry[] = [];
  let offset = 0;
  for (const { name, tensor } of tensors) {
    if (tensor.dtype !== 'float32' && tensor.dtype !== 'int32') {
      throw new ArgumentError(fn, arg, 'float32 or int32 tensors', `'${name}' of dtype ${tensor.dtype}`);
    }
    const values = (await tensor.data()) as Float32Array | Int32Array;
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
    parts.push(bytes);
    entries.push({ name, shape: [...tensor.shape], dtype: tensor.dtype, offset, byteLength: bytes.byteLength });
    offset += bytes.byteLength;
  }
  return { bytes: concatBytes(parts), entries };
}

/** Tensors from a file laid out by {@link encodeTensors} (owned by the caller). */
export function decodeTensors(entries: CheckpointTensorEntry[], bytes: Uint8Array): NamedTensor[] {
  return entries.map((e) => {
    const slice = bytes.slice(e.offset, e.offset + e.byteLength);
    const values = e.dtype === 'int32' ? new Int32Array(slice.buffer) : new Float32Array(slice.buffer);
    return { name: e.name, tensor: tf.tensor(values, e.shape, e.dtype) };
  });
}

/** Whether `value` is a well-formed list of tensor entries. */
export function isEntryList(value: unknown): value is CheckpointTensorEntry[] {
  return (
    Array.isArray(value) &&
    value.every(
      (e) =>
        typeof e === 'object' &&
        e !== null &&
        typeof e.name === 'string' &&
        Array.isArray(e.shape) &&
        e.shape.every((d: unknown) => Number.isInteger(d) && (d as number) >= 0) &&
        (e.dtype === 'float32' || e.dtype === 'int32') &&
        Number.isInteger(e.offset) &&
        Number.isInteger(e.byteLength),
    )
  );
}

/** A deep copy through JSON, checking that `value` is a plain JSON object. */
export function toJsonObject(fn: string, arg: string, value: unknown, optional: boolean): Record<string, unknown> | null {
  if (value === undefined && optional) return null;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ArgumentError(fn, arg, 'a JSON-serialisable plain object', describeValue(value));
  }
  try {
    return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
  } catch (e) {
    throw new ArgumentError(fn, arg, 'a JSON-serialisable plain object', `an object JSON cannot encode (${(e as Error).message})`);
  }
}

/** Module and variable names become file names: letters, digits, `_` and `-` only. */
export function checkEntryName(fn: string, arg: string, name: string): void {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw new ArgumentError(fn, arg, 'names of 1 to 64 letters, digits, _ or -', JSON.stringify(name));
  }
}

/**
 * Validates a parsed manifest and returns it in the version-2 shape (a version-1 manifest gets one module
 * `model`). `bad(what)` builds the error for a malformed field.
 */
export function normaliseManifest(raw: unknown, bad: (what: string) => CheckpointError, unsupported: (version: unknown) => CheckpointError, notCheckpoint: () => CheckpointError): CheckpointManifest {
  if (raw === null || typeof raw !== 'object' || (raw as { format?: unknown }).format !== CHECKPOINT_FORMAT) throw notCheckpoint();
  const m = raw as Record<string, unknown>;
  if (!READABLE_CHECKPOINT_VERSIONS.includes(m.formatVersion as number)) throw unsupported(m.formatVersion);
  if (!Number.isInteger(m.step) || (m.step as number) < 0) throw bad('"step" is not an integer >= 0');
  if (m.files === null || typeof m.files !== 'object') throw bad('"files" is missing');
  const checkModule = (mod: unknown, what: string) => {
    const e = mod as CheckpointModuleEntry | null;
    if (e === null || typeof e !== 'object' || typeof e.topologyFile !== 'string' || typeof e.weightsFile !== 'string' || !isEntryList(e.tensors)) {
      throw bad(`${what} is malformed`);
    }
  };
  const optimizer = (m.optimizer ?? null) as CheckpointManifest['optimizer'];
  if (optimizer !== null && (typeof optimizer !== 'object' || !isEntryList(optimizer.tensors))) throw bad('"optimizer" is malformed');
  const ema = (m.ema ?? null) as CheckpointManifest['ema'];
  if (ema !== null && (typeof ema !== 'object' || !isEntryList(ema.tensors))) throw bad('"ema" is malformed');
  if (m.formatVersion === 1) {
    checkModule(m.model, '"model"');
    const v1 = m as unknown as CheckpointManifestV1;
    return {
      format: v1.format,
      formatVersion: 1,
      step: v1.step,
      config: v1.config ?? {},
      extra: v1.extra ?? null,
      createdAt: v1.createdAt,
      files: v1.files,
      task: null,
      modules: { model: v1.model },
      variables: null,
      optimizer,
      ema,
      taskState: null,
      trainer: null,
    };
  }
  const modules = m.modules as Record<string, unknown> | null;
  if (modules === null || typeof modules !== 'object' || Array.isArray(modules)) throw bad('"modules" is missing');
  for (const [name, mod] of Object.entries(modules)) checkModule(mod, `module "${name}"`);
  const variables = (m.variables ?? null) as CheckpointManifest['variables'];
  if (variables !== null && (typeof variables !== 'object' || typeof variables.file !== 'string' || !isEntryList(variables.tensors))) throw bad('"variables" is malformed');
  return {
    format: m.format as string,
    formatVersion: 2,
    step: m.step as number,
    config: (m.config ?? {}) as Record<string, unknown>,
    extra: (m.extra ?? null) as Record<string, unknown> | null,
    createdAt: m.createdAt as string,
    files: m.files as CheckpointManifest['files'],
    task: typeof m.task === 'string' ? m.task : null,
    modules: modules as Record<string, CheckpointModuleEntry>,
    variables,
    optimizer,
    ema,
    taskState: (m.taskState ?? null) as CheckpointManifest['taskState'],
    trainer: (m.trainer ?? null) as CheckpointManifest['trainer'],
  };
}
