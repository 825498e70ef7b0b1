/**
 * Adaptive step-size control: tolerances, the scaled error norm, the PI controller and the initial-step
 * heuristic.
 *
 * A step of size h is accepted when its scaled error norm
 *   E = norm( err / (atol + rtol · max(|y0|, |y1|)) )
 * is ≤ 1. The next step is h · fac with the PI controller (Gustafsson; Hairer–Wanner II §IV.2)
 *   fac = safety · E_n^(−beta1/k) · E_{n−1}^(beta2/k),   k = errorOrder + 1,
 * clamped to [minFactor, maxFactor] (to [minFactor, 1] right after a rejection). A rejected step is retried
 * with h · max(minFactor, safety · E^(−1/k)).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, checkOneOf, describeValue } from '../errors.js';
import { flattenEvent } from '../shapes.js';

/** Norms of the scaled error. */
export const ERROR_NORMS = ['rms', 'max'] as const;

/**
 * Options of adaptive stepping (`integrate`'s `adaptive` option).
 *
 * @example
 * ```ts
 * await integrate(term, 'dopri5', y0, { adaptive: { rtol: 1e-4, atol: 1e-6, maxSteps: 500 } });
 * ```
 */
export interface AdaptiveOptions {
  /**
   * Relative tolerance (> 0). float32 states cannot honour much below 1e-6.
   * @default 1e-3
   */
  rtol?: number;
  /**
   * Absolute tolerance (≥ 0).
   * @default 1e-6
   */
  atol?: number;
  /**
   * First step size (> 0, unsigned). When omitted it is chosen by the Hairer–Wanner heuristic from
   * `|y0|`, `|f(t0, y0)|` and one trial Euler step (two extra drift evaluations, one read-back).
   */
  dt0?: number;
  /**
   * Smallest step size allowed (> 0, unsigned); proposing a smaller step raises a `SolverError` (reason
   * `'step-underflow'`). Steps shortened to land on `t1` or a save-at time do not count.
   * @default 1e-10 · |t1 − t0|
   */
  minStep?: number;
  /**
   * Largest step size (> 0, unsigned).
   * @default |t1 − t0|
   */
  maxStep?: number;
  /**
   * Most step attempts (accepted + rejected); reaching it raises a `SolverError` (reason `'max-steps'`).
   * @default 10000
   */
  maxSteps?: number;
  /**
   * Safety factor applied to every proposed step, in (0, 1].
   * @default 0.9
   */
  safety?: number;
  /**
   * Smallest factor by which a step may shrink, in (0, 1).
   * @default 0.2
   */
  minFactor?: number;
  /**
   * Largest factor by which a step may grow, > 1.
   * @default 10
   */
  maxFactor?: number;
  /**
   * Proportional exponent of the PI controller (times 1/k). `beta1 = 1, beta2 = 0` is the classical
   * I controller.
   * @default 0.7
   */
  beta1?: number;
  /**
   * Integral exponent of the PI controller (times 1/k) applied to the previous accepted error.
   * @default 0.4
   */
  beta2?: number;
  /**
   * How the `[batch, ...event]` scaled error becomes one number: `'rms'` over all entries (the batch is one
   * big system), or `'max'` over rows of each row's RMS over its event (every sample meets the tolerance).
   * @default 'rms'
   */
  norm?: (typeof ERROR_NORMS)[number];
}

/** Adaptive options with every default filled in. */
export interface ResolvedAdaptiveOptions {
  rtol: number;
  atol: number;
  dt0: number | undefined;
  minStep: number;
  maxStep: number;
  maxSteps: number;
  safety: number;
  minFactor: number;
  maxFactor: number;
  beta1: number;
  beta2: number;
  norm: (typeof ERROR_NORMS)[number];
}

const KNOWN_KEYS = new Set([
  'rtol', 'atol', 'dt0', 'minStep', 'maxStep', 'maxSteps', 'safety', 'minFactor', 'maxFactor', 'beta1', 'beta2', 'norm',
]);

/** Validates `adaptive` (true or an options object) for a solve over `span = |t1 − t0|`. */
export function resolveAdaptiveOptions(fn: string, value: true | AdaptiveOptions, span: number): ResolvedAdaptiveOptions {
  const o: AdaptiveOptions = value === true ? {} : value;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    throw new ArgumentError(fn, 'options.adaptive', 'true or an object { rtol, atol, dt0, minStep, maxSteps, ... }', describeValue(value));
  }
  for (const key of Object.keys(o)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new ArgumentError(fn, `options.adaptive.${key}`, `one of the known keys (${[...KNOWN_KEYS].join(', ')})`, 'an unknown key');
    }
  }
  const arg = (k: string) => `options.adaptive.${k}`;
  const rtol = checkNumber(fn, arg('rtol'), o.rtol ?? 1e-3, { min: 0, exclusiveMin: true });
  const atol = checkNumber(fn, arg('atol'), o.atol ?? 1e-6, { min: 0 });
  const dt0 = o.dt0 === undefined ? undefined : checkNumber(fn, arg('dt0'), o.dt0, { min: 0, exclusiveMin: true });
  const minStep = checkNumber(fn, arg('minStep'), o.minStep ?? 1e-10 * span, { min: 0, exclusiveMin: true });
  const maxStep = checkNumber(fn, arg('maxStep'), o.maxStep ?? span, { min: 0, exclusiveMin: true });
  if (maxStep < minStep) {
    throw new ArgumentError(fn, arg('maxStep'), `>= options.adaptive.minStep = ${minStep}`, describeValue(maxStep));
  }
  const maxSteps = checkNumber(fn, arg('maxSteps'), o.maxSteps ?? 10_000, { integer: true, min: 1 });
  const safety = checkNumber(fn, arg('safety'), o.safety ?? 0.9, { min: 0, exclusiveMin: true, max: 1 });
  const minFactor = checkNumber(fn, arg('minFactor'), o.minFactor ?? 0.2, { min: 0, exclusiveMin: true });
  if (minFactor >= 1) throw new ArgumentError(fn, arg('minFactor'), 'a finite number in (0, 1)', describeValue(minFactor));
  const maxFactor = checkNumber(fn, arg('maxFactor'), o.maxFactor ?? 10, { min: 1, exclusiveMin: true });
  const beta1 = checkNumber(fn, arg('beta1'), o.beta1 ?? 0.7, { min: 0, exclusiveMin: true });
  const beta2 = checkNumber(fn, arg('beta2'), o.beta2 ?? 0.4, { min: 0 });
  const norm = checkOneOf(fn, arg('norm'), o.norm ?? 'rms', ERROR_NORMS);
  return { rtol, atol, dt0, minStep, maxStep, maxSteps, safety, minFactor, maxFactor, beta1, beta2, norm };
}

/**
 * The scaled error norm as a scalar tensor (NaN when anything is non-finite). Call inside `tf.tidy`.
 * States of any rank are viewed as `[batch, eventSize]` first, so an image-shaped state gives exactly the
 * norm of its flattened twin.
 *
 * @param error - local error estimate `[batch, ...event]`
 * @param y0 - state at the start of the step `[batch, ...event]`
 * @param y1 - state at the end of the step `[batch, ...event]`
 */
export function scaledErrorNorm(
  errorAnyRank: tf.Tensor,
  y0AnyRank: tf.Tensor,
  y1AnyRank: tf.Tensor,
  { rtol, atol, norm }: Pick<ResolvedAdaptiveOptions, 'rtol' | 'atol' | 'norm'>,
): tf.Scalar {
  const [error, y0, y1] = [flattenEvent(errorAnyRank), flattenEvent(y0AnyRank), flattenEvent(y1AnyRank)];
  const scale = tf.add(tf.mul(tf.maximum(tf.abs(y0), tf.abs(y1)), rtol), atol);
  const squared = tf.square(tf.div(error, scale));
  // y1·0 turns an infinite or NaN state into NaN in the norm even when the error estimate is finite.
  const poison = tf.sum(tf.mul(y1, 0));
  const value = norm === 'rms' ? tf.sqrt(tf.mean(squared)) : tf.sqrt(tf.max(tf.mean(squared, 1)));
  return tf.add(value, poison);
}

/** The PI controller's state and decisions (plain numbers; no tensors). */
export class PIController {
  private readonly k: number;
  private previousError = 1;
  private justRejected = false;

  /**
   * @param options - resolved adaptive options
   * @param errorOrder - order of the scheme's embedded solution (k = errorOrder + 1)
   */
  constructor(
    private readonly options: ResolvedAdaptiveOptions,
    errorOrder: number,
  ) {
    this.k = errorOrder + 1;
  }

  /** Whether a step with scaled error `error` is accepted (NaN is rejected). */
  accepts(error: number): boolean {
    return error <= 1;
  }

  /** Factor for the next step after an accepted step with scaled error `error`. */
  afterAccept(error: number): number {
    const { safety, minFactor, maxFactor, beta1, beta2 } = this.options;
    const e = Math.max(error, 1e-10);
    let factor = safety * Math.pow(e, -beta1 / this.k) * Math.pow(this.previousError, beta2 / this.k);
    factor = Math.min(Math.max(factor, minFactor), this.justRejected ? 1 : maxFactor);
    this.previousError = Math.max(error, 1e-4);
    this.justRejected = false;
    return factor;
  }

  /** Factor for the retry after a rejected step with scaled error `error` (NaN: shrink the most). */
  afterReject(error: number): number {
    const { safety, minFactor } = this.options;
    this.justRejected = true;
    if (!Number.isFinite(error)) return minFactor;
    return Math.min(Math.max(safety * Math.pow(error, -1 / this.k), minFactor), safety);
  }
}

/**
 * Hairer–Wanner's initial step (Solving ODEs I, §II.4): with `d0 = ‖y0‖`, `d1 = ‖f(t0, y0)‖` scaled by the
 * tolerances, `h0 = 0.01·d0/d1`; one explicit Euler step of size h0 gives `d2 = ‖f(t0 + h0, y1) − f0‖/h0`,
 * and `h1 = (0.01 / max(d1, d2))^(1/(order+1))`; the result is `min(100·h0, h1)`.
 *
 * The tensor part: returns `[d0, d1]` and, given h0, `d2` as tensors so the caller can read them at its
 * boundary. Call inside `tf.tidy`.
 */
export function initialStepNorms(
  y0AnyRank: tf.Tensor,
  f0AnyRank: tf.Tensor,
  { rtol, atol }: Pick<ResolvedAdaptiveOptions, 'rtol' | 'atol'>,
): tf.Tensor1D {
  const [y0, f0] = [flattenEvent(y0AnyRank), flattenEvent(f0AnyRank)];
  const scale = tf.add(tf.mul(tf.abs(y0), rtol), atol);
  const rms = (x: tf.Tensor) => tf.sqrt(tf.mean(tf.square(tf.div(x, scale))));
  return tf.stack([rms(y0), rms(f0)]) as tf.Tensor1D;
}

/** `‖(f1 − f0)/h0‖` scaled like {@link initialStepNorms}. Call inside `tf.tidy`. */
export function initialStepCurvature(
  y0AnyRank: tf.Tensor,
  f0AnyRank: tf.Tensor,
  f1AnyRank: tf.Tensor,
  h0: number,
  { rtol, atol }: Pick<ResolvedAdaptiveOptions, 'rtol' | 'atol'>,
): tf.Scalar {
  const [y0, f0, f1] = [flattenEvent(y0AnyRank), flattenEvent(f0AnyRank), flattenEvent(f1AnyRank)];
  const scale = tf.add(tf.mul(tf.abs(y0), rtol), atol);
  return tf.div(tf.sqrt(tf.mean(tf.square(tf.div(tf.sub(f1, f0), scale)))), Math.abs(h0));
}

/** First trial step `h0` from `d0 = ‖y0‖`, `d1 = ‖f0‖` (unsigned). */
export function initialTrialStep(d0: number, d1: number): number {
  return d0 < 1e-5 || d1 < 1e-5 || !Number.isFinite(d0) || !Number.isFinite(d1) ? 1e-6 : 0.01 * (d0 / d1);
}

/** Initial step (unsigned) from the heuristic's three norms and the method's order. */
export function initialStepFromNorms(h0: number, d1: number, d2: number, order: number): number {
  const m = Math.max(d1, d2);
  const h1 = !Number.isFinite(m) ? h0 : m <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / m, 1 / (order + 1));
  return Math.min(100 * h0, h1);
}
