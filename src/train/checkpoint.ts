/**
 * Checkpoints of training runs on the local filesystem (`node:fs`; no tfjs-node): any number of networks
 * (tfjs-layers models, topology and weights), free variables, the optimiser state, the EMA weights, the
 * task's state, the run's config and step, and a JSON manifest describing every saved tensor.
 *
 * The checkpoint lives in a run folder (see `run-folder.ts` for the layout): its files go into a fresh
 * generation subfolder, then `manifest.json` is replaced atomically — the commit point — and only then is the
 * previous generation removed. Nothing else in the folder is touched. Readers retry when a writer commits
 * while they read, so they never report a checkpoint that is being replaced as corrupted.
 *
 * Version-1 checkpoints (one model, files at the top of the directory) are still read, and saving over one
 * replaces exactly its files.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  CheckpointError,
  checkEntryName,
  decodeTensors,
  encodeTensors,
  MANIFEST_FILE,
  normaliseManifest,
  READABLE_CHECKPOINT_VERSIONS,
  sha256,
  sizeOfShape,
  toJsonObject,
} from './checkpoint-format.js';
import type { CheckpointManifest, CheckpointModuleEntry, CheckpointTensorEntry, JsonValue } from './checkpoint-format.js';
import { ExponentialMovingAverage } from './ema.js';
import { decodeModule, encodeModule, weightSpecsMatch } from './module-io.js';
import type { ModuleJson } from './module-io.js';
import type { NamedTensor } from './optimizer-state.js';
import {
  CHECKPOINT_SUBFOLDER,
  cleanStaleCheckpointFiles,
  commitManifest,
  generationName,
  leftoverBackup,
  statOrNull,
  syncDirectory,
  writeFileDurable,
} from './run-folder.js';

export { CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_VERSION, CheckpointError, READABLE_CHECKPOINT_VERSIONS } from './checkpoint-format.js';
export type { CheckpointManifest, CheckpointModuleEntry, CheckpointTensorEntry, JsonValue } from './checkpoint-format.js';

/** What {@link saveCheckpoint} writes: one model (saved as the module `model`). */
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

/** What {@link writeCheckpoint} writes: every part of a training run's state. */
export interface CheckpointState {
  /** The networks by name (names of letters, digits, `_`, `-`); topology and weights are saved. */
  modules: Record<string, tfl.LayersModel>;
  /** Free variables by name (float32 or int32), e.g. a Hurst logit or a log-normaliser. */
  variables?: Record<string, tf.Tensor>;
  /** An optimiser whose `getWeights()` gives its complete state (every optimiser from `makeOptimizer`). */
  optimizer?: tf.Optimizer;
  /**
   * An EMA; it is taken to track the modules' trainable weights (modules in key order) and then the free
   * variables (key order), as the `Trainer` builds it — that mapping is stored, so a loader can put the
   * averages into the right places.
   */
  ema?: ExponentialMovingAverage;
  /** The task's own state as JSON (numbers, arrays, strings). */
  taskState?: Record<string, JsonValue>;
  /** The task's name (`'interpolant'`, …). */
  task?: string;
  /** The trainer's settings, for the record and for resuming. */
  trainer?: Record<string, unknown>;
  /** The run's configuration (a JSON-serialisable object). */
  config: Record<string, unknown>;
  /** The training step (an integer ≥ 0). */
  step: number;
  /** Anything else JSON-serialisable to keep with the checkpoint. */
  extra?: Record<string, unknown>;
}

/** Options of {@link saveCheckpoint} and {@link writeCheckpoint}. */
export interface SaveCheckpointOptions {
  /**
   * Writes one file completely and durably (the default opens it exclusively, writes, fsyncs and closes).
   * Replace it to write through another layer or to inject faults in tests; throwing from it aborts the
   * save, removes what it wrote and leaves any previous checkpoint untouched.
   */
  writeFile?: (filePath: string, data: Uint8Array) => Promise<void>;
}

/** What {@link loadCheckpoint} returns. Tensors are owned by the caller: `dispose()` releases them. */
export interface LoadedCheckpoint {
  /**
   * The module `model` (or the first module when there is none of that name), owned by the caller; undefined
   * for a checkpoint of free variables only.
   */
  model: tfl.LayersModel;
  /** Every network by name, rebuilt from topology and weights (owned by the caller; `model` is among them). */
  modules: Record<string, tfl.LayersModel>;
  /** The free variables' values by name (released by `dispose()`). */
  variables: Record<string, tf.Tensor>;
  /** `optimizer.getWeights()` as saved: pass to `setWeights` of a freshly made optimiser; null if none. */
  optimizerWeights: NamedTensor[] | null;
  /** The optimiser's registered class name (e.g. `'AdaBelief'`) and config, or null. */
  optimizer: { className: string; config: Record<string, unknown>; iterations: number } | null;
  /** The EMA's averaged weights (for `ema.setWeights(weights, numUpdates)`), or null. */
  emaWeights: NamedTensor[] | null;
  /** The EMA's settings and update count, or null. */
  ema: { decay: number; warmup: boolean; numUpdates: number } | null;
  /** The task's saved state, or null. */
  taskState: Record<string, JsonValue> | null;
  /** The task that wrote it, or null. */
  task: string | null;
  /** The trainer's settings when a `Trainer` wrote it, or null. */
  trainer: Record<string, unknown> | null;
  /** The run's configuration. */
  config: Record<string, unknown>;
  /** The training step. */
  step: number;
  /** The extra data saved, or null. */
  extra: Record<string, unknown> | null;
  /** The whole manifest (a version-1 manifest in the version-2 shape). */
  manifest: CheckpointManifest;
  /** Disposes the optimiser, EMA and free-variable tensors (not the modules). */
  dispose(): void;
}

// -------------------------------------------------------------------------------------------------- save

/** The EMA's targets in the order the Trainer tracks them (modules' trainable weights, then free variables). */
function defaultEmaTargets(modules: Record<string, tfl.LayersModel>, variables: Record<string, tf.Tensor>): NonNullable<NonNullable<CheckpointManifest['ema']>['targets']> {
  return [
    ...Object.entries(modules).flatMap(([module, m]) => m.trainableWeights.map((_, weight) => ({ module, weight }))),
    ...Object.keys(variables).map((variable) => ({ variable })),
  ];
}

async function readManifestIfAny(fn: string, target: string): Promise<CheckpointManifest | null> {
  let text: string;
  try {
    text = await fs.readFile(path.join(target, MANIFEST_FILE), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
  const refuse = () =>
    new ArgumentError(fn, 'dir', 'a new path, a directory without manifest.json, or an existing checkpoint', `'${target}', whose ${MANIFEST_FILE} is not a checkpoint's (refusing to replace it)`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw refuse();
  }
  const error = () => refuse() as unknown as CheckpointError;
  try {
    return normaliseManifest(raw, error, error, error);
  } catch {
    // Our own manifest of a version this library cannot read, or malformed: not ours to replace.
    throw refuse();
  }
}

/**
 * Writes a checkpoint into the run folder `dir` (created if needed): every file into a fresh generation
 * subfolder `checkpoint/step-…`, each fsynced, then `manifest.json` replaced atomically (the commit point),
 * then the previous generation removed. A failure while writing leaves the previous checkpoint untouched and
 * removes what was written; a killed process leaves at most an unreferenced generation, removed by the next
 * save or {@link cleanRunFolder}. Files of the folder that the library did not write (notes, plots) are never
 * touched. Refuses a `dir` that is a file, or whose `manifest.json` is not a checkpoint's.
 *
 * Tensors are read back here (a boundary), so call it every N steps, not every step.
 *
 * @param dir - the run folder
 * @param state - modules, free variables, optimiser, EMA, task state, config, step (see {@link CheckpointState})
 * @param options - see {@link SaveCheckpointOptions}
 * @returns the manifest written
 * @example
 * ```ts
 * await writeCheckpoint('runs/pair', { modules: { encoder, decoder }, variables: { logZ }, optimizer, config: { task: 'mine' }, step: 100 });
 * const ck = await loadCheckpoint('runs/pair');   // ck.modules.encoder, ck.variables.logZ, …
 * ```
 */
export async function writeCheckpoint(dir: string, state: CheckpointState, options: SaveCheckpointOptions = {}): Promise<CheckpointManifest> {
  const fn = 'writeCheckpoint';
  if (typeof dir !== 'string' || dir.length === 0) throw new ArgumentError(fn, 'dir', 'a non-empty path', describeValue(dir));
  if (state === null || typeof state !== 'object') {
    throw new ArgumentError(fn, 'state', 'an object { modules, config, step, variables?, optimizer?, ema?, taskState?, extra? }', describeValue(state));
  }
  const { optimizer, ema } = state;
  const modules = state.modules;
  if (modules === null || typeof modules !== 'object' || Array.isArray(modules)) {
    throw new ArgumentError(fn, 'state.modules', 'an object of named tfjs-layers models', describeValue(modules));
  }
  for (const [name, m] of Object.entries(modules)) {
    checkEntryName(fn, 'state.modules', name);
    if (m === null || typeof m !== 'object' || typeof (m as tfl.LayersModel).save !== 'function') {
      throw new ArgumentError(fn, `state.modules.${name}`, 'a tfjs-layers LayersModel', describeValue(m));
    }
  }
  const variables = state.variables ?? {};
  for (const [name, v] of Object.entries(variables)) {
    checkEntryName(fn, 'state.variables', name);
    if (!(v instanceof tf.Tensor)) throw new ArgumentError(fn, `state.variables.${name}`, 'a tf.Variable or tf.Tensor', describeValue(v));
  }
  if (Object.keys(modules).length === 0 && Object.keys(variables).length === 0) {
    throw new ArgumentError(fn, 'state.modules', 'at least one network (or free variable in state.variables)', 'neither');
  }
  if (optimizer !== undefined && !(optimizer instanceof tf.Optimizer)) {
    throw new ArgumentError(fn, 'state.optimizer', 'a tf.Optimizer', describeValue(optimizer));
  }
  if (ema !== undefined && !(ema instanceof ExponentialMovingAverage)) {
    throw new ArgumentError(fn, 'state.ema', 'an ExponentialMovingAverage', describeValue(ema));
  }
  const step = checkNumber(fn, 'state.step', state.step, { min: 0, integer: true });
  const config = toJsonObject(fn, 'state.config', state.config, false)!;
  const extra = toJsonObject(fn, 'state.extra', state.extra, true);
  const taskState = toJsonObject(fn, 'state.taskState', state.taskState, true) as Record<string, JsonValue> | null;
  const trainer = toJsonObject(fn, 'state.trainer', state.trainer, true);
  const writeFile = options.writeFile ?? writeFileDurable;
  if (typeof writeFile !== 'function') throw new ArgumentError(fn, 'options.writeFile', 'a function', describeValue(writeFile));

  // 1. Everything into memory first; nothing touches the filesystem until all data is ready.
  const generation = generationName(step);
  const rel = (name: string) => `${CHECKPOINT_SUBFOLDER}/${generation}/${name}`;
  const files: [string, Uint8Array][] = [];
  const moduleEntries: Record<string, CheckpointModuleEntry> = {};
  for (const [name, model] of Object.entries(modules)) {
    const encoded = await encodeModule(fn, `state.modules.${name}`, model, `${name}.weights.bin`);
    const topologyFile = rel(`modules/${name}.json`);
    const weightsFile = rel(`modules/${name}.weights.bin`);
    files.push([topologyFile, encoded.topology], [weightsFile, encoded.weights]);
    moduleEntries[name] = { name: model.name, topologyFile, weightsFile, tensors: encoded.tensors };
  }

  let variablesManifest: CheckpointManifest['variables'] = null;
  if (Object.keys(variables).length > 0) {
    const { bytes, entries } = await encodeTensors(fn, 'state.variables', Object.entries(variables).map(([name, tensor]) => ({ name, tensor })));
    variablesManifest = { file: rel('variables.bin'), tensors: entries };
    files.push([variablesManifest.file, bytes]);
  }

  let optimizerManifest: CheckpointManifest['optimizer'] = null;
  if (optimizer !== undefined) {
    const weights = (await optimizer.getWeights()) as NamedTensor[];
    try {
      const { bytes, entries } = await encodeTensors(fn, 'state.optimizer', weights);
      optimizerManifest = {
        className: optimizer.getClassName(),
        config: JSON.parse(JSON.stringify(optimizer.getConfig())) as Record<string, unknown>,
        iterations: optimizer.iterations,
        file: rel('optimizer.bin'),
        tensors: entries,
      };
      files.push([optimizerManifest.file, bytes]);
    } finally {
      // getWeights() returns the optimiser's own variables plus a fresh 'iter' scalar: free only the latter.
      tf.dispose(weights.map((w) => w.tensor).filter((t) => !(t instanceof tf.Variable)));
    }
  }

  let emaManifest: CheckpointManifest['ema'] = null;
  if (ema !== undefined) {
    const weights = ema.getWeights();
    try {
      const { bytes, entries } = await encodeTensors(fn, 'state.ema', weights);
      const targets = defaultEmaTargets(modules, variables);
      emaManifest = {
        decay: ema.decay,
        warmup: ema.warmup,
        numUpdates: ema.numUpdates,
        file: rel('ema.bin'),
        tensors: entries,
        ...(targets.length === entries.length ? { targets } : {}),
      };
      files.push([emaManifest.file, bytes]);
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
    files: Object.fromEntries(files.map(([name, data]) => [name, { byteLength: data.byteLength, sha256: sha256(data) }])),
    task: state.task ?? null,
    modules: moduleEntries,
    variables: variablesManifest,
    optimizer: optimizerManifest,
    ema: emaManifest,
    taskState,
    trainer,
  };

  // 2. Check the folder: a file, or a manifest.json that is not ours, is refused.
  const target = path.resolve(dir);
  const existing = await statOrNull(target);
  if (existing !== null && !existing.isDirectory()) {
    throw new ArgumentError(fn, 'dir', 'a directory path (or a path that does not exist yet)', `'${target}', which is a file`);
  }
  const previous = await readManifestIfAny(fn, target);
  const createdFolder = existing === null;
  await fs.mkdir(target, { recursive: true });

  // 3. The generation's files, then the manifest (the commit point).
  const genDir = path.join(target, CHECKPOINT_SUBFOLDER, generation);
  try {
    await fs.mkdir(path.join(genDir, 'modules'), { recursive: true });
    for (const [name, data] of files) await writeFile(path.join(target, name), data);
    await syncDirectory(path.join(genDir, 'modules'));
    await syncDirectory(genDir);
    await commitManifest(target, `${JSON.stringify(manifest, null, 2)}\n`, writeFile);
  } catch (e) {
    await fs.rm(genDir, { recursive: true, force: true });
    // Empty folders this save made go too (a non-empty one holds a previous checkpoint or foreign files).
    await fs.rmdir(path.join(target, CHECKPOINT_SUBFOLDER)).catch(() => undefined);
    if (createdFolder) await fs.rmdir(target).catch(() => undefined);
    throw e;
  }

  // 4. Committed: what the previous checkpoint (of either version) left is removed.
  await cleanStaleCheckpointFiles(target, Object.keys(manifest.files), CHECKPOINT_FORMAT_VERSION, previous?.formatVersion === 1 ? Object.keys(previous.files) : []);
  return manifest;
}

/**
 * Writes a one-model checkpoint (the module `model`) atomically; see {@link writeCheckpoint} for the layout
 * and the guarantees (the previous checkpoint survives any failure; other files in the folder are never
 * touched).
 *
 * @param dir - the run folder (created, or its checkpoint replaced)
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
export async function saveCheckpoint(dir: string, contents: CheckpointContents, options: SaveCheckpointOptions = {}): Promise<CheckpointManifest> {
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
  checkNumber(fn, 'contents.step', contents.step, { min: 0, integer: true });
  toJsonObject(fn, 'contents.config', contents.config, false);
  toJsonObject(fn, 'contents.extra', contents.extra, true);
  return writeCheckpoint(
    dir,
    { modules: { model }, optimizer, ema, config: contents.config, step: contents.step, ...(contents.extra !== undefined ? { extra: contents.extra } : {}) },
    options,
  );
}

/**
 * Removes what a killed writer left in (or beside) a run folder: unreferenced checkpoint generations,
 * temporary manifests, and version-1 writers' `.<name>.tmp-…` / `.<name>.old-…` folders (the latter only
 * while the folder holds a readable checkpoint). Never removes anything the library did not write.
 *
 * @returns the absolute paths removed
 * @example
 * ```ts
 * const { removed } = await cleanRunFolder('runs/checker');
 * ```
 */
export async function cleanRunFolder(dir: string): Promise<{ removed: string[] }> {
  const fn = 'cleanRunFolder';
  if (typeof dir !== 'string' || dir.length === 0) throw new ArgumentError(fn, 'dir', 'a non-empty path', describeValue(dir));
  const target = path.resolve(dir);
  let manifest: CheckpointManifest | null = null;
  try {
    manifest = (await readCheckpointManifest(target)).manifest;
  } catch (e) {
    if (!(e instanceof CheckpointError)) throw e;
  }
  return cleanStaleCheckpointFiles(target, manifest ? Object.keys(manifest.files) : [], manifest ? manifest.formatVersion : null);
}

// -------------------------------------------------------------------------------------------------- load

/** A file-level problem (missing, wrong size, wrong checksum): a concurrent commit may explain it. */
class TransientCheckpointError extends CheckpointError {}

/**
 * Reads and validates `manifest.json` only (no tensors): what a caller needs to compare a run's config or
 * step before loading it.
 *
 * @throws {CheckpointError} naming the path when the folder or manifest is missing, malformed or of an
 *   unsupported version.
 * @example
 * ```ts
 * const { manifest } = await readCheckpointManifest('runs/checker');
 * console.log(manifest.step, manifest.config);
 * ```
 */
export async function readCheckpointManifest(dir: string): Promise<{ manifest: CheckpointManifest; text: string }> {
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
  const manifestPath = path.join(target, MANIFEST_FILE);
  let text: string;
  try {
    text = await fs.readFile(manifestPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CheckpointError(fn, target, `'${target}' is not a checkpoint: it has no ${MANIFEST_FILE}`);
    }
    throw e;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(fn, manifestPath, `corrupted manifest '${manifestPath}': ${(e as Error).message}`);
  }
  const manifest = normaliseManifest(
    raw,
    (what) => new CheckpointError(fn, manifestPath, `corrupted manifest '${manifestPath}': ${what}`),
    (version) =>
      new CheckpointError(
        fn,
        manifestPath,
        `unsupported checkpoint format version ${describeValue(version)} in '${manifestPath}' (this library reads versions ${READABLE_CHECKPOINT_VERSIONS.join(' and ')})`,
      ),
    () => new CheckpointError(fn, manifestPath, `'${target}' is not a checkpoint: ${MANIFEST_FILE} has no "format": "${CHECKPOINT_FORMAT}"`),
  );
  return { manifest, text };
}

/** Reads every file the manifest lists, checking sizes and checksums. */
async function readFiles(fn: string, target: string, manifest: CheckpointManifest): Promise<Record<string, Uint8Array>> {
  const manifestPath = path.join(target, MANIFEST_FILE);
  const data: Record<string, Uint8Array> = {};
  for (const [name, info] of Object.entries(manifest.files)) {
    const filePath = path.resolve(target, name);
    if (!filePath.startsWith(target + path.sep)) {
      throw new CheckpointError(fn, manifestPath, `corrupted manifest '${manifestPath}': file name ${JSON.stringify(name)} leaves the checkpoint directory`);
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await fs.readFile(filePath));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new TransientCheckpointError(fn, filePath, `corrupted checkpoint: '${filePath}' is missing`);
      throw e;
    }
    if (bytes.byteLength !== info.byteLength) {
      throw new TransientCheckpointError(fn, filePath, `corrupted checkpoint: '${filePath}' has ${bytes.byteLength} bytes, the manifest says ${info.byteLength}`);
    }
    if (sha256(bytes) !== info.sha256) {
      throw new TransientCheckpointError(fn, filePath, `corrupted checkpoint: '${filePath}' does not match its SHA-256 in the manifest`);
    }
    data[name] = bytes;
  }
  return data;
}

/**
 * Reads a checkpoint written by {@link writeCheckpoint} or {@link saveCheckpoint} (format version 2, or 1
 * from earlier releases): rebuilds every module (`tfl.loadLayersModel` on `tf.io.fromMemory`; custom layers
 * must be registered, i.e. their module imported), and returns the free variables, the optimiser and EMA
 * tensors for `setWeights` on fresh instances, the task state, config, step and extra data. Every file's
 * size and SHA-256 are checked against the manifest, and every tensor list against its file. When a writer
 * commits a new checkpoint while this reads, it starts over on the new manifest (up to 50 times) instead of
 * reporting the replaced files as corrupted.
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
  let { manifest, text } = await readCheckpointManifest(dir);
  const target = path.resolve(dir);
  let data: Record<string, Uint8Array>;
  for (let attempt = 0; ; attempt++) {
    try {
      data = await readFiles(fn, target, manifest);
      break;
    } catch (e) {
      if (!(e instanceof TransientCheckpointError) || attempt >= 50) throw e;
      const again = await readCheckpointManifest(dir).catch(() => null);
      if (again === null || again.text === text) throw e;
      ({ manifest, text } = again);
    }
  }
  return decodeCheckpoint(fn, target, manifest, data);
}

async function decodeCheckpoint(fn: string, target: string, manifest: CheckpointManifest, data: Record<string, Uint8Array>): Promise<LoadedCheckpoint> {
  const manifestPath = path.join(target, MANIFEST_FILE);
  const bad = (what: string) => new CheckpointError(fn, manifestPath, `corrupted manifest '${manifestPath}': ${what}`);
  const fileOf = (name: string): Uint8Array => {
    const bytes = data[name];
    if (bytes === undefined) throw bad(`"${name}" is used but not listed in "files"`);
    return bytes;
  };
  const checkEntries = (entries: CheckpointTensorEntry[], file: string) => {
    const bytes = fileOf(file);
    const filePath = path.resolve(target, file);
    let offset = 0;
    for (const e of entries) {
      if (e.offset !== offset || e.byteLength !== sizeOfShape(e.shape) * 4) {
        throw new CheckpointError(fn, filePath, `mismatched weights in '${filePath}': tensor '${e.name}' of shape [${e.shape.join(', ')}] does not fit at byte ${e.offset} (+${e.byteLength})`);
      }
      offset += e.byteLength;
    }
    if (offset !== bytes.byteLength) {
      throw new CheckpointError(fn, filePath, `mismatched weights in '${filePath}': the manifest's tensors take ${offset} bytes, the file has ${bytes.byteLength}`);
    }
    return bytes;
  };

  // Check everything before building anything, so nothing half-loaded is left behind.
  const modulePlans: { name: string; json: ModuleJson; jsonPath: string; weights: Uint8Array }[] = [];
  for (const [name, entry] of Object.entries(manifest.modules)) {
    const jsonPath = path.resolve(target, entry.topologyFile);
    let json: ModuleJson;
    try {
      json = JSON.parse(new TextDecoder().decode(fileOf(entry.topologyFile))) as ModuleJson;
    } catch (e) {
      if (e instanceof CheckpointError) throw e;
      throw new CheckpointError(fn, jsonPath, `corrupted model topology '${jsonPath}': ${(e as Error).message}`);
    }
    const specs = json.weightsManifest?.[0]?.weights;
    if (json.modelTopology === undefined || !Array.isArray(specs)) {
      throw new CheckpointError(fn, jsonPath, `corrupted model topology '${jsonPath}': no modelTopology or weightsManifest`);
    }
    if (!weightSpecsMatch(specs, entry.tensors)) {
      throw new CheckpointError(fn, jsonPath, `mismatched weights: the weights listed in '${jsonPath}' differ from the manifest's`);
    }
    modulePlans.push({ name, json, jsonPath, weights: checkEntries(entry.tensors, entry.weightsFile) });
  }
  const variableBytes = manifest.variables !== null ? checkEntries(manifest.variables.tensors, manifest.variables.file) : null;
  const optimizerBytes = manifest.optimizer !== null ? checkEntries(manifest.optimizer.tensors, manifest.optimizer.file) : null;
  const emaBytes = manifest.ema !== null ? checkEntries(manifest.ema.tensors, manifest.ema.file) : null;

  const modules: Record<string, tfl.LayersModel> = {};
  try {
    for (const plan of modulePlans) {
      try {
        modules[plan.name] = await decodeModule(plan.json, plan.weights);
      } catch (e) {
        throw new CheckpointError(fn, plan.jsonPath, `cannot rebuild the model from '${plan.jsonPath}': ${(e as Error).message}`);
      }
    }
  } catch (e) {
    Object.values(modules).forEach((m) => m.dispose());
    throw e;
  }
  const variables: Record<string, tf.Tensor> = {};
  if (manifest.variables !== null) for (const { name, tensor } of decodeTensors(manifest.variables.tensors, variableBytes!)) variables[name] = tensor;
  const optimizerWeights = manifest.optimizer !== null ? decodeTensors(manifest.optimizer.tensors, optimizerBytes!) : null;
  const emaWeights = manifest.ema !== null ? decodeTensors(manifest.ema.tensors, emaBytes!) : null;
  const names = Object.keys(modules);
  return {
    model: (modules.model ?? modules[names[0] ?? ''])!,
    modules,
    variables,
    optimizerWeights,
    optimizer:
      manifest.optimizer !== null
        ? { className: manifest.optimizer.className, config: manifest.optimizer.config, iterations: manifest.optimizer.iterations }
        : null,
    emaWeights,
    ema: manifest.ema !== null ? { decay: manifest.ema.decay, warmup: manifest.ema.warmup, numUpdates: manifest.ema.numUpdates } : null,
    taskState: manifest.taskState,
    task: manifest.task,
    trainer: manifest.trainer,
    config: manifest.config,
    step: manifest.step,
    extra: manifest.extra ?? null,
    manifest,
    dispose() {
      tf.dispose(Object.values(variables));
      if (optimizerWeights !== null) tf.dispose(optimizerWeights.map((w) => w.tensor));
      if (emaWeights !== null) tf.dispose(emaWeights.map((w) => w.tensor));
    },
  };
}
