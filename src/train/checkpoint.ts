/**
 * Atomic training checkpoints on the local filesystem (`node:fs`; no tfjs-node): the model (topology and
 * weights, via tfjs-layers' save/load handlers), the optimiser state, the EMA weights, the run's config and
 * step, and a JSON manifest describing every saved tensor.
 *
 * Layout of a checkpoint directory (format version 1):
 * ```
 * manifest.json        format, version, step, config, extra, files (bytes, sha256), tensor lists
 * model.json           tfjs model.json: modelTopology + weightsManifest (loadable by tfjs's own loaders)
 * model.weights.bin    the model's weights as tfjs encodes them (float32, little-endian)
 * optimizer.bin        optional: optimizer.getWeights(), concatenated (float32; the 'iter' counter int32)
 * ema.bin              optional: the EMA's averaged weights (float32)
 * ```
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { Stats } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { ExponentialMovingAverage } from './ema.js';
import type { NamedTensor } from './optimizer-state.js';

/** The `format` field of every manifest. */
export const CHECKPOINT_FORMAT = 'stochastic-interpolants/checkpoint';
/** The manifest version this library writes and reads. */
export const CHECKPOINT_FORMAT_VERSION = 1;

const MANIFEST = 'manifest.json';
const MODEL_JSON = 'model.json';
const MODEL_BIN = 'model.weights.bin';
const OPTIMIZER_BIN = 'optimizer.bin';
const EMA_BIN = 'ema.bin';

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
  /** Name (model weight name, optimiser slot name such as `hidden_0/kernel/m`, `iter`, or `…/ema`). */
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

/** The `manifest.json` of a checkpoint. */
export interface CheckpointManifest {
  /** Always {@link CHECKPOINT_FORMAT}. */
  format: string;
  /** {@link CHECKPOINT_FORMAT_VERSION} when written by this version of the library. */
  formatVersion: number;
  /** Training step the checkpoint was taken at. */
  step: number;
  /** The run's configuration, as given to {@link saveCheckpoint}. */
  config: Record<string, unknown>;
  /** Anything else the caller stored (metrics, RNG state, …), or null. */
  extra: Record<string, unknown> | null;
  /** ISO time of writing. */
  createdAt: string;
  /** Every file but the manifest, with its size and SHA-256 (hex). */
  files: Record<string, { byteLength: number; sha256: string }>;
  /** The model: file names and the weights it holds. */
  model: { name: string; topologyFile: string; weightsFile: string; tensors: CheckpointTensorEntry[] };
  /** The optimiser: class, config, iteration count and state tensors; null when none was saved. */
  optimizer: {
    className: string;
    config: Record<string, unknown>;
    iterations: number;
    file: string;
    tensors: CheckpointTensorEntry[];
  } | null;
  /** The EMA: decay settings, update count and averaged weights; null when none was saved. */
  ema: { decay: number; warmup: boolean; numUpdates: number; file: string; tensors: CheckpointTensorEntry[] } | null;
}

/** What {@link saveCheckpoint} writes. */
export interface CheckpointContents {
  /** The model (topology and weights are saved). */
  model: tfl.LayersModel;
  /** An optimiser whose `getWeights()` gives its complete state (every optimiser from `makeOptimizer`). */
  optimizer?: tf.Optimizer;
  /** An EMA of the model's weights. */
  ema?: ExponentialMovingAverage;
  /** The run's configuration (a JSON-serialisable object). */
  config: Record<string, unknown>;
  /** The training step (an integer ≥ 0). */
  step: number;
  /** Anything else JSON-serialisable to keep with the checkpoint. */
  extra?: Record<string, unknown>;
}

/** Options of {@link saveCheckpoint}. */
export interface SaveCheckpointOptions {
  /**
   * Writes one file completely and durably (the default opens it exclusively, writes, fsyncs and closes).
   * Replace it to write through another layer or to inject faults in tests; throwing from it aborts the
   * save, removes the temporary directory and leaves any previous checkpoint untouched.
   */
  writeFile?: (filePath: string, data: Uint8Array) => Promise<void>;
}

/** What {@link loadCheckpoint} returns. Tensors are owned by the caller: `dispose()` releases them. */
export interface LoadedCheckpoint {
  /** The model, rebuilt from topology and weights (owned by the caller). */
  model: tfl.LayersModel;
  /** `optimizer.getWeights()` as saved: pass to `setWeights` of a freshly made optimiser; null if none. */
  optimizerWeights: NamedTensor[] | null;
  /** The optimiser's registered class name (e.g. `'AdaBelief'`) and config, or null. */
  optimizer: { className: string; config: Record<string, unknown>; iterations: number } | null;
  /** The EMA's averaged weights (for `ema.setWeights(weights, numUpdates)`), or null. */
  emaWeights: NamedTensor[] | null;
  /** The EMA's settings and update count, or null. */
  ema: { decay: number; warmup: boolean; numUpdates: number } | null;
  /** The run's configuration. */
  config: Record<string, unknown>;
  /** The training step. */
  step: number;
  /** The extra data saved, or null. */
  extra: Record<string, unknown> | null;
  /** The whole manifest. */
  manifest: CheckpointManifest;
  /** Disposes the optimiser and EMA tensors (not the model). */
  dispose(): void;
}

// ---------------------------------------------------------------------------------------------- helpers

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function concatBytes(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

function weightDataBytes(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const buffers = Array.isArray(data) ? data : [data];
  return concatBytes(buffers.map((b) => new Uint8Array(b)));
}

/** Reads tensors back and lays them out one after the other. */
async function encodeTensors(fn: string, arg: string, tensors: NamedTensor[]): Promise<{ bytes: Uint8Array; entries: CheckpointTensorEntry[] }> {
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

function decodeTensors(entries: CheckpointTensorEntry[], bytes: Uint8Array): NamedTensor[] {
  return entries.map((e) => {
    const slice = bytes.slice(e.offset, e.offset + e.byteLength);
    const values = e.dtype === 'int32' ? new Int32Array(slice.buffer) : new Float32Array(slice.buffer);
    return { name: e.name, tensor: tf.tensor(values, e.shape, e.dtype) };
  });
}

function sizeOfShape(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function toJsonObject(fn: string, arg: string, value: unknown, optional: boolean): Record<string, unknown> | null {
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

async function defaultWriteFile(filePath: string, data: Uint8Array): Promise<void> {
  const handle = await fs.open(filePath, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync a directory so that renames and new entries in it are durable (best effort: not every OS allows it). */
async function syncDirectory(dirPath: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dirPath, 'r');
    await handle.sync();
  } catch {
    // Directories cannot be opened or fsynced on some platforms (Windows); the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

async function statOrNull(p: string): Promise<Stats | null> {
  try {
    return await fs.stat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function suffix(): string {
  return `${process.pid}-${randomBytes(4).toString('hex')}`;
}

// -------------------------------------------------------------------------------------------------- save

/**
 * Writes a checkpoint directory atomically: everything goes into a fresh temporary directory beside `dir`
 * (same filesystem), every file is fsynced, then the directory is renamed into place. An existing checkpoint
 * at `dir` is renamed away first, the new one renamed in, and the old one removed — so `dir` never holds a
 * half-written checkpoint: a failure while writing leaves the previous checkpoint untouched and removes the
 * temporary directory (a killed process may leave a hidden `.<name>.tmp-…` sibling behind, never a partial
 * `dir`). If the process dies in the instant between the two renames, `dir` is absent and the previous
 * checkpoint survives as `.<name>.old-…`; {@link loadCheckpoint} names it in its error.
 *
 * Refuses to replace a non-empty directory that is not a checkpoint (no `manifest.json`).
 *
 * Tensors are read back here (a boundary), so call it every N steps, not every step.
 *
 * @param dir - the checkpoint directory (created, or replaced if it holds a checkpoint)
 * @param contents - model, optional optimiser and EMA, config, step and extra data
 * @param options - see {@link SaveCheckpointOptions}
 * @returns the manifest written
 * @example
 * ```ts
 * await saveCheckpoint('runs/moons/ckpt', { model, optimizer, ema, config, step: 5000 });
 * const ck = await loadCheckpoint('runs/moons/ckpt');
 * const opt = makeOptimizer('adabelief', config.optimizer);
 * await opt.setWeights(ck.optimizerWeights!);
 * ck.dispose();
 * ```
 */
export async function saveCheckpoint(
  dir: string,
  contents: CheckpointContents,
  options: SaveCheckpointOptions = {},
): Promise<CheckpointManifest> {
  const fn = 'saveCheckpoint';
  if (typeof dir !== 'string' || dir.length === 0) throw new ArgumentError(fn, 'dir', 'a non-empty path', describeValue(dir));
  if (contents === null || typeof contents !== 'object') {
    throw new ArgumentError(fn, 'contents', 'an object { model, config, step, optimizer?, ema?, extra? }', describeValue(contents));
  }
  const { model, optimizer, ema } = contents;
  if (model === null || typeof model !== 'object' || typeof (model as tfl.LayersModel).save !== 'function') {
    throw new ArgumentError(fn, 'contents.model', 'a tfjs-layers LayersModel', describeValue(model));
  }
  if (optimizer !== undefined && !(optimizer instanceof tf.Optimizer)) {
    throw new ArgumentError(fn, 'contents.optimizer', 'a tf.Optimizer', describeValue(optimizer));
  }
  if (ema !== undefined && !(ema instanceof ExponentialMovingAverage)) {
    throw new ArgumentError(fn, 'contents.ema', 'an ExponentialMovingAverage', describeValue(ema));
  }
  const step = checkNumber(fn, 'contents.step', contents.step, { min: 0, integer: true });
  const config = toJsonObject(fn, 'contents.config', contents.config, false)!;
  const extra = toJsonObject(fn, 'contents.extra', contents.extra, true);
  const writeFile = options.writeFile ?? defaultWriteFile;
  if (typeof writeFile !== 'function') throw new ArgumentError(fn, 'options.writeFile', 'a function', describeValue(writeFile));

  // 1. Everything into memory first; nothing touches the filesystem until all data is ready.
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(a) };
    }),
  );
  if (artifacts === undefined || artifacts.modelTopology === undefined) {
    throw new ArgumentError(fn, 'contents.model', 'a model that saves its topology', 'a model whose save() produced none');
  }
  const modelBytes = weightDataBytes(artifacts.weightData);
  const weightSpecs = artifacts.weightSpecs ?? [];
  const modelJson = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    ...(artifacts.trainingConfig !== undefined ? { trainingConfig: artifacts.trainingConfig } : {}),
    ...(artifacts.userDefinedMetadata !== undefined ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
    weightsManifest: [{ paths: [MODEL_BIN], weights: weightSpecs }],
  };
  let modelOffset = 0;
  for (const s of weightSpecs) {
    if ((s.dtype !== 'float32' && s.dtype !== 'int32') || s.quantization !== undefined) {
      throw new ArgumentError(fn, 'contents.model', 'a model with unquantised float32 or int32 weights', `weight '${s.name}' of dtype ${s.dtype}${s.quantization !== undefined ? ' (quantised)' : ''}`);
    }
  }
  const modelTensors: CheckpointTensorEntry[] = weightSpecs.map((s) => {
    const byteLength = sizeOfShape(s.shape) * 4;
    const entry = { name: s.name, shape: [...s.shape], dtype: s.dtype as 'float32' | 'int32', offset: modelOffset, byteLength };
    modelOffset += byteLength;
    return entry;
  });

  const files: Record<string, Uint8Array> = {
    [MODEL_JSON]: new TextEncoder().encode(JSON.stringify(modelJson)),
    [MODEL_BIN]: modelBytes,
  };

  let optimizerManifest: CheckpointManifest['optimizer'] = null;
  if (optimizer !== undefined) {
    const weights = (await optimizer.getWeights()) as NamedTensor[];
    try {
      const { bytes, entries } = await encodeTensors(fn, 'contents.optimizer', weights);
      files[OPTIMIZER_BIN] = bytes;
      optimizerManifest = {
        className: optimizer.getClassName(),
        config: JSON.parse(JSON.stringify(optimizer.getConfig())) as Record<string, unknown>,
        iterations: optimizer.iterations,
        file: OPTIMIZER_BIN,
        tensors: entries,
      };
    } finally {
      // getWeights() returns the optimiser's own variables plus a fresh 'iter' scalar: free only the latter.
      tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
    }
  }

  let emaManifest: CheckpointManifest['ema'] = null;
  if (ema !== undefined) {
    const weights = ema.getWeights();
    try {
      const { bytes, entries } = await encodeTensors(fn, 'contents.ema', weights);
      files[EMA_BIN] = bytes;
      emaManifest = { decay: ema.decay, warmup: ema.warmup, numUpdates: ema.numUpdates, file: EMA_BIN, tensors: entries };
    } finally {
      tf.dispose(weights.map((w) => w.tensor));
    }
  }

  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    step,
    config,
    extra,
    createdAt: new Date().toISOString(),
    files: Object.fromEntries(Object.entries(files).map(([name, data]) => [name, { byteLength: data.byteLength, sha256: sha256(data) }])),
    model: { name: model.name, topologyFile: MODEL_JSON, weightsFile: MODEL_BIN, tensors: modelTensors },
    optimizer: optimizerManifest,
    ema: emaManifest,
  };

  // 2. Check the target, then write into a temporary sibling directory.
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  await fs.mkdir(parent, { recursive: true });
  const existing = await statOrNull(target);
  if (existing !== null) {
    if (!existing.isDirectory()) {
      throw new ArgumentError(fn, 'dir', 'a directory path (or a path that does not exist yet)', `'${target}', which is a file`);
    }
    const entries = await fs.readdir(target);
    if (entries.length > 0 && !entries.includes(MANIFEST)) {
      throw new ArgumentError(fn, 'dir', 'a new path, an empty directory or an existing checkpoint', `'${target}', a non-empty directory without ${MANIFEST} (refusing to replace it)`);
    }
  }

  const temp = await fs.mkdtemp(path.join(parent, `.${base}.tmp-`));
  try {
    for (const [name, data] of Object.entries(files)) await writeFile(path.join(temp, name), data);
    await writeFile(path.join(temp, MANIFEST), new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
    await syncDirectory(temp);
  } catch (e) {
    await fs.rm(temp, { recursive: true, force: true });
    throw e;
  }

  // 3. Commit: old away, new in, old removed.
  let old: string | null = null;
  try {
    if ((await statOrNull(target)) !== null) {
      old = path.join(parent, `.${base}.old-${suffix()}`);
      await fs.rename(target, old);
    }
    try {
      await fs.rename(temp, target);
    } catch (e) {
      if (old !== null) await fs.rename(old, target);
      old = null;
      throw e;
    }
  } catch (e) {
    await fs.rm(temp, { recursive: true, force: true });
    throw e;
  }
  await syncDirectory(parent);
  if (old !== null) await fs.rm(old, { recursive: true, force: true });
  return manifest;
}

// -------------------------------------------------------------------------------------------------- load

function isEntryList(value: unknown): value is CheckpointTensorEntry[] {
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

async function leftoverBackup(target: string): Promise<string | null> {
  try {
    const parent = path.dirname(target);
    const prefix = `.${path.basename(target)}.old-`;
    const found = (await fs.readdir(parent)).filter((n) => n.startsWith(prefix));
    return found.length > 0 ? path.join(parent, found.sort().at(-1)!) : null;
  } catch {
    return null;
  }
}

/**
 * Reads a checkpoint written by {@link saveCheckpoint}: rebuilds the model (`tfl.loadLayersModel` on
 * `tf.io.fromMemory`; custom layers must be registered, i.e. their module imported), and returns the
 * optimiser and EMA tensors for `setWeights` on fresh instances, with the config, step and extra data.
 * Every file's size and SHA-256 are checked against the manifest, and every tensor list against its file.
 *
 * @throws {CheckpointError} naming the path when the directory does not exist, holds no `manifest.json`
 *   (not a checkpoint), has an unsupported `formatVersion`, or has a missing, truncated, corrupted or
 *   mismatched file.
 * @example
 * ```ts
 * const ck = await loadCheckpoint('runs/moons/ckpt');
 * const optimizer = makeOptimizer('adabelief', { learningRate: 1e-3 });
 * await optimizer.setWeights(ck.optimizerWeights!);
 * const ema = new ExponentialMovingAverage(ck.model, { decay: ck.ema!.decay });
 * ema.setWeights(ck.emaWeights!, ck.ema!.numUpdates);
 * ck.dispose();          // the tensors above were copied into the optimiser and EMA
 * ```
 */
export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const fn = 'loadCheckpoint';
  if (typeof dir !== 'string' || dir.length === 0) throw new ArgumentError(fn, 'dir', 'a non-empty path', describeValue(dir));
  const target = path.resolve(dir);
  const stat = await statOrNull(target);
  if (stat === null) {
    const backup = await leftoverBackup(target);
    const hint = backup !== null ? `; an interrupted save left the previous checkpoint at '${backup}' (rename it to '${target}' to use it)` : '';
    throw new CheckpointError(fn, target, `no checkpoint at '${target}': the directory does not exist${hint}`);
  }
  if (!stat.isDirectory()) throw new CheckpointError(fn, target, `'${target}' is not a checkpoint: it is a file, not a directory`);

  const manifestPath = path.join(target, MANIFEST);
  let manifestText: string;
  try {
    manifestText = await fs.readFile(manifestPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CheckpointError(fn, target, `'${target}' is not a checkpoint: it has no ${MANIFEST}`);
    }
    throw e;
  }
  let manifest: CheckpointManifest;
  try {
    manifest = JSON.parse(manifestText) as CheckpointManifest;
  } catch (e) {
    throw new CheckpointError(fn, manifestPath, `corrupted manifest '${manifestPath}': ${(e as Error).message}`);
  }
  if (manifest === null || typeof manifest !== 'object' || manifest.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(fn, manifestPath, `'${target}' is not a checkpoint: ${MANIFEST} has no "format": "${CHECKPOINT_FORMAT}"`);
  }
  if (manifest.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(
      fn,
      manifestPath,
      `unsupported checkpoint format version ${describeValue(manifest.formatVersion)} in '${manifestPath}' (this library reads version ${CHECKPOINT_FORMAT_VERSION})`,
    );
  }
  const bad = (what: string) => new CheckpointError(fn, manifestPath, `corrupted manifest '${manifestPath}': ${what}`);
  if (!Number.isInteger(manifest.step) || manifest.step < 0) throw bad('"step" is not an integer >= 0');
  if (manifest.files === null || typeof manifest.files !== 'object') throw bad('"files" is missing');
  if (manifest.model === null || typeof manifest.model !== 'object' || !isEntryList(manifest.model.tensors)) throw bad('"model" is malformed');
  if (manifest.optimizer !== null && (typeof manifest.optimizer !== 'object' || !isEntryList(manifest.optimizer.tensors))) {
    throw bad('"optimizer" is malformed');
  }
  if (manifest.ema !== null && (typeof manifest.ema !== 'object' || !isEntryList(manifest.ema.tensors))) throw bad('"ema" is malformed');

  // Every listed file: present, right size, right checksum.
  const data: Record<string, Uint8Array> = {};
  for (const [name, info] of Object.entries(manifest.files)) {
    const filePath = path.join(target, name);
    if (path.dirname(filePath) !== target) throw bad(`file name ${JSON.stringify(name)} leaves the checkpoint directory`);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await fs.readFile(filePath));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new CheckpointError(fn, filePath, `corrupted checkpoint: '${filePath}' is missing`);
      throw e;
    }
    if (bytes.byteLength !== info.byteLength) {
      throw new CheckpointError(fn, filePath, `corrupted checkpoint: '${filePath}' has ${bytes.byteLength} bytes, the manifest says ${info.byteLength}`);
    }
    if (sha256(bytes) !== info.sha256) {
      throw new CheckpointError(fn, filePath, `corrupted checkpoint: '${filePath}' does not match its SHA-256 in the manifest`);
    }
    data[name] = bytes;
  }
  const fileOf = (name: string): Uint8Array => {
    const bytes = data[name];
    if (bytes === undefined) throw bad(`"${name}" is used but not listed in "files"`);
    return bytes;
  };
  const checkEntries = (entries: CheckpointTensorEntry[], file: string) => {
    const bytes = fileOf(file);
    let offset = 0;
    for (const e of entries) {
      if (e.offset !== offset || e.byteLength !== sizeOfShape(e.shape) * 4) {
        throw new CheckpointError(fn, path.join(target, file), `mismatched weights in '${path.join(target, file)}': tensor '${e.name}' of shape [${e.shape.join(', ')}] does not fit at byte ${e.offset} (+${e.byteLength})`);
      }
      offset += e.byteLength;
    }
    if (offset !== bytes.byteLength) {
      throw new CheckpointError(fn, path.join(target, file), `mismatched weights in '${path.join(target, file)}': the manifest's tensors take ${offset} bytes, the file has ${bytes.byteLength}`);
    }
    return bytes;
  };

  // The model.
  const modelJsonPath = path.join(target, manifest.model.topologyFile);
  let modelJson: { modelTopology?: object; weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[]; [k: string]: unknown };
  try {
    modelJson = JSON.parse(new TextDecoder().decode(fileOf(manifest.model.topologyFile)));
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError(fn, modelJsonPath, `corrupted model topology '${modelJsonPath}': ${(e as Error).message}`);
  }
  const weightSpecs = modelJson.weightsManifest?.[0]?.weights;
  if (modelJson.modelTopology === undefined || !Array.isArray(weightSpecs)) {
    throw new CheckpointError(fn, modelJsonPath, `corrupted model topology '${modelJsonPath}': no modelTopology or weightsManifest`);
  }
  const specsMatch =
    weightSpecs.length === manifest.model.tensors.length &&
    weightSpecs.every((s, i) => {
      const e = manifest.model.tensors[i]!;
      return s.name === e.name && s.dtype === e.dtype && s.shape.length === e.shape.length && s.shape.every((d, j) => d === e.shape[j]);
    });
  if (!specsMatch) {
    throw new CheckpointError(fn, modelJsonPath, `mismatched weights: the weights listed in '${modelJsonPath}' differ from the manifest's`);
  }
  const modelBytes = checkEntries(manifest.model.tensors, manifest.model.weightsFile);
  const optimizerBytes = manifest.optimizer !== null ? checkEntries(manifest.optimizer.tensors, manifest.optimizer.file) : null;
  const emaBytes = manifest.ema !== null ? checkEntries(manifest.ema.tensors, manifest.ema.file) : null;

  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs,
        weightData: modelBytes.slice().buffer as ArrayBuffer,
        format: modelJson.format as string | undefined,
        generatedBy: modelJson.generatedBy as string | undefined,
        convertedBy: modelJson.convertedBy as string | null | undefined,
      }),
    );
  } catch (e) {
    throw new CheckpointError(fn, modelJsonPath, `cannot rebuild the model from '${modelJsonPath}': ${(e as Error).message}`);
  }
  const optimizerWeights = manifest.optimizer !== null ? decodeTensors(manifest.optimizer.tensors, optimizerBytes!) : null;
  const emaWeights = manifest.ema !== null ? decodeTensors(manifest.ema.tensors, emaBytes!) : null;

  return {
    model,
    optimizerWeights,
    optimizer:
      manifest.optimizer !== null
        ? { className: manifest.optimizer.className, config: manifest.optimizer.config, iterations: manifest.optimizer.iterations }
        : null,
    emaWeights,
    ema: manifest.ema !== null ? { decay: manifest.ema.decay, warmup: manifest.ema.warmup, numUpdates: manifest.ema.numUpdates } : null,
    config: manifest.config,
    step: manifest.step,
    extra: manifest.extra ?? null,
    manifest,
    dispose() {
      if (optimizerWeights !== null) tf.dispose(optimizerWeights.map((w) => w.tensor));
      if (emaWeights !== null) tf.dispose(emaWeights.map((w) => w.tensor));
    },
  };
}
