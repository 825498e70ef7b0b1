/**
 * `si train --model energy`: fits an MLP energy to a vector dataset by NCE or compositional optimisation
 * (src/ebm) through the one `Trainer`, into a run folder that `si sample` and `si compare` read. Same
 * run-folder rules as the MLP runs: `--resume`, `--force`, Ctrl-C checkpoints, `--json`.
 */
import { resolve } from 'node:path';
import { energyMlp, ENERGY_MLP_ACTIVATIONS } from '../../models/energy-mlp.js';
import type { EnergyMlpOptions } from '../../models/energy-mlp.js';
import { initBackend } from '../backend.js';
import { isCsvPath, loadDataset } from '../data/load-dataset.js';
import { listDatasets } from '../data/registry.js';
import { ArgumentError, checkNumber } from '../errors.js';
import { Trainer } from '../train/trainer.js';
import type { ResolvedTrainerSettings } from '../train/trainer.js';
import { UsageError } from './args.js';
import { ENERGY_METHODS, energyRunNoise, energyRunTask, fitGaussian, NOISE_FIT_POINTS } from './energy-run.js';
import type { EnergyMethod, EnergyRunConfig } from './energy-run.js';
import { checkOutputPath } from './output-paths.js';
import { checkRunFolder } from './run-folder.js';
import { freshSettings, networkSeed, resumePlan, savedModel } from './train-models.js';
import { runFolderTrainerOptions, sessionCallbacks, trainSession } from './train-session.js';
import type { CliFlags } from './train-session.js';

const CMD = 'si train';

/** Defaults of an energy run for flags whose `si train` default is the MLP's. */
export const ENERGY_DEFAULTS = { batch: 256, lr: 5e-3, hidden: 64, layers: 3, activation: 'swish' } as const;

/** Flags a resumed energy run must keep. */
export const ENERGY_FIXED_ON_RESUME = ['dataset', 'method', 'nu', 'confinement', 'hidden', 'layers', 'activation', 'seed', 'batch', 'optimizer'] as const;

function oneOf(flag: string, value: unknown, names: readonly string[]): string {
  if (typeof value === 'string' && names.includes(value)) return value;
  throw new ArgumentError(CMD, flag, `with --model energy, one of ${names.map((n) => `'${n}'`).join(', ')}`, JSON.stringify(value));
}

/** The value behind a fixed flag in a saved energy run, in the flag's terms. */
function savedEnergyFlag(flag: string, config: EnergyRunConfig, settings: ResolvedTrainerSettings): unknown {
  switch (flag) {
    case 'dataset':
      return config.dataset;
    case 'method':
      return config.method;
    case 'nu':
      return config.nu;
    case 'confinement':
      return config.model.confinement ?? 0;
    case 'hidden':
      return config.model.hidden;
    case 'layers':
      return config.model.layers;
    case 'activation':
      return config.model.activation;
    case 'seed':
      return settings.seed;
    case 'batch':
      return config.batchSize;
    case 'optimizer':
      return settings.optimizer;
    default:
      return undefined;
  }
}

/** Runs `si train --model energy` with parsed flags. */
export async function runEnergyTrain(flags: CliFlags, given: readonly string[]): Promise<number> {
  const out = flags.out as string | undefined;
  if (!out) throw new ArgumentError(CMD, '--out', 'a run directory', 'nothing');
  if (flags.resume && flags.force) throw new UsageError(`${CMD}: --resume continues the run in ${out} and --force replaces it: give one`);
  const dataset = String(flags.dataset);
  if (!isCsvPath(dataset) && !listDatasets().includes(dataset)) {
    throw new ArgumentError(CMD, '--dataset', `with --model energy, a dataset (${listDatasets().join(', ')}) or a .csv file`, JSON.stringify(dataset));
  }
  const method = oneOf('--method', flags.method, ENERGY_METHODS) as EnergyMethod;
  const activation = oneOf('--activation', given.includes('activation') ? flags.activation : ENERGY_DEFAULTS.activation, ENERGY_MLP_ACTIVATIONS);
  const nu = checkNumber(CMD, '--nu', flags.nu, { min: 0, exclusiveMin: true });
  const confinement = checkNumber(CMD, '--confinement', flags.confinement, { min: 0 });
  const hidden = checkNumber(CMD, '--hidden', given.includes('hidden') ? flags.hidden : ENERGY_DEFAULTS.hidden, { min: 1, integer: true });
  const layers = checkNumber(CMD, '--layers', given.includes('layers') ? flags.layers : ENERGY_DEFAULTS.layers, { min: 1, integer: true });
  const batchSize = checkNumber(CMD, '--batch', given.includes('batch') ? flags.batch : ENERGY_DEFAULTS.batch, { min: 1, integer: true });
  checkNumber(CMD, '--steps', flags.steps, { min: 1, integer: true });
  checkNumber(CMD, '--seed', flags.seed, { integer: true });
  checkOutputPath(CMD, '--out', out, 'dir');
  const existing = checkRunFolder(CMD, out, flags, { name: 'energy', savedModel });
  const quiet = Boolean(flags.json);
  const say = (line: string) => (quiet ? console.error(line) : console.log(line));
  const logEvery = flags['log-every'] as number;
  const checkpointEvery = flags['checkpoint-every'] as number;

  if (flags.resume) {
    const saved = await Trainer.savedRun(out);
    const config = saved.config as unknown as EnergyRunConfig;
    if (!saved.settings) throw new ArgumentError(CMD, '--resume', 'a run written by a Trainer (its settings are saved)', `the run in ${out}`);
    const normalised = { ...flags, dataset: isCsvPath(dataset) ? resolve(dataset) : dataset, activation, hidden, layers, batch: batchSize };
    const plan = resumePlan(CMD, out, saved.step, saved.settings, normalised, given, ENERGY_FIXED_ON_RESUME, (f) => savedEnergyFlag(f, config, saved.settings!));
    say(plan.message);
    const info = await initBackend(flags.backend as string | undefined, { log: quiet ? null : undefined, threads: flags.threads as number | undefined });
    const data = await loadDataset(config.dataset);
    const noise = energyRunNoise(config);
    const callbacks = sessionCallbacks(plan.settings.steps, quiet);
    const model = energyMlp(config.model);
    const task = energyRunTask(config, model, data, noise);
    let trainer: Trainer;
    try {
      trainer = await Trainer.resume(out, () => ({
        task,
        ...plan.settings,
        ...runFolderTrainerOptions({ out, config, logEvery, checkpointEvery, callbacks }),
      }));
    } catch (err) {
      task.dispose();
      throw err;
    }
    try {
      return await trainSession(trainer, callbacks.bar, { command: CMD, out, steps: plan.settings.steps, startStep: saved.step, flags, given, backend: info.name, extra: { model: 'energy', method: config.method } });
    } finally {
      task.dispose();
    }
  }

  const target = await loadDataset(dataset);
  if (existing) say(`--force: starting a new run in ${out}, replacing the run that was there (at step ${existing.step})`);
  const info = await initBackend(flags.backend as string | undefined, { log: quiet ? null : undefined, threads: flags.threads as number | undefined });
  const seed = flags.seed as number;
  const modelOptions: EnergyMlpOptions = { dim: target.dim, hidden, layers, activation: activation as EnergyMlpOptions['activation'], confinement, seed: networkSeed(seed) };
  const config: EnergyRunConfig = {
    task: 'energy',
    format: 'si-energy-run',
    version: 1,
    method,
    dataset: isCsvPath(dataset) ? resolve(dataset) : dataset,
    dim: target.dim,
    model: modelOptions,
    noise: { kind: 'gaussian', ...fitGaussian(target, NOISE_FIT_POINTS, seed + 17) },
    nu,
    batchSize,
    ...(method === 'compositional' ? { beta: 0.1 } : {}),
  };
  const steps = flags.steps as number;
  const settings = freshSettings(flags, given, { lr: ENERGY_DEFAULTS.lr, ema: 0 });
  say(`training an energy MLP (${layers}×${hidden} ${activation}, + ½·${confinement}|x|²) on ${config.dataset} by ${method} against a fitted Gaussian, ν ${nu}: ${steps} steps × batch ${batchSize}`);
  const model = energyMlp(modelOptions);
  const task = energyRunTask(config, model, target, energyRunNoise(config));
  const callbacks = sessionCallbacks(steps, quiet);
  let trainer: Trainer;
  try {
    trainer = new Trainer({
      task,
      ...settings,
      ...runFolderTrainerOptions({ out, config, logEvery, checkpointEvery, callbacks, overwrite: Boolean(flags.force) }),
    });
  } catch (err) {
    model.dispose();
    task.dispose();
    throw err;
  }
  try {
    return await trainSession(trainer, callbacks.bar, { command: CMD, out, steps, startStep: 0, flags, given, backend: info.name, extra: { model: 'energy', method } });
  } finally {
    task.dispose();
  }
}
