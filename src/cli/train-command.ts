/**
 * `si train`: trains an interpolant model on a dataset and writes a checkpoint directory.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { timeConditionedMlp } from '../../models/mlp.js';
import type { TimeConditionedMlpOptions } from '../../models/mlp.js';
import { sampleOde } from '../../samplers/probability-flow.js';
import { initBackend } from '../backend.js';
import { isCsvPath, loadDataset } from '../data/load-dataset.js';
import type { Dataset } from '../data/types.js';
import { ArgumentError, checkOneOf } from '../errors.js';
import { FIELD_NAMES } from '../objectives/types.js';
import type { FieldName } from '../objectives/types.js';
import { quadraticObjective } from '../objectives/quadratic-objective.js';
import { scatterSvg } from '../plot/scatter.js';
import { writePng } from '../plot/svg.js';
import { SeedStream } from '../random.js';
import { OPTIMIZER_NAMES } from '../train/optimizers.js';
import type { OptimizerName } from '../train/optimizers.js';
import { SCHEDULE_KINDS } from '../train/schedules.js';
import type { ScheduleKind } from '../train/schedules.js';
import { loadTrainedModel, runInterpolant, sampleRunBase } from '../train/trained-model.js';
import type { RunConfig } from '../train/trained-model.js';
import { Trainer } from '../train/trainer.js';
import type { TrainerOptions } from '../train/trainer.js';
import { parseArgs } from './args.js';
import type { Command } from './commands.js';
import { ProgressBar } from './progress.js';

/** Parses `--objective`: a field, a comma list of fields, or `mirror` (η_z). */
export function parseObjective(text: string): FieldName[] {
  const names = text.split(',').map((s) => s.trim()).map((s) => (s === 'mirror' ? 'eta-z' : s));
  for (const n of names) checkOneOf('si train', '--objective', n, [...FIELD_NAMES, 'mirror'] as const);
  if (new Set(names).size !== names.length) throw new ArgumentError('si train', '--objective', 'distinct fields', JSON.stringify(text));
  return names as FieldName[];
}

/** `si train …`. */
export const trainCommand: Command = {
  name: 'train',
  summary: 'train a velocity/score/denoiser network on a dataset with an interpolant objective',
  usage:
    'si train --dataset checkerboard --interpolant one-sided-linear --objective b --steps 2000 --batch 512 \\\n' +
    '         --hidden 128 --layers 3 --lr 2e-3 --out runs/checker [--gamma sqrt] [--optimizer adam] [--schedule linear]\n' +
    '         [--ema 0.999] [--seed 0] [--resume] [--png] [--json]',
  flags: {
    dataset: { help: 'target ρ1: a dataset (checkerboard, 8gaussians, moons, spirals, rings, gmm, gaussian) or a .csv file', default: 'checkerboard' },
    base: { help: "base ρ0 for two-sided interpolants: 'gaussian', a dataset or a .csv file (data-to-data bridge)", default: 'gaussian' },
    interpolant: { help: 'interpolant family (linear, trig, vp-trig, encoder-decoder, one-sided-linear, one-sided-trig, one-sided-vp, mirror)', default: 'one-sided-linear' },
    gamma: { help: 'γ option for two-sided and mirror interpolants (sqrt, quadratic, sin2, sigmoid, zero)' },
    objective: { help: "field(s) to learn: b, v, s, eta-z, eta-0, eta-1, mirror, or a list like 'b,s'", default: 'b' },
    steps: { type: 'number', help: 'training steps', default: 2000 },
    batch: { type: 'number', help: 'batch size', default: 512 },
    hidden: { type: 'number', help: 'hidden width', default: 128 },
    layers: { type: 'number', help: 'hidden layers', default: 3 },
    activation: { help: 'hidden activation (relu, swish, gelu, tanh, elu, softplus)', default: 'swish' },
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
    out: { help: 'run directory (the checkpoint)' },
    resume: { type: 'boolean', help: 'continue the run in --out from its last checkpoint' },
    png: { type: 'boolean', help: 'write samples.png (ODE samples next to the target) into --out' },
  },
  async run(argv) {
    const { flags } = parseArgs('si train', argv, this.flags);
    const out = flags.out as string | undefined;
    if (!out) throw new ArgumentError('si train', '--out', 'a run directory', 'nothing');
    const steps = flags.steps as number;
    let trainer: Trainer;
    let config: RunConfig;
    const build = (cfg: RunConfig, model: TrainerOptions['model'], target: Dataset, base: Dataset | 'gaussian'): TrainerOptions => {
      const interpolant = runInterpolant(cfg);
      return {
        interpolant,
        objective: quadraticObjective(interpolant, cfg.fields, { tMin: cfg.tMin }),
        model,
        target,
        base,
        steps,
        batchSize: cfg.training.batch as number,
        seed: cfg.training.seed as number,
        optimizer: cfg.training.optimizer as OptimizerName,
        learningRate: cfg.training.lr as number,
        schedule: cfg.training.schedule as ScheduleKind,
        warmupSteps: cfg.training.warmup as number,
        ema: cfg.training.ema as number,
        clipNorm: cfg.training.clip as number,
        logEvery: flags['log-every'] as number,
        checkpointEvery: flags['checkpoint-every'] as number,
        checkpointDir: out,
        config: { ...cfg, training: { ...cfg.training, steps } } as unknown as Record<string, unknown>,
      };
    };
    let info;
    if (flags.resume) {
      if (!existsSync(join(out, 'manifest.json'))) throw new ArgumentError('si train', '--resume', `a run directory with a checkpoint (${out}/manifest.json)`, 'none found');
      info = await initBackend(flags.backend as string | undefined, { log: flags.json ? null : undefined, threads: flags.threads as number | undefined });
      trainer = await Trainer.resume(out, async ({ config: saved, model }) => {
        config = saved as unknown as RunConfig;
        const base = config.base === 'gaussian' ? 'gaussian' : await loadDataset(config.base);
        return build(config, model, await loadDataset(config.dataset), base);
      });
      config = config!;
    } else {
      const target = await loadDataset(flags.dataset as string);
      const base = flags.base === 'gaussian' ? 'gaussian' : await loadDataset(flags.base as string);
      const fields = parseObjective(flags.objective as string);
      const interpolant = runInterpolant({ interpolant: flags.interpolant as string, gamma: flags.gamma as RunConfig['gamma'] });
      const probe = quadraticObjective(interpolant, fields);
      const modelOptions: TimeConditionedMlpOptions = {
        dim: target.dim,
        hidden: flags.hidden as number,
        layers: flags.layers as number,
        activation: flags.activation as TimeConditionedMlpOptions['activation'],
        heads: fields.length,
        towers: checkOneOf('si train', '--towers', flags.towers, ['shared', 'separate'] as const),
        seed: flags.seed as number,
      };
      config = {
        format: 'si-run',
        version: 1,
        // CSV paths are stored absolute, so the run loads from any working directory.
        dataset: isCsvPath(flags.dataset as string) ? resolve(flags.dataset as string) : (flags.dataset as string),
        base: isCsvPath(flags.base as string) ? resolve(flags.base as string) : (flags.base as string),
        interpolant: interpolant.name,
        ...(flags.gamma ? { gamma: flags.gamma as RunConfig['gamma'] } : {}),
        fields,
        dim: target.dim,
        model: modelOptions,
        tMin: probe.tMin,
        training: { batch: flags.batch, lr: flags.lr, optimizer: flags.optimizer, schedule: flags.schedule, warmup: flags.warmup, ema: flags.ema, clip: flags.clip, seed: flags.seed },
      };
      // Everything above is validated before a backend starts, so bad flags fail fast.
      info = await initBackend(flags.backend as string | undefined, { log: flags.json ? null : undefined, threads: flags.threads as number | undefined });
      trainer = new Trainer(build(config, timeConditionedMlp(modelOptions), target, base));
    }
    const bar = new ProgressBar(steps);
    const startStep = trainer.step;
    const quiet = Boolean(flags.json);
    trainer.options.onLog = (e) => {
      bar.update(e.step, `loss ${e.loss.toFixed(4)} lr ${e.learningRate.toExponential(2)} ${e.stepsPerSecond.toFixed(1)} steps/s`);
      if (!process.stderr.isTTY && !quiet) {
        const fields = Object.entries(e.perField).map(([k, v]) => `${k} ${(v as number).toFixed(4)}`).join(' ');
        console.log(`step ${e.step}  loss ${e.loss.toFixed(4)} (${fields})  lr ${e.learningRate.toExponential(2)}  ${e.stepsPerSecond.toFixed(1)} steps/s`);
      }
    };
    let result;
    try {
      result = await trainer.train();
    } finally {
      bar.done();
    }
    console.log(`trained ${result.steps - startStep} steps (${result.steps} in all) on ${info.name}: final loss ${result.finalLoss.toFixed(4)}, ${(result.secondsPerStep * 1000).toFixed(1)} ms/step; checkpoint in ${out}`);
    trainer.dispose();
    let png: string | undefined;
    if (flags.png) {
      png = join(out, 'samples.png');
      await renderRunPng(out, png);
      console.log(`wrote ${png}`);
    }
    if (flags.json) {
      console.log(JSON.stringify({ secondsPerStep: result.secondsPerStep, finalLoss: result.finalLoss, steps: result.steps, backend: info.name, out, ...(png ? { png } : {}) }));
    }
    return 0;
  },
};

/** Samples a saved run with the ODE (heun, 100 NFE) and writes target and samples side by side. */
export async function renderRunPng(runDir: string, png: string, n = 4000): Promise<void> {
  const run = await loadTrainedModel(runDir);
  try {
    if (!run.velocity) throw new ArgumentError('si train', '--png', 'a run whose fields give a velocity (b; v and s; or η_z one-sided)', `fields ${run.config.fields.join(',')}`);
    if (run.config.dim !== 2) throw new ArgumentError('si train', '--png', 'a 2-D dataset for the scatter plot', `dimension ${run.config.dim}`);
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
