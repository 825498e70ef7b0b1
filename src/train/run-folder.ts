/**
 * Run folders on the local filesystem (`node:fs`): the checkpoint's files live in a subfolder the library
 * owns, `manifest.json` is the commit point (written beside itself and renamed into place), and nothing the
 * library did not write is ever removed.
 *
 * Layout of a run folder (checkpoint format version 2):
 * ```
 * manifest.json                         the commit point: names every file of the current checkpoint
 * checkpoint/step-00000500.1a2b3c4d/    the current checkpoint's files (one generation at a time)
 *   modules/<name>.json                 tfjs model.json of each network (topology + weights manifest)
 *   modules/<name>.weights.bin          its weights (float32, little-endian)
 *   variables.bin, optimizer.bin, ema.bin
 * history.jsonl                         the loss history (written by the Trainer)
 * …                                     anything else (notes.txt, samples.png): never touched
 * ```
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { Stats } from 'node:fs';
import * as path from 'node:path';
import { MANIFEST_FILE, V1_FILES } from './checkpoint-format.js';

/** The subfolder of a run folder that holds the checkpoint generations. */
export const CHECKPOINT_SUBFOLDER = 'checkpoint';
/** Names of checkpoint generations: `step-<8 digits>.<8 hex>`. */
const GENERATION = /^step-\d{8,}\.[0-9a-f]{8}$/;
/** Temporary manifests: `.manifest.json.tmp-<pid>-<hex>`. */
const MANIFEST_TMP = /^\.manifest\.json\.tmp-\d+-[0-9a-f]{8}$/;

/** Writes one file completely and durably: opens it exclusively, writes, fsyncs and closes. */
export async function writeFileDurable(filePath: string, data: Uint8Array): Promise<void> {
  const handle = await fs.open(filePath, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync a directory so that renames and new entries in it are durable (best effort: not every OS allows it). */
export async function syncDirectory(dirPath: string): Promise<void> {
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

/** `fs.stat`, or null when the path does not exist. */
export async function statOrNull(p: string): Promise<Stats | null> {
  try {
    return await fs.stat(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** `<pid>-<8 random hex>`: a name no concurrent writer picks. */
export function uniqueSuffix(): string {
  return `${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** A fresh generation name for a checkpoint at `step`. */
export function generationName(step: number): string {
  return `step-${String(step).padStart(8, '0')}.${randomBytes(4).toString('hex')}`;
}

/**
 * Writes the manifest text to a temporary file beside `manifest.json` (through `writeFile`), then renames it
 * over `manifest.json` — the one atomic step that commits a checkpoint. The temporary file is removed when
 * writing fails.
 */
export async function commitManifest(dir: string, text: string, writeFile: (p: string, d: Uint8Array) => Promise<void>): Promise<void> {
  const tmp = path.join(dir, `.${MANIFEST_FILE}.tmp-${uniqueSuffix()}`);
  try {
    await writeFile(tmp, new TextEncoder().encode(text));
    await fs.rename(tmp, path.join(dir, MANIFEST_FILE));
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await syncDirectory(dir);
}

/** What {@link cleanStaleCheckpointFiles} removed (absolute paths). */
export interface CleanedFiles {
  removed: string[];
}

/**
 * Removes what a killed writer left behind, and only that: checkpoint generations in `checkpoint/` that the
 * manifest does not name, temporary manifests, the files of a version-1 checkpoint just replaced by a
 * version-2 one (those its manifest listed), and version-1 writers' hidden siblings `.<name>.tmp-…` / `.<name>.old-…`
 * (the latter only while `dir` holds a readable manifest, so a previous checkpoint that survived only as
 * `.old-…` is never lost). Entries not named like the library's own are never touched.
 *
 * @param dir - the run folder
 * @param referenced - the paths (relative to `dir`) the current manifest names
 * @param manifestVersion - the current manifest's format version, or null when there is none
 * @param replacedV1Files - the files a version-1 manifest listed, just replaced by a version-2 checkpoint
 */
export async function cleanStaleCheckpointFiles(dir: string, referenced: Iterable<string>, manifestVersion: number | null, replacedV1Files: readonly string[] = []): Promise<CleanedFiles> {
  const target = path.resolve(dir);
  const removed: string[] = [];
  const keepGenerations = new Set<string>();
  const keepFiles = new Set<string>();
  for (const rel of referenced) {
    const parts = rel.split(/[\\/]/);
    if (parts[0] === CHECKPOINT_SUBFOLDER && parts[1] !== undefined) keepGenerations.add(parts[1]);
    keepFiles.add(rel);
  }
  const remove = async (p: string) => {
    await fs.rm(p, { recursive: true, force: true });
    removed.push(p);
  };
  const sub = path.join(target, CHECKPOINT_SUBFOLDER);
  for (const name of await readdirOrEmpty(sub)) {
    if (GENERATION.test(name) && !keepGenerations.has(name)) await remove(path.join(sub, name));
  }
  for (const name of await readdirOrEmpty(target)) {
    if (MANIFEST_TMP.test(name)) await remove(path.join(target, name));
    else if (manifestVersion !== null && manifestVersion >= 2 && replacedV1Files.includes(name) && V1_FILES.includes(name) && name !== MANIFEST_FILE && !keepFiles.has(name)) {
      await remove(path.join(target, name));
    }
  }
  const parent = path.dirname(target);
  const base = path.basename(target);
  for (const name of await readdirOrEmpty(parent)) {
    const isTmp = name.startsWith(`.${base}.tmp-`);
    const isOld = name.startsWith(`.${base}.old-`);
    if (!isTmp && !isOld) continue;
    if (isOld && manifestVersion === null) continue;
    // Only folders made of a version-1 checkpoint's files are the library's own.
    const inside = await readdirOrEmpty(path.join(parent, name));
    const stat = await statOrNull(path.join(parent, name));
    if (stat?.isDirectory() && inside.every((n) => V1_FILES.includes(n))) await remove(path.join(parent, name));
  }
  return { removed };
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw e;
  }
}

/** The newest `.<name>.old-…` sibling a version-1 writer left behind, or null. */
export async function leftoverBackup(target: string): Promise<string | null> {
  try {
    const parent = path.dirname(target);
    const prefix = `.${path.basename(target)}.old-`;
    const found = (await fs.readdir(parent)).filter((n) => n.startsWith(prefix));
    return found.length > 0 ? path.join(parent, found.sort().at(-1)!) : null;
  } catch {
    return null;
  }
}
