/**
 * The augmented Markov system of an SDE driven by Markov-approximate fBM (MATH.md §2.6): the state
 * `[X, Y_1..Y_K, kl]` is driven by ONE Brownian motion W of the data's dimension, so any SDE scheme of the
 * solver core integrates it, and a posterior control u adds `u dt` to every copy of dW.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import type { Term } from '../solver/types.js';
import { stateLayout } from '../state-layout.js';
import type { StateLayout } from '../state-layout.js';

/** The blocks of the augmented state: x `[d]`, the OU factors y `[K, d]`, the running path KL `[]`. */
export type AugmentedBlock = 'x' | 'y' | 'kl';

/** Options of {@link augmentedTerm}. */
export interface AugmentedTermOptions {
  /** Dimension d of X (and of W). */
  dim: number;
  /** The K OU speeds γ_k > 0 (e.g. from `speedGrid`). */
  gammas: ArrayLike<number>;
  /** The weights ω, a float32 `[K]` tensor (may be a differentiable function of H, see `omegaTensor`). */
  omega: tf.Tensor1D;
  /** Prior drift `b(t, x)`: `[batch, d] → [batch, d]`. */
  drift: (t: number, x: tf.Tensor2D) => tf.Tensor2D;
  /** Diffusion σ(t, x): broadcastable to `[batch, d]` (a scalar, `[d]`, or `[batch, d]`). */
  sigma: (t: number, x: tf.Tensor2D) => tf.Tensor;
  /**
   * Whether σ depends on x. Then the system is read in the Stratonovich sense (the fractional integral
   * `σ(X) dB̂` is pathwise; use `'stochastic-heun'`); otherwise the noise is additive and every scheme applies.
   * @default false
   */
  stateDependentSigma?: boolean;
  /**
   * The posterior control `u(t, x, y) → [batch, d]` (y is `[batch, K, d]`). Absent: the prior (u = 0).
   */
  control?: (t: number, x: tf.Tensor2D, y: tf.Tensor3D) => tf.Tensor2D;
  /**
   * The posterior's scale ρ > 0 of the driving noise over the explicit step starting at t (broadcastable to
   * `[batch, d]`; undefined: 1). A step of length Δt then draws ρ ⊙ ΔW + u Δt instead of ΔW, and the kl
   * column gains the rest of that Gaussian transition's KL, Σ ½(ρ² − 1 − 2 ln ρ), as the rate
   * Σ (ρ² − 1 − 2 ln ρ)/(2Δt). This is a discrete-time posterior (the KL of the Euler chain's transitions):
   * it lets the step into an observation shrink its noise, which no control u(t_n, z_n) can. Needs `stepSize`.
   */
  noiseScale?: (t: number) => tf.Tensor | undefined;
  /**
   * The next observation ahead of the step starting at t (undefined: none), `steps` = m ≥ 1 explicit steps
   * away (default 1: the step lands on it). Then the posterior draws that step's ΔW from the chain's exact
   * conditional given the current state and that observation alone, o = X(t + mΔt) + N(0, s²) per dimension:
   * with X(t + mΔt) = x̂ + σ Σ_j w_j ΔW_j (w_j = Σ_k ω_k g_k e_k^{m−j}, e_k and g_k the factors' one-step decay
   * and gain; x̂ the prior's prediction with the drift b(t, x) held) and V = σ² Δt Σ_j w_j²,
   *
   *   ΔW ~ N(σ w_1 Δt (o − x̂)/(V + s²), Δt (V − σ² w_1² Δt + s²)/(V + s²)),
   *
   * i.e. the control gains u_o = σ w_1 (o − x̂)/(V + s²) and the noise a scale ρ_o (multiplying `noiseScale`'s ρ
   * when both are given); the kl column gains the transition's KL as for any u and ρ. Drawing every step so,
   * each given the state it reached, samples the chain's exact posterior given the next observation (exactly
   * for a drift-free or, over the step, constant drift). It follows H, σ and s at once; later observations
   * are left to the control. `observation` is `[batch, d]`, `noiseStd` broadcastable to it. Needs `stepSize`.
   */
  observationStep?: (t: number) => ObservationAhead | undefined;
  /**
   * How a step of length Δt = `stepSize` moves the factors. `'euler'`: the SDE above, for any scheme. 
   * `'exponential'`: each factor's exact OU mean and variance over the step, still driven by the one ΔW:
   *
   *   Y_k ← e_k Y_k + g_k (ΔW + u Δt),   e_k = exp(−γ_k Δt),   g_k = √((1 − e_k²)/(2 γ_k Δt))
   *
   * and X moves by σ Σ_k ω_k ΔY_k, i.e. the term's coefficients become γ̃_k = (1 − e_k)/Δt in place of γ_k
   * and ω_k g_k in place of ω_k on the noise. Euler–Maruyama with steps of exactly Δt on this term is that
   * chain; its factors have the exact stationary variance 1/(2γ_k) at any step (Euler's is 1/(γ_k(2 − γ_kΔt))),
   * which matters for H < ½, whose large alternating weights amplify those errors (MATH.md §2.6). Needs
   * `stepSize`, and the solve must use that step.
   * @default 'euler'
   */
  factorStep?: 'euler' | 'exponential';
  /** The fixed step Δt of the solve (required with `noiseScale`, `observationStep` or an exponential `factorStep`). */
  stepSize?: number;
}

/** The next observation ahead of a step (see `AugmentedTermOptions.observationStep`). */
export interface ObservationAhead {
  /** The observed value `[batch, d]` (identity observation map). */
  observation: tf.Tensor2D;
  /** Its noise std s, broadcastable to `[batch, d]`. */
  noiseStd: tf.Tensor;
  /** Explicit steps from t to the observation time (≥ 1). @default 1 */
  steps?: number;
  /**
   * Observations further ahead (same noise), each with its step count (> `steps`, increasing): the step is
   * then drawn from the chain's conditional given all of them (a small Gaussian solve). @default none
   */
  further?: readonly { observation: tf.Tensor2D; steps: number }[];
}

/** What {@link augmentedTerm} returns: the term and its state layout. */
export interface AugmentedTerm {
  /** The solver term on `[batch, d + K·d + 1]` states, noise shape `[d]`. */
  term: Term;
  /** Packs and unpacks the blocks x `[d]`, y `[K, d]`, kl `[]`. */
  layout: StateLayout<AugmentedBlock>;
}

/** The state layout of the augmented system for dimension d and K factors. */
export function augmentedLayout(dim: number, K: number): StateLayout<AugmentedBlock> {
  return stateLayout<AugmentedBlock>({ x: [dim], y: [K, dim], kl: [] });
}

/**
 * The augmented Markov SDE of `dX = b dt + σ dB̂_H`, `B̂_H = Σ_k ω_k Y_k`, written on one state:
 *
 *   dX   = (b(t, X) − σ Σ_k ω_k γ_k Y_k + σ ω̄ u) dt + σ ω̄ dW,   ω̄ = Σ_k ω_k
 *   dY_k = (−γ_k Y_k + u) dt + dW                                (every k, the same W)
 *   dkl  = ½ |u|² dt
 *
 * W is a d-dimensional Brownian motion (`noiseShape: [d]`), narrower than the state; the term gives
 * `diffusionProd`. With the control u (the variational posterior, `dW → dW + u dt`), `kl` at time t is the
 * path KL ½∫|u|² ds of the posterior from the prior by Girsanov (its expectation). Without it, kl stays 0.
 *
 * @throws ArgumentError for a bad dimension, speeds that are not positive, or ω of the wrong length
 * @example
 * ```ts
 * const gammas = speedGrid({ K: 5, gammaMax: 20 });
 * const omega = tf.tensor1d(Float32Array.from(optimalOmega({ hurst: 0.3, type: 'II' }).omega));
 * const { term, layout } = augmentedTerm({ dim: 1, gammas, omega, drift: (_t, x) => tf.neg(x), sigma: () => tf.scalar(1) });
 * const y0 = layout.pack({ x: tf.zeros([64, 1]), y: tf.zeros([64, 5, 1]), kl: tf.zeros([64]) });
 * const sol = await integrate(term, 'euler-maruyama', y0, { steps: 40, seed: 1 }); // fOU paths, H ≈ 0.3
 * ```
 */
export function augmentedTerm(options: AugmentedTermOptions): AugmentedTerm {
  const fn = 'augmentedTerm';
  if (typeof options !== 'object' || options === null) throw new ArgumentError(fn, 'options', 'an options object', describeValue(options));
  const d = checkNumber(fn, 'options.dim', options.dim, { min: 1, integer: true });
  const gammas = options.gammas;
  if (gammas === null || typeof gammas !== 'object' || typeof gammas.length !== 'number' || gammas.length < 1) {
    throw new ArgumentError(fn, 'options.gammas', 'a non-empty array of speeds > 0', describeValue(gammas));
  }
  const K = gammas.length;
  for (let k = 0; k < K; k++) checkNumber(fn, `options.gammas[${k}]`, gammas[k], { min: 0, exclusiveMin: true });
  const omega = options.omega;
  if (!(omega instanceof tf.Tensor) || omega.rank !== 1 || omega.shape[0] !== K) {
    throw new ArgumentError(fn, 'options.omega', `a float32 tensor of shape [${K}] (one weight per speed)`, describeValue(omega));
  }
  for (const name of ['drift', 'sigma'] as const) {
    if (typeof options[name] !== 'function') throw new ArgumentError(fn, `options.${name}`, 'a function', describeValue(options[name]));
  }
  if (options.control !== undefined && typeof options.control !== 'function') {
    throw new ArgumentError(fn, 'options.control', 'a function (t, x, y) => u or undefined', describeValue(options.control));
  }
  if (options.noiseScale !== undefined && typeof options.noiseScale !== 'function') throw new ArgumentError(fn, 'options.noiseScale', 'a function (t) => ρ or undefined', describeValue(options.noiseScale));
  if (options.observationStep !== undefined && typeof options.observationStep !== 'function') {
    throw new ArgumentError(fn, 'options.observationStep', 'a function (t) => { observation, noiseStd } or undefined', describeValue(options.observationStep));
  }
  const factorStep = options.factorStep ?? 'euler';
  if (factorStep !== 'euler' && factorStep !== 'exponential') throw new ArgumentError(fn, 'options.factorStep', "'euler' or 'exponential'", describeValue(factorStep));
  const needsStep = options.noiseScale !== undefined || options.observationStep !== undefined || factorStep === 'exponential';
  const stepSize = needsStep ? checkNumber(fn, 'options.stepSize', options.stepSize, { min: 0, exclusiveMin: true }) : 0;
  const { noiseScale, observationStep } = options;
  const layout = augmentedLayout(d, K);
  // the factors' decay rates and noise gains per step (Euler: γ_k and 1)
  const gammaValues = Float32Array.from(gammas, (g) => (factorStep === 'euler' ? g : -Math.expm1(-g * stepSize) / stepSize));
  const gainValues = Float32Array.from(gammas, (g) => (factorStep === 'euler' ? 1 : Math.sqrt(-Math.expm1(-2 * g * stepSize) / (2 * g * stepSize))));
  const exponential = factorStep === 'exponential';
  /** Σ_k ω_k g_k, the weight of ΔW in X's step (ω̄ for Euler). */
  const noiseWeight = (): tf.Tensor => (exponential ? tf.sum(tf.mul(omega, tf.tensor1d(gainValues))) : tf.sum(omega));
  /** Each factor's gain on ΔW (and the control), `[1, K, 1]`, or undefined for Euler's 1. */
  const gainColumn = (): tf.Tensor | undefined => (exponential ? tf.tensor3d(gainValues, [1, K, 1]) : undefined);
  const stateDependent = options.stateDependentSigma === true;
  const { drift, sigma, control } = options;

  /**
   * The chain's look-ahead m steps before an observation: X(t + mΔt) = x̂ + σ Σ_j w_j ΔW_j with
   * w_j = Σ_k ω_k g_k e_k^{m−j} (e_k the factor's one-step decay, g_k its gain) and the prediction
   * x̂ = x + mΔt·b(t, x) + σ Σ_k ω_k (e_k^m − 1) y_k (the drift held at its value now).
   */
  const lookAhead = (m: number): { weights: tf.Tensor2D; decay: tf.Tensor3D } => {
    const w = new Float32Array(K * m);
    const decay = new Float32Array(K);
    for (let k = 0; k < K; k++) {
      const e = 1 - gammaValues[k]! * stepSize; // exactly exp(−γ_k Δt) for the exponential factor step
      for (let j = 0; j < m; j++) w[k * m + j] = gainValues[k]! * e ** (m - 1 - j);
      decay[k] = e ** m - 1;
    }
    return { weights: tf.tensor2d(w, [K, m]), decay: tf.tensor3d(decay, [1, K, 1]) };
  };

  /**
   * On a step m_a steps before observations o_a (a = 0..L−1, noise s): with the predictions
   * x̂_a, C_ab = σ² Δt Σ_j w^a_j w^b_j + δ_ab s² their covariance and c_a = σ w^a_1 their sensitivity to this
   * step's ΔW, ΔW's conditional given z and the o_a is N(Δt cᵀC⁻¹(o − x̂), Δt (1 − Δt cᵀC⁻¹c)): the control
   * gains u_o = cᵀC⁻¹(o − x̂) and the noise the scale ρ_o = √(1 − Δt cᵀC⁻¹c) (L = 1: s/√(V + s²) on the last
   * step). C is solved by an elementwise Cholesky (L is small). `withMean: false` skips u_o.
   */
  const conditional = (t: number, x: tf.Tensor2D, y: tf.Tensor3D, s: tf.Tensor, b: tf.Tensor | undefined, obs: ObservationAhead, withMean: boolean): { u: tf.Tensor | undefined; rho: tf.Tensor } => {
    const targets = [{ observation: obs.observation, steps: obs.steps ?? 1 }, ...(obs.further ?? [])];
    // Σ_k ω_k W_kj as a broadcast product (the wasm backend's matMul gradient misbehaved here)
    const omegaColumnK = tf.reshape(omega, [K, 1]);
    const ws = targets.map(({ steps: m }) => tf.sum(tf.mul(omegaColumnK, lookAhead(m).weights), 0)); // [m_a]
    const s2 = tf.square(obs.noiseStd);
    const sig2h = tf.mul(tf.square(s), stepSize);
    const L = targets.length;
    // C_ab and c_a, broadcastable to [batch, d]
    const C: tf.Tensor[][] = [];
    for (let a = 0; a < L; a++) {
      C.push([]);
      for (let c = 0; c <= a; c++) {
        const n = Math.min(targets[a]!.steps, targets[c]!.steps);
        // the weights on the common steps: the last n of each (step j counts from now)
        const wa = tf.slice(ws[a]!, [0], [n]);
        const wc = tf.slice(ws[c]!, [0], [n]);
        const cov = tf.mul(sig2h, tf.sum(tf.mul(wa, wc)));
        C[a]!.push(a === c ? tf.add(cov, s2) : cov);
      }
    }
    const sens = ws.map((w) => tf.mul(s, tf.slice(w, [0], [1])));
    // Cholesky C = R Rᵀ (lower), then α = R⁻¹c, β = R⁻¹(o − x̂)
    const R: tf.Tensor[][] = [];
    for (let a = 0; a < L; a++) {
      R.push([]);
      for (let c = 0; c <= a; c++) {
        let v = C[a]![c]!;
        for (let k = 0; k < c; k++) v = tf.sub(v, tf.mul(R[a]![k]!, R[c]![k]!));
        R[a]!.push(a === c ? tf.sqrt(v) : tf.div(v, R[c]![c]!));
      }
    }
    const forward = (rhs: tf.Tensor[]): tf.Tensor[] => {
      const out: tf.Tensor[] = [];
      for (let a = 0; a < L; a++) {
        let v = rhs[a]!;
        for (let k = 0; k < a; k++) v = tf.sub(v, tf.mul(R[a]![k]!, out[k]!));
        out.push(tf.div(v, R[a]![a]!));
      }
      return out;
    };
    const alpha = forward(sens);
    const q = alpha.reduce<tf.Tensor>((acc, v) => tf.add(acc, tf.square(v)), tf.scalar(0));
    const rho = tf.sqrt(tf.maximum(tf.sub(1, tf.mul(q, stepSize)), 1e-12));
    if (!withMean) return { u: undefined, rho };
    const held = b ?? drift(t, x);
    const omegaColumn = tf.reshape(omega, [1, K, 1]);
    const residuals = targets.map(({ observation, steps: m }) => {
      const decay = lookAhead(m).decay;
      const predicted = tf.add(tf.add(x, tf.mul(s, tf.sum(tf.mul(y, tf.mul(omegaColumn, decay)), 1))), tf.mul(held, m * stepSize));
      return tf.sub(observation, predicted);
    });
    const beta = forward(residuals);
    const u = alpha.reduce<tf.Tensor>((acc, v, a) => tf.add(acc, tf.mul(v, beta[a]!)), tf.scalar(0));
    return { u, rho };
  };
  const scaleAt = (t: number, rhoObs: tf.Tensor | undefined): tf.Tensor | undefined => {
    const rho = noiseScale?.(t);
    if (rhoObs === undefined) return rho;
    return rho === undefined ? rhoObs : tf.mul(rho, rhoObs);
  };

  const term: Term = {
    drift: (t, z) => {
      const x = layout.get(z, 'x') as tf.Tensor2D;
      const y = layout.get(z, 'y') as tf.Tensor3D;
      const s = sigma(t, x);
      const omegaColumn = tf.reshape(omega, [1, K, 1]);
      const gammaColumn = tf.tensor3d(gammaValues, [1, K, 1]);
      // Σ_k ω_k γ_k Y_k: [batch, d]
      const pull = tf.sum(tf.mul(y, tf.mul(omegaColumn, gammaColumn)), 1);
      const b = drift(t, x);
      let dx = tf.sub(b, tf.mul(s, pull));
      let dy: tf.Tensor = tf.neg(tf.mul(y, gammaColumn));
      let dkl: tf.Tensor = tf.zeros([z.shape[0]!]);
      const obs = observationStep?.(t);
      const cond = obs === undefined ? undefined : conditional(t, x, y, s, b, obs, true);
      const rho = scaleAt(t, cond?.rho);
      let u: tf.Tensor | undefined = control?.(t, x, y);
      if (cond?.u !== undefined) u = u === undefined ? cond.u : tf.add(u, cond.u);
      if (u !== undefined) {
        dx = tf.add(dx, tf.mul(tf.mul(s, noiseWeight()), u));
        const gain = gainColumn();
        dy = tf.add(dy, gain === undefined ? tf.expandDims(u, 1) : tf.mul(gain, tf.expandDims(u, 1)));
        dkl = tf.mul(0.5, tf.sum(tf.square(u), 1));
      }
      if (rho !== undefined) {
        // Σ_d (ρ² − 1 − 2 ln ρ) / (2Δt), broadcast to [batch]
        const perDim = tf.add(tf.zerosLike(x), tf.div(tf.sub(tf.sub(tf.square(rho), 1), tf.mul(2, tf.log(rho))), 2 * stepSize));
        dkl = tf.add(dkl, tf.sum(perDim, 1));
      }
      return layout.pack({ x: dx, y: dy, kl: dkl });
    },
    noiseShape: [d],
    diffusionProd: (t, z, dW) => {
      const x = layout.get(z, 'x') as tf.Tensor2D;
      const batch = z.shape[0]!;
      const s = sigma(t, x);
      const y = layout.get(z, 'y') as tf.Tensor3D;
      const obs = observationStep?.(t);
      const rho = scaleAt(t, obs === undefined ? undefined : conditional(t, x, y, s, undefined, obs, false).rho);
      const w = rho === undefined ? dW : tf.mul(rho, dW);
      return layout.pack({
        x: tf.mul(tf.mul(s, noiseWeight()), w),
        y: ((gain) => (gain === undefined ? tf.tile(tf.expandDims(w, 1), [1, K, 1]) : tf.mul(gain, tf.expandDims(w, 1))))(gainColumn()),
        kl: tf.zeros([batch]),
      });
    },
    additiveNoise: !stateDependent,
    calculus: stateDependent ? 'stratonovich' : 'ito',
  };
  return { term, layout };
}
