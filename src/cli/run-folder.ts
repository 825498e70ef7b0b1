/**
 * What `si train` needs to know about a run folder before it starts a backend: whether it holds a run, and
 * that run's step and saved configuration (from the checkpoint's manifest).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointError } from '../train/checkpoint.js';

/** The step and configuration of the run in a folder. */
export interface RunFolderInfo {
  /** Steps completed by the last checkpoint. */
  step: number;
  /** The configuration the run was saved with (an `si train` run's {@link RunConfig}). */
  config: Record<string, unknown>;
}

/**
 * Reads the run in `dir` (its `manifest.json`), or returns null when `dir` holds no run.
 *
 * @throws CheckpointError when the manifest exists but is not readable JSON with a step and a config
 * @example
 * ```ts
 * const run = readRunFolder('runs/checker'); // { step: 2000, config: { dataset: 'checkerboard', … } } or null
 * ```
 */
export function readRunFolder(dir: string): RunFolderInfo | null {
  const manifest = join(dir, 'manifest.json');
  if (!existsSync(manifest)) return null;
  let parsed: { step?: unknown; config?: unknown };
  try {
    parsed = JSON.parse(readFileSync(manifest, 'utf8')) as typeof parsed;
  } catch (err) {
    throw new CheckpointError('si train', dir, `corrupted manifest ${manifest}: ${(err as Error).message}`);
  }
  if (typeof parsed.step !== 'number' || typeof parsed.config !== 'object' || parsed.config === null) {
    throw new CheckpointError('si train', dir, `${manifest} has no step and config: not a checkpoint of si train`);
  }
  return { step: parsed.step, config: parsed.config as Record<string, unknown> };
}
