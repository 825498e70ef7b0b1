/**
 * Noise-contrastive estimation (NCE) of an energy model as a training task of the one `Trainer`: logistic
 * classification of data against ν noise draws per datum, with a learnable log-normaliser c.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { AnyDistribution } from '../distributions/types.js';
import { checkNumber } from '../errors.js';
import type { TrainingTask } from '../train/task.js';
import { checkBoolean, checkOptions } from '../validate.js';
import { batchDrawer, checkFiniteEnergies } from './contrastive-batch.js';
import type { ContrastiveBatch, EnergyData } from './contrastive-batch.js';
import { checkEnergyModel } from './energy-model.js';
import type { EnergyModel } from './energy-model.js';
import { noiseSource } from './noise-source.js';
import type { NoiseSource } from './noise-source.js';

let nextId = 0;

/** Options of {@link nceTask}. */
export interface NceTaskOptions {
  /** The energy model E_θ. */
  model: EnergyModel;
  /** Training data: fixed points `[N, ...event]` or a law sampled each step. */
  data: EnergyData;
  /** The noise q: any law with an exact log density (or a {@link noiseBank}). */
  noise: AnyDistribution | NoiseSource;
  /** Data points per step. @default all N points of fixed data (required for a law) */
  batchSize?: number;
  /** ν > 0: noise draws per data point (the step draws `round(ν·n)`, at least 1). @default 1 */
  nu?: number;
  /** Initial value of the log-normaliser c. @default 0 */
  initialLogNormalizer?: number;
  /** Check every step that the energies are finite (one boolean read back per step). @default true */
  checkFinite?: boolean;
}

/** The task returned by {@link nceTask}. */
export interface NceTask extends TrainingTask<ContrastiveBatch> {
  /** The learnable log-normaliser c (`variables.logNormalizer`): log p_θ = −E_θ − c, so c → log Z. */
  readonly logNormalizer: tf.Variable;
  /** ν. */
  readonly nu: number;
  /** Disposes c and cached `log q` of the data (not the model). */
  dispose(): void;
}

/**
 * The NCE task. With `G(x) = −E_θ(x) − c − log q(x) − log ν` the log-odds that x is data, the loss is
 *
 *   J(θ, c) = mean_data softplus(−G(x)) + ν · mean_noise softplus(G(y)),
 *
 * i.e. `−E_data log σ(G) − ν E_q log(1 − σ(G))` written in log space (softplus never overflows). Its
 * minimiser over (θ, c) for a well-specified model is the true energy with c = log Z. Variables: the model's
 * modules and variables plus `logNormalizer` (c). Terms: `nce`, `data` and `noise` (the two parts).
 *
 * @throws ArgumentError for ν ≤ 0, a noise without an exact `logProb`, mismatched event shapes; during training, for non-finite energies
 * @example
 * ```ts
 * const model = quadraticEnergy({ mean: 0 });                 // (x − θ)²/2
 * const task = nceTask({ model, data: x, noise: standardNormal([1]), nu: 4 });
 * await new Trainer({ task, steps: 500, learningRate: 0.05 }).train();
 * task.logNormalizer.dataSync()[0];                           // ≈ ½ log 2π
 * ```
 */
export function nceTask(options: NceTaskOptions): NceTask {
  const fn = 'nceTask';
  const o = checkOptions(fn, options, ['model', 'data', 'noise', 'batchSize', 'nu', 'initialLogNormalizer', 'checkFinite']);
  const model = checkEnergyModel(fn, 'options.model', o.model);
  const nu = checkNumber(fn, 'options.nu', o.nu ?? 1, { min: 0, exclusiveMin: true });
  const c0 = checkNumber(fn, 'options.initialLogNormalizer', o.initialLogNormalizer ?? 0);
  const checkFinite = checkBoolean(fn, 'options.checkFinite', o.checkFinite ?? true);
  const batchSize = o.batchSize === undefined ? undefined : checkNumber(fn, 'options.batchSize', o.batchSize, { min: 1, integer: true });
  const noise = noiseSource(fn, 'options.noise', o.noise!);
  const drawer = batchDrawer(fn, o.data!, noise, batchSize);
  const noiseCount = Math.max(1, Math.round(nu * drawer.batchSize));
  const logNu = Math.log(noiseCount / drawer.batchSize);
  const c = tf.tidy(() => tf.variable(tf.scalar(c0), true, `nce_log_normalizer_${nextId++}`));
  const logOdds = (e: tf.Tensor, logq: tf.Tensor) => tf.sub(tf.sub(tf.neg(e), c), tf.add(logq, logNu));
  return {
    name: 'nce',
    modules: model.modules,
    variables: { ...model.variables, logNormalizer: c },
    terms: ['nce', 'data', 'noise'],
    logNormalizer: c,
    nu,
    async drawBatch(step, seeds) {
      const batch = await drawer.draw(seeds, noiseCount);
      if (checkFinite) {
        const e = tf.tidy(() => tf.concat([model.energy(batch.x), model.energy(batch.y)]));
        try {
          await checkFiniteEnergies(fn, step, e, 'the data or noise points');
        } catch (err) {
          tf.dispose([e, batch.x, batch.y, batch.logqX, batch.logqY]);
          throw err;
        }
        e.dispose();
      }
      return batch;
    },
    loss({ x, logqX, y, logqY }) {
      const dataTerm = tf.mean(tf.softplus(tf.neg(logOdds(model.energy(x), logqX)))) as tf.Scalar;
      const noiseTerm = tf.mul(Math.exp(logNu), tf.mean(tf.softplus(logOdds(model.energy(y), logqY)))) as tf.Scalar;
      const total = tf.add(dataTerm, noiseTerm) as tf.Scalar;
      return { total, terms: { nce: total, data: dataTerm, noise: noiseTerm } };
    },
    disposeBatch: (b) => tf.dispose([b.x, b.logqX, b.y, b.logqY]),
    runConfig: () => ({ task: 'nce', nu, batchSize: drawer.batchSize, noiseCount, noise: noise.description, model: model.description ?? 'energy model' }),
    dispose() {
      c.dispose();
      drawer.dispose();
    },
  };
}
