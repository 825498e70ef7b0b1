/**
 * AdaBelief (Zhuang et al., "AdaBelief Optimizer: Adapting Stepsizes by the Belief in Observed Gradients",
 * NeurIPS 2020) as a `tf.Optimizer`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { AdamFamilyOptimizer } from './adam-family.js';
import type { AdamFamilyStep } from './adam-family.js';
import { fusableEntries, fusedStepAvailable, runFusedAdamStep } from './fused-adam.js';
import type { FusedAdamEntry } from './fused-adam.js';
import { gradientEntries, lookupVariable, zeroSlot } from './optimizer-state.js';
import type { NamedTensor, SlotVariable } from './optimizer-state.js';

/** Options of {@link AdaBelief}. */
export interface AdaBeliefOptions {
  /** Step size α (changeable later with `setLearningRate`). @default 1e-3 */
  learningRate?: number;
  /** Decay of the first moment m, in [0, 1). @default 0.9 */
  beta1?: number;
  /** Decay of the belief s (the EMA of (g − m)²), in [0, 1). @default 0.999 */
  beta2?: number;
  /**
   * ε, added to s at every step and to the denominator. It sits inside the square root, so it plays the
   * role of ε² in Adam (the authors recommend 1e-16 where Adam would use 1e-8). @default 1e-16
   */
  epsilon?: number;
  /** Decoupled (AdamW-style) weight decay λ: θ ← θ (1 − α λ) before the adaptive step. @default 0 */
  weightDecay?: number;
}

/**
 * AdaBelief: Adam with the second moment replaced by the "belief" s, an EMA of the squared deviation of the
 * gradient from its EMA. With t the 1-based step, g the gradient and all operations elementwise:
 *
 *   m_t = β1 m_{t−1} + (1 − β1) g_t
 *   s_t = β2 s_{t−1} + (1 − β2) (g_t − m_t)² + ε
 *   m̂_t = m_t / (1 − β1^t),   ŝ_t = s_t / (1 − β2^t)
 *   θ_t = θ_{t−1} (1 − α λ) − α m̂_t / (√ŝ_t + ε)
 *
 * (m_0 = s_0 = 0; λ = weightDecay, 0 by default.) This is the official PyTorch implementation's form
 * (`adabelief_pytorch`, ε added to s in place, ŝ = s / (1 − β2^t)); the paper's Algorithm 2 additionally
 * writes ŝ_t = (s_t + ε)/(1 − β2^t), a second ε that is negligible at the recommended ε = 1e-16.
 *
 * First step: m̂_1 = g and ŝ_1 = β1² g² + ε/(1 − β2), so the first update is
 * α g / (√(β1² g² + ε/(1 − β2)) + ε) ≈ α sign(g) / β1 whenever β1² g² ≫ ε/(1 − β2); Adam's first step is
 * ≈ α sign(g).
 *
 * State (per variable, in the order of the gradient list, as in tfjs's own optimisers): `m` and `s`; the
 * bias corrections are computed in double precision from the iteration count, so `getWeights()` →
 * `[iter, …m, …s]` is the complete state and `setWeights()` on a fresh instance continues identically.
 * Pass gradients for the same variables in the same order at every step (e.g. `minimize(f, false, varList)`).
 *
 * @example
 * ```ts
 * const opt = new AdaBelief({ learningRate: 1e-3 });
 * opt.minimize(() => loss(), false, model.trainableWeights.map((w) => w.read() as tf.Variable));
 * opt.setLearningRate(5e-4);                  // e.g. from a schedule
 * const state = await opt.getWeights();       // [{ name: 'iter' }, …'/m', …'/s']
 * ```
 */
export class AdaBelief extends AdamFamilyOptimizer {
  /** Name in the tfjs serialisation registry. */
  static get className(): string {
    return 'AdaBelief';
  }

  /** @param options - hyper-parameters; see {@link AdaBeliefOptions} for defaults. */
  constructor(options: AdaBeliefOptions = {}) {
    super('AdaBelief', ['m', 's'], options, { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-16, weightDecay: 0 });
  }

  /**
   * One step for every variable named in `variableGradients` — as one fused kernel when the backend has it
   * (see `fused-adam.ts`; the same float32 numbers as {@link AdaBelief.step}'s ops), else variable by
   * variable.
   */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    if (fusedStepAvailable() && this.applyFused(variableGradients)) return;
    super.applyGradients(variableGradients);
  }

  /** The fused step; false (nothing done) when some gradient cannot be fused. */
  private applyFused(variableGradients: tf.NamedTensorMap | NamedTensor[]): boolean {
    const fn = 'AdaBelief.applyGradients';
    // The base class keeps the slots as `slots[k][i]` (k: 0 = m, 1 = s; i: position in the gradient list).
    const [mSlots, sSlots] = (this as unknown as { slots: SlotVariable[][] }).slots as [SlotVariable[], SlotVariable[]];
    const entries: FusedAdamEntry[] = [];
    gradientEntries(variableGradients).forEach(({ name, gradient }, i) => {
      const value = lookupVariable(fn, name);
      mSlots[i] ??= zeroSlot(name, 'm', value);
      sSlots[i] ??= zeroSlot(name, 's', value);
      if (gradient !== null) entries.push({ value, gradient, m: mSlots[i].variable, s: sSlots[i].variable });
    });
    if (!fusableEntries(entries)) return false;
    const f = Math.fround;
    const t = this.iterations + 1;
    const { learningRate: lr, beta1, beta2, epsilon, weightDecay } = this;
    tf.tidy(() =>
      runFusedAdamStep(entries, {
        rule: 'adabelief',
        beta1: f(beta1),
        oneMinusBeta1: f(1 - beta1),
        beta2: f(beta2),
        oneMinusBeta2: f(1 - beta2),
        c1: f(lr / (1 - beta1 ** t)),
        c2: f(1 - beta2 ** t),
        epsilon: f(epsilon),
        negLearningRate: f(-lr),
        decay: weightDecay > 0 ? f(1 - lr * weightDecay) : 1,
      }),
    );
    this.incrementIterations();
    return true;
  }

  /** m ← β1 m + (1 − β1) g; s ← β2 s + (1 − β2)(g − m)² + ε; Δ = α m̂ / (√ŝ + ε). */
  protected step({ gradient, slots: [m, s], biasCorrection1, biasCorrection2 }: AdamFamilyStep): tf.Tensor {
    const { learningRate: lr, beta1, beta2, epsilon } = this;
    const newM = tf.add(tf.mul(m!.variable, beta1), tf.mul(gradient, 1 - beta1));
    const residual = tf.sub(gradient, newM);
    const newS = tf.add(tf.add(tf.mul(s!.variable, beta2), tf.mul(tf.square(residual), 1 - beta2)), epsilon);
    m!.variable.assign(newM);
    s!.variable.assign(newS);
    const denominator = tf.add(tf.sqrt(tf.div(newS, biasCorrection2)), epsilon);
    return tf.mul(tf.div(newM, denominator), lr / biasCorrection1);
  }
}

tf.serialization.registerClass(AdaBelief);
