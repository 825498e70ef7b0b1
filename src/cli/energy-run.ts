/**
 * Energy runs of `si train --model energy`: an MLP energy (`energyMlp`) fitted to a vector dataset by NCE or
 * compositional optimisation through the one `Trainer`, against a Gaussian fitted to the data as the noise
 * law. The run config says how to rebuild everything (data, noise, network), so `si sample` and
 * `si compare` reload the run from its folder and sample it with Langevin dynamics, MALA or annealed
 * Langevin.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { energyMlp } from '../../models/energy-mlp.js';
import type { EnergyMlp, EnergyMlpOptions } from '../../models/energy-mlp.js';
import { loadDataset } from '../data/load-dataset.js';
import type { Dataset } from '../data/types.js';
import { fullGaussian } from '../distributions/full-gaussian.js';
import type { FullGaussian } from '../distributions/full-gaussian.js';
import { compositionalTask } from '../ebm/compositional-task.js';
import type { CompositionalTask } from '../ebm/compositional-task.js';
import { nceTask } from '../ebm/nce-task.js';
import type { NceTask } from '../ebm/nce-task.js';
import { SeedStream } from '../random.js';
import { CheckpointError, loadCheckpoint } from '../train/checkpoint.js';

/** Training methods of an energy run. */
export const ENERGY_METHODS = ['nce', 'compositional'] as const;
/** One of {@link ENERGY_METHODS}. */
export type EnergyMethod = (typeof ENERGY_METHODS)[number];

/** Data points drawn (seed `seed + 17`) to fit the Gaussian noise law of a run. */
export const NOISE_FIT_POINTS = 4000;

/**
 * The config of an energy run (`task: 'energy'` in the tagged union of run configs): enough to rebuild the
 * data, the noise law, the network and the training task.
 */
export interface EnergyRunConfig {
  task: 'energy';
  format: 'si-energy-run';
  version: 1;
  method: EnergyMethod;
  /** A registered dataset name, or an absolute `.csv` path. */
  dataset: string;
  dim: number;
  /** Options of `energyMlp` (dim, hidden, layers, activation, confinement, seed). */
  model: EnergyMlpOptions;
  /** The noise law q: a Gaussian fitted to {@link NOISE_FIT_POINTS} data points. */
  noise: { kind: 'gaussian'; mean: number[]; covariance: number[][] };
  /** Noise draws per data point. */
  nu: number;
  /** Data points per step. */
  batchSize: number;
  /** β of the compositional task's moving average. */
  beta?: number;
}

/**
 * Mean and covariance (float64, unbiased) of `n` points drawn from `data` with seed `seed`.
 *
 * @example
 * ```ts
 * const { mean, covariance } = fitGaussian(getDataset('moons'), 4000, 17);
 * ```
 */
export function fitGaussian(data: Dataset, n: number, seed: number): { mean: number[]; covariance: number[][] } {
  const x = data.sample(n, new SeedStream(seed));
  const v = x.dataSync();
  x.dispose();
  const d = data.dim;
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += v[i * d + j]! / n;
  const cov = Array.from({ length: d }, () => new Float64Array(d));
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const da = v[i * d + a]! - mean[a]!;
      for (let b = 0; b < d; b++) cov[a]![b]! += (da * (v[i * d + b]! - mean[b]!)) / (n - 1);
    }
  }
  return { mean: Array.from(mean), covariance: cov.map((r) => Array.from(r)) };
}

/** The noise law of a run. */
export function energyRunNoise(config: EnergyRunConfig): FullGaussian {
  return fullGaussian({ mean: config.noise.mean, covariance: config.noise.covariance });
}

/** The training task of a run on `model` (the data are sampled afresh each step). */
export function energyRunTask(config: EnergyRunConfig, model: EnergyMlp, data: Dataset, noise: FullGaussian): NceTask | CompositionalTask {
  return config.method === 'nce'
    ? nceTask({ model, data, noise, batchSize: config.batchSize, nu: config.nu })
    : compositionalTask({ model, data, noise, batchSize: config.batchSize, noiseBatch: Math.max(1, Math.round(config.nu * config.batchSize)), beta: config.beta ?? 0.1 });
}

/** An energy run reloaded for sampling; `dispose()` frees the network. */
export interface LoadedEnergyRun {
  config: EnergyRunConfig;
  /** The energy model (EMA weights when the run kept them). */
  model: EnergyMlp;
  /** The data the run was trained on (the reference of `si compare`). */
  target: Dataset;
  /** The noise law (where chains start). */
  noise: FullGaussian;
  step: number;
  dispose(): void;
}

/**
 * Reloads the energy run in `dir`.
 *
 * @throws CheckpointError when `dir` holds no checkpoint, or one that is not an energy run of `si train`
 * @example
 * ```ts
 * const run = await loadEnergyRun('runs/ebm');
 * const e = run.model.energy(x); // [n]
 * run.dispose();
 * ```
 */
export async function loadEnergyRun(dir: string, { useEma = true }: { useEma?: boolean } = {}): Promise<LoadedEnergyRun> {
  const fn = 'loadEnergyRun';
  const loaded = await loadCheckpoint(dir);
  const config = loaded.config as unknown as EnergyRunConfig;
  let model: EnergyMlp | undefined;
  try {
    if (config.task !== 'energy' || config.format !== 'si-energy-run' || loaded.modules.energy === undefined) {
      throw new CheckpointError(fn, dir, `${dir} is not an energy run of si train (its config has task ${JSON.stringify(config.task)})`);
    }
    model = energyMlp(config.model);
    model.network.setWeights(loaded.modules.energy.getWeights());
    if (useEma && loaded.emaWeights) {
      const weights = model.network.trainableWeights;
      const ema = loaded.emaWeights;
      if (ema.length < weights.length || weights.some((w, i) => w.shape.join() !== ema[i]!.tensor.shape.join())) {
        throw new CheckpointError(fn, dir, `the EMA weights in ${dir} do not match the energy network`);
      }
      weights.forEach((w, i) => w.write(ema[i]!.tensor));
    }
  } catch (err) {
    model?.dispose();
    throw err;
  } finally {
    for (const m of Object.values(loaded.modules)) m.dispose();
    loaded.dispose();
  }
  const target = await loadDataset(config.dataset);
  const energy = model;
  return { config, model: energy, target, noise: energyRunNoise(config), step: loaded.step, dispose: () => energy.dispose() };
}

/** Draws `n` chain starts from the run's noise law. */
export function energyStarts(run: Pick<LoadedEnergyRun, 'noise'>, n: number, seed: number): tf.Tensor2D {
  return run.noise.sample(n, new SeedStream(seed)) as tf.Tensor2D;
}
