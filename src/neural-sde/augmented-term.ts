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
  /** The fixed step Δt of the solve (required with `noiseScale`). */
  stepSize?: number;
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
  const stepSize = options.noiseScale === undefined ? 0 : checkNumber(fn, 'options.stepSize', options.stepSize, { min: 0, exclusiveMin: true });
  const noiseScale = options.noiseScale;
  const layout = augmentedLayout(d, K);
  const gammaValues = Float32Array.from(gammas);
  const stateDependent = options.stateDependentSigma === true;
  const { drift, sigma, control } = options;

  const term: Term = {
    drift: (t, z) => {
      const x = layout.get(z, 'x') as tf.Tensor2D;
      const y = layout.get(z, 'y') as tf.Tensor3D;
      const s = sigma(t, x);
      const omegaColumn = tf.reshape(omega, [1, K, 1]);
      const gammaColumn = tf.tensor3d(gammaValues, [1, K, 1]);
      // Σ_k ω_k γ_k Y_k: [batch, d]
      const pull = tf.sum(tf.mul(y, tf.mul(omegaColumn, gammaColumn)), 1);
      let dx = tf.sub(drift(t, x), tf.mul(s, pull));
      let dy: tf.Tensor = tf.neg(tf.mul(y, gammaColumn));
      let dkl: tf.Tensor = tf.zeros([z.shape[0]!]);
      if (control !== undefined) {
        const u = control(t, x, y);
        dx = tf.add(dx, tf.mul(tf.mul(s, tf.sum(omega)), u));
        dy = tf.add(dy, tf.expandDims(u, 1));
        dkl = tf.mul(0.5, tf.sum(tf.square(u), 1));
      }
      const rho = noiseScale?.(t);
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
      const rho = noiseScale?.(t);
      const w = rho === undefined ? dW : tf.mul(rho, dW);
      return layout.pack({
        x: tf.mul(tf.mul(sigma(t, x), tf.sum(omega)), w),
        y: tf.tile(tf.expandDims(w, 1), [1, K, 1]),
        kl: tf.zeros([batch]),
      });
    },
    additiveNoise: !stateDependent,
    calculus: stateDependent ? 'stratonovich' : 'ito',
  };
  return { term, layout };
}
