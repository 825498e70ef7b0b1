/**
 * The options of `integrate` and their validation into a plan that the step loop runs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { SeedStream } from '../random.js';
import { brownianMotion } from './brownian.js';
import { brownianPath } from './brownian-path.js';
import { assertCompatible, resolveScheme } from './compatibility.js';
import { checkNoiseProcess } from './scheme-validation.js';
import { resolveAdaptiveOptions } from './step-control.js';
import type { AdaptiveOptions, ResolvedAdaptiveOptions } from './step-control.js';
import { checkFieldOutput } from './tensors.js';
import { checkMonotone, mergeSaveTimes, readTimes } from './time-grid.js';
import type { DiffusionField, NoiseProcess, Scheme, SolverProgress, StateField, Term } from './types.js';

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
   * Seed (integer) or seed stream for the noise; required when the term has a diffusion, ignored for
   * ODEs. Same seed, same noise, same result.
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
  diffusion: number;
}

/** A validated solve, ready for the step loop. */
export interface Plan {
  /** Public function name for messages. */
  fn: string;
  /** The user's term wrapped to count evaluations and check output shapes. */
  term: Term;
  counters: EvaluationCounters;
  scheme: Scheme;
  y0: tf.Tensor2D;
  t0: number;
  t1: number;
  /** Fixed steps: the merged grid and the grid index of every save time. */
  fixed?: { times: number[]; saveIndex: number[] };
  /** Adaptive steps: the resolved controller options. */
  adaptive?: ResolvedAdaptiveOptions;
  /** Save-at times in integration order. */
  saveAt: number[];
  /** Noise process and seeds (terms with diffusion only). */
  noise?: NoiseProcess;
  seeds?: SeedStream;
  progress?: (progress: SolverProgress) => void;
  signal?: AbortSignal;
  checkFinite: boolean;
}

function checkTerm(fn: string, term: unknown): Term {
  const t = term as Partial<Term> | null;
  if (typeof t !== 'object' || t === null || typeof t.drift !== 'function') {
    throw new ArgumentError(fn, 'term', 'an object { drift, diffusion?, noise? } with a drift function', describeValue(term));
  }
  if (t.diffusion !== undefined && typeof t.diffusion !== 'function') {
    throw new ArgumentError(fn, 'term.diffusion', 'a function (t, y) => tensor, or undefined for an ODE', describeValue(t.diffusion));
  }
  if (t.noise !== undefined) checkNoiseProcess(fn, 'term.noise', t.noise);
  return t as Term;
}

/** Checks `y0`: a float32 Tensor2D (finiteness is checked by the loop with one read-back). */
export function checkState(fn: string, y0: unknown, arg = 'y0'): tf.Tensor2D {
  const ok = y0 instanceof tf.Tensor && y0.rank === 2 && y0.dtype === 'float32' && !y0.isDisposed && y0.shape[0]! > 0 && y0.shape[1]! > 0;
  if (!ok) {
    const got = y0 instanceof tf.Tensor && y0.isDisposed ? 'a disposed tensor' : describeValue(y0);
    throw new ArgumentError(fn, arg, 'a float32 Tensor2D [batch, n] with batch, n >= 1 and finite values', got);
  }
  return y0 as tf.Tensor2D;
}

function wrapTerm(fn: string, term: Term, shape: [number, number], counters: EvaluationCounters): Term {
  const drift: StateField = (t, y) => {
    counters.drift++;
    const out = term.drift(t, y);
    checkFieldOutput(fn, 'term.drift', out, shape, true);
    return out;
  };
  const userDiffusion = term.diffusion;
  const diffusion: DiffusionField | undefined =
    userDiffusion === undefined
      ? undefined
      : (t, y) => {
          counters.diffusion++;
          const out = userDiffusion.call(term, t, y);
          checkFieldOutput(fn, 'term.diffusion', out, shape, false);
          return out;
        };
  return diffusion === undefined ? { drift, noise: term.noise } : { drift, diffusion, noise: term.noise };
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

  let noise: NoiseProcess | undefined;
  let seeds: SeedStream | undefined;
  if (userTerm.diffusion !== undefined) {
    if (o.noise !== undefined) noise = checkNoiseProcess(fn, 'options.noise', o.noise);
    noise ??= userTerm.noise ?? (adaptive !== undefined ? brownianPath() : brownianMotion());
    if (o.seed instanceof SeedStream) {
      seeds = o.seed;
    } else if (o.seed === undefined) {
      throw new ArgumentError(fn, 'options.seed', 'an integer or a SeedStream (the term has a diffusion; all noise is drawn from the seed)', 'undefined');
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

  const counters: EvaluationCounters = { drift: 0, diffusion: 0 };
  const shape: [number, number] = [y.shape[0], y.shape[1]];
  return {
    fn,
    term: wrapTerm(fn, userTerm, shape, counters),
    counters,
    scheme: resolved,
    y0: y,
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
