/**
 * The optimiser factory: Adam (tfjs's own, extended), AdaBelief, diffGrad and SGD behind one name-based
 * constructor, all with a learning rate that can change between steps and an exact `getWeights` /
 * `setWeights` state for checkpoints.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, checkOneOf, describeValue } from '../errors.js';
import { AdaBelief } from './adabelief.js';
import { DiffGrad } from './diffgrad.js';
import { fusableEntries, fusedStepAvailable, runFusedAdamStep } from './fused-adam.js';
import type { FusedAdamEntry } from './fused-adam.js';
import { checkAdamFamily, checkLearningRate, checkWeightList, disposeSlots, gradientEntries, lookupVariable, zeroSlot } from './optimizer-state.js';
import type { NamedTensor, ScheduledOptimizer, SlotVariable } from './optimizer-state.js';

/** Names {@link makeOptimizer} accepts. */
export const OPTIMIZER_NAMES = ['adam', 'adabelief', 'diffgrad', 'sgd'] as const;

/** One of {@link OPTIMIZER_NAMES}. */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Options of {@link makeOptimizer}. `beta1`, `beta2` and `epsilon` are ignored by `'sgd'`. */
export interface MakeOptimizerOptions {
  /** Initial learning rate η (finite, ≥ 0); change it later with `setLearningRate`. */
  learningRate: number;
  /** First-moment decay, in [0, 1). @default 0.9 */
  beta1?: number;
  /** Second-moment decay, in [0, 1). @default 0.999 */
  beta2?: number;
  /** ε (> 0). @default 1e-16 for 'adabelief' (it sits inside the square root), 1e-8 otherwise */
  epsilon?: number;
  /** Decoupled weight decay λ ≥ 0: θ ← θ (1 − η λ) before each step (AdamW-style; plain L2 decay for SGD). @default 0 */
  weightDecay?: number;
}

/** Options of {@link ScheduledAdam}. */
export interface ScheduledAdamOptions {
  /** @default 1e-3 */
  learningRate?: number;
  /** @default 0.9 */
  beta1?: number;
  /** @default 0.999 */
  beta2?: number;
  /** @default 1e-8 */
  epsilon?: number;
  /** Decoupled weight decay λ (AdamW). @default 0 */
  weightDecay?: number;
}

/** Applies θ ← θ (1 − η λ) to every variable that has a gradient. */
function applyWeightDecay(fn: string, variableGradients: tf.NamedTensorMap | NamedTensor[], lr: number, weightDecay: number): void {
  if (weightDecay <= 0 || lr === 0) return;
  tf.tidy(() => {
    for (const { name, gradient } of gradientEntries(variableGradients)) {
      if (gradient === null) continue;
      const value = lookupVariable(fn, name);
      value.assign(tf.mul(value, 1 - lr * weightDecay));
    }
  });
}

/**
 * tfjs-core's `AdamOptimizer` (same update, same `getWeights` layout `[iter, …m, …v]`) with a public
 * learning-rate setter, optional decoupled weight decay (AdamW: θ ← θ (1 − η λ), then the Adam step), and a
 * `setWeights` that releases the moments it replaces.
 *
 *   m_t = β1 m + (1 − β1) g,  v_t = β2 v + (1 − β2) g²,  θ −= η (m_t/(1 − β1^t)) / (√(v_t/(1 − β2^t)) + ε)
 *
 * @example
 * ```ts
 * const adam = new ScheduledAdam({ learningRate: 1e-3, weightDecay: 1e-4 });
 * adam.setLearningRate(5e-4);
 * ```
 */
export class ScheduledAdam extends tf.AdamOptimizer implements ScheduledOptimizer {
  /** Name in the tfjs serialisation registry (distinct from tfjs's own 'Adam'). */
  static override get className(): string {
    return 'ScheduledAdam';
  }

  /** Decoupled weight decay λ. */
  readonly weightDecay: number;

  /** @param options - hyper-parameters; see {@link ScheduledAdamOptions} for defaults. */
  constructor(options: ScheduledAdamOptions = {}) {
    const h = checkAdamFamily('ScheduledAdam', options, { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 });
    super(h.learningRate, h.beta1, h.beta2, h.epsilon);
    this.weightDecay = h.weightDecay;
  }

  /** The learning rate the next step will use. */
  getLearningRate(): number {
    return this.learningRate;
  }

  /** Sets the learning rate for the following steps (a finite number ≥ 0). */
  setLearningRate(learningRate: number): void {
    this.learningRate = checkLearningRate('ScheduledAdam.setLearningRate', 'learningRate', learningRate);
  }

  /**
   * Weight decay (when λ > 0), then tfjs's Adam step — as one fused kernel when the backend has it (see
   * `fused-adam.ts`; the same float32 numbers), else tfjs's own ops.
   */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    if (fusedStepAvailable() && this.applyFused(variableGradients)) return;
    this.syncAccumulatedBetas();
    applyWeightDecay('ScheduledAdam.applyGradients', variableGradients, this.learningRate, this.weightDecay);
    // tfjs types this parameter as a map of Variables although it only reads the gradients from it.
    super.applyGradients(variableGradients as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
    this.accBetas = null; // tfjs advanced its own products: the fused step re-reads them.
  }

  /**
   * β1^(t+1) and β2^(t+1) as the float32 products tfjs accumulates, mirrored in JavaScript by the fused step
   * (null: read them from tfjs's variables when next needed).
   */
  private accBetas: [number, number] | null = null;
  /** Whether the fused step advanced {@link accBetas} past tfjs's `accBeta1` / `accBeta2` variables. */
  private accBetasAhead = false;

  /** Writes the mirrored products back into tfjs's variables before a step by tfjs's own ops. */
  private syncAccumulatedBetas(): void {
    if (!this.accBetasAhead || this.accBetas === null) return;
    const acc = this as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
    const [b1, b2] = [tf.scalar(this.accBetas[0]), tf.scalar(this.accBetas[1])];
    acc.accBeta1.assign(b1);
    acc.accBeta2.assign(b2);
    tf.dispose([b1, b2]);
    this.accBetasAhead = false;
  }

  /** The fused step; false (nothing done) when some gradient cannot be fused. */
  private applyFused(variableGradients: tf.NamedTensorMap | NamedTensor[]): boolean {
    const fn = 'ScheduledAdam.applyGradients';
    const internals = this as unknown as { accumulatedFirstMoment: SlotVariable[]; accumulatedSecondMoment: SlotVariable[]; accBeta1: tf.Variable; accBeta2: tf.Variable };
    const entries: FusedAdamEntry[] = [];
    const pending: [number, string, tf.Variable][] = [];
    gradientEntries(variableGradients).forEach(({ name, gradient }, i) => {
      const value = lookupVariable(fn, name);
      if (internals.accumulatedFirstMoment[i] == null || internals.accumulatedSecondMoment[i] == null) pending.push([i, name, value]);
      if (gradient !== null) entries.push({ value, gradient, m: undefined as unknown as tf.Variable, s: undefined as unknown as tf.Variable });
    });
    for (const [i, name, value] of pending) {
      internals.accumulatedFirstMoment[i] ??= zeroSlot(name, 'm', value);
      internals.accumulatedSecondMoment[i] ??= zeroSlot(name, 'v', value);
    }
    let j = 0;
    gradientEntries(variableGradients).forEach(({ gradient }, i) => {
      if (gradient === null) return;
      entries[j]!.m = internals.accumulatedFirstMoment[i]!.variable;
      entries[j]!.s = internals.accumulatedSecondMoment[i]!.variable;
      j++;
    });
    if (!fusableEntries(entries)) return false;
    if (this.accBetas === null) {
      this.accBetas = [internals.accBeta1.dataSync()[0]!, internals.accBeta2.dataSync()[0]!];
    }
    const f = Math.fround;
    const [acc1, acc2] = this.accBetas;
    const lr = this.learningRate;
    tf.tidy(() =>
      runFusedAdamStep(entries, {
        rule: 'adam',
        beta1: f(this.beta1),
        oneMinusBeta1: f(1 - this.beta1),
        beta2: f(this.beta2),
        oneMinusBeta2: f(1 - this.beta2),
        c1: f(1 - acc1),
        c2: f(1 - acc2),
        epsilon: f(this.epsilon),
        negLearningRate: f(-lr),
        decay: this.weightDecay > 0 && lr !== 0 ? f(1 - lr * this.weightDecay) : 1,
      }),
    );
    this.accBetas = [f(acc1 * f(this.beta1)), f(acc2 * f(this.beta2))];
    this.accBetasAhead = true;
    this.incrementIterations();
    return true;
  }

  /**
   * Restores `[iter, …m, …v]` (tensors stay owned by the caller), disposes the moments it replaces, and
   * restores the bias-correction products bit for bit, so a restored optimiser continues exactly like the
   * original.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    checkWeightList('ScheduledAdam.setWeights', weightValues, 2);
    // tfjs's AdamOptimizer.setWeights overwrites its moment lists without disposing them.
    const internals = this as unknown as { accumulatedFirstMoment?: SlotVariable[]; accumulatedSecondMoment?: SlotVariable[] };
    const replaced = [...(internals.accumulatedFirstMoment ?? []), ...(internals.accumulatedSecondMoment ?? [])];
    await super.setWeights(weightValues);
    disposeSlots(replaced);
    this.accBetas = null;
    this.accBetasAhead = false;
    // tfjs restores β^(t+1) with pow(), but a running optimiser holds the float32 product β·β·…·β it
    // accumulated step by step; the two differ in the last bits, so recompute the product exactly.
    const acc = this as unknown as { accBeta1?: tf.Variable; accBeta2?: tf.Variable };
    if (acc.accBeta1 instanceof tf.Variable && acc.accBeta2 instanceof tf.Variable) {
      const { beta1, beta2 } = this.getConfig() as { beta1: number; beta2: number };
      const power = (beta: number) => {
        const b = Math.fround(beta);
        let value = b;
        for (let i = 0; i < this.iterations; i++) value = Math.fround(value * b);
        return value;
      };
      const b1 = tf.scalar(power(beta1));
      const b2 = tf.scalar(power(beta2));
      acc.accBeta1.assign(b1);
      acc.accBeta2.assign(b2);
      tf.dispose([b1, b2]);
    }
  }

  /** tfjs's Adam config plus `weightDecay`. */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }

  /** Rebuilds from {@link ScheduledAdam.getConfig}. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}

/** Options of {@link ScheduledSgd}. */
export interface ScheduledSgdOptions {
  /** @default 1e-2 */
  learningRate?: number;
  /** Weight decay λ: θ ← θ (1 − η λ) before the step (for SGD the same as an L2 penalty λ/2 ‖θ‖²). @default 0 */
  weightDecay?: number;
}

/**
 * tfjs-core's `SGDOptimizer` (θ ← θ − η g; state `[iter]`) with a validated learning-rate setter, a getter,
 * and optional weight decay.
 *
 * @example
 * ```ts
 * const sgd = new ScheduledSgd({ learningRate: 0.1 });
 * sgd.setLearningRate(0.05);
 * ```
 */
export class ScheduledSgd extends tf.SGDOptimizer implements ScheduledOptimizer {
  /** Name in the tfjs serialisation registry (distinct from tfjs's own 'SGD'). */
  static override get className(): string {
    return 'ScheduledSGD';
  }

  /** Weight decay λ. */
  readonly weightDecay: number;

  /** @param options - hyper-parameters; see {@link ScheduledSgdOptions} for defaults. */
  constructor(options: ScheduledSgdOptions = {}) {
    if (options === null || typeof options !== 'object') {
      throw new ArgumentError('ScheduledSgd', 'options', 'an options object', describeValue(options));
    }
    const learningRate = checkLearningRate('ScheduledSgd', 'options.learningRate', options.learningRate ?? 1e-2);
    const weightDecay = checkNumber('ScheduledSgd', 'options.weightDecay', options.weightDecay ?? 0, { min: 0 });
    super(learningRate);
    this.weightDecay = weightDecay;
  }

  /** The learning rate the next step will use. */
  getLearningRate(): number {
    return this.learningRate;
  }

  /** Sets the learning rate for the following steps (a finite number ≥ 0). */
  override setLearningRate(learningRate: number): void {
    super.setLearningRate(checkLearningRate('ScheduledSgd.setLearningRate', 'learningRate', learningRate));
  }

  /** Weight decay (when λ > 0), then the SGD step. */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    applyWeightDecay('ScheduledSgd.applyGradients', variableGradients, this.learningRate, this.weightDecay);
    super.applyGradients(variableGradients);
  }

  /** tfjs's SGD config plus `weightDecay`. */
  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }

  /** Rebuilds from {@link ScheduledSgd.getConfig}. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}

tf.serialization.registerClass(ScheduledAdam);
tf.serialization.registerClass(ScheduledSgd);

/**
 * Makes an optimiser by name. Every result is a `tf.Optimizer` (use `applyGradients` or `minimize`) with
 * `getLearningRate()` / `setLearningRate(lr)` for schedules and an exact `getWeights()` / `setWeights()`
 * state for checkpoints:
 * - `'adam'`: {@link ScheduledAdam} (tfjs's Adam),
 * - `'adabelief'`: {@link AdaBelief},
 * - `'diffgrad'`: {@link DiffGrad},
 * - `'sgd'`: {@link ScheduledSgd} (betas and ε ignored).
 *
 * Defaults: β1 = 0.9, β2 = 0.999, ε = 1e-16 for AdaBelief and 1e-8 otherwise, weightDecay = 0 (decoupled).
 *
 * @throws {ArgumentError} for an unknown name (the message lists the valid ones) or a bad hyper-parameter.
 * @example
 * ```ts
 * const opt = makeOptimizer('adabelief', { learningRate: 2e-3 });
 * const lr = learningRateSchedule({ kind: 'linear', peak: 2e-3, warmupSteps: 100, totalSteps: 10_000 });
 * opt.setLearningRate(lr(opt.iterations));
 * opt.minimize(loss, false, variables);
 * ```
 */
export function makeOptimizer(name: OptimizerName, options: MakeOptimizerOptions): ScheduledOptimizer {
  const fn = 'makeOptimizer';
  const kind = checkOneOf(fn, 'name', name, OPTIMIZER_NAMES);
  if (options === null || typeof options !== 'object') {
    throw new ArgumentError(fn, 'options', 'an options object with at least { learningRate }', describeValue(options));
  }
  if (options.learningRate === undefined) {
    throw new ArgumentError(fn, 'options.learningRate', 'a finite number >= 0', 'undefined');
  }
  const h = checkAdamFamily(fn, options, {
    learningRate: options.learningRate,
    beta1: 0.9,
    beta2: 0.999,
    epsilon: kind === 'adabelief' ? 1e-16 : 1e-8,
    weightDecay: 0,
  });
  switch (kind) {
    case 'adam':
      return new ScheduledAdam(h);
    case 'adabelief':
      return new AdaBelief(h);
    case 'diffgrad':
      return new DiffGrad(h);
    case 'sgd':
      return new ScheduledSgd({ learningRate: h.learningRate, weightDecay: h.weightDecay });
  }
}
