/**
 * The contracts of the shared solver core: what is integrated ({@link Term}), what drives the noise
 * ({@link NoiseProcess}), how one step is taken ({@link Scheme}, with its {@link StepContext}), and what comes
 * back ({@link Solution}).
 *
 * State is a float32 tensor `[batch, ...event]` of any rank ≥ 2 (`[batch, n]` vectors, `[batch, h, w, c]`
 * images). The first axis is the batch; everything else is one sample's event. Terms that need extra
 * state (a log-density accumulator, OU factors, a running control cost) carry it as extra entries.
 *
 * Ownership: every tensor a term, scheme or noise process receives is borrowed; every tensor it returns is
 * owned by the caller (the core). All callbacks are synchronous, run inside `tf.tidy`, and must not read
 * tensors back (`dataSync`, `data`, `arraySync`): reading back is the core's job, at boundaries only.
 *
 * Field types are declared with method syntax, so a field annotated with the narrower `tf.Tensor2D`
 * (`(t, y: tf.Tensor2D) => tf.Tensor2D`, the rank-2 contracts of earlier versions) still type-checks.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { SeedStream } from '../random.js';

/**
 * A vector field of the solver state: `(t, y: [batch, ...event]) → [batch, ...event]`. Called inside
 * `tf.tidy` with a plain-number time; a field that needs a time tensor builds it (`tf.fill([batch], t)`).
 */
export type StateField = { field(t: number, y: tf.Tensor): tf.Tensor }['field'];

/**
 * A diagonal diffusion: `(t, y: [batch, ...event]) → g` with `g` broadcastable to the state's shape
 * (`[batch, ...event]`, `[batch, 1, …]`, the event shape, or a scalar), multiplied elementwise with an
 * increment of the state's shape. Called inside `tf.tidy`.
 */
export type DiffusionField = { field(t: number, y: tf.Tensor): tf.Tensor }['field'];

/**
 * The diffusion applied to a noise increment, `g(t, y)·dW` (diffrax's `vf_prod`, torchsde's `g_prod`):
 * `(t, y: [batch, ...event], dW: [batch, ...noiseShape]) → [batch, ...event]`. For a general (non-diagonal)
 * noise, `g` is a linear map from the noise's event to the state's event; the core never forms it. Called
 * inside `tf.tidy`; linear in `dW`.
 */
export type DiffusionProduct = { field(t: number, y: tf.Tensor, dW: tf.Tensor): tf.Tensor }['field'];

/** An energy `U(t, y): [batch, ...event] → [batch]` (one number per sample), for energy-based schemes. */
export type EnergyField = { field(t: number, y: tf.Tensor): tf.Tensor }['field'];

/**
 * How the stochastic integral of an SDE is read: `'ito'` (left-point; Euler–Maruyama converges to it) or
 * `'stratonovich'` (midpoint; stochastic Heun converges to it). The two agree for additive noise (g not
 * depending on y) and differ by the drift ½ g ∂g/∂y otherwise.
 */
export type Calculus = 'ito' | 'stratonovich';

/**
 * What to integrate: `dY = drift(t, Y) dt + g(t, Y)·dW`, with `dW` from `noise`.
 *
 * - An ODE is a term without `diffusion` and `diffusionProd`.
 * - Diagonal noise: `diffusion(t, y)` returns `g` broadcastable to the state's shape, multiplied
 *   elementwise with an increment of the state's shape. A term may restrict noise to some entries by
 *   returning zeros elsewhere.
 * - General noise: `diffusionProd(t, y, dW)` returns `g·dW` directly, for increments of event shape
 *   `noiseShape` that may differ from the state's (an augmented state `[x, y₁…y_K, kl]` driven by one
 *   d-dimensional Brownian motion). A term may give both: schemes use `diffusionProd` for `g·dW` and
 *   `diffusion` where they need `g` itself.
 * - `calculus` says how the SDE is read (default `'ito'`). Which schemes accept the term follows from
 *   what each scheme requires and the term offers: e.g. `'stochastic-heun'` converges to the Stratonovich
 *   solution, so on an Itô term it needs additive noise (`additiveNoise`, see there).
 * - `energy(t, y) → [batch]` serves energy-based schemes (Langevin with Metropolis correction), which
 *   declare `requires.energy`.
 *
 * Integrating backward (`t1 < t0`) takes steps with `dt < 0` and increments `dW` of variance `|dt|`:
 * in reverse time `τ = t0 − t` this solves `dY = −drift dτ + g dW_τ`, which is how a backward SDE
 * (MATH.md §1.4, `dX = b_B dt + √(2ε) dW` run from t = 1 down to 0) is written.
 *
 * @example
 * ```ts
 * // Ornstein–Uhlenbeck dX = −θ X dt + σ dW (diagonal, additive)
 * const ou: Term = { drift: (_t, y) => tf.mul(y, -theta), diffusion: () => tf.scalar(sigma) };
 * // Two states driven by ONE Brownian motion: dx = −a x dt + σ dW, dy = −b y dt + σ dW
 * const shared: Term = {
 *   drift: (_t, y) => tf.mul(y, tf.tensor1d([-a, -b])),
 *   noiseShape: [1],
 *   diffusionProd: (_t, _y, dW) => tf.mul(tf.tile(dW, [1, 2]), sigma), // [batch, 1] → [batch, 2]
 *   additiveNoise: true,
 * };
 * ```
 */
export interface Term {
  /** Drift `f(t, y)`: same shape as `y`. */
  drift: StateField;
  /** Diagonal diffusion `g(t, y)`, broadcastable to the state's shape. Absent for an ODE. */
  diffusion?: DiffusionField;
  /** The product `g(t, y)·dW` for increments of event shape `noiseShape` (general noise). */
  diffusionProd?: DiffusionProduct;
  /**
   * Event shape of the noise increments (the increment is `[batch, ...noiseShape]`). Only with
   * `diffusionProd`; a diagonal `diffusion` always has the state's event shape.
   * @default the state's event shape
   */
  noiseShape?: readonly number[];
  /**
   * How the SDE is read.
   * @default 'ito'
   */
  calculus?: Calculus;
  /**
   * Whether `g` does not depend on the state (additive noise, `g = g(t)`): then Itô and Stratonovich
   * agree and every SDE scheme applies. When omitted it is inferred from a `diffusion` that ignores its
   * state argument (declared with fewer than two parameters, e.g. `(t) => …` or `() => …`), and is false
   * for `diffusionProd` alone.
   */
  additiveNoise?: boolean;
  /** Energy `U(t, y) → [batch]` for energy-based schemes. */
  energy?: EnergyField;
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
  /**
   * Entries of one increment's event: the product of `shape` without the batch axis (the columns of a
   * `[batch, n]` increment). A process that draws `[batch, dim]` increments serves any noise shape: the
   * core reshapes them to `shape`.
   */
  dim: number;
  /**
   * Shape of every increment: `[batch, ...noiseShape]` (always given by the core).
   * @default [batch, dim]
   */
  shape?: readonly number[];
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
 * States are immutable values: `increment` returns a new state and leaves the old one valid, so the core
 * (or a gradient-checkpointing caller) can recompute a segment from a saved state. The built-in processes
 * derive every draw by hashing: {@link brownianMotion}'s k-th increment is a function of (seed, k) alone,
 * {@link brownianPath}'s value at a time is a function of (seed, time).
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
 * const fbm: NoiseProcess<{ ys: tf.Tensor[]; seed: number; k: number }> = {
 *   name: 'fbm-markov',
 *   init: ({ shape, seeds }) => ({ ys: gammas.map(() => tf.zeros(shape)), seed: seeds.next(), k: 0 }),
 *   increment: (state, t0, t1) => { ... return { dW, state: { ys: newYs, seed: state.seed, k: state.k + 1 } }; },
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
  /** Starts a path for increments of shape `args.shape` on `[t0, t1]`, drawing all randomness from `seeds`. */
  init(args: NoiseInit): S;
  /**
   * The increment over `[t0, t1]` (`t1 < t0` when integrating backward in time): `dW` of shape
   * `NoiseInit.shape` (or `[batch, dim]`, reshaped by the core) and the new state. For Brownian noise
   * `dW ~ N(0, |t1 − t0|)` per entry. Called inside `tf.tidy`.
   */
  increment(state: S, t0: number, t1: number): { dW: tf.Tensor; state: S };
  /** Tensors owned by a state, so the core can keep and dispose them across steps. */
  tensors(state: S): tf.Tensor[];
}

/**
 * Seeded random draws for one step attempt ({@link StepContext.random}). The i-th draw of step k uses a
 * seed hashed from (the solve's scheme seed, k, i): a step recomputed from the same inputs draws the same
 * numbers, whatever happened before it.
 */
export interface StepRandom {
  /** Uniform draws in `[min, max)` of the given shape (float32). @default min 0, max 1 */
  uniform(shape: readonly number[], min?: number, max?: number): tf.Tensor;
  /** Normal draws of the given shape (float32). @default mean 0, std 1 */
  normal(shape: readonly number[], mean?: number, std?: number): tf.Tensor;
}

/**
 * What a scheme's `step` receives besides the term, times, state and scheme state (its seventh argument).
 *
 * @example
 * ```ts
 * // A Metropolis-adjusted step: propose with ctx.dW, accept with ctx.random, report the acceptance.
 * step(term, t0, t1, y, _dW, _state, ctx) {
 *   const proposal = ...;                                 // uses ctx.dW and term.energy
 *   const u = ctx.random.uniform([ctx.batch]);
 *   const accept = tf.cast(tf.less(tf.log(u), logRatio), 'float32');   // [batch]
 *   return { y1: ..., summary: { accepted: tf.sum(accept), proposed: tf.scalar(ctx.batch) } };
 * }
 * ```
 */
export interface StepContext {
  /** The noise increment over the step, `[batch, ...noiseShape]` (undefined for terms without noise). */
  readonly dW: tf.Tensor | undefined;
  /** Index of this step attempt, counting rejected adaptive attempts (0 for the first). */
  readonly step: number;
  /** Rows of the state. */
  readonly batch: number;
  /** The state's event shape (`y.shape` without the batch axis). */
  readonly eventShape: readonly number[];
  /**
   * Seeded uniform and normal draws. Available when the scheme declares `requires.randomness` (the solve
   * then needs `options.seed`); calling it otherwise throws.
   */
  readonly random: StepRandom;
}

/** Result of one scheme step. */
export interface StepResult<S = unknown> {
  /** State at `t1`: same shape as `y`. */
  y1: tf.Tensor;
  /**
   * Local error estimate (same shape as `y`) for adaptive schemes: the difference between the step's
   * solution and an embedded lower-order one. Required when the scheme declares `adaptive: true`.
   */
  error?: tf.Tensor;
  /**
   * Scheme state carried to the next accepted step (e.g. the FSAL derivative). The core keeps its tensors
   * (found by {@link Scheme.tensors}) and disposes them when the next state replaces it.
   */
  state?: S;
  /**
   * Running sums to report (e.g. `{ accepted: tf.sum(acceptMask), proposed: tf.scalar(batch) }`): the core
   * adds the tensors of every accepted step key by key (rejected adaptive attempts do not count) and
   * returns the totals as `Solution.stats.scheme`, read back once at the end.
   */
  summary?: Record<string, tf.Tensor>;
}

/** What a scheme can integrate, for listings and as the default of {@link Scheme.requires}. */
export type SchemeKind = 'ode' | 'sde';

/**
 * What a scheme needs from the term and the solve. Compatibility is decided from these and what the term
 * offers, not from `kind` alone. When `requires` is omitted, `kind: 'ode'` means `{ diffusion: 'none' }`
 * and `kind: 'sde'` means `{ diffusion: 'required' }`.
 */
export interface SchemeRequirements {
  /**
   * `'none'`: deterministic terms only; `'required'`: a `diffusion` or `diffusionProd`;
   * `'optional'`: either.
   */
  diffusion?: 'none' | 'required' | 'optional';
  /** Needs `g` itself (`diffusion`), not just `g·dW` (`diffusionProd`). @default false */
  diagonalDiffusion?: boolean;
  /** Needs `term.energy`. @default false */
  energy?: boolean;
  /**
   * The calculus the scheme converges to for state-dependent noise. A term read in another calculus is
   * accepted only when its noise is additive. Omitted: no check.
   */
  calculus?: Calculus;
  /** Draws from `ctx.random` (the solve then needs `options.seed`). @default false */
  randomness?: boolean;
}

/**
 * One integration method. Schemes are stateless objects; per-solve state travels through `step`.
 *
 * Adding a scheme: write `step` for any-rank states (elementwise ops, or reductions over the event axes),
 * apply the noise with `term.diffusionProd!(t, y, dW)`, declare what it needs in `requires` (the core then
 * refuses terms that lack it, with a message), draw randomness only from `ctx.random`, report counts as
 * `summary` tensors, and register it with `registerScheme` to use it by name.
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
  /** `'ode'` or `'sde'`: for listings, and the default of `requires`. */
  readonly kind: SchemeKind;
  /** What the scheme needs from the term (see {@link SchemeRequirements}). @default from `kind` */
  readonly requires?: SchemeRequirements;
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
   * Advances `y: [batch, ...event]` from `t0` to `t1` (`t1 < t0` backward). `dW` is the noise increment
   * over the step (terms with noise only; also `ctx.dW`). `state` is what the previous accepted step
   * returned (undefined at the first step). `ctx` carries the step index, shapes and seeded draws; schemes
   * written for the earlier six-argument signature ignore it and keep working.
   *
   * The term a scheme receives always has `diffusionProd` when it has any noise (built from a diagonal
   * `diffusion` as `g ⊙ dW`), so `term.diffusionProd!(t, y, dW)` is the one way to apply the noise.
   * Called inside `tf.tidy`; must not read tensors back.
   */
  step(term: Term, t0: number, t1: number, y: tf.Tensor, dW: tf.Tensor | undefined, state: S | undefined, ctx: StepContext): StepResult<S>;
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
  /** Diffusion evaluations (`diffusion` and `diffusionProd` calls). */
  nfeDiffusion: number;
  /** Energy evaluations. */
  nfeEnergy: number;
  acceptedSteps: number;
  rejectedSteps: number;
  /** Wall time in seconds. */
  seconds: number;
  /**
   * The scheme's running sums over accepted steps ({@link StepResult.summary}): a number for a scalar
   * sum, an array (flattened) otherwise. Absent when the scheme reports none.
   */
  scheme?: Record<string, number | number[]>;
}

/**
 * The result of `integrate`. Owns its tensors: call `dispose()`. `T` is the type of `y0` (`integrate`
 * infers it: a `Tensor4D` in, a `Tensor4D` out); the bare name `Solution` means `Solution<tf.Tensor2D>`,
 * as it did when states were `[batch, n]` only.
 *
 * @example
 * ```ts
 * const sol = await integrate(term, 'rk4', y0, { steps: 10, saveAt: [0.5, 1] });
 * sol.ts;            // [0.5, 1]
 * sol.ys[0].shape;   // the shape of y0
 * sol.stats.nfe;     // 40 (4 per RK4 step; 0.5 is a grid point, so no extra step)
 * sol.dispose();
 * ```
 */
export interface Solution<T extends tf.Tensor = tf.Tensor2D> {
  /** State at the final time `t1`: the shape of `y0`. */
  y: T;
  /** Final time (`options.t1`). */
  t: number;
  /** Times of `ys`: the requested save-at times, in integration order. */
  ts: number[];
  /** States at `ts`, each the shape of `y0` and a tensor of its own (empty unless `saveAt` was given). */
  ys: T[];
  stats: SolverStats;
  /** Disposes `y` and `ys`. */
  dispose(): void;
}
