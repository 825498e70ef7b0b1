/**
 * Compositional optimisation of the exact negative log-likelihood of an energy model (Jiang et al., ICML
 * 2023) as a training task of the one `Trainer`, with the moving-average estimate of the normaliser kept
 * as `log u` in the task's state.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AnyDistribution } from '../distributions/types.js';
import { ArgumentError, checkNumber, checkOneOf, describeValue } from '../errors.js';
import type { JsonValue } from '../train/checkpoint-format.js';
import type { TrainingTask } from '../train/task.js';
import { checkBoolean, checkOptions } from '../validate.js';
import { batchDrawer, checkFiniteEnergies } from './contrastive-batch.js';
import type { ContrastiveBatch, EnergyData } from './contrastive-batch.js';
import { checkEnergyModel } from './energy-model.js';
import type { EnergyModel } from './energy-model.js';
import { noiseSource } from './noise-source.js';
import type { NoiseSource } from './noise-source.js';

/** Schedules of the moving-average weight β_k (step k = 0, 1, …); β_0 = 1 in both, so u starts at ĝ_0. */
export const BETA_SCHEDULES = ['constant', 'harmonic'] as const;
/** A name of {@link BETA_SCHEDULES}. */
export type BetaSchedule = (typeof BETA_SCHEDULES)[number];

/** Options of {@link compositionalTask}. */
export interface CompositionalTaskOptions {
  /** The energy model E_θ. */
  model: EnergyModel;
  /** Training data: fixed points `[N, ...event]` or a law sampled each step. */
  data: EnergyData;
  /** The noise q: any law with an exact log density (or a {@link noiseBank}). */
  noise: AnyDistribution | NoiseSource;
  /** Data points per step. @default all N points of fixed data (required for a law) */
  batchSize?: number;
  /** Noise draws per step m. @default the data batch size */
  noiseBatch?: number;
  /** β in (0, 1]: weight of the new estimate in `u ← (1 − β) u + β ĝ`. @default 0.1 */
  beta?: number;
  /**
   * `'constant'`: β_k = β for k ≥ 1; `'harmonic'`: β_k = max(β, 1/(k + 1)) (the plain running mean of all
   * ĝ until it reaches β). β_0 = 1 in both.
   * @default 'constant'
   */
  betaSchedule?: BetaSchedule;
  /** Check every step that the energies are finite (the noise energies are read anyway). @default true */
  checkFinite?: boolean;
}

/** The batch of the compositional task: a contrastive batch plus the fixed per-draw weights. */
export interface CompositionalBatch extends ContrastiveBatch {
  /** `a_j = w_j / (m u)` at the step's θ: `[m]`, constants of the step (no gradient flows through them). */
  weights: tf.Tensor1D;
  /** `E_θ(y_j)` at the step's θ, `[m]` (constants). */
  noiseEnergy: tf.Tensor1D;
  /** log u after this step's update. */
  logU: number;
}

/** The task state (JSON, checkpointed): `logU` is null before the first step. */
export interface CompositionalState {
  logU: number | null;
  /** The last ĝ (log), for reports. */
  logGHat: number | null;
}

/** The task returned by {@link compositionalTask}. */
export interface CompositionalTask extends TrainingTask<CompositionalBatch> {
  /** The current state (log u). */
  readonly state: CompositionalState;
  /** β_k of step k. */
  betaAt(step: number): number;
  /** Frees cached `log q` of the data (not the model). */
  dispose(): void;
}

/** `log((1 − β) e^a + β e^b)` by log-sum-exp. */
function logMix(a: number, b: number, beta: number): number {
  if (beta >= 1) return b;
  const x = Math.log1p(-beta) + a;
  const y = Math.log(beta) + b;
  const m = Math.max(x, y);
  return m + Math.log(Math.exp(x - m) + Math.exp(y - m));
}

/**
 * The compositional task. The NLL `F(θ) = mean_i E_θ(x_i) + log g(θ)`, `g(θ) = E_q[exp(−E_θ(y))/q(y)] = Z(θ)`,
 * is a composition f(g(θ)) with f = log. Step k:
 *
 * 1. (outside the tape, at the step's θ) draw m noise points, `log ĝ_k = LSE_j(−E_θ(y_j) − log q(y_j)) − log m`;
 * 2. `log u_k = log((1 − β_k) u_{k−1} + β_k ĝ_k)` by log-sum-exp (β_0 = 1: `u_0 = ĝ_0`);
 * 3. the update uses the stochastic gradient `mean_i ∇E_θ(x_i) − Σ_j a_j ∇E_θ(y_j)`, `a_j = w_j/(m u_k)`,
 *    `w_j = exp(−E_θ(y_j) − log q(y_j))`, through the surrogate loss
 *    `mean_i E_θ(x_i) + log u_k − Σ_j a_j (E_θ(y_j) − E_θ(y_j)|fixed)`, whose value is the NLL estimate.
 *
 * `log u` is the task's state (checkpointed), so a resumed run continues exactly. Term: `nll`.
 *
 * @throws ArgumentError for β outside (0, 1], a noise without an exact `logProb`, mismatched event shapes; during training, for non-finite energies
 * @example
 * ```ts
 * const model = quadraticEnergy({ mean: 0 });                 // (x − θ)²/2
 * const task = compositionalTask({ model, data: x, noise: standardNormal([1]), noiseBatch: 1024, beta: 0.2 });
 * await new Trainer({ task, steps: 300, learningRate: 0.05 }).train();   // θ → mean(x)
 * ```
 */
export function compositionalTask(options: CompositionalTaskOptions): CompositionalTask {
  const fn = 'compositionalTask';
  const o = checkOptions(fn, options, ['model', 'data', 'noise', 'batchSize', 'noiseBatch', 'beta', 'betaSchedule', 'checkFinite']);
  const model = checkEnergyModel(fn, 'options.model', o.model);
  const beta = o.beta ?? 0.1;
  if (typeof beta !== 'number' || !(beta > 0 && beta <= 1)) throw new ArgumentError(fn, 'options.beta', 'a number in (0, 1]', describeValue(beta));
  const schedule = checkOneOf(fn, 'options.betaSchedule', o.betaSchedule ?? 'constant', BETA_SCHEDULES);
  const checkFinite = checkBoolean(fn, 'options.checkFinite', o.checkFinite ?? true);
  const batchSize = o.batchSize === undefined ? undefined : checkNumber(fn, 'options.batchSize', o.batchSize, { min: 1, integer: true });
  const noise = noiseSource(fn, 'options.noise', o.noise!);
  const drawer = batchDrawer(fn, o.data!, noise, batchSize);
  const m = checkNumber(fn, 'options.noiseBatch', o.noiseBatch ?? drawer.batchSize, { min: 1, integer: true });
  const betaAt = (step: number) => (step === 0 ? 1 : schedule === 'harmonic' ? Math.max(beta, 1 / (step + 1)) : beta);
  const task: CompositionalTask = {
    name: 'compositional',
    modules: model.modules,
    variables: model.variables,
    terms: ['nll'],
    state: { logU: null, logGHat: null },
    betaAt,
    async drawBatch(step, seeds) {
      const batch = await drawer.draw(seeds, m);
      const { noiseEnergy, logTerms, dataEnergy } = tf.tidy(() => {
        const e = model.energy(batch.y);
        return { noiseEnergy: e, logTerms: tf.neg(tf.add(e, batch.logqY)) as tf.Tensor1D, dataEnergy: checkFinite ? model.energy(batch.x) : undefined };
      });
      const release = () => tf.dispose([batch.x, batch.logqX, batch.y, batch.logqY, noiseEnergy, logTerms]);
      try {
        if (dataEnergy !== undefined) {
          const both = tf.concat([dataEnergy, noiseEnergy]);
          dataEnergy.dispose();
          try {
            await checkFiniteEnergies(fn, step, both, 'the data or noise points');
          } finally {
            both.dispose();
          }
        }
      } catch (err) {
        release();
        throw err;
      }
      const lse = tf.logSumExp(logTerms);
      const logGHat = (await lse.data())[0]! - Math.log(m);
      lse.dispose();
      if (!Number.isFinite(logGHat)) {
        release();
        throw new ArgumentError(fn, 'options.noise', 'a noise law under which exp(−E_θ)/q has a finite mean estimate', `log ĝ = ${logGHat} at step ${step}`);
      }
      const prev = task.state.logU;
      const logU = prev === null ? logGHat : logMix(prev, logGHat, betaAt(step));
      task.state.logU = logU;
      task.state.logGHat = logGHat;
      const weights = tf.tidy(() => tf.exp(tf.sub(logTerms, Math.log(m) + logU)) as tf.Tensor1D);
      logTerms.dispose();
      return { ...batch, weights, noiseEnergy, logU };
    },
    loss({ x, y, weights, noiseEnergy, logU }) {
      const dataMean = tf.mean(model.energy(x));
      const correction = tf.sum(tf.mul(weights, tf.sub(model.energy(y), noiseEnergy)));
      const nll = tf.sub(tf.add(dataMean, logU), correction) as tf.Scalar;
      return { total: nll, terms: { nll } };
    },
    disposeBatch: (b) => tf.dispose([b.x, b.logqX, b.y, b.logqY, b.weights, b.noiseEnergy]),
    getState: () => ({ logU: task.state.logU, logGHat: task.state.logGHat }) as Record<string, JsonValue>,
    setState(state) {
      const read = (v: JsonValue | undefined) => (typeof v === 'number' ? v : null);
      task.state.logU = read(state.logU);
      task.state.logGHat = read(state.logGHat);
    },
    runConfig: () => ({ task: 'compositional', beta, betaSchedule: schedule, batchSize: drawer.batchSize, noiseBatch: m, noise: noise.description, model: model.description ?? 'energy model' }),
    dispose() {
      drawer.dispose();
    },
  };
  return task;
}
