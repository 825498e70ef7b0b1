/**
 * diffGrad (Dubey et al., "diffGrad: An Optimization Method for Convolutional Neural Networks", IEEE TNNLS
 * 2019) as a `tf.Optimizer`.
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
import type { NamedTensor, ScheduledOptimizer, SlotVariable } from './optimizer-state.js';

/** Options of {@link DiffGrad}. */
export interface DiffGradOptions {
  /** Step size α (changeable later with `setLearningRate`). @default 1e-3 */
  learningRate?: number;
  /** Decay of the first moment, in [0, 1). @default 0.9 */
  beta1?: number;
  /** Decay of the second moment, in [0, 1). @default 0.999 */
  beta2?: number;
  /** ε added to √v̂ in the denominator, as in Adam. @default 1e-8 */
  epsilon?: number;
  /** Decoupled (AdamW-style) weight decay λ: θ ← θ (1 − α λ) before the adaptive step. @default 0 */
  weightDecay?: number;
}

/**
 * diffGrad: Adam's step scaled elementwise by the "friction" ξ, a sigmoid of how much the gradient changed
 * since the previous step. With t the 1-based step and all operations elementwise:
 *
 *   m_t = β1 m_{t−1} + (1 − β1) g_t,   v_t = β2 v_{t−1} + (1 − β2) g_t²
 *   m̂_t = m_t / (1 − β1^t),   v̂_t = v_t / (1 − β2^t)
 *   ξ_t = 1 / (1 + exp(−|g_{t−1} − g_t|))          (g_0 = 0)
 *   θ_t = θ_{t−1} (1 − α λ) − α ξ_t m̂_t / (√v̂_t + ε)
 *
 * so ξ ∈ [½, 1): under a constant gradient the step from step 2 on is exactly half of Adam's, and step 1 is
 * Adam's step times ξ(|g_1|). ε is placed as in tfjs's Adam (added to √v̂); the authors' PyTorch code adds
 * it to √v instead, i.e. uses ε √(1 − β2^t) here — the same up to that rescaling of ε.
 *
 * State (per variable, in gradient-list order): `m`, `v` and the previous gradient `prev_grad`;
 * `getWeights()` → `[iter, …m, …v, …prev_grad]` is the complete state.
 *
 * @example
 * ```ts
 * const opt = new DiffGrad({ learningRate: 1e-3 });
 * opt.minimize(() => loss(), false, variables);
 * ```
 */
export class DiffGrad extends tf.Optimizer implements ScheduledOptimizer {
  /** Name in the tfjs serialisation registry. */
  static get className(): string {
    return 'DiffGrad';
  }

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

  private firstMoments: SlotVariable[] = [];
  private secondMoments: SlotVariable[] = [];
  private previousGradients: SlotVariable[] = [];

  /** @param options - hyper-parameters; see {@link DiffGradOptions} for defaults. */
  constructor(options: DiffGradOptions = {}) {
    super();
    const h = checkAdamFamily('DiffGrad', options, { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 });
    this.learningRate = h.learningRate;
    this.beta1 = h.beta1;
    this.beta2 = h.beta2;
    this.epsilon = h.epsilon;
    this.weightDecay = h.weightDecay;
  }

  /** The learning rate the next step will use. */
  getLearningRate(): number {
    return this.learningRate;
  }

  /** Sets the learning rate for the following steps (a finite number ≥ 0). */
  setLearningRate(learningRate: number): void {
    this.learningRate = checkLearningRate('DiffGrad.setLearningRate', 'learningRate', learningRate);
  }

  /** One diffGrad step for every variable named in `variableGradients` (null gradients are skipped). */
  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const fn = 'DiffGrad.applyGradients';
    const entries = gradientEntries(variableGradients);
    const t = this.iterations + 1;
    const biasCorrection1 = 1 - this.beta1 ** t;
    const biasCorrection2 = 1 - this.beta2 ** t;
    const { learningRate: lr, beta1, beta2, epsilon, weightDecay } = this;
    tf.tidy(() => {
      entries.forEach(({ name, gradient }, i) => {
        const value = lookupVariable(fn, name);
        this.firstMoments[i] ??= zeroSlot(name, 'm', value);
        this.secondMoments[i] ??= zeroSlot(name, 'v', value);
        this.previousGradients[i] ??= zeroSlot(name, 'prev_grad', value);
        if (gradient === null) return;
        const m = this.firstMoments[i]!;
        const v = this.secondMoments[i]!;
        const previous = this.previousGradients[i]!;
        checkSlotShape(fn, m, value);
        const newM = tf.add(tf.mul(m.variable, beta1), tf.mul(gradient, 1 - beta1));
        const newV = tf.add(tf.mul(v.variable, beta2), tf.mul(tf.square(gradient), 1 - beta2));
        const friction = tf.sigmoid(tf.abs(tf.sub(previous.variable, gradient)));
        m.variable.assign(newM);
        v.variable.assign(newV);
        previous.variable.assign(gradient.dtype === 'float32' ? gradient : tf.cast(gradient, 'float32'));
        const denominator = tf.add(tf.sqrt(tf.div(newV, biasCorrection2)), epsilon);
        const step = tf.mul(tf.div(tf.mul(friction, newM), denominator), lr / biasCorrection1);
        value.assign(tf.sub(decayed(value, lr, weightDecay), step));
      });
    });
    this.incrementIterations();
  }

  /** Disposes the state variables. */
  override dispose(): void {
    disposeSlots(this.firstMoments);
    disposeSlots(this.secondMoments);
    disposeSlots(this.previousGradients);
    this.firstMoments = [];
    this.secondMoments = [];
    this.previousGradients = [];
  }

  /**
   * The complete state: `[iter, …m, …v, …prev_grad]` (`iter` an int32 scalar owned by the caller, the others
   * the optimiser's own variables: do not dispose them).
   */
  override async getWeights(): Promise<NamedTensor[]> {
    const slots = [...this.firstMoments, ...this.secondMoments, ...this.previousGradients];
    return [await this.saveIterations(), ...slots.map((v) => ({ name: v.originalName, tensor: v.variable }))];
  }

  /** Restores a state saved by {@link DiffGrad.getWeights}; the tensors stay owned by the caller. */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(checkWeightList('DiffGrad.setWeights', weightValues, 3));
    const n = rest.length / 3;
    this.dispose();
    this.firstMoments = slotsFromWeights(rest.slice(0, n));
    this.secondMoments = slotsFromWeights(rest.slice(n, 2 * n));
    this.previousGradients = slotsFromWeights(rest.slice(2 * n));
  }

  /** Hyper-parameters (the current learning rate included). */
  getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      weightDecay: this.weightDecay,
    };
  }

  /** Rebuilds from {@link DiffGrad.getConfig}. */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}

tf.serialization.registerClass(DiffGrad);
