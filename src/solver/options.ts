/**
 * The options of `integrate` and their validation into a plan that the step loop runs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { SeedStream } from '../random.js';
import { brownianMotion } from './brownian.js';
import { brownianPath } from './brownian-path.js';
import { assertCompatible, resolveScheme, schemeRequirements } from './compatibility.js';
import { checkNoiseProcess } from './scheme-validation.js';
import { resolveAdaptiveOptions } from './step-control.js';
import type { AdaptiveOptions, ResolvedAdaptiveOptions } from './step-control.js';
import { checkFieldOutput } from './tensors.js';
import { checkMonotone, mergeSaveTimes, readTimes } from './time-grid.js';
import type { DiffusionField, DiffusionProduct, EnergyField, NoiseProcess, Scheme, SolverProgress, StateField, Term } from './types.js';

/**
 * Options of `integrate` / `integrateSync`. Give exactly one of `steps`, `grid` or `adaptive`.
 *
 * @example
 * ```ts
 * { t0: 1, t1: 0, steps: 100 }                                    // fixed, backward
 * { grid: uniformGrid({ steps: 100, tMin: 1e-3 }), seed: 7 }      // fixed on [1e-3, 1 − 1e-3], SDE
 * { adaptive: { rtol: 1e-4, atol: 1e-6 }, saveAt: [0.25, 0.5, 1] } // adaptive with outputs
 * ```
 */
export interface IntegrateOptions {
  /**
   * Start time (with `grid`: defaults to `grid[0]` and must equal it if given).
   * @default 0
   */
  t0?: number;
  /**
   * End time; `t1 < t0` integrates backward (e.g. 1 → 0). Must differ from `t0`.
   * @default 1
   */
  t1?: number;
  /** Fixed steps on the uniform grid `t0 + (t1 − t0)·k/steps`; a positive integer. */
  steps?: number;
  /**
   * Fixed steps on a user grid: at least two times, strictly monotone in the direction of integration,
   * first = t0 and last = t1. {@link uniformGrid} builds uniform grids with `[tMin, 1 − tMin]` clipping.
   */
  grid?: ArrayLike<number>;
  /**
   * Adaptive steps with an error-estimating scheme (`'dopri5'`, `'heun'`, `'midpoint'`,
   * `'stochastic-heun'`): `true` for the defaults, or tolerances and controller settings.
   */
  adaptive?: boolean | AdaptiveOptions;
  /**
   * Times at which to return the state (`Solution.ts`, `Solution.ys`), within [t0, t1] and strictly
   * monotone in the direction of integration. Fixed grids: a save time that is not a grid point splits
   * the step that crosses it in two (one extra step per such time). Adaptive: steps are shortened to land
   * on every save time exactly (no interpolation), and the controller resumes its previous step size.
   * @default []
   */
  saveAt?: ArrayLike<number>;
  /**
   * Seed (integer) or seed stream for the noise and the scheme's draws; required when the term has a
   * diffusion or the scheme draws random numbers (`requires.randomness`), ignored otherwise. Same seed, same
   * noise, same result. One seed is taken from the stream for the noise, then one for the scheme's draws.
   */
  seed?: number | SeedStream;
  /**
   * Noise process driving the diffusion, overriding `term.noise` (ignored for ODE terms).
   * @default term.noise, else brownianMotion() (fixed steps) or brownianPath() (adaptive steps)
   */
  noise?: NoiseProcess;
  /** Called after every accepted step (synchronously, between steps). */
  progress?: (progress: SolverProgress) => void;
  /**
   * Cancels the solve: `integrate` rejects with an `AbortError` naming the function and the time
   * reached. Checked between steps; the async driver yields to the event loop every ~20 ms so that
   * timers and I/O can abort a long run.
   */
  signal?: AbortSignal;
  /**
   * Check that `y0` is finite before starting and the final state after finishing (one scalar read-back
   * each). Turn off inside hot training loops; adaptive steps always notice non-finite states through
   * their error norm.
   * @default true
   */
  checkFinite?: boolean;
}

const KNOWN_OPTIONS = new Set(['t0', 't1', 'steps', 'grid', 'adaptive', 'saveAt', 'seed', 'noise', 'progress', 'signal', 'checkFinite']);

/** Counters of field evaluations, shared between the wrapped term and the loop. */
export interface EvaluationCounters {
  drift: number;
  /** `diffusion` and `diffusionProd` calls. */
  diffusion: number;
  energy: number;
}

/** A validated solve, ready for the step loop. */
export interface Plan {
  /** Public function name for messages. */
  fn: string;
  /** The user's term wrapped to count evaluations and check output shapes. */
  term: Term;
  counters: EvaluationCounters;
  scheme: Scheme;
  y0: tf.Tensor;
  /** Shape of every noise increment, `[batch, ...noiseShape]` (terms with noise only). */
  noiseShape?: number[];
  /** Whether the scheme draws from `ctx.random` (a seed is then taken for it). */
  schemeRandomness: boolean;
  t0: number;
  t1: number;
  /** Fixed steps: the merged grid and the grid index of every save time. */
  fixed?: { times: number[]; saveIndex: number[] };
  /** Adaptive steps: the resolved controller options. */
  adaptive?: ResolvedAdaptiveOptions;
  /** Save-at times in integration order. */
  saveAt: number[];
  /** Noise process (terms with noise only) and seeds (with noise or a scheme that draws). */
  noise?: NoiseProcess;
  seeds?: SeedStream;
  progress?: (progress: SolverProgress) => void;
  signal?: AbortSignal;
  checkFinite: boolean;
}

function checkTerm(fn: string, term: unknown): Term {
  const t = term as Partial<Term> | null;
  if (typeof t !== 'object' || t === null || typeof t.drift !== 'function') {
    throw new ArgumentError(fn, 'term', 'an object { drift, diffusion?, diffusionProd?, noise? } with a drift function', describeValue(term));
  }
  for (const key of ['diffusion', 'diffusionProd', 'energy'] as const) {
    if (t[key] !== undefined && typeof t[key] !== 'function') {
      throw new ArgumentError(fn, `term.${key}`, 'a function, or undefined', describeValue(t[key]));
    }
  }
  if (t.calculus !== undefined && t.calculus !== 'ito' && t.calculus !== 'stratonovich') {
    throw new ArgumentError(fn, 'term.calculus', "'ito' or 'stratonovich'", describeValue(t.calculus));
  }
  if (t.additiveNoise !== undefined && typeof t.additiveNoise !== 'boolean') {
    throw new ArgumentError(fn, 'term.additiveNoise', 'a boolean', describeValue(t.additiveNoise));
  }
  if (t.noiseShape !== undefined) {
    const ns = t.noiseShape as unknown;
    if (!Array.isArray(ns) || !ns.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new ArgumentError(fn, 'term.noiseShape', 'an array of positive integers (the event shape of dW)', describeValue(ns));
    }
    if (t.diffusionProd === undefined) {
      throw new ArgumentError(fn, 'term.noiseShape', 'only with term.diffusionProd (a diagonal diffusion has the state\'s noise shape)', describeValue(ns));
    }
  }
  if (t.noise !== undefined) checkNoiseProcess(fn, 'term.noise', t.noise);
  return t as Term;
}

/** Checks `y0`: a float32 tensor `[batch, ...event]` of rank ≥ 2 (finiteness is checked by the loop with one read-back). */
export function checkState(fn: string, y0: unknown, arg = 'y0'): tf.Tensor {
  const ok = y0 instanceof tf.Tensor && y0.rank >= 2 && y0.dtype === 'float32' && !y0.isDisposed && y0.shape.every((d: number) => d > 0);
  if (!ok) {
    const got = y0 instanceof tf.Tensor && y0.isDisposed ? 'a disposed tensor' : describeValue(y0);
    throw new ArgumentError(fn, arg, 'a float32 Tensor2D [batch, n] or a higher-rank [batch, ...event] tensor, with every size >= 1 and finite values', got);
  }
  return y0;
}

function wrapTerm(fn: string, term: Term, shape: readonly number[], noiseShape: readonly number[] | undefined, counters: EvaluationCounters): Term {
  const drift: StateField = (t, y) => {
    counters.drift++;
    const out = term.drift(t, y);
    checkFieldOutput(fn, 'term.drift', out, shape, true);
    return out;
  };
  const wrapped: Term = { drift, noise: term.noise };
  const userDiffusion = term.diffusion;
  if (userDiffusion !== undefined) {
    const diffusion: DiffusionField = (t, y) => {
      counters.diffusion++;
      const out = userDiffusion.call(term, t, y);
      checkFieldOutput(fn, 'term.diffusion', out, shape, false);
      return out;
    };
    wrapped.diffusion = diffusion;
  }
  const userProd = term.diffusionProd;
  if (userProd !== undefined) {
    const diffusionProd: DiffusionProduct = (t, y, dW) => {
      counters.diffusion++;
      const out = userProd.call(term, t, y, dW);
      checkFieldOutput(fn, 'term.diffusionProd', out, shape, true);
      return out;
    };
    wrapped.diffusionProd = diffusionProd;
  } else if (wrapped.diffusion !== undefined) {
    const diagonal = wrapped.diffusion;
    wrapped.diffusionProd = (t, y, dW) => tf.mul(diagonal(t, y), dW);
  }
  if (noiseShape !== undefined) wrapped.noiseShape = noiseShape.slice(1);
  if (term.calculus !== undefined) wrapped.calculus = term.calculus;
  if (term.additiveNoise !== undefined) wrapped.additiveNoise = term.additiveNoise;
  const userEnergy = term.energy;
  if (userEnergy !== undefined) {
    const energy: EnergyField = (t, y) => {
      counters.energy++;
      const out = userEnergy.call(term, t, y);
      checkFieldOutput(fn, 'term.energy', out, [shape[0]!], true, 'one energy per row of y');
      return out;
    };
    wrapped.energy = energy;
  }
  return wrapped;
}

/**
 * Validates everything `integrate` receives and resolves the defaults. Throws {@link ArgumentError}
 * naming the argument; nothing has been computed when it throws.
 */
export function preparePlan(fn: string, term: unknown, scheme: unknown, y0: unknown, options: unknown): Plan {
  const userTerm = checkTerm(fn, term);
  const resolved = resolveScheme(fn, scheme as Scheme | string);
  const y = checkState(fn, y0);
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new ArgumentError(fn, 'options', 'an options object', describeValue(options));
  }
  const o = (options ?? {}) as IntegrateOptions;
  for (const key of Object.keys(o)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new ArgumentError(fn, `options.${key}`, `one of the known options (${[...KNOWN_OPTIONS].join(', ')})`, 'an unknown option');
    }
  }

  const adaptiveGiven = o.adaptive !== undefined && o.adaptive !== false;
  const given = [o.steps !== undefined && 'steps', o.grid !== undefined && 'grid', adaptiveGiven && 'adaptive'].filter(Boolean);
  if (given.length !== 1) {
    throw new ArgumentError(
      fn,
      'options',
      'exactly one of options.steps (uniform grid), options.grid (user grid) or options.adaptive',
      given.length === 0 ? 'none of them' : given.join(' and '),
    );
  }
  if (o.adaptive !== undefined && typeof o.adaptive !== 'boolean' && (typeof o.adaptive !== 'object' || o.adaptive === null)) {
    throw new ArgumentError(fn, 'options.adaptive', 'a boolean or an options object', describeValue(o.adaptive));
  }

  let grid: number[] | undefined;
  let t0: number;
  let t1: number;
  if (o.grid !== undefined) {
    grid = readTimes(fn, 'options.grid', o.grid, 2);
    t0 = grid[0]!;
    t1 = grid[grid.length - 1]!;
    if (o.t0 !== undefined && checkNumber(fn, 'options.t0', o.t0) !== t0) {
      throw new ArgumentError(fn, 'options.grid', `a grid starting at options.t0 = ${o.t0}`, `one starting at ${t0}`);
    }
    if (o.t1 !== undefined && checkNumber(fn, 'options.t1', o.t1) !== t1) {
      throw new ArgumentError(fn, 'options.grid', `a grid ending at options.t1 = ${o.t1}`, `one ending at ${t1}`);
    }
    if (t0 === t1) throw new ArgumentError(fn, 'options.grid', 'a grid whose first and last times differ', describeValue(grid));
    checkMonotone(fn, 'options.grid', grid, Math.sign(t1 - t0));
  } else {
    t0 = checkNumber(fn, 'options.t0', o.t0 ?? 0);
    t1 = checkNumber(fn, 'options.t1', o.t1 ?? 1);
    if (t0 === t1) throw new ArgumentError(fn, 'options.t1', `a time different from options.t0 = ${t0}`, describeValue(t1));
  }
  const sign = Math.sign(t1 - t0);
  const span = Math.abs(t1 - t0);
  if (o.steps !== undefined) {
    const steps = checkNumber(fn, 'options.steps', o.steps, { integer: true, min: 1 });
    grid = Array.from({ length: steps + 1 }, (_, k) => (k === steps ? t1 : t0 + ((t1 - t0) * k) / steps));
  }

  const saveAt = o.saveAt === undefined ? [] : readTimes(fn, 'options.saveAt', o.saveAt, 0);
  saveAt.forEach((s, i) => {
    if ((s - t0) * sign < 0 || (t1 - s) * sign < 0) {
      throw new ArgumentError(fn, `options.saveAt[${i}]`, `a time within [${Math.min(t0, t1)}, ${Math.max(t0, t1)}]`, describeValue(s));
    }
  });
  checkMonotone(fn, 'options.saveAt', saveAt, sign);

  const adaptive = adaptiveGiven ? resolveAdaptiveOptions(fn, o.adaptive as true | AdaptiveOptions, span) : undefined;

  const needs = schemeRequirements(resolved);
  const hasNoise = userTerm.diffusion !== undefined || userTerm.diffusionProd !== undefined;
  let noise: NoiseProcess | undefined;
  let seeds: SeedStream | undefined;
  if (hasNoise) {
    if (o.noise !== undefined) noise = checkNoiseProcess(fn, 'options.noise', o.noise);
    noise ??= userTerm.noise ?? (adaptive !== undefined ? brownianPath() : brownianMotion());
  }
  if (hasNoise || needs.randomness) {
    if (o.seed instanceof SeedStream) {
      seeds = o.seed;
    } else if (o.seed === undefined) {
      const why = hasNoise ? 'the term has a diffusion' : `scheme '${resolved.name}' draws random numbers`;
      throw new ArgumentError(fn, 'options.seed', `an integer or a SeedStream (${why}; all noise is drawn from the seed)`, 'undefined');
    } else {
      seeds = new SeedStream(checkNumber(fn, 'options.seed', o.seed, { integer: true }));
    }
  } else if (o.seed !== undefined && !(o.seed instanceof SeedStream)) {
    checkNumber(fn, 'options.seed', o.seed, { integer: true });
  }
  if (o.progress !== undefined && typeof o.progress !== 'function') {
    throw new ArgumentError(fn, 'options.progress', 'a function (progress) => void', describeValue(o.progress));
  }
  if (o.signal !== undefined && (typeof o.signal !== 'object' || o.signal === null || typeof o.signal.aborted !== 'boolean')) {
    throw new ArgumentError(fn, 'options.signal', 'an AbortSignal', describeValue(o.signal));
  }
  if (o.checkFinite !== undefined && typeof o.checkFinite !== 'boolean') {
    throw new ArgumentError(fn, 'options.checkFinite', 'a boolean', describeValue(o.checkFinite));
  }

  assertCompatible(fn, userTerm, resolved, { adaptive: adaptive !== undefined, noise });

  const counters: EvaluationCounters = { drift: 0, diffusion: 0, energy: 0 };
  const shape = y.shape;
  let noiseShape: number[] | undefined;
  if (hasNoise) {
    const event = userTerm.noiseShape ?? shape.slice(1);
    if (userTerm.diffusion !== undefined && (event.length !== shape.length - 1 || event.some((d, i) => d !== shape[i + 1]))) {
      throw new ArgumentError(
        fn,
        'term.noiseShape',
        `the state's event shape [${shape.slice(1).join(', ')}] when the term has a diagonal diffusion (g ⊙ dW needs dW shaped like y)`,
        `[${event.join(', ')}]`,
      );
    }
    noiseShape = [shape[0]!, ...event];
  }
  return {
    fn,
    term: wrapTerm(fn, userTerm, shape, noiseShape, counters),
    counters,
    scheme: resolved,
    y0: y,
    noiseShape,
    schemeRandomness: needs.randomness,
    t0,
    t1,
    fixed: grid === undefined ? undefined : mergeSaveTimes(grid, saveAt),
    adaptive,
    saveAt,
    noise,
    seeds,
    progress: o.progress,
    signal: o.signal,
    checkFinite: o.checkFinite ?? true,
  };
}
