/**
 * A trained run on disk: the configuration `si train` (or a `Trainer` with the interpolant task) stores in
 * its checkpoint, and loading it back as ready-to-sample fields (velocity and, where it can be had, the
 * score), with a sampling shortcut and a weights-only export.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, describeValue } from '../errors.js';
import { modelAdapter, namedOrPositionalInputs } from '../fields/model-adapter.js';
import { loadDataset } from '../data/load-dataset.js';
import type { Dataset } from '../data/types.js';
import { scoreFromDenoiser, scoreFromVelocity, velocityFromDenoiser, velocityFromVAndScore } from '../fields/conversions.js';
import type { Field } from '../fields/types.js';
import { makeInterpolant } from '../interpolants/registry.js';
import type { Interpolant } from '../interpolants/types.js';
import type { FieldName } from '../objectives/types.js';
import { SeedStream } from '../random.js';
import { resolveScheme } from '../solver/compatibility.js';
import { integrate } from '../solver/integrate.js';
import type { GenerativeSteppingOptions } from '../solver/generative-stepping.js';
import type { IntegrateOptions } from '../solver/options.js';
import { uniformGrid } from '../solver/time-grid.js';
import type { Scheme } from '../solver/types.js';
import { checkOptions } from '../validate.js';
import { CheckpointError, loadCheckpoint } from './checkpoint.js';
import type { LoadedCheckpoint } from './checkpoint.js';
import { encodeModule } from './module-io.js';
import { syncDirectory, writeFileDurable } from './run-folder.js';
import type { InterpolantRunConfig, InterpolantRunFields } from './tasks/interpolant.js';

/** What `si train` stored in a checkpoint's config up to format 1 (still read; see {@link InterpolantRunConfig} for the tagged form). */
export interface RunConfig extends InterpolantRunFields {
  format: 'si-run';
  version: 1;
  /** How the network was built: the options of `timeConditionedMlp` (`models/`). */
  model: Record<string, unknown>;
  /** Training settings, for the record (steps, batch, lr, optimizer, schedule, ema, seed …). */
  training: Record<string, unknown>;
}

/** Builds the interpolant a run config names. */
export function runInterpolant(config: Pick<RunConfig, 'interpolant' | 'gamma'>): Interpolant {
  return makeInterpolant(config.interpolant, config.gamma ? { gamma: config.gamma } : {});
}

/**
 * Options of {@link TrainedModel.sample}: the probability-flow ODE's stepping (the same names as `sampleOde`
 * in `stochastic-interpolants/samplers`) and a seed for the base draws. Give at most one of `steps`, `grid`,
 * `adaptive` (@default `steps: 50`).
 */
export interface RunSampleOptions extends GenerativeSteppingOptions {
  /** Seed of the base samples x0 ~ ρ0. @default 0 */
  seed?: number;
  /** An ODE scheme or its registered name. @default 'heun' */
  scheme?: Scheme | string;
  /** Uniform steps over `[tMin, 1 − tMin]`. @default 50 (when neither grid nor adaptive is given) */
  steps?: number;
  /** Integrate over `[tMin, 1 − tMin]`. @default the run's training `tMin` */
  tMin?: number;
  /** `'forward'` (ρ0 → ρ1, the default) or `'backward'` (integrates the base draws from t = 1 to 0). @default 'forward' */
  direction?: 'forward' | 'backward';
  /**
   * @deprecated A final denoising step is not available on `run.sample` (it moved with the samplers): draw the
   *   base with {@link sampleRunBase} and call `sampleOde(x0, { velocity: run.velocity, denoise, … })` from
   *   `stochastic-interpolants/samplers`. Giving it throws an ArgumentError saying so.
   */
  denoise?: unknown;
}

const RUN_SAMPLE_OPTIONS = ['seed', 'scheme', 'steps', 'grid', 'adaptive', 'tMin', 'saveAt', 'progress', 'signal', 'direction', 'denoise'] as const;

/**
 * The probability-flow ODE `dX = b(t, X) dt` from `x0` over `[tMin, 1 − tMin]` on the solver core (what
 * `sampleOde` does without a final denoising step; the library does not import `samplers/`).
 */
async function flowRun(fn: string, velocity: Field, x0: tf.Tensor2D, options: Omit<RunSampleOptions, 'seed'>, defaultTMin: number): Promise<tf.Tensor2D> {
  if (options.denoise !== undefined) {
    throw new ArgumentError(fn, 'options.denoise', "undefined (for a final denoising step call sampleOde from 'stochastic-interpolants/samplers' on sampleRunBase(run, n, seeds))", describeValue(options.denoise));
  }
  const { scheme = 'heun', steps, grid, adaptive, tMin = defaultTMin, saveAt, progress, signal, direction = 'forward' } = options;
  if (direction !== 'forward' && direction !== 'backward') throw new ArgumentError(fn, 'options.direction', "'forward' or 'backward'", describeValue(direction));
  const [t0, t1] = direction === 'forward' ? [tMin, 1 - tMin] : [1 - tMin, tMin];
  const given = [steps !== undefined && 'steps', grid !== undefined && 'grid', adaptive !== undefined && adaptive !== false && 'adaptive'].filter(Boolean);
  if (given.length > 1) throw new ArgumentError(fn, 'options', 'at most one of options.steps, options.grid or options.adaptive', given.join(' and '));
  const stepping: IntegrateOptions = grid !== undefined ? { grid } : given[0] === 'adaptive' ? { t0, t1, adaptive } : { grid: uniformGrid({ t0, t1, steps: steps ?? 50 }) };
  const drift = (t: number, y: tf.Tensor) => velocity(y as tf.Tensor2D, tf.fill([y.shape[0]!], t) as tf.Tensor1D);
  const sol = await integrate({ drift }, resolveScheme(fn, scheme, 'options.scheme'), x0, { ...stepping, saveAt, progress, signal });
  const y = tf.keep(sol.y.clone());
  sol.dispose();
  return y;
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
  const loaded = await loadCheckpoint(dir).catch((err: unknown) => {
    // The library imports no network: the layer classes of models/ are registered when models/ is loaded.
    if (err instanceof CheckpointError && /Unknown layer/.test(err.message)) {
      throw new CheckpointError('loadTrainedModel', err.path, `${err.message.split('. This may be')[0]}: the network uses layers of models/ that are not registered yet; import 'stochastic-interpolants/models' (or its register module) before loading the run`);
    }
    throw err;
  });
  const others = Object.values(loaded.modules).filter((m) => m !== loaded.model);
  try {
    const config = checkRunConfig(dir, loaded.config);
    if (loaded.model === undefined) throw new CheckpointError('loadTrainedModel', dir, `${dir} is a checkpoint without a network`);
    if (useEma && loaded.emaWeights) applyEma(dir, loaded);
    const interpolant = runInterpolant(config);
    const target = await loadDataset(config.dataset);
    const fields = { ...modelAdapter(loaded.model, { heads: config.fields, inputs: namedOrPositionalInputs(loaded.model) }).fields } as Partial<Record<FieldName, Field>>;
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
        const { seed = 0, ...ode } = checkOptions(fn, options, RUN_SAMPLE_OPTIONS);
        const x0 = sampleRunBase(run, n, new SeedStream(seed));
        try {
          return await flowRun(fn, run.velocity, x0, ode, run.tMin);
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
