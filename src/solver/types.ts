/**
 * The contracts of the shared solver core: what is integrated ({@link Term}), what drives the noise
 * ({@link NoiseProcess}), how one step is taken ({@link Scheme}), and what comes back ({@link Solution}).
 *
 * State is a `[batch, n]` float32 tensor. Terms that need extra state (a log-density accumulator, OU
 * factors, a running control cost) carry it as extra columns.
 *
 * Ownership: every tensor a term, scheme or noise process receives is borrowed; every tensor it returns is
 * owned by the caller (the core). All callbacks are synchronous, run inside `tf.tidy`, and must not read
 * tensors back (`dataSync`, `data`, `arraySync`): reading back is the core's job, at boundaries only.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { SeedStream } from '../random.js';

/**
 * A vector field of the solver state: `(t, y: [batch, n]) → [batch, n]`. Called inside `tf.tidy` with a
 * plain-number time; a field that needs a time tensor builds it (`tf.fill([batch], t)`).
 */
export type StateField = (t: number, y: tf.Tensor2D) => tf.Tensor2D;

/**
 * A diagonal diffusion: `(t, y: [batch, n]) → g` with `g` broadcastable to `[batch, n]` (`[batch, n]`,
 * `[batch, 1]`, `[1, n]`, `[n]` or a scalar). Called inside `tf.tidy`.
 */
export type DiffusionField = (t: number, y: tf.Tensor2D) => tf.Tensor;

/**
 * What to integrate: `dY = drift(t, Y) dt + diffusion(t, Y) ⊙ dW`, with `dW` from `noise`.
 *
 * An ODE is a term without `diffusion`. An SDE has diagonal noise: `diffusion` returns a `[batch, n]`
 * tensor (or a `[batch, 1]`, `[1, n]`, `[n]` or scalar tensor that broadcasts to it) multiplied
 * elementwise with the `[batch, n]` increment. A term may restrict noise to some columns by returning
 * zeros elsewhere.
 *
 * The SDE is read in the Itô sense by `'euler-maruyama'`; `'stochastic-heun'` agrees with it for additive
 * (state-independent) diffusion, the case of the generative SDEs.
 *
 * Integrating backward (`t1 < t0`) takes steps with `dt < 0` and increments `dW` of variance `|dt|`:
 * in reverse time `τ = t0 − t` this solves `dY = −drift dτ + diffusion dW_τ`, which is how a backward SDE
 * (MATH.md §1.4, `dX = b_B dt + √(2ε) dW` run from t = 1 down to 0) is written.
 *
 * @example
 * ```ts
 * // Ornstein–Uhlenbeck dX = −θ X dt + σ dW
 * const ou: Term = { drift: (_t, y) => tf.mul(y, -theta), diffusion: () => tf.scalar(sigma) };
 * ```
 */
export interface Term {
  /** Drift `f(t, y)`: `[batch, n]`. */
  drift: StateField;
  /** Diagonal diffusion `g(t, y)`, broadcastable to `[batch, n]`. Absent for an ODE. */
  diffusion?: DiffusionField;
  /**
   * The noise driving the diffusion. Defaults to {@link brownianMotion} for fixed steps and to
   * {@link brownianPath} for adaptive steps; `options.noise` of `integrate` overrides it.
   */
  noise?: NoiseProcess;
}

/** What {@link NoiseProcess.init} receives. */
export interface NoiseInit {
  /** Rows of the state. */
  batch: number;
  /** Columns of the state (= columns of every increment). */
  dim: number;
  /** Start of the integration. */
  t0: number;
  /** End of the integration (`t1 < t0` when integrating backward). */
  t1: number;
  /** Where all randomness comes from (split it if the process keeps drawing). */
  seeds: SeedStream;
}

/**
 * A source of noise increments. Brownian motion and the Markov-approximate fBM are interchangeable behind
 * this interface. Implementations are seeded and reproducible.
 *
 * State tensors: `init` and `increment` run inside the core's `tf.tidy`; the core keeps every tensor that
 * `tensors(state)` lists and disposes it once no live state lists it any more. States must therefore be
 * treated as immutable (return a new state object; sharing tensors between old and new states is fine),
 * and `tensors` must list only tensors created by `init`/`increment` — never constants that the process
 * owns for its whole life.
 *
 * @example
 * ```ts
 * // A Markov-approximate fBM keeps OU factors Y_k (dY_k = −γ_k Y_k dt + dW) in its state:
 * const fbm: NoiseProcess<{ ys: tf.Tensor2D[]; seeds: SeedStream }> = {
 *   name: 'fbm-markov',
 *   init: ({ batch, dim, seeds }) => ({ ys: gammas.map(() => tf.zeros([batch, dim])), seeds: seeds.split() }),
 *   increment: (state, t0, t1) => { ... return { dW, state: { ys: newYs, seeds: state.seeds } }; },
 *   tensors: (state) => state.ys,
 * };
 * ```
 */
export interface NoiseProcess<S = unknown> {
  /** A short name for messages (`'brownian-motion'`, `'brownian-path'`, `'fbm-markov'`). */
  readonly name: string;
  /**
   * True when increments over arbitrary intervals are consistent with each other (a path, not a stream of
   * independent draws): querying `[a, c]` after `[a, b]` was rejected still gives the same path. Required
   * by adaptive SDE stepping, which retries rejected steps over shorter intervals.
   * @default false
   */
  readonly queryable?: boolean;
  /** Starts a path for a `[batch, dim]` state on `[t0, t1]`, drawing all randomness from `seeds`. */
  init(args: NoiseInit): S;
  /**
   * The increment over `[t0, t1]` (`t1 < t0` when integrating backward in time): `dW: [batch, dim]` and
   * the new state. For Brownian noise `dW ~ N(0, |t1 − t0|)` per entry. Called inside `tf.tidy`.
   */
  increment(state: S, t0: number, t1: number): { dW: tf.Tensor2D; state: S };
  /** Tensors owned by a state, so the core can keep and dispose them across steps. */
  tensors(state: S): tf.Tensor[];
}

/** Result of one scheme step. */
export interface StepResult<S = unknown> {
  /** State at `t1`: `[batch, n]`. */
  y1: tf.Tensor2D;
  /**
   * Local error estimate `[batch, n]` for adaptive schemes: the difference between the step's solution
   * and an embedded lower-order one. Required when the scheme declares `adaptive: true`.
   */
  error?: tf.Tensor2D;
  /**
   * Scheme state carried to the next accepted step (e.g. the FSAL derivative). The core keeps its tensors
   * (found by {@link Scheme.tensors}) and disposes them when the next state replaces it.
   */
  state?: S;
}

/** What a scheme can integrate: `'ode'` schemes refuse terms with diffusion, `'sde'` schemes require it. */
export type SchemeKind = 'ode' | 'sde';

/**
 * One integration method. Schemes are stateless objects; per-solve state travels through `step`.
 *
 * @example
 * ```ts
 * const explicitEuler: Scheme = {
 *   name: 'my-euler', kind: 'ode', order: 1, stagesPerStep: 1, adaptive: false,
 *   description: 'explicit Euler',
 *   step: (term, t0, t1, y) => ({ y1: tf.add(y, tf.mul(term.drift(t0, y), t1 - t0)) }),
 * };
 * ```
 */
export interface Scheme<S = unknown> {
  /** Registry name (`'rk4'`, `'euler-maruyama'`). */
  readonly name: string;
  /** `'ode'` schemes refuse terms with diffusion; `'sde'` schemes require it. */
  readonly kind: SchemeKind;
  /** Order of convergence (global, for ODE schemes; weak order for SDE schemes). */
  readonly order: number;
  /** Strong order for SDE schemes (for additive noise where it differs, see the description). */
  readonly strongOrder?: number;
  /**
   * Order of the embedded lower-order solution behind `error` (adaptive schemes). The step-size
   * controller uses the exponent `1 / (errorOrder + 1)`.
   * @default order − 1
   */
  readonly errorOrder?: number;
  /** Drift evaluations per step once running (FSAL schemes save one). */
  readonly stagesPerStep: number;
  /** Whether `step` returns an error estimate usable for adaptive step control. */
  readonly adaptive: boolean;
  /** One-line description for listings. */
  readonly description: string;
  /**
   * Advances `y` from `t0` to `t1` (`t1 < t0` backward). `dW` is the noise increment over the step (SDE
   * schemes only). `state` is what the previous accepted step returned (undefined at the first step).
   * Called inside `tf.tidy`; must not read tensors back.
   */
  step(term: Term, t0: number, t1: number, y: tf.Tensor2D, dW: tf.Tensor2D | undefined, state: S | undefined): StepResult<S>;
  /**
   * Tensors owned by a scheme state. Default: every tensor found in the state (a tensor, or arrays and
   * plain objects holding tensors).
   */
  tensors?(state: S): tf.Tensor[];
}

/** Progress reported after each accepted step. */
export interface SolverProgress {
  /** Time reached. */
  t: number;
  /** Size of the accepted step (negative when integrating backward). */
  dt: number;
  /** Fraction of the time span covered, `|t − t0| / |t1 − t0|` in [0, 1]. */
  fraction: number;
  /** Drift evaluations so far. */
  nfe: number;
  acceptedSteps: number;
  rejectedSteps: number;
}

/** Statistics of a solve. */
export interface SolverStats {
  /** Drift evaluations (including those of rejected steps and of the initial-step heuristic). */
  nfe: number;
  /** Diffusion evaluations. */
  nfeDiffusion: number;
  acceptedSteps: number;
  rejectedSteps: number;
  /** Wall time in seconds. */
  seconds: number;
}

/**
 * The result of `integrate`. Owns its tensors: call `dispose()`.
 *
 * @example
 * ```ts
 * const sol = await integrate(term, 'rk4', y0, { steps: 10, saveAt: [0.5, 1] });
 * sol.ts;            // [0.5, 1]
 * sol.ys[0].shape;   // [batch, n]
 * sol.stats.nfe;     // 40 (4 per RK4 step; 0.5 is a grid point, so no extra step)
 * sol.dispose();
 * ```
 */
export interface Solution {
  /** State at the final time `t1`: `[batch, n]`. */
  y: tf.Tensor2D;
  /** Final time (`options.t1`). */
  t: number;
  /** Times of `ys`: the requested save-at times, in integration order. */
  ts: number[];
  /** States at `ts`, each `[batch, n]` and a tensor of its own (empty unless `saveAt` was given). */
  ys: tf.Tensor2D[];
  stats: SolverStats;
  /** Disposes `y` and `ys`. */
  dispose(): void;
}
