/**
 * The shared body of the Adam-family optimisers (AdaBelief, diffGrad): hyper-parameters, a learning rate
 * that can change between steps, per-variable slot variables, the bias-corrected step loop with decoupled
 * weight decay, and exact `getWeights` / `setWeights` state.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  checkAdamFamily,
  checkLearningRate,
  checkSlotShape,
  checkWeightList,
  decayed,
  disposeSlots,
  gradientEntries,
  lookupVariable,
  slotsFromWeights,
  zeroSlot,
} from './optimizer-state.js';
import type { AdamFamilyHyper, NamedTensor, ScheduledOptimizer, SlotVariable } from './optimizer-state.js';

/** What one variable's update sees: its gradient, its slots (in slot-name order) and the bias corrections. */
export interface AdamFamilyStep {
  gradient: tf.Tensor;
  /** The slot variables of this variable, in the order of the optimiser's slot names. */
  slots: SlotVariable[];
  /** 1 − β1^t and 1 − β2^t for the 1-based step t, in double precision. */
  biasCorrection1: number;
  biasCorrection2: number;
}

/**
 * Base class of Adam-family optimisers. A subclass names its slots (e.g. `['m', 's']`) and computes one
 * variable's step `Δ` (updating its slots); the base applies `θ ← θ (1 − α λ) − Δ`.
 *
 * State layout for checkpoints: `[iter, …slot 0 of every variable, …slot 1 of every variable, …]`.
 */
export abstract class AdamFamilyOptimizer extends tf.Optimizer implements ScheduledOptimizer {
  /** Step size α used by the next step. */
  learningRate: number;
  /** β1. */
  readonly beta1: number;
  /** β2. */
  readonly beta2: number;
  /** ε. */
  readonly epsilon: number;
  /** Decoupled weight decay λ. */
  readonly weightDecay: number;

  /** `slots[k][i]`: slot k of the i-th variable in gradient-list order. */
  private slots: SlotVariable[][];

  /**
   * @param displayName - the class name used in error messages
   * @param slotNames - the per-variable state, e.g. `['m', 'v']`
   */
  protected constructor(
    private readonly displayName: string,
    private readonly slotNames: readonly string[],
    options: Partial<AdamFamilyHyper>,
    defaults: AdamFamilyHyper,
  ) {
    super();
    const h = checkAdamFamily(displayName, options, defaults);
    this.learningRate = h.learningRate;
    this.beta1 = h.beta1;
    this.beta2 = h.beta2;
    this.epsilon = h.epsilon;
    this.weightDecay = h.weightDecay;
    this.slots = slotNames.map(() => []);
  }

  /** One variable's step Δ (called inside `tf.tidy`); updates the slots in place. */
  protected abstract step(s: AdamFamilyStep): tf.Tensor;

  /** The learning rate the next step will use. */
  getLearningRate(): number {
    return this.learningRate;
  }

  /** Sets the learning rate for the following steps (a finite number ≥ 0). */
  setLearningRate(learningRate: number): void {
    this.learningRate = checkLearningRate(`${this.displayName}.setLearningRate`, 'learningRate', learningRate);
  }

  /** One step for every variable named in `variableGradients` (null gradients are skipped). */
  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const fn = `${this.displayName}.applyGradients`;
    const entries = gradientEntries(variableGradients);
    const t = this.iterations + 1;
    const biasCorrection1 = 1 - this.beta1 ** t;
    const biasCorrection2 = 1 - this.beta2 ** t;
    const { learningRate, weightDecay } = this;
    tf.tidy(() => {
      entries.forEach(({ name, gradient }, i) => {
        const value = lookupVariable(fn, name);
        this.slotNames.forEach((slot, k) => (this.slots[k]![i] ??= zeroSlot(name, slot, value)));
        if (gradient === null) return;
        const slots = this.slots.map((list) => list[i]!);
        checkSlotShape(fn, slots[0]!, value);
        const delta = this.step({ gradient, slots, biasCorrection1, biasCorrection2 });
        value.assign(tf.sub(decayed(value, learningRate, weightDecay), delta));
      });
    });
    this.incrementIterations();
  }

  /** Disposes the slot variables. */
  override dispose(): void {
    for (const list of this.slots) disposeSlots(list);
    this.slots = this.slotNames.map(() => []);
  }

  /**
   * The complete state: `[iter, …slot 0, …slot 1, …]` (`iter` an int32 scalar owned by the caller, the
   * others the optimiser's own variables: do not dispose them).
   */
  override async getWeights(): Promise<NamedTensor[]> {
    return [await this.saveIterations(), ...this.slots.flat().map((v) => ({ name: v.originalName, tensor: v.variable }))];
  }

  /** Restores a state saved by `getWeights`; the tensors stay owned by the caller. */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const k = this.slotNames.length;
    const rest = await this.extractIterations(checkWeightList(`${this.displayName}.setWeights`, weightValues, k));
    const n = rest.length / k;
    this.dispose();
    this.slots = this.slotNames.map((_, j) => slotsFromWeights(rest.slice(j * n, (j + 1) * n)));
  }

  /** Hyper-parameters (the current learning rate included). */
  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, weightDecay: this.weightDecay };
  }

  /** Rebuilds from `getConfig`. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}
