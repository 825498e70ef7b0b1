/**
 * What `si train` needs to know about a run folder before it starts a backend: whether it holds a run, and
 * that run's step and saved configuration (from the checkpoint's manifest).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError } from '../errors.js';
import { CheckpointError } from '../train/checkpoint.js';
import { UsageError } from './args.js';

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

/** The kind of run a command trains, to refuse resuming a folder that holds another kind. */
export interface ExpectedRunModel {
  /** The `--model` this command trains (`'unet'`, `'energy'`). */
  name: string;
  /** The `--model` of a saved run's configuration, or null when it is not a run of `si train`. */
  savedModel(config: Record<string, unknown>): string | null;
}

/**
 * The checks every `si train` makes on its `--out` folder before any work: a folder holding a run needs
 * `--resume` or `--force` (never replaced silently), `--resume` needs a run, and with `model` the run must
 * be of the same kind. Returns the run in the folder, or null.
 *
 * @throws UsageError for a run without `--resume` / `--force`; ArgumentError naming `--resume` or `--model`
 * @example
 * ```ts
 * const existing = checkRunFolder('si train', 'runs/shapes', flags, { name: 'unet', savedModel });
 * ```
 */
export function checkRunFolder(cmd: string, out: string, flags: { resume?: unknown; force?: unknown }, model?: ExpectedRunModel): RunFolderInfo | null {
  const existing = readRunFolder(out);
  if (existing && !flags.resume && !flags.force) {
    throw new UsageError(`${cmd}: ${out} already holds a run (at step ${existing.step}); add --resume to continue it or --force to start over (replacing it)`);
  }
  if (!existing && flags.resume) throw new ArgumentError(cmd, '--resume', `a run directory with a checkpoint (${out}/manifest.json)`, 'none found');
  if (existing && flags.resume && model && model.savedModel(existing.config) !== model.name) {
    throw new ArgumentError(cmd, '--model', `the model of the run in ${out} (${model.savedModel(existing.config) ?? 'not a run of si train'})`, model.name);
  }
  return existing;
}
