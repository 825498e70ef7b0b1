/**
 * The kinds of network `si train --model` trains — `mlp` (a velocity/score MLP on vectors, the default),
 * `unet` (an image run) and `energy` (an energy-based model) — which flags belong to which, and the rules a
 * resumed task run (unet, energy) follows: the same as the MLP runs' (fixed flags refused, the
 * learning-rate flags and `--steps` applied from the current step).
 */
import { ArgumentError } from '../errors.js';
import { learningRateSchedule } from '../train/schedules.js';
import type { ScheduleKind } from '../train/schedules.js';
import type { ResolvedTrainerSettings } from '../train/trainer.js';
import { UsageError } from './args.js';
import type { CliFlags } from './train-session.js';

/** The values of `si train --model`. */
export const TRAIN_MODELS = ['mlp', 'unet', 'energy'] as const;
/** One of {@link TRAIN_MODELS}. */
export type TrainModel = (typeof TRAIN_MODELS)[number];

/**
 * The flags that belong to some models only (every other flag of `si train` works with all three): given
 * with another `--model`, they are an ArgumentError naming the flag.
 */
export const MODEL_FLAGS: Readonly<Record<string, readonly TrainModel[]>> = {
  base: ['mlp'],
  gamma: ['mlp'],
  'time-frequencies': ['mlp'],
  towers: ['mlp'],
  png: ['mlp'],
  interpolant: ['mlp', 'unet'],
  objective: ['mlp', 'unet'],
  hidden: ['mlp', 'energy'],
  layers: ['mlp', 'energy'],
  activation: ['mlp', 'energy'],
  width: ['unet'],
  'label-dropout': ['unet'],
  size: ['unet'],
  channels: ['unet'],
  method: ['energy'],
  nu: ['energy'],
  confinement: ['energy'],
};

/** Throws an ArgumentError naming the first flag in `given` that `model` does not take. */
export function checkModelFlags(command: string, model: TrainModel, given: readonly string[], flags: CliFlags): void {
  for (const flag of given) {
    const models = MODEL_FLAGS[flag];
    if (models && !models.includes(model)) {
      throw new ArgumentError(command, `--${flag}`, `omitted with --model ${model} (--${flag} is a flag of --model ${models.join(' or ')})`, `--${flag}${flags[flag] === true ? '' : ` ${String(flags[flag])}`}`);
    }
  }
}

/** The model of a saved run's config: `mlp` (format `si-run`), `unet` (task `labelled-image`), `energy`, or null. */
export function savedModel(config: Record<string, unknown>): TrainModel | null {
  if (config.format === 'si-run') return 'mlp';
  if (config.task === 'labelled-image') return 'unet';
  if (config.task === 'energy') return 'energy';
  return null;
}

/** Flags a resumed task run may change (as for the MLP runs). */
export const TASK_CHANGEABLE_ON_RESUME = ['steps', 'lr', 'schedule', 'warmup', 'clip', 'ema'] as const;

/** The trainer setting behind each changeable flag. */
const SETTING_OF: Record<(typeof TASK_CHANGEABLE_ON_RESUME)[number], keyof ResolvedTrainerSettings> = {
  steps: 'steps',
  lr: 'learningRate',
  schedule: 'schedule',
  warmup: 'warmupSteps',
  clip: 'clipNorm',
  ema: 'ema',
};

/** What {@link resumePlan} returns. */
export interface ResumePlan {
  /** The settings to continue with (the saved ones, with the changes applied). */
  settings: ResolvedTrainerSettings;
  /** The line that says what resumes and what changed. */
  message: string;
}

/**
 * Checks a `--resume` of a task run against its saved settings and fixed flags, and returns the settings
 * to continue with. `saved(flag)` gives the run's value behind a fixed flag in the flag's own terms.
 *
 * @throws UsageError for a fixed flag with another value, switching the EMA on or off, or `--steps` not
 *   beyond the current step
 */
export function resumePlan(
  command: string,
  out: string,
  step: number,
  settings: ResolvedTrainerSettings,
  flags: CliFlags,
  given: readonly string[],
  fixed: readonly string[],
  saved: (flag: string) => unknown,
): ResumePlan {
  const conflicts = given
    .filter((f) => fixed.includes(f))
    .filter((f) => String(flags[f]) !== String(saved(f)))
    .map((f) => `--${f} ${flags[f]} (the run has ${saved(f) ?? 'none'})`);
  if (conflicts.length > 0) {
    throw new UsageError(`${command}: --resume keeps what the run in ${out} learns; it cannot change ${conflicts.join(', ')}: drop ${conflicts.length > 1 ? 'these flags' : 'this flag'}, or train a new run in another --out`);
  }
  if (given.includes('ema') && (settings.ema > 0) !== ((flags.ema as number) > 0)) {
    throw new UsageError(`${command}: --resume cannot switch the EMA ${settings.ema > 0 ? 'off' : 'on'} (the run has --ema ${settings.ema}): give a decay in (0, 1) or drop --ema`);
  }
  const next: ResolvedTrainerSettings = { ...settings };
  const changes: string[] = [];
  for (const f of TASK_CHANGEABLE_ON_RESUME) {
    if (!given.includes(f)) continue;
    const key = SETTING_OF[f];
    const before = settings[key];
    if (String(before) !== String(flags[f])) changes.push(`--${f} ${before ?? 'unset'} → ${flags[f]}`);
    (next as unknown as Record<string, unknown>)[key] = flags[f];
  }
  if (next.steps <= step) {
    throw new UsageError(`${command}: the run in ${out} is already at step ${step}${given.includes('steps') ? `; --steps ${next.steps} is not beyond it` : ` of ${next.steps}`}: give --steps above ${step} to train more`);
  }
  const lrNow = learningRateSchedule({ kind: next.schedule as ScheduleKind, peak: next.learningRate, warmupSteps: next.warmupSteps, totalSteps: next.steps })(step);
  const message =
    `resuming ${out} at step ${step} of ${next.steps}${changes.length ? `; changed: ${changes.join(', ')}` : ''}; ` +
    `${next.schedule} schedule over steps 0…${next.steps}, learning rate ${lrNow.toExponential(2)} at step ${step}`;
  return { settings: next, message };
}

/** The trainer settings of a fresh task run from the flags, with the model's own defaults for flags not given. */
export function freshSettings(flags: CliFlags, given: readonly string[], defaults: { lr: number; ema: number }): Omit<ResolvedTrainerSettings, 'logEvery' | 'checkpointEvery'> {
  return {
    steps: flags.steps as number,
    seed: flags.seed as number,
    optimizer: flags.optimizer as ResolvedTrainerSettings['optimizer'],
    learningRate: given.includes('lr') ? (flags.lr as number) : defaults.lr,
    schedule: flags.schedule as ScheduleKind,
    warmupSteps: flags.warmup as number,
    clipNorm: flags.clip as number,
    ema: given.includes('ema') ? (flags.ema as number) : defaults.ema,
  };
}

/**
 * The seed handed to a network builder for `--seed s`: s + 1 for s ≥ 0, s − 1000 below. The builders of
 * `models/` seed their k-th initialiser with `seed + k`, and tfjs's normal initialisers treat a seed of 0 as
 * none (`seed ? seed : Math.random()` in its Gaussian generator); the U-Net's label embedding (normal) takes
 * the first seed, so with `--seed 0` two runs started from different weights. Keeping every seed away from 0
 * (for networks of fewer than 1000 layers) makes the same `--seed` give the same run.
 *
 * @example
 * ```ts
 * networkSeed(0); // 1
 * ```
 */
export function networkSeed(seed: number): number {
  return seed >= 0 ? seed + 1 : seed - 1000;
}
