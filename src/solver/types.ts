/**
 * The contracts of the shared solver core: what is integrated (Term), what drives the noise
 * (NoiseProcess), how one step is taken (Scheme), and what comes back (Solution).
 *
 * State is a `[batch, n]` float32 tensor. Terms that need extra state (a log-density accumulator, OU
 * factors, a running control cost) carry it as extra columns.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { SeedStream } from '../random.js';

/** A vector field of the solver state: `(t, y: [batch, n]) → [batch, n]`. Called inside `tf.tidy`. */
export type StateField = (t: number, y: tf.Tensor2D) => tf.Tensor2D;

/**
 * What to integrate: `dY = drift(t, Y) dt + diffusion(t, Y) ⊙ dW`, with `dW` from `noise`.
 *
 * An ODE is a term without `diffusion`. An SDE has diagonal noise: `diffusion` returns a `[batch, n]`
 * tensor (or a `[batch, 1]` / scalar-broadcastable one) multiplied elementwise with the `[batch, n]`
 * increment. A term may restrict noise to some columns by returning zeros elsewhere.
 */
export interface Term {
  /** Drift `f(t, y)`: `[batch, n]`. */
  drift: StateField;
  /** Diagonal diffusion `g(t, y)`, broadcastable to `[batch, n]`. Absent for an ODE. */
  diffusion?: StateField;
  /** The noise driving the diffusion; defaults to seeded Brownian motion when `diffusion` is present. */
  noise?: NoiseProcess;
}

/**
 * A source of noise increments. Brownian motion and the Markov-approximate fBM are interchangeable behind
 * this interface. Implementations are seeded and reproducible.
 */
export interface NoiseProcess<S = unknown> {
  /** A short name for messages (`'brownian'`, `'fbm-markov'`). */
  readonly name: string;
  /** Starts a path for a `[batch, dim]` state at time `t0`, drawing all randomness from `seeds`. */
  init(batch: number, dim: number, t0: number, seeds: SeedStream): S;
  /**
   * The increment over `[t0, t1]` (`t1 < t0` when integrating backward in time): `dW: [batch, dim]` and
   * the new state. Called inside `tf.tidy`; tensors in the returned state must be kept by the caller.
   */
  increment(state: S, t0: number, t1: number): { dW: tf.Tensor2D; state: S };
  /** Tensors held by a state, so the core can keep and dispose them across steps. */
  tensors(state: S): tf.Tensor[];
}

/** Result of one scheme step. */
export interface StepResult<S = unknown> {
  /** State at `t1`. */
  y1: tf.Tensor2D;
  /** Local error estimate `[batch, n]` for adaptive schemes (difference of the embedded solutions). */
  error?: tf.Tensor2D;
  /** Scheme state carried to the next step (e.g. FSAL derivative); its tensors are kept by the core. */
  state?: S;
  /** Function evaluations used by this step (drift and diffusion calls counted together as one each). */
  nfe: number;
}

/** What a scheme can integrate. */
export type SchemeKind = 'ode' | 'sde';

/**
 * One integration method. `step` is called inside `tf.tidy`; it must not read tensors back.
 */
export interface Scheme<S = unknown> {
  /** Registry name (`'rk4'`, `'euler-maruyama'`). */
  readonly name: string;
  /** `'ode'` schemes refuse terms with diffusion; `'sde'` schemes require it. */
  readonly kind: SchemeKind;
  /** Order of convergence (weak order for SDE schemes). */
  readonly order: number;
  /** Strong order for SDE schemes. */
  readonly strongOrder?: number;
  /** Drift evaluations per step (for NFE budgets). */
  readonly stagesPerStep: number;
  /** Whether `step` returns an error estimate usable for adaptive step control. */
  readonly adaptive: boolean;
  /** One-line description for listings. */
  readonly description: string;
  /**
   * Advances `y` from `t0` to `t1`. `dW` is the noise increment over the step (SDE schemes only).
   * `state` is what the previous accepted step returned (undefined at the first step).
   */
  step(term: Term, t0: number, t1: number, y: tf.Tensor2D, dW: tf.Tensor2D | undefined, state: S | undefined): StepResult<S>;
}

/** Progress reported after each accepted step. */
export interface SolverProgress {
  t: number;
  /** Fraction of the time span covered, in [0, 1]. */
  fraction: number;
  nfe: number;
  acceptedSteps: number;
  rejectedSteps: number;
}

/** Statistics of a solve. */
export interface SolverStats {
  /** Function evaluations (drift calls; diffusion calls counted separately in `nfeDiffusion`). */
  nfe: number;
  acceptedSteps: number;
  rejectedSteps: number;
  /** Wall time in seconds. */
  seconds: number;
}

/** The result of {@link integrate}. Owns its tensors: call `dispose()`. */
export interface Solution {
  /** State at the final time: `[batch, n]`. */
  y: tf.Tensor2D;
  /** Times of `ys` (the requested save-at times, in integration order). */
  ts: number[];
  /** States at `ts`, each `[batch, n]` (empty unless `saveAt` was given). */
  ys: tf.Tensor2D[];
  stats: SolverStats;
  /** Disposes `y` and `ys`. */
  dispose(): void;
}
