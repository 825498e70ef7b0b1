/**
 * What a comparison samples: exact oracle fields (pure sampler error, exact reference samples) or a trained
 * model's fields (sampler error plus training error).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { standardNormal } from '../distributions/standard-normal.js';
import { ArgumentError, describeValue } from '../errors.js';
import { GaussianMixtureOracle } from '../fields/gaussian-oracle.js';
import type { GaussianMixtureSpec } from '../fields/gaussian-spec.js';
import { ORACLE_PROBLEM_NAMES, makeOracle } from '../fields/problems.js';
import type { Field } from '../fields/types.js';
import type { GammaName } from '../interpolants/gamma.js';
import { makeInterpolant } from '../interpolants/registry.js';
import type { Interpolant } from '../interpolants/types.js';
import type { SeedStream } from '../random.js';
import type { TrainedModel } from '../train/trained-model.js';
import { sampleRunBase } from '../train/trained-model.js';
import { datasetReference, distributionReference } from './reference.js';
import type { ReferenceSource } from './reference.js';

/** A target of {@link compareSamplers}: fields to sample with, a base to start from, and reference samples. */
export interface CompareTarget {
  /** `gmm2d`, `gmm:mix.json`, `model:runs/x`, … */
  readonly name: string;
  readonly kind: 'oracle' | 'model';
  readonly dim: number;
  /** The velocity b of the probability-flow ODE. */
  readonly velocity: Field;
  /** The score s, for SDE samplers with ε > 0 (absent: only ODE samplers and ε = 0). */
  readonly score?: Field;
  /** Time span `[tMin, 1 − tMin]` of the ODE samplers and the likelihood. */
  readonly tMin: number;
  /** Time span of the SDE samplers (a learned score may need a larger margin). */
  readonly sdeTMin: number;
  /** `n` samples of ρ0, `[n, dim]`. */
  sampleBase(n: number, seeds: SeedStream): tf.Tensor2D;
  readonly reference: ReferenceSource;
  /** log ρ0 for the ODE likelihood; absent when ρ0 has no closed-form density (no model NLL then). */
  readonly baseLogDensity?: (x0: tf.Tensor2D) => tf.Tensor1D;
  /** The interpolant's registry name and γ option (for the report). */
  readonly interpolant?: string;
  readonly gamma?: string;
}

/** Options of {@link oracleTarget}. */
export interface OracleTargetOptions {
  /**
   * The interpolant: an instance or a registered name.
   * @default 'linear' with γ = 'sqrt'
   */
  interpolant?: Interpolant | string;
  /** γ option when `interpolant` is a name. @default 'sqrt' when `interpolant` is omitted */
  gamma?: GammaName;
  /** Name in reports. @default the problem name, or 'gmm' for a spec */
  name?: string;
}

/**
 * A target with exact fields: a named oracle problem (`'gmm2d'`, `'gaussian'`) or a Gaussian mixture ρ1 from
 * N(0, I). The reference samples are exact draws of ρ1, the floor's NLL is the exact `−E log ρ1`, and the
 * sampler's error is the only error.
 *
 * @throws ArgumentError for an unknown problem name or an invalid mixture (naming the bad entry)
 * @example
 * ```ts
 * const target = oracleTarget('gmm2d'); // linear interpolant, γ = √(t(1−t))
 * const custom = oracleTarget({ weights: [0.5, 0.5], means: [[-2], [2]], covariances: [0.3, 0.3] }, { name: 'gmm:bimodal' });
 * ```
 */
export function oracleTarget(problem: string | GaussianMixtureSpec, options: OracleTargetOptions = {}): CompareTarget {
  const fn = 'oracleTarget';
  let interpolant: Interpolant;
  let gamma: string | undefined;
  if (options.interpolant === undefined || typeof options.interpolant === 'string') {
    const name = options.interpolant ?? 'linear';
    const g = options.gamma ?? (options.interpolant === undefined ? 'sqrt' : undefined);
    interpolant = makeInterpolant(name, g ? { gamma: g } : {});
    gamma = g;
  } else {
    interpolant = options.interpolant;
  }
  gamma ??= interpolant.oneSided ? undefined : interpolant.gammaSchedule?.name;
  let oracle: GaussianMixtureOracle;
  let name: string;
  if (typeof problem === 'string') {
    if (!(ORACLE_PROBLEM_NAMES as readonly string[]).includes(problem)) {
      throw new ArgumentError(fn, 'problem', `an oracle problem (${ORACLE_PROBLEM_NAMES.join(', ')}) or a Gaussian mixture spec`, describeValue(problem));
    }
    oracle = makeOracle(problem, interpolant);
    name = options.name ?? problem;
  } else {
    if (typeof problem !== 'object' || problem === null || !Array.isArray((problem as GaussianMixtureSpec).means)) {
      throw new ArgumentError(fn, 'problem', 'an oracle problem name or a Gaussian mixture spec { weights, means, covariances }', describeValue(problem));
    }
    const dim = Array.isArray(problem.means[0]) ? problem.means[0].length : 0;
    oracle = new GaussianMixtureOracle({ interpolant, base: interpolant.mirror ? undefined : { mean: new Array<number>(dim).fill(0) }, target: problem });
    name = options.name ?? 'gmm';
  }
  return {
    name,
    kind: 'oracle',
    dim: oracle.dim,
    velocity: oracle.velocity,
    score: oracle.score,
    tMin: 0,
    sdeTMin: 0,
    sampleBase: (n, seeds) => oracle.sampleBase(n, seeds),
    reference: distributionReference(
      { eventShape: [oracle.dim], sample: (n, seeds) => oracle.sampleTarget(n, seeds), logProb: (x) => oracle.logDensityTarget(x as tf.Tensor2D) },
      `exact samples of ${name}`,
    ),
    baseLogDensity: (x0) => oracle.logDensityBase(x0),
    interpolant: interpolant.name,
    ...(gamma ? { gamma } : {}),
  };
}

/** Options of {@link modelTarget}. */
export interface ModelTargetOptions {
  /** Reference samples. @default the run's training dataset */
  reference?: ReferenceSource;
  /** Name in reports. @default 'model' */
  name?: string;
}

/**
 * A trained run (see `loadTrainedModel`) as a target: its velocity (and score, where the run gives one) with
 * the run's base and time span. The model NLL uses the run's velocity and is available when ρ0 is N(0, I)
 * (Gaussian base or one-sided interpolant). The run stays owned by the caller.
 *
 * @throws ArgumentError when the run's fields give no velocity, or the reference's dimension differs
 */
export function modelTarget(run: TrainedModel, options: ModelTargetOptions = {}): CompareTarget {
  const fn = 'modelTarget';
  if (!run.velocity) {
    throw new ArgumentError(fn, 'run', 'a run whose fields give the velocity (b; v and s; or η_z one-sided / mirror)', `fields ${run.config.fields.join(',')}`);
  }
  const reference = options.reference ?? datasetReference(run.target);
  if (reference.dim !== run.config.dim) {
    throw new ArgumentError(fn, 'options.reference', `samples of dimension ${run.config.dim} (the model's)`, `${reference.description}, dimension ${reference.dim}`);
  }
  const base = run.base === 'gaussian' ? standardNormal([run.config.dim]) : null;
  return {
    name: options.name ?? 'model',
    kind: 'model',
    dim: run.config.dim,
    velocity: run.velocity,
    ...(run.score ? { score: run.score } : {}),
    tMin: run.tMin,
    sdeTMin: Math.max(run.tMin, run.config.fields.includes('s') ? 0 : 1e-3),
    sampleBase: (n, seeds) => sampleRunBase(run, n, seeds),
    reference,
    ...(base ? { baseLogDensity: (x0: tf.Tensor2D) => base.logProb(x0) } : {}),
    interpolant: run.config.interpolant,
    ...(run.config.gamma ? { gamma: run.config.gamma } : {}),
  };
}
