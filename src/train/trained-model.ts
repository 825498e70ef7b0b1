/**
 * A trained run on disk: the configuration `si train` stores in its checkpoint, and loading it back as
 * ready-to-sample fields (velocity and, where it can be had, the score).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { modelFields } from '../../models/mlp.js';
import type { TimeConditionedMlpOptions } from '../../models/mlp.js';
import { loadDataset } from '../data/load-dataset.js';
import type { Dataset } from '../data/types.js';
import { scoreFromDenoiser, scoreFromVelocity, velocityFromDenoiser, velocityFromVAndScore } from '../fields/conversions.js';
import type { Field } from '../fields/types.js';
import { makeInterpolant } from '../interpolants/registry.js';
import type { GammaName } from '../interpolants/gamma.js';
import type { Interpolant } from '../interpolants/types.js';
import type { FieldName } from '../objectives/types.js';
import type { SeedStream } from '../random.js';
import { CheckpointError, loadCheckpoint } from './checkpoint.js';

/** What `si train` stores in a checkpoint's config: enough to rebuild the run. */
export interface RunConfig {
  format: 'si-run';
  version: 1;
  /** ρ1: a registered dataset name or the path of a CSV file. */
  dataset: string;
  /** ρ0: `'gaussian'`, a registered dataset name or a CSV path (data-to-data bridges). */
  base: string;
  /** Registered interpolant name. */
  interpolant: string;
  /** γ option name, when one was chosen. */
  gamma?: GammaName;
  /** Learned fields, in head order. */
  fields: FieldName[];
  /** Data dimension. */
  dim: number;
  /** How the network was built. */
  model: TimeConditionedMlpOptions;
  /** Training time range `[tMin, 1 − tMin]`. */
  tMin: number;
  /** Training settings, for the record (steps, batch, lr, optimizer, schedule, ema, seed …). */
  training: Record<string, unknown>;
}

/** Builds the interpolant a run config names. */
export function runInterpolant(config: Pick<RunConfig, 'interpolant' | 'gamma'>): Interpolant {
  return makeInterpolant(config.interpolant, config.gamma ? { gamma: config.gamma } : {});
}

/** A trained run loaded for sampling. */
export interface TrainedModel {
  config: RunConfig;
  interpolant: Interpolant;
  /** ρ1 of the training run (for reference samples). */
  target: Dataset;
  /** ρ0 of the training run: N(0, I), the base dataset of a data-to-data bridge, or ρ1 itself (mirror). */
  base: Dataset | 'gaussian';
  model: tfl.LayersModel;
  /** Training steps done. */
  step: number;
  /** Learned fields by name. */
  fields: Partial<Record<FieldName, Field>>;
  /** The velocity b, learned or converted (v + s, or η_z for one-sided / mirror); undefined if not derivable. */
  velocity?: Field;
  /** The score s, learned or converted (η_z, or b for one-sided); undefined if not derivable. */
  score?: Field;
  /** The `tMin` to sample with (the training one). */
  tMin: number;
  dispose(): void;
}

function checkRunConfig(dir: string, config: Record<string, unknown>): RunConfig {
  if (config.format !== 'si-run' || config.version !== 1 || !Array.isArray(config.fields) || typeof config.interpolant !== 'string') {
    throw new CheckpointError('loadTrainedModel', dir, `${dir} is a checkpoint but not of an 'si train' run (its config has no si-run format, fields and interpolant)`);
  }
  return config as unknown as RunConfig;
}

/**
 * Loads a run written by `si train` (or by a {@link Trainer} with a {@link RunConfig} as its config) for
 * sampling; uses the EMA weights when the run kept them (`useEma`, default true).
 *
 * @throws CheckpointError when `dir` is missing, not a checkpoint, or not an `si train` run.
 */
export async function loadTrainedModel(dir: string, { useEma = true }: { useEma?: boolean } = {}): Promise<TrainedModel> {
  const loaded = await loadCheckpoint(dir);
  try {
    const config = checkRunConfig(dir, loaded.config);
    if (useEma && loaded.emaWeights) {
      // The EMA tracks the model's trainable weights in order (see Trainer).
      const weights = loaded.model.trainableWeights;
      if (loaded.emaWeights.length !== weights.length || loaded.emaWeights.some((w, i) => w.tensor.shape.join() !== weights[i]!.shape.join())) {
        throw new CheckpointError('loadTrainedModel', dir, `the EMA weights in ${dir} do not match the model's trainable weights`);
      }
      weights.forEach((w, i) => w.write(loaded.emaWeights![i]!.tensor));
    }
    const interpolant = runInterpolant(config);
    const target = await loadDataset(config.dataset);
    const fields = modelFields(loaded.model, config.fields) as Partial<Record<FieldName, Field>>;
    const { b, v, s } = fields;
    const etaZ = fields['eta-z'];
    const oneSidedOrMirror = interpolant.oneSided || interpolant.mirror;
    const velocity = b ?? (v && s ? velocityFromVAndScore(v, s, interpolant) : etaZ && oneSidedOrMirror ? velocityFromDenoiser(etaZ, interpolant, config.tMin || 1e-3) : undefined);
    const score = s ?? (etaZ ? scoreFromDenoiser(etaZ, interpolant, config.tMin || 1e-3) : b && interpolant.oneSided ? scoreFromVelocity(b, interpolant, config.tMin || 1e-3) : undefined);
    return {
      config,
      interpolant,
      target,
      base: interpolant.mirror ? target : config.base === 'gaussian' || interpolant.oneSided ? 'gaussian' : await loadDataset(config.base),
      model: loaded.model,
      step: loaded.step,
      fields,
      velocity,
      score,
      tMin: config.tMin,
      dispose: () => loaded.model.dispose(),
    };
  } catch (err) {
    loaded.model.dispose();
    throw err;
  } finally {
    for (const w of [...(loaded.optimizerWeights ?? []), ...(loaded.emaWeights ?? [])]) w.tensor.dispose();
  }
}

/** Draws `n` samples of the run's base ρ0 ({@link TrainedModel.base}). */
export function sampleRunBase(run: TrainedModel, n: number, seeds: SeedStream): tf.Tensor2D {
  return run.base === 'gaussian' ? (tf.randomNormal([n, run.config.dim], 0, 1, 'float32', seeds.next()) as tf.Tensor2D) : run.base.sample(n, seeds);
}
