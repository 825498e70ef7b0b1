/**
 * `si train --model unet`: trains a U-Net field on labelled images (`--dataset mnist`, `shapes` or
 * `folder:PATH`) through the one `Trainer` with the labelled-image task (label dropout for classifier-free
 * guidance), into a run folder that `loadImageRun` and `si sample --grid` read. Same run-folder rules as
 * the MLP runs: `--resume`, `--force`, Ctrl-C checkpoints, `--json`.
 */
import { resolve } from 'node:path';
import '../../models/register.js';
import { initBackend } from '../backend.js';
import { ArgumentError, checkNumber } from '../errors.js';
import { loadImageData } from '../images/image-run.js';
import { labelledImageTask } from '../images/labelled-image-task.js';
import type { LabelledImageRunConfig } from '../images/labelled-image-task.js';
import type { LabelledImageDataset } from '../images/labelled-images.js';
import { interpolantNames, makeInterpolant } from '../interpolants/registry.js';
import { quadraticObjective } from '../objectives/quadratic-objective.js';
import type { FieldName } from '../objectives/types.js';
import { buildModel } from '../train/model-builders.js';
import type { ModuleSpec } from '../train/model-builders.js';
import { Trainer } from '../train/trainer.js';
import type { ResolvedTrainerSettings } from '../train/trainer.js';
import { UsageError } from './args.js';
import { checkOutputPath } from './output-paths.js';
import { checkRunFolder } from './run-folder.js';
import { freshSettings, networkSeed, resumePlan, savedModel } from './train-models.js';
import { runFolderTrainerOptions, sessionCallbacks, trainSession } from './train-session.js';
import type { CliFlags } from './train-session.js';

const CMD = 'si train';

/** Defaults of an image run for flags whose `si train` default is the MLP's. */
export const IMAGE_DEFAULTS = { dataset: 'shapes', batch: 64, lr: 1e-3, size: 32, channels: 3, width: 16 } as const;

/** Flags a resumed image run must keep. */
export const IMAGE_FIXED_ON_RESUME = ['dataset', 'interpolant', 'objective', 'width', 'size', 'channels', 'label-dropout', 'seed', 'batch', 'optimizer'] as const;

/** An image run's config as `si train` writes it (the labelled-image task's own). */
export type CliImageRunConfig = LabelledImageRunConfig;

/** The image data spec of `--dataset` (`folder:` paths made absolute so the run loads from anywhere). */
export function imageDataSpec(value: unknown): string {
  const v = String(value);
  if (v === 'mnist' || v === 'shapes') return v;
  if (v.startsWith('folder:') && v.length > 'folder:'.length) return `folder:${resolve(v.slice('folder:'.length))}`;
  throw new ArgumentError(CMD, '--dataset', "with --model unet, 'mnist', 'shapes' or 'folder:PATH' (a folder of pictures, labels from sub-folders)", JSON.stringify(v));
}

/** The largest of 8, 4, 2, 1 dividing the width: the group normalisation's groups. */
function groupsFor(width: number): number {
  for (const g of [8, 4, 2]) if (width % g === 0) return g;
  return 1;
}

/** Parses `--objective` for an image run: b, optionally with s (`b,s`). */
function imageFields(text: string): FieldName[] {
  const fields = text.split(',').map((s) => s.trim());
  if (!fields.includes('b') || fields.some((f) => f !== 'b' && f !== 's') || new Set(fields).size !== fields.length) {
    throw new ArgumentError(CMD, '--objective', "with --model unet, 'b' or 'b,s' (sampling needs the velocity b)", JSON.stringify(text));
  }
  return fields as FieldName[];
}

/** Checks the image flags that need no file or backend. */
function checkImageFlags(flags: CliFlags, given: readonly string[], spec: string): void {
  checkNumber(CMD, '--width', flags.width ?? IMAGE_DEFAULTS.width, { min: 1, integer: true });
  checkNumber(CMD, '--label-dropout', flags['label-dropout'], { min: 0, max: 1 });
  if (given.includes('size')) {
    if (spec === 'mnist') throw new ArgumentError(CMD, '--size', "omitted with --dataset mnist (digits are 28×28)", String(flags.size));
    checkNumber(CMD, '--size', flags.size, { min: spec === 'shapes' ? 8 : 1, integer: true });
  }
  if (given.includes('channels')) {
    if (!spec.startsWith('folder:')) throw new ArgumentError(CMD, '--channels', `omitted with --dataset ${spec} (only folder:PATH data take 1 or 3)`, String(flags.channels));
    if (flags.channels !== 1 && flags.channels !== 3) throw new ArgumentError(CMD, '--channels', '1 (grey) or 3 (RGB)', String(flags.channels));
  }
  if (!interpolantNames().includes(String(flags.interpolant))) {
    throw new ArgumentError(CMD, '--interpolant', `one of ${interpolantNames().join(', ')}`, JSON.stringify(flags.interpolant));
  }
  imageFields(String(flags.objective));
}

/** The value behind a fixed flag in a saved image run, in the flag's terms. */
function savedImageFlag(flag: string, config: CliImageRunConfig, settings: ResolvedTrainerSettings): unknown {
  switch (flag) {
    case 'dataset':
      return config.dataset;
    case 'interpolant':
      return config.interpolant;
    case 'objective':
      return config.fields.join(',');
    case 'width':
      return (config.model?.options.widths as number[] | undefined)?.[0];
    case 'size':
      return config.eventShape[0];
    case 'channels':
      return config.eventShape[2];
    case 'label-dropout':
      return config.labelDropout;
    case 'seed':
      return settings.seed;
    case 'batch':
      return config.batchSize ?? 64;
    case 'optimizer':
      return settings.optimizer;
    default:
      return undefined;
  }
}

/** Loads the data of a saved image run (its spec, at its size and channels). */
async function savedRunData(out: string, config: CliImageRunConfig): Promise<LabelledImageDataset> {
  const [size, , channels] = config.eventShape;
  try {
    return await loadImageData(config.dataset, config.dataset === 'mnist' ? {} : { size, channels: channels as 1 | 3, onWarning: (m) => console.error(`${CMD}: ${m}`) });
  } catch (err) {
    if (err instanceof ArgumentError && err.arg === 'spec') {
      throw new ArgumentError(CMD, '--resume', "an image run whose data is a spec ('mnist', 'shapes', 'folder:PATH')", `the run in ${out}, trained on data named ${JSON.stringify(config.dataset)}`);
    }
    throw err;
  }
}

/** Runs `si train --model unet` with parsed flags. */
export async function runImageTrain(flags: CliFlags, given: readonly string[]): Promise<number> {
  const out = flags.out as string | undefined;
  if (!out) throw new ArgumentError(CMD, '--out', 'a run directory', 'nothing');
  if (flags.resume && flags.force) throw new UsageError(`${CMD}: --resume continues the run in ${out} and --force replaces it: give one`);
  const spec = imageDataSpec(given.includes('dataset') ? flags.dataset : IMAGE_DEFAULTS.dataset);
  checkImageFlags(flags, given, spec);
  checkOutputPath(CMD, '--out', out, 'dir');
  const existing = checkRunFolder(CMD, out, flags, { name: 'unet', savedModel });
  const quiet = Boolean(flags.json);
  const say = (line: string) => (quiet ? console.error(line) : console.log(line));
  const logEvery = flags['log-every'] as number;
  const checkpointEvery = flags['checkpoint-every'] as number;

  if (flags.resume) {
    const saved = await Trainer.savedRun(out);
    const config = saved.config as unknown as CliImageRunConfig;
    if (!saved.settings) throw new ArgumentError(CMD, '--resume', 'a run written by a Trainer (its settings are saved)', `the run in ${out}`);
    const normalised = { ...flags, ...(given.includes('dataset') ? { dataset: spec } : {}) };
    const plan = resumePlan(CMD, out, saved.step, saved.settings, normalised, given, IMAGE_FIXED_ON_RESUME, (f) => savedImageFlag(f, config, saved.settings!));
    say(plan.message);
    const data = await savedRunData(out, config);
    const info = await initBackend(flags.backend as string | undefined, { log: quiet ? null : undefined, threads: flags.threads as number | undefined });
    const interpolant = makeInterpolant(config.interpolant);
    const objective = quadraticObjective(interpolant, config.fields);
    const callbacks = sessionCallbacks(plan.settings.steps, quiet);
    const trainer = await Trainer.resume(out, (s) => ({
      task: labelledImageTask({
        interpolant,
        objective,
        model: s.modules.model ?? s.model,
        data,
        conditional: config.numClasses > 0,
        labelDropout: config.labelDropout,
        batchSize: config.batchSize ?? 64,
        datasetSpec: config.dataset,
        ...(config.model ? { modelSpec: config.model } : {}),
      }),
      ...plan.settings,
      ...runFolderTrainerOptions({ out, config, logEvery, checkpointEvery, callbacks }),
    }));
    return trainSession(trainer, callbacks.bar, { command: CMD, out, steps: plan.settings.steps, startStep: saved.step, flags, given, backend: info.name, extra: { model: 'unet' } });
  }

  const size = given.includes('size') ? (flags.size as number) : IMAGE_DEFAULTS.size;
  const channels = given.includes('channels') ? (flags.channels as 1 | 3) : IMAGE_DEFAULTS.channels;
  const data = await loadImageData(spec, spec === 'mnist' ? {} : { size, channels, onWarning: (m) => console.error(`${CMD}: ${m}`) });
  if (existing) say(`--force: starting a new run in ${out}, replacing the run that was there (at step ${existing.step})`);
  const info = await initBackend(flags.backend as string | undefined, { log: quiet ? null : undefined, threads: flags.threads as number | undefined });
  const fields = imageFields(String(flags.objective));
  const interpolant = makeInterpolant(String(flags.interpolant));
  const objective = quadraticObjective(interpolant, fields);
  const conditional = data.numClasses > 1;
  const [h, w, c] = data.eventShape;
  const width = (flags.width as number | undefined) ?? IMAGE_DEFAULTS.width;
  const batchSize = given.includes('batch') ? (flags.batch as number) : IMAGE_DEFAULTS.batch;
  const steps = flags.steps as number;
  // The EMA default of image runs (trainImageRun's): 0.999, short enough that the initial weights weigh < 0.1% at the end.
  const settings = freshSettings(flags, given, { lr: IMAGE_DEFAULTS.lr, ema: Math.min(0.999, Math.max(0, 1 - 7 / steps)) });
  const modelSpec: ModuleSpec = {
    builder: 'unet',
    options: { widths: [width, 2 * width], groups: groupsFor(width), imageSize: [h, w], channels: c, numClasses: conditional ? data.numClasses : 0, heads: fields.length, seed: networkSeed(flags.seed as number) },
  };
  const task = labelledImageTask({ interpolant, objective, model: buildModel(modelSpec), data, conditional, labelDropout: flags['label-dropout'] as number, batchSize, datasetSpec: spec, modelSpec });
  const config: CliImageRunConfig = task.runConfig();
  say(
    `training a U-Net ${width}/${2 * width} on ${data.description ?? spec}: ${conditional ? `${data.numClasses} classes, label dropout ${flags['label-dropout']}` : 'unconditional'}, ` +
      `${interpolant.name}, fields ${fields.join(',')}, ${steps} steps × batch ${batchSize}`,
  );
  const callbacks = sessionCallbacks(steps, quiet);
  let trainer: Trainer;
  try {
    trainer = new Trainer({
      task,
      ...settings,
      ...runFolderTrainerOptions({ out, config, logEvery, checkpointEvery, callbacks, overwrite: Boolean(flags.force) }),
    });
  } catch (err) {
    task.modules.model.dispose();
    throw err;
  }
  return trainSession(trainer, callbacks.bar, { command: CMD, out, steps, startStep: 0, flags, given, backend: info.name, extra: { model: 'unet' } });
}
