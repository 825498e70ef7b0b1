/**
 * `si train`: trains an interpolant model on a dataset and writes a run folder (the checkpoint).
 *
 * A folder that already holds a run is never replaced silently: `--resume` continues it (flags that would
 * change what is being learned are refused, the learning-rate flags and `--steps` are applied and printed)
 * and `--force` starts over in it. SIGINT / SIGTERM finish the current step, write a checkpoint, print
 * how to resume and exit with code 130.
 */
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { MLP_ACTIVATIONS, timeConditionedMlp } from '../../models/mlp.js';
import type { TimeConditionedMlpOptions } from '../../models/mlp.js';
import { sampleOde } from '../../samplers/probability-flow.js';
import { initBackend } from '../backend.js';
import { isCsvPath, loadDataset } from '../data/load-dataset.js';
import { listDatasets } from '../data/registry.js';
import type { Dataset } from '../data/types.js';
import { ArgumentError, checkNumber } from '../errors.js';
import { GAMMA_NAMES } from '../interpolants/gamma.js';
import { interpolantNames } from '../interpolants/registry.js';
import { FIELD_NAMES } from '../objectives/types.js';
import type { FieldName } from '../objectives/types.js';
import { quadraticObjective } from '../objectives/quadratic-objective.js';
import { scatterSvg } from '../plot/scatter.js';
import { writePng } from '../plot/svg.js';
import { SeedStream } from '../random.js';
import { OPTIMIZER_NAMES } from '../train/optimizers.js';
import type { OptimizerName } from '../train/optimizers.js';
import { learningRateSchedule, SCHEDULE_KINDS } from '../train/schedules.js';
import type { ScheduleKind } from '../train/schedules.js';
import { loadTrainedModel, runInterpolant, sampleRunBase } from '../train/trained-model.js';
import type { RunConfig } from '../train/trained-model.js';
import { Trainer } from '../train/trainer.js';
import type { TrainerOptions } from '../train/trainer.js';
import { parseArgs, UsageError } from './args.js';
import type { Command } from './commands.js';
import { checkOutputPath } from './output-paths.js';
import { checkRunFolder, readRunFolder } from './run-folder.js';
import { didYouMean } from './suggest.js';
import { runEnergyTrain } from './train-energy.js';
import { runImageTrain } from './train-image.js';
import { sessionCallbacks, trainSession } from './train-session.js';
import { checkModelFlags, savedModel, TRAIN_MODELS } from './train-models.js';
import type { TrainModel } from './train-models.js';

const CMD = 'si train';

/** Throws an ArgumentError naming `flag` unless `value` is one of `names` (with a "did you mean"). */
export function checkName(command: string, flag: string, value: unknown, names: readonly string[]): string {
  if (typeof value === 'string' && names.includes(value)) return value;
  const hint = typeof value === 'string' ? didYouMean(value, names) : '';
  throw new ArgumentError(command, flag, `one of ${names.map((n) => `'${n}'`).join(', ')}`, `${JSON.stringify(value)}${hint}`);
}

/** Parses `--objective`: a field, a comma list of fields, or `mirror` (η_z). */
export function parseObjective(text: string): FieldName[] {
  const names = text.split(',').map((s) => s.trim()).map((s) => (s === 'mirror' ? 'eta-z' : s));
  for (const n of names) checkName(CMD, '--objective', n, [...FIELD_NAMES, 'mirror']);
  if (new Set(names).size !== names.length) throw new ArgumentError(CMD, '--objective', 'distinct fields', JSON.stringify(text));
  return names as FieldName[];
}

/**
 * Flags that fix what a run learns (data, interpolant, objective, network, seed, batch, optimiser): a
 * resumed run must keep them, so `--resume` with another value is an error naming each.
 */
export const FIXED_ON_RESUME = ['dataset', 'base', 'interpolant', 'gamma', 'objective', 'hidden', 'layers', 'activation', 'time-frequencies', 'towers', 'seed', 'batch', 'optimizer'] as const;

/**
 * Flags a resumed run may change, applied from the current step on: `--steps` (beyond the current step;
 * the learning-rate schedule is then defined over the new total), `--lr`, `--schedule`, `--warmup`,
 * `--clip`, and `--ema` (a new decay for the running average; it cannot be switched on or off).
 */
export const CHANGEABLE_ON_RESUME = ['steps', 'lr', 'schedule', 'warmup', 'clip', 'ema'] as const;

/** The saved value behind a flag, in the flag's own terms. */
function savedFlag(flag: string, config: RunConfig): unknown {
  const t = config.training ?? {};
  const m = (config.model ?? {}) as unknown as TimeConditionedMlpOptions;
  switch (flag) {
    case 'dataset':
      return config.dataset;
    case 'base':
      return config.base;
    case 'interpolant':
      return config.interpolant;
    case 'gamma':
      return config.gamma;
    case 'objective':
      return config.fields.join(',');
    case 'hidden':
      return m.hidden ?? 128;
    case 'layers':
      return m.layers ?? 3;
    case 'activation':
      return m.activation ?? 'swish';
    case 'time-frequencies':
      return m.timeFrequencies ?? 8;
    case 'towers':
      return m.towers ?? 'shared';
    case 'steps':
      return t.steps;
    case 'lr':
      return t.lr;
    case 'warmup':
      return t.warmup ?? 0;
    default:
      return t[flag];
  }
}

/** A flag's value normalised the way the run stores it (CSV paths absolute, objective as field names). */
function normalisedFlag(flag: string, value: unknown): unknown {
  if ((flag === 'dataset' || flag === 'base') && typeof value === 'string' && isCsvPath(value)) return resolve(value);
  if (flag === 'objective') return parseObjective(String(value)).join(',');
  if (flag === 'interpolant') {
    try {
      return runInterpolant({ interpolant: String(value) }).name;
    } catch {
      return value;
    }
  }
  return value;
}

/** `si train …`. */
export const trainCommand: Command = {
  name: 'train',
  summary: 'train a velocity/score/denoiser network (an MLP, or a U-Net on images) or an energy-based model on a dataset',
  usage:
    'si train --dataset checkerboard --interpolant one-sided-linear --objective b --steps 2000 --batch 512 \\\n' +
    '         --hidden 128 --layers 3 --lr 2e-3 --out runs/checker [--gamma sqrt] [--optimizer adam] [--schedule linear]\n' +
    '         [--ema 0.999] [--seed 0] [--resume | --force] [--png] [--json]\n' +
    '\n' +
    'A folder that holds a run is never replaced: --resume continues it, --force starts over in it.\n' +
    `--resume refuses another ${FIXED_ON_RESUME.map((f) => `--${f}`).join(', ')};\n` +
    `it applies ${CHANGEABLE_ON_RESUME.map((f) => `--${f}`).join(', ')} from the current step (the schedule then spans the new --steps).\n` +
    'Ctrl-C (SIGINT) or SIGTERM finishes the current step, writes a checkpoint and prints the command that resumes.\n' +
    '\n' +
    'si train --model unet --dataset mnist|shapes|folder:PATH [--size 32] [--channels 3] [--width 16] [--label-dropout 0.1]\n' +
    '         --steps 2000 [--batch 64] [--lr 1e-3] [--ema …] --out runs/shapes          a U-Net field on labelled images\n' +
    'si train --model energy --dataset moons [--method nce|compositional] [--nu 2] [--confinement 0.01] [--hidden 64]\n' +
    '         [--layers 3] [--activation swish] --steps 2000 [--batch 256] [--lr 5e-3] --out runs/ebm   an energy-based model\n' +
    '\n' +
    'Image runs: data with classes (shapes, mnist, class sub-folders) train a class-conditional U-Net with label dropout\n' +
    '(classifier-free guidance); --dataset defaults to shapes, --batch to 64, --lr to 1e-3 and --ema to min(0.999, 1 − 7/steps).\n' +
    'Energy runs learn E(x) = MLP(x) + ½α|x|² against a Gaussian fitted to the data (noise-contrastive estimation or\n' +
    'compositional optimisation of the likelihood); --batch defaults to 256, --lr to 5e-3, --hidden to 64, --activation\n' +
    'to swish. Flags of one model given with another (--hidden with --model unet, --width with mlp …) are an error.\n' +
    'Sample them with si sample (--grid for images; langevin, mala or annealed for energies) and si compare.',
  flags: {
    model: { help: "what to train: 'mlp' (a field on vectors), 'unet' (images: --dataset mnist|shapes|folder:PATH) or 'energy' (an energy-based model on vectors)", default: 'mlp' },
    dataset: { help: 'target ρ1: a dataset (checkerboard, 8gaussians, moons, spirals, rings, gmm, gaussian) or a .csv file; with --model unet: mnist, shapes or folder:PATH (default shapes)', default: 'checkerboard' },
    base: { help: "base ρ0 for two-sided interpolants: 'gaussian', a dataset or a .csv file (data-to-data bridge)", default: 'gaussian' },
    interpolant: { help: 'interpolant family (linear, trig, vp-trig, encoder-decoder, one-sided-linear, one-sided-trig, one-sided-vp, mirror)', default: 'one-sided-linear' },
    gamma: { help: 'γ option for two-sided and mirror interpolants (sqrt, quadratic, sin2, sigmoid, zero)' },
    objective: { help: "field(s) to learn: b, v, s, eta-z, eta-0, eta-1, mirror, or a list like 'b,s'", default: 'b' },
    steps: { type: 'number', help: 'training steps (in all, counting those of a resumed run)', default: 2000 },
    batch: { type: 'number', help: 'batch size', default: 512 },
    hidden: { type: 'number', help: 'hidden width', default: 128 },
    layers: { type: 'number', help: 'hidden layers', default: 3 },
    activation: { help: `hidden activation (${MLP_ACTIVATIONS.join(', ')})`, default: 'relu' },
    'time-frequencies': { type: 'number', help: 'sinusoidal time features sin/cos(2π f t) fed with t (0: t alone)', default: 8 },
    towers: { help: "with several fields: 'shared' (one trunk, a head per field) or 'separate' (one network per field)", default: 'shared' },
    lr: { type: 'number', help: 'peak learning rate', default: 2e-3 },
    optimizer: { help: `optimiser (${OPTIMIZER_NAMES.join(', ')})`, default: 'adam' },
    schedule: { help: `learning-rate schedule (${SCHEDULE_KINDS.join(', ')})`, default: 'linear' },
    warmup: { type: 'number', help: 'warm-up steps', default: 0 },
    ema: { type: 'number', help: 'EMA decay of the weights (0: off)', default: 0 },
    clip: { type: 'number', help: 'clip the gradient norm (0: off)', default: 0 },
    seed: { type: 'number', help: 'seed of weights and batches', default: 0 },
    'log-every': { type: 'number', help: 'log every N steps', default: 100 },
    'checkpoint-every': { type: 'number', help: 'checkpoint every N steps', default: 500 },
    out: { help: 'run folder (the checkpoint)' },
    resume: { type: 'boolean', help: 'continue the run in --out from its last checkpoint' },
    force: { type: 'boolean', help: 'start a new run in --out even if it holds one (replacing that run)' },
    png: { type: 'boolean', help: 'write samples.png (ODE samples next to the target) into --out' },
    width: { type: 'number', help: 'unet: channels of the first U-Net level (the second has twice as many) (default: 16)' },
    'label-dropout': { type: 'number', help: 'unet: probability of replacing a label by the null class (classifier-free guidance)', default: 0.1 },
    size: { type: 'number', help: 'unet: image side in pixels of shapes and folder:PATH data (default: 32)' },
    channels: { type: 'number', help: 'unet: channels of folder:PATH pictures, 1 (grey) or 3 (RGB) (default: 3)' },
    method: { help: "energy: 'nce' (noise-contrastive estimation) or 'compositional' (exact-likelihood, compositional optimisation)", default: 'nce' },
    nu: { type: 'number', help: 'energy: noise draws per data point (the noise is a Gaussian fitted to the data)', default: 2 },
    confinement: { type: 'number', help: 'energy: α of the confining term ½α|x|² added to the network energy', default: 0.01 },
  },
  optionFlags: {
    'options.steps': '--steps',
    'options.batchSize': '--batch',
    'options.seed': '--seed',
    'options.learningRate': '--lr',
    'options.optimizer': '--optimizer',
    'options.schedule': '--schedule',
    'options.warmupSteps': '--warmup',
    'options.clipNorm': '--clip',
    'options.ema': '--ema',
    'options.logEvery': '--log-every',
    'options.checkpointEvery': '--checkpoint-every',
    'options.hidden': '--hidden',
    'options.layers': '--layers',
    'options.activation': '--activation',
    'options.timeFrequencies': '--time-frequencies',
    'options.towers': '--towers',
    'options.widths[0]': '--width',
    'options.labelDropout': '--label-dropout',
    'options.size': '--size',
    'options.channels': '--channels',
    'options.nu': '--nu',
    'options.confinement': '--confinement',
  },
  async run(argv) {
    const { flags, given } = parseArgs(CMD, argv, this.flags);
    const model = trainModel(flags, given);
    checkModelFlags(CMD, model, given, flags);
    if (model === 'unet') return runImageTrain(flags, given);
    if (model === 'energy') return runEnergyTrain(flags, given);
    return runTrain(flags, given);
  },
};

type Flags = Record<string, string | number | boolean | undefined>;

/**
 * The model of this call: `--model`, or with `--resume` (and no `--model`) the model of the run in `--out`;
 * `--model` against a resumed run of another model is an error naming `--model`.
 */
function trainModel(flags: Flags, given: readonly string[]): TrainModel {
  const model = checkName(CMD, '--model', flags.model, TRAIN_MODELS) as TrainModel;
  if (!flags.resume || typeof flags.out !== 'string') return model;
  let saved: TrainModel | null = null;
  try {
    const run = readRunFolder(flags.out);
    saved = run ? savedModel(run.config) : null;
  } catch {
    return model; // an unreadable run is reported by the command itself
  }
  if (saved === null) return model;
  if (given.includes('model') && saved !== model) throw new ArgumentError(CMD, '--model', `${saved} (the model of the run in ${flags.out}) or omitted with --resume`, model);
  return saved;
}

/** Checks every flag that needs no file or backend, naming the flag. */
function checkFlags(flags: Flags): void {
  checkNumber(CMD, '--steps', flags.steps, { min: 1, integer: true });
  checkNumber(CMD, '--batch', flags.batch, { min: 1, integer: true });
  checkNumber(CMD, '--hidden', flags.hidden, { min: 1, integer: true });
  checkNumber(CMD, '--layers', flags.layers, { min: 1, integer: true });
  checkNumber(CMD, '--time-frequencies', flags['time-frequencies'], { min: 0, integer: true });
  checkNumber(CMD, '--lr', flags.lr, { min: 0, exclusiveMin: true });
  checkNumber(CMD, '--warmup', flags.warmup, { min: 0, integer: true });
  checkNumber(CMD, '--ema', flags.ema, { min: 0, max: 1 });
  if (flags.ema === 1) throw new ArgumentError(CMD, '--ema', 'a decay below 1 (0 turns the EMA off)', '1');
  checkNumber(CMD, '--clip', flags.clip, { min: 0 });
  checkNumber(CMD, '--seed', flags.seed, { integer: true });
  checkNumber(CMD, '--log-every', flags['log-every'], { min: 1, integer: true });
  checkNumber(CMD, '--checkpoint-every', flags['checkpoint-every'], { min: 1, integer: true });
  checkName(CMD, '--activation', flags.activation, MLP_ACTIVATIONS);
  checkName(CMD, '--optimizer', flags.optimizer, OPTIMIZER_NAMES);
  checkName(CMD, '--schedule', flags.schedule, SCHEDULE_KINDS);
  checkName(CMD, '--towers', flags.towers, ['shared', 'separate']);
  checkName(CMD, '--interpolant', flags.interpolant, interpolantNames());
  if (flags.gamma !== undefined) checkName(CMD, '--gamma', flags.gamma, GAMMA_NAMES);
  for (const flag of ['dataset', 'base'] as const) {
    const v = String(flags[flag]);
    if (!isCsvPath(v)) checkName(CMD, `--${flag}`, v, flag === 'base' ? ['gaussian', ...listDatasets()] : listDatasets());
  }
  parseObjective(String(flags.objective));
}

/** Whether a run with these fields and this interpolant yields a velocity (for `--png`). */
function givesVelocity(fields: readonly FieldName[], interpolant: { oneSided?: boolean; mirror?: boolean }): boolean {
  return fields.includes('b') || (fields.includes('v') && fields.includes('s')) || (fields.includes('eta-z') && Boolean(interpolant.oneSided || interpolant.mirror));
}

/** `--png` needs a 2-D run whose fields give a velocity: checked before any training. */
function checkPng(config: Pick<RunConfig, 'dim' | 'fields' | 'interpolant' | 'gamma'>): void {
  if (config.dim !== 2) throw new ArgumentError(CMD, '--png', 'used with a 2-D dataset (it draws a scatter plot)', `a dataset of dimension ${config.dim}`);
  if (!givesVelocity(config.fields, runInterpolant(config))) {
    throw new ArgumentError(CMD, '--png', 'used with fields that give a velocity (b; v and s; or η_z one-sided)', `--objective ${config.fields.join(',')}`);
  }
}

async function runTrain(flags: Flags, given: readonly string[]): Promise<number> {
  const out = flags.out as string | undefined;
  if (!out) throw new ArgumentError(CMD, '--out', 'a run directory', 'nothing');
  if (flags.resume && flags.force) throw new UsageError(`${CMD}: --resume continues the run in ${out} and --force replaces it: give one`);
  checkFlags(flags);
  checkOutputPath(CMD, '--out', out, 'dir');
  const existing = checkRunFolder(CMD, out, flags);

  const quiet = Boolean(flags.json);
  const say = (line: string) => (quiet ? console.error(line) : console.log(line));
  let config: RunConfig;
  let steps: number;
  let startStep = 0;
  if (existing) {
    if (flags.resume) {
      config = existing.config as unknown as RunConfig;
      if (config.format !== 'si-run') throw new ArgumentError(CMD, '--resume', "a run folder written by si train", `a checkpoint whose config is not an 'si train' run (${out})`);
      startStep = existing.step;
      const conflicts = given
        .filter((f) => (FIXED_ON_RESUME as readonly string[]).includes(f))
        .filter((f) => String(normalisedFlag(f, flags[f])) !== String(savedFlag(f, config)))
        .map((f) => `--${f} ${flags[f]} (the run has ${savedFlag(f, config) ?? 'none'})`);
      if (conflicts.length > 0) {
        throw new UsageError(`${CMD}: --resume keeps what the run in ${out} learns; it cannot change ${conflicts.join(', ')}: drop ${conflicts.length > 1 ? 'these flags' : 'this flag'}, or train a new run in another --out`);
      }
      const savedEma = Number(savedFlag('ema', config) ?? 0);
      if (given.includes('ema') && (savedEma > 0) !== ((flags.ema as number) > 0)) {
        throw new UsageError(`${CMD}: --resume cannot switch the EMA ${savedEma > 0 ? 'off' : 'on'} (the run has --ema ${savedEma}): give a decay in (0, 1) or drop --ema`);
      }
      const training: Record<string, unknown> = { ...config.training };
      const changes: string[] = [];
      const keys: Record<string, string> = { steps: 'steps', lr: 'lr', schedule: 'schedule', warmup: 'warmup', clip: 'clip', ema: 'ema' };
      for (const f of CHANGEABLE_ON_RESUME) {
        if (!given.includes(f)) continue;
        const before = savedFlag(f, config);
        if (String(before) !== String(flags[f])) changes.push(`--${f} ${before ?? 'unset'} → ${flags[f]}`);
        training[keys[f]!] = flags[f];
      }
      steps = Number(training.steps ?? flags.steps);
      if (steps <= startStep) {
        throw new UsageError(
          `${CMD}: the run in ${out} is already at step ${startStep}${given.includes('steps') ? `; --steps ${steps} is not beyond it` : ` of ${steps}`}: give --steps above ${startStep} to train more`,
        );
      }
      training.steps = steps;
      config = { ...config, training };
      const lrNow = learningRateSchedule({ kind: training.schedule as ScheduleKind, peak: training.lr as number, warmupSteps: (training.warmup as number) ?? 0, totalSteps: steps })(startStep);
      say(
        `resuming ${out} at step ${startStep} of ${steps}${changes.length ? `; changed: ${changes.join(', ')}` : ''}; ` +
          `${training.schedule} schedule over steps 0…${steps}, learning rate ${lrNow.toExponential(2)} at step ${startStep}`,
      );
    } else {
      config = freshConfig(flags, await loadDataset(String(flags.dataset)));
      steps = flags.steps as number;
      say(`--force: starting a new run in ${out}, replacing the run that was there (at step ${existing.step})`);
    }
  } else {
    config = freshConfig(flags, await loadDataset(String(flags.dataset)));
    steps = flags.steps as number;
  }
  if (flags.png) checkPng(config);

  const info = await initBackend(flags.backend as string | undefined, { log: quiet ? null : undefined, threads: flags.threads as number | undefined });
  const build = async (cfg: RunConfig, model: TrainerOptions['model']): Promise<TrainerOptions> => {
    const interpolant = runInterpolant(cfg);
    const target: Dataset = await loadDataset(cfg.dataset);
    const base = cfg.base === 'gaussian' ? 'gaussian' : await loadDataset(cfg.base);
    const t = cfg.training;
    return {
      interpolant,
      objective: quadraticObjective(interpolant, cfg.fields, { tMin: cfg.tMin }),
      model,
      target,
      base,
      steps,
      batchSize: t.batch as number,
      seed: t.seed as number,
      optimizer: t.optimizer as OptimizerName,
      learningRate: t.lr as number,
      schedule: t.schedule as ScheduleKind,
      warmupSteps: t.warmup as number,
      ema: t.ema as number,
      clipNorm: t.clip as number,
      logEvery: flags['log-every'] as number,
      checkpointEvery: flags['checkpoint-every'] as number,
      checkpointDir: out,
      // --force replaces the run's own files (checkpoint and loss history); other files in the folder stay.
      overwrite: Boolean(flags.force),
      config: cfg as unknown as Record<string, unknown>,
    };
  };
  const trainer = flags.resume
    ? await Trainer.resume(out, async ({ model }) => build(config, model))
    : new Trainer(await build(config, timeConditionedMlp(config.model as unknown as TimeConditionedMlpOptions)));

  const callbacks = sessionCallbacks(steps, quiet);
  trainer.options.onProgress = callbacks.onProgress;
  trainer.options.onLog = callbacks.onLog;
  const finish = flags.png
    ? async () => {
        const png = join(out, 'samples.png');
        await renderRunPng(out, png);
        say(`wrote ${png}`);
        return { png };
      }
    : undefined;
  return trainSession(trainer, callbacks.bar, { command: CMD, out, steps, startStep, flags, given, backend: info.name, ...(finish ? { finish } : {}) });
}

/** The config of a new run from the flags (checked by {@link checkFlags}). */
function freshConfig(flags: Flags, target: Dataset): RunConfig {
  const fields = parseObjective(flags.objective as string);
  const interpolant = runInterpolant({ interpolant: flags.interpolant as string, gamma: flags.gamma as RunConfig['gamma'] });
  const probe = quadraticObjective(interpolant, fields);
  const model: TimeConditionedMlpOptions = {
    dim: target.dim,
    hidden: flags.hidden as number,
    layers: flags.layers as number,
    activation: flags.activation as TimeConditionedMlpOptions['activation'],
    timeFrequencies: flags['time-frequencies'] as number,
    heads: fields.length,
    towers: flags.towers as 'shared' | 'separate',
    seed: flags.seed as number,
  };
  return {
    format: 'si-run',
    version: 1,
    // CSV paths are stored absolute, so the run loads from any working directory.
    dataset: isCsvPath(flags.dataset as string) ? resolve(flags.dataset as string) : (flags.dataset as string),
    base: isCsvPath(flags.base as string) ? resolve(flags.base as string) : (flags.base as string),
    interpolant: interpolant.name,
    ...(flags.gamma ? { gamma: flags.gamma as RunConfig['gamma'] } : {}),
    fields,
    dim: target.dim,
    model: model as unknown as Record<string, unknown>,
    tMin: probe.tMin,
    training: { steps: flags.steps, batch: flags.batch, lr: flags.lr, optimizer: flags.optimizer, schedule: flags.schedule, warmup: flags.warmup, ema: flags.ema, clip: flags.clip, seed: flags.seed },
  };
}

/** Samples a saved run with the ODE (heun, 100 NFE) and writes target and samples side by side. */
export async function renderRunPng(runDir: string, png: string, n = 4000): Promise<void> {
  const run = await loadTrainedModel(runDir);
  try {
    if (!run.velocity) throw new ArgumentError(CMD, '--png', 'a run whose fields give a velocity (b; v and s; or η_z one-sided)', `fields ${run.config.fields.join(',')}`);
    if (run.config.dim !== 2) throw new ArgumentError(CMD, '--png', 'a 2-D dataset for the scatter plot', `dimension ${run.config.dim}`);
    const seeds = new SeedStream(12345);
    const x0 = sampleRunBase(run, n, seeds);
    const sol = await sampleOde(x0, { velocity: run.velocity, scheme: 'heun', steps: 50, tMin: run.tMin });
    const ref = run.target.sample(n, seeds);
    await writePng(
      scatterSvg([
        { title: `target: ${run.config.dataset}`, points: ref.dataSync() },
        { title: 'model: ODE, heun, 100 NFE', points: sol.y.dataSync() },
      ]),
      png,
    );
    tf.dispose([x0, ref]);
    sol.dispose();
  } finally {
    run.dispose();
  }
}
