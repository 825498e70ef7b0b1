/**
 * Pieces shared by the optimisers in this folder: the gradient containers `tf.Optimizer.applyGradients`
 * accepts, per-variable slot variables (moments), hyper-parameter validation and the checkpointable weight
 * list. Internal: only {@link NamedTensor} and {@link ScheduledOptimizer} are part of the public API.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';

/**
 * A named tensor, as `tf.Optimizer.getWeights()` returns and `setWeights()` takes (structurally the same as
 * tfjs-core's internal `NamedTensor`, which the package does not export).
 */
export interface NamedTensor {
  /** The weight's name, e.g. `hidden_0/kernel/m` for the first moment of `hidden_0/kernel`, or `iter`. */
  name: string;
  /** The value. */
  tensor: tf.Tensor;
}

/**
 * An optimiser whose learning rate can be changed between steps (for schedules) and that saves and restores
 * its state exactly through `getWeights()` / `setWeights()`. Every optimiser {@link makeOptimizer} returns is
 * one.
 */
export interface ScheduledOptimizer extends tf.Optimizer {
  /** The learning rate the next step will use. */
  getLearningRate(): number;
  /** Sets the learning rate for the following steps (a finite number ≥ 0). */
  setLearningRate(learningRate: number): void;
  /** Decoupled weight-decay coefficient λ (0 = off). */
  readonly weightDecay: number;
}

/** A moment (or other per-variable state) owned by an optimiser. */
export interface SlotVariable {
  /** `${variableName}/${suffix}`: the name saved by `getWeights()`. */
  originalName: string;
  /** The state itself (not trainable). */
  variable: tf.Variable;
}

/** One variable's entry in an `applyGradients` call. */
export interface GradientEntry {
  name: string;
  gradient: tf.Tensor | null;
}

/** Both containers `applyGradients` accepts, as one ordered list (map order = `Object.keys` order). */
export function gradientEntries(variableGradients: tf.NamedTensorMap | NamedTensor[]): GradientEntry[] {
  if (Array.isArray(variableGradients)) {
    return variableGradients.map((v) => ({ name: v.name, gradient: v.tensor ?? null }));
  }
  return Object.keys(variableGradients).map((name) => ({ name, gradient: variableGradients[name] ?? null }));
}

/** The registered variable called `name`; a clear error when there is none. */
export function lookupVariable(fn: string, name: string): tf.Variable {
  const value = tf.engine().registeredVariables[name];
  if (value === undefined) {
    throw new ArgumentError(fn, 'variableGradients', 'gradients keyed by names of live tf.Variables', `unknown variable ${JSON.stringify(name)}`);
  }
  return value;
}

/** Zero-initialised, non-trainable slot shaped like `like`. */
export function zeroSlot(variableName: string, suffix: string, like: tf.Tensor): SlotVariable {
  return {
    originalName: `${variableName}/${suffix}`,
    variable: tf.tidy(() => tf.zerosLike(like).variable(false)),
  };
}

/** Throws when a slot restored by `setWeights` does not match the variable it is applied to. */
export function checkSlotShape(fn: string, slot: SlotVariable, value: tf.Variable): void {
  const a = slot.variable.shape;
  const b = value.shape;
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
    throw new ArgumentError(
      fn,
      'variableGradients',
      `variables in the order the optimiser state was saved in (slot '${slot.originalName}' has shape [${a.join(', ')}])`,
      `variable '${value.name}' of shape [${b.join(', ')}]`,
    );
  }
}

/** Disposes the variables of a slot list. */
export function disposeSlots(slots: SlotVariable[]): void {
  for (const s of slots) s.variable.dispose();
}

/** Makes owned, non-trainable float32 variables from restored weights. */
export function slotsFromWeights(weights: NamedTensor[]): SlotVariable[] {
  return weights.map((w) => ({
    originalName: w.name,
    variable: tf.tidy(() => (w.tensor.dtype === 'float32' ? w.tensor : tf.cast(w.tensor, 'float32')).variable(false)),
  }));
}

/**
 * Validates a `setWeights` argument: an array whose first entry is the iteration counter `iter` and whose
 * remaining length is a multiple of `groups` (one group of slots per moment kind).
 */
export function checkWeightList(fn: string, weights: unknown, groups: number): NamedTensor[] {
  const ok =
    Array.isArray(weights) &&
    weights.length >= 1 &&
    weights.every((w) => typeof w === 'object' && w !== null && typeof w.name === 'string' && w.tensor instanceof tf.Tensor) &&
    (weights[0] as NamedTensor).name === 'iter' &&
    (weights.length - 1) % groups === 0;
  if (!ok) {
    throw new ArgumentError(
      fn,
      'weightValues',
      `the list getWeights() returned: { name, tensor } entries, 'iter' first, then ${groups} equally long groups of slots`,
      describeValue(Array.isArray(weights) ? `an array of length ${weights.length}` : weights),
    );
  }
  return weights as NamedTensor[];
}

/** Hyper-parameters common to the Adam family, validated. */
export interface AdamFamilyHyper {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

/** Validates Adam-family hyper-parameters (`fn` names the caller in messages). */
export function checkAdamFamily(
  fn: string,
  options: Partial<AdamFamilyHyper> | undefined,
  defaults: AdamFamilyHyper,
): AdamFamilyHyper {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new ArgumentError(fn, 'options', 'an options object', describeValue(options));
  }
  const o = options ?? {};
  const hyper = {
    learningRate: checkLearningRate(fn, 'options.learningRate', o.learningRate ?? defaults.learningRate),
    beta1: checkNumber(fn, 'options.beta1', o.beta1 ?? defaults.beta1, { min: 0 }),
    beta2: checkNumber(fn, 'options.beta2', o.beta2 ?? defaults.beta2, { min: 0 }),
    epsilon: checkNumber(fn, 'options.epsilon', o.epsilon ?? defaults.epsilon, { min: 0, exclusiveMin: true }),
    weightDecay: checkNumber(fn, 'options.weightDecay', o.weightDecay ?? defaults.weightDecay, { min: 0 }),
  };
  checkBetas(fn, hyper.beta1, hyper.beta2);
  return hyper;
}

/** A learning rate: finite and ≥ 0. */
export function checkLearningRate(fn: string, arg: string, value: unknown): number {
  return checkNumber(fn, arg, value, { min: 0 });
}

/** Betas must lie in [0, 1). */
export function checkBetas(fn: string, beta1: number, beta2: number): void {
  if (!(beta1 < 1)) throw new ArgumentError(fn, 'options.beta1', 'a finite number >= 0 and < 1', describeValue(beta1));
  if (!(beta2 < 1)) throw new ArgumentError(fn, 'options.beta2', 'a finite number >= 0 and < 1', describeValue(beta2));
}

/** Decoupled weight decay (AdamW): returns `θ (1 − η λ)` (call inside a tidy). */
export function decayed(value: tf.Tensor, learningRate: number, weightDecay: number): tf.Tensor {
  return weightDecay > 0 ? tf.mul(value, 1 - learningRate * weightDecay) : value;
}
