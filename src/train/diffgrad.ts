/**
 * diffGrad (Dubey et al., "diffGrad: An Optimization Method for Convolutional Neural Networks", IEEE TNNLS
 * 2019) as a `tf.Optimizer`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AdamFamilyOptimizer } from './adam-family.js';
import type { AdamFamilyStep } from './adam-family.js';

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
export class DiffGrad extends AdamFamilyOptimizer {
  /** Name in the tfjs serialisation registry. */
  static get className(): string {
    return 'DiffGrad';
  }

  /** @param options - hyper-parameters; see {@link DiffGradOptions} for defaults. */
  constructor(options: DiffGradOptions = {}) {
    super('DiffGrad', ['m', 'v', 'prev_grad'], options, { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 });
  }

  /** Adam's m, v; ξ = σ(|g_prev − g|); Δ = α ξ m̂ / (√v̂ + ε); remembers g. */
  protected step({ gradient, slots: [m, v, previous], biasCorrection1, biasCorrection2 }: AdamFamilyStep): tf.Tensor {
    const { learningRate: lr, beta1, beta2, epsilon } = this;
    const newM = tf.add(tf.mul(m!.variable, beta1), tf.mul(gradient, 1 - beta1));
    const newV = tf.add(tf.mul(v!.variable, beta2), tf.mul(tf.square(gradient), 1 - beta2));
    const friction = tf.sigmoid(tf.abs(tf.sub(previous!.variable, gradient)));
    m!.variable.assign(newM);
    v!.variable.assign(newV);
    previous!.variable.assign(gradient.dtype === 'float32' ? gradient : tf.cast(gradient, 'float32'));
    const denominator = tf.add(tf.sqrt(tf.div(newV, biasCorrection2)), epsilon);
    return tf.mul(tf.div(tf.mul(friction, newM), denominator), lr / biasCorrection1);
  }
}

tf.serialization.registerClass(DiffGrad);
