/**
 * A trained run on disk: the configuration `si train` (or a `Trainer` with the interpolant task) stores in
 * its checkpoint, and loading it back as ready-to-sample fields (velocity and, where it can be had, the
 * score), with a sampling shortcut and a weights-only export.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { sampleOde } from '../../samplers/probability-flow.js';
import type { OdeSamplerOptions } from '../../samplers/probability-flow.js';
import { ArgumentError, describeValue } from '../errors.js';
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
import { SeedStream } from '../random.js';
import { CheckpointError, loadCheckpoint } from './checkpoint.js';
import type { LoadedCheckpoint } from './checkpoint.js';
import { encodeModule } from './module-io.js';
import { syncDirectory, writeFileDurable } from './run-folder.js';
import type { InterpolantRunConfig } from './tasks/interpolant.js';

/** What `si train` stored in a checkpoint's config up to format 1 (still read; see {@link InterpolantRunConfig} for the tagged form). */
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

/** Options of {@link TrainedModel.sample}: the ODE sampler's (scheme, steps, …) and a seed for the base draws. */
export interface RunSampleOptions extends Partial<Omit<OdeSamplerOptions, 'velocity'>> {
  /** Seed of the base samples x0 ~ ρ0. @default 0 */
  seed?: number;
}

/** A trained run loaded for sampling. */
export interface TrainedModel {
  /** The run config: the earlier `si-run` form, or the tagged `{ task: 'interpolant', … }` form. */
  config: RunConfig | InterpolantRunConfig;
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
  /**
   * Draws `n` samples with the probability-flow ODE from x0 ~ ρ0 (seeded): Heun with 50 steps (100 NFE) over
   * the run's `[tMin, 1 − tMin]` unless `options` say otherwise. The caller owns the result.
   */
  sample(n: number, options?: RunSampleOptions): Promise<tf.Tensor2D>;
  dispose(): void;
}

function checkRunConfig(dir: string, config: Record<string, unknown>): RunConfig | InterpolantRunConfig {
  const legacy = config.format === 'si-run' && config.version === 1;
  const tagged = config.task === 'interpolant';
  if ((!legacy && !tagged) || !Array.isArray(config.fields) || typeof config.interpolant !== 'string' || typeof config.dataset !== 'string') {
    const what = typeof config.task === 'string' ? `of a run of the '${config.task}' task, not of an interpolant` : "but not of an 'si train' run (an interpolant run: its config has no si-run format or task 'interpolant', fields and interpolant)";
    throw new CheckpointError('loadTrainedModel', dir, `${dir} is a checkpoint ${what}`);
  }
  return config as unknown as RunConfig | InterpolantRunConfig;
}

/** Writes the EMA averages into the model's weights (by the manifest's targets, or in order for version 1). */
function applyEma(dir: string, loaded: LoadedCheckpoint): void {
  const ema = loaded.emaWeights!;
  const targets = loaded.manifest.ema?.targets;
  const weights = loaded.model.trainableWeights;
  const moduleName = Object.entries(loaded.modules).find(([, m]) => m === loaded.model)?.[0] ?? 'model';
  const slots = targets ? targets.map((t, i) => ('module' in t && t.module === moduleName ? { w: weights[t.weight], i } : null)).filter((x) => x !== null) : ema.map((_, i) => ({ w: weights[i], i }));
  const mismatch = slots.length !== weights.length || slots.some((s) => s.w === undefined || ema[s.i]!.tensor.shape.join() !== s.w.shape.join());
  if (mismatch) throw new CheckpointError('loadTrainedModel', dir, `the EMA weights in ${dir} do not match the model's trainable weights`);
  slots.forEach((s) => s.w!.write(ema[s.i]!.tensor));
}

/**
 * Loads a run written by `si train` or by a {@link Trainer} of the interpolant task (format 1 or 2) for
 * sampling; uses the EMA weights when the run kept them (`useEma`, default true).
 *
 * @throws CheckpointError when `dir` is missing, not a checkpoint, or not an interpolant run.
 * @example
 * ```ts
 * const run = await loadTrainedModel('runs/checker');
 * const x = await run.sample(2000, { seed: 1 });   // [2000, 2]
 * run.dispose();
 * ```
 */
export async function loadTrainedModel(dir: string, { useEma = true }: { useEma?: boolean } = {}): Promise<TrainedModel> {
  const loaded = await loadCheckpoint(dir);
  const others = Object.values(loaded.modules).filter((m) => m !== loaded.model);
  try {
    const config = checkRunConfig(dir, loaded.config);
    if (loaded.model === undefined) throw new CheckpointError('loadTrainedModel', dir, `${dir} is a checkpoint without a network`);
    if (useEma && loaded.emaWeights) applyEma(dir, loaded);
    const interpolant = runInterpolant(config);
    const target = await loadDataset(config.dataset);
    const fields = modelFields(loaded.model, config.fields) as Partial<Record<FieldName, Field>>;
    const { b, v, s } = fields;
    const etaZ = fields['eta-z'];
    const oneSidedOrMirror = interpolant.oneSided || interpolant.mirror;
    const velocity = b ?? (v && s ? velocityFromVAndScore(v, s, interpolant) : etaZ && oneSidedOrMirror ? velocityFromDenoiser(etaZ, interpolant, config.tMin || 1e-3) : undefined);
    const score = s ?? (etaZ ? scoreFromDenoiser(etaZ, interpolant, config.tMin || 1e-3) : b && interpolant.oneSided ? scoreFromVelocity(b, interpolant, config.tMin || 1e-3) : undefined);
    const run: TrainedModel = {
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
      async sample(n, options = {}) {
        const fn = 'TrainedModel.sample';
        if (!Number.isInteger(n) || n < 1) throw new ArgumentError(fn, 'n', 'an integer >= 1', describeValue(n));
        if (!run.velocity) throw new ArgumentError(fn, 'run', 'a run whose fields give a velocity (b; v and s; or η_z one-sided / mirror)', `fields ${config.fields.join(',')}`);
        const { seed = 0, ...ode } = options;
        const x0 = sampleRunBase(run, n, new SeedStream(seed));
        try {
          const sol = await sampleOde(x0, { scheme: 'heun', steps: 50, tMin: run.tMin, ...ode, velocity: run.velocity });
          const y = tf.keep(sol.y.clone());
          sol.dispose();
          return y;
        } finally {
          x0.dispose();
        }
      },
      dispose: () => loaded.model.dispose(),
    };
    return run;
  } catch (err) {
    loaded.model?.dispose();
    throw err;
  } finally {
    others.forEach((m) => m.dispose());
    loaded.dispose();
  }
}

/** Draws `n` samples of the run's base ρ0 ({@link TrainedModel.base}). */
export function sampleRunBase(run: TrainedModel, n: number, seeds: SeedStream): tf.Tensor2D {
  return run.base === 'gaussian' ? (tf.randomNormal([n, run.config.dim], 0, 1, 'float32', seeds.next()) as tf.Tensor2D) : run.base.sample(n, seeds);
}

/** What {@link exportRunWeights} wrote. */
export interface ExportedWeights {
  /** The folder written. */
  dir: string;
  /** Files written (absolute paths). */
  files: string[];
  /** The step of the run exported. */
  step: number;
}

/**
 * Exports a run's networks for inference only — no optimiser, EMA or task state: each module as a plain tfjs
 * model (`<name>/model.json` + `<name>/weights.bin`, loadable with `tf.loadLayersModel`), holding the EMA
 * weights when the run kept them (`useEma`, default true), plus `run.json` with the run config and step.
 * Refuses to overwrite existing files.
 *
 * @example
 * ```ts
 * await exportRunWeights('runs/checker', 'export/checker');   // export/checker/model/model.json, …
 * ```
 */
export async function exportRunWeights(runDir: string, outDir: string, { useEma = true }: { useEma?: boolean } = {}): Promise<ExportedWeights> {
  const fn = 'exportRunWeights';
  if (typeof outDir !== 'string' || outDir === '') throw new ArgumentError(fn, 'outDir', 'a non-empty path', describeValue(outDir));
  const loaded = await loadCheckpoint(runDir);
  const files: string[] = [];
  try {
    if (useEma && loaded.emaWeights && loaded.manifest.ema) {
      const targets = loaded.manifest.ema.targets;
      const ema = loaded.emaWeights;
      if (targets) {
        targets.forEach((t, i) => {
          if ('module' in t) loaded.modules[t.module]?.trainableWeights[t.weight]?.write(ema[i]!.tensor);
        });
      } else if (ema.length === loaded.model.trainableWeights.length) {
        loaded.model.trainableWeights.forEach((w, i) => w.write(ema[i]!.tensor));
      }
    }
    const target = path.resolve(outDir);
    const write = async (file: string, data: Uint8Array) => {
      try {
        await writeFileDurable(file, data);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new ArgumentError(fn, 'outDir', 'a folder without an export in it', `'${target}', which has ${path.relative(target, file)}`);
        throw e;
      }
      files.push(file);
    };
    for (const [name, model] of Object.entries(loaded.modules)) {
      const encoded = await encodeModule(fn, 'run', model, 'weights.bin');
      await fs.mkdir(path.join(target, name), { recursive: true });
      await write(path.join(target, name, 'model.json'), encoded.topology);
      await write(path.join(target, name, 'weights.bin'), encoded.weights);
      await syncDirectory(path.join(target, name));
    }
    const info = { config: loaded.config, step: loaded.step, task: loaded.task, modules: Object.keys(loaded.modules), ema: Boolean(useEma && loaded.emaWeights) };
    await write(path.join(target, 'run.json'), new TextEncoder().encode(`${JSON.stringify(info, null, 2)}\n`));
    return { dir: target, files, step: loaded.step };
  } finally {
    Object.values(loaded.modules).forEach((m) => m.dispose());
    loaded.dispose();
  }
}
