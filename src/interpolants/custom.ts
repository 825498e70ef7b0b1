/**
 * Custom γ options and custom interpolants from user-supplied float64 functions, validated up front:
 * boundary conditions at t = 0 and 1, derivatives against finite differences at interior points, and finite
 * products αα̇, ββ̇, γγ̇ at the ends.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import type { GammaSchedule, GammaValues, SingularEnds } from './gamma.js';
import {
  checkBoundary,
  checkDerivative,
  checkFunction,
  checkProduct,
  DEFAULT_DERIVATIVE_TOLERANCE,
  finiteValue,
} from './numeric-checks.js';
import { gammaFromOptions, type InterpolantOptions } from './options.js';
import { requireZeroGamma, SpatiallyLinearInterpolant } from './spatially-linear.js';
import type { InterpolantCoefficients } from './types.js';
import { checkTensor1D } from './validate.js';

type NumberFn = (t: number) => number;

/** Options of {@link customGamma}. */
export interface CustomGammaOptions {
  /** Name shown in messages. @default 'custom' */
  name?: string;
  /** γ(t), with γ(0) = γ(1) = 0 and γ ≥ 0. */
  gamma: NumberFn;
  /** γ̇(t); may be ±Infinity at t = 0 or 1 (then give `gammaDGamma`). */
  dGamma: NumberFn;
  /** Closed form of γγ̇; required when γ(0)·γ̇(0) or γ(1)·γ̇(1) is not finite. @default γ(t)·γ̇(t) */
  gammaDGamma?: NumberFn;
  /** Relative tolerance of the finite-difference check of γ̇. @default 1e-6 */
  tolerance?: number;
}

/** Options of {@link customInterpolant} (and of `makeInterpolant('custom', …)`). */
export interface CustomInterpolantOptions extends InterpolantOptions {
  /** Name shown in messages and as {@link Interpolant.name}. @default 'custom' */
  name?: string;
  /** α(t), with α(0) = 1, α(1) = 0. */
  alpha: NumberFn;
  /** β(t), with β(0) = 0, β(1) = 1. */
  beta: NumberFn;
  /** α̇(t); may be ±Infinity at an end (then give `alphaDAlpha`). */
  dAlpha: NumberFn;
  /** β̇(t); may be ±Infinity at an end (then give `betaDBeta`). */
  dBeta: NumberFn;
  /** Closed form of αα̇; required when α·α̇ is not finite at an end. @default α(t)·α̇(t) */
  alphaDAlpha?: NumberFn;
  /** Closed form of ββ̇; required when β·β̇ is not finite at an end. @default β(t)·β̇(t) */
  betaDBeta?: NumberFn;
  /** x0 ~ N(0, I) plays z; γ must then be omitted or `'zero'`. @default false */
  oneSided?: boolean;
  /** Relative tolerance of the finite-difference checks of α̇ and β̇. @default 1e-6 */
  tolerance?: number;
}

/** `f·df` (or the closed form), checked finite at both ends. */
function productFunction(
  fn: string,
  arg: string,
  label: string,
  f: NumberFn,
  df: NumberFn,
  closed: NumberFn | undefined,
  tolerance: number,
): NumberFn {
  if (closed !== undefined) {
    checkFunction(fn, arg, closed);
    checkProduct(fn, arg, label, closed, f, df, tolerance);
  }
  const product = closed ?? ((t: number) => f(t) * df(t));
  for (const t of [0, 1]) {
    const v = product(t);
    if (!Number.isFinite(v)) {
      throw new ArgumentError(
        fn,
        arg,
        `a closed form of ${label} that is finite at t = ${t}`,
        closed === undefined ? `no closed form, and the plain product at t = ${t} is ${describeValue(v)}` : describeValue(v),
      );
    }
  }
  return product;
}

/** Evaluates float64 coefficient functions element by element (reads `t` back synchronously). */
function tensorsFromNumbers<K extends string>(
  t: tf.Tensor1D,
  keys: readonly K[],
  evaluate: (t: number) => Record<K, number>,
): Record<K, tf.Tensor1D> {
  const ts = t.dataSync();
  const arrays = Object.fromEntries(keys.map((k) => [k, new Float32Array(ts.length)])) as Record<K, Float32Array>;
  for (let i = 0; i < ts.length; i++) {
    const v = evaluate(ts[i]!);
    for (const k of keys) arrays[k][i] = v[k];
  }
  return Object.fromEntries(keys.map((k) => [k, tf.tensor1d(arrays[k])])) as Record<K, tf.Tensor1D>;
}

function singular(f: NumberFn, t: number): boolean {
  return !Number.isFinite(f(t));
}

/**
 * A γ option from float64 functions. Validated: γ(0) = γ(1) = 0, γ finite and ≥ 0 on a grid, γ̇ agrees with
 * a central finite difference at interior points, γγ̇ finite at the ends. The tensor version evaluates the
 * functions element by element in float64 (it reads `t` back with `dataSync`, so it is slower than the
 * built-in closed forms and not differentiable in t).
 *
 * @example
 * ```ts
 * const g = customGamma({ gamma: (t) => 2 * t * (1 - t), dGamma: (t) => 2 - 4 * t });
 * ```
 */
export function customGamma(options: CustomGammaOptions): GammaSchedule {
  const fn = 'customGamma';
  if (typeof options !== 'object' || options === null) throw new ArgumentError(fn, 'options', 'an options object', describeValue(options));
  const { gamma, dGamma } = options;
  checkFunction(fn, 'options.gamma', gamma);
  checkFunction(fn, 'options.dGamma', dGamma);
  const tolerance = checkNumber(fn, 'options.tolerance', options.tolerance ?? DEFAULT_DERIVATIVE_TOLERANCE, { min: 0, exclusiveMin: true });
  const name = options.name ?? 'custom';
  checkBoundary(fn, 'options.gamma', 'γ', gamma, 0, 0);
  checkBoundary(fn, 'options.gamma', 'γ', gamma, 1, 0);
  let isZero = true;
  for (let i = 1; i < 100; i++) {
    const t = i / 100;
    const v = finiteValue(fn, 'options.gamma', 'γ', gamma, t);
    if (v < 0) throw new ArgumentError(fn, 'options.gamma', 'a function with γ(t) ≥ 0', `γ(${t}) = ${v}`);
    if (v !== 0) isZero = false;
    finiteValue(fn, 'options.dGamma', 'γ̇', dGamma, t);
  }
  checkDerivative(fn, 'options.dGamma', 'γ', gamma, dGamma, tolerance);
  const gammaDGamma = productFunction(fn, 'options.gammaDGamma', 'γγ̇', gamma, dGamma, options.gammaDGamma, tolerance);
  const singularEnds: SingularEnds = { start: singular(dGamma, 0), end: singular(dGamma, 1) };
  const evaluate = (t: number): GammaValues<number> => ({ gamma: gamma(t), dGamma: dGamma(t), gammaDGamma: gammaDGamma(t) });
  const keys = ['gamma', 'dGamma', 'gammaDGamma'] as const;
  return {
    name,
    description: `custom γ '${name}'`,
    isZero,
    singularEnds,
    valuesAt(t: number) {
      checkNumber(`gamma('${name}').valuesAt`, 't', t, { min: 0, max: 1 });
      return evaluate(t);
    },
    values(t: tf.Tensor1D) {
      checkTensor1D(`gamma('${name}').values`, 't', t);
      return tf.tidy(() => tensorsFromNumbers(t, keys, evaluate));
    },
  };
}

const COEFFICIENT_KEYS = [
  'alpha',
  'beta',
  'gamma',
  'dAlpha',
  'dBeta',
  'dGamma',
  'gammaDGamma',
  'alphaDAlpha',
  'betaDBeta',
] as const;

/**
 * A spatially linear interpolant `x_t = α(t) x0 + β(t) x1 + γ(t) z` from float64 functions.
 *
 * Validated when built (each failure is an {@link ArgumentError} naming the option):
 * - boundary conditions α(0) = 1, α(1) = 0, β(0) = 0, β(1) = 1 (within 1e-9);
 * - α, β, α̇, β̇ finite on a grid inside (0, 1);
 * - α̇, β̇ agree with central finite differences of α, β at 8 interior points (relative `tolerance`);
 * - αα̇ and ββ̇ finite at t = 0 and 1 (give the closed forms `alphaDAlpha` / `betaDBeta` when a derivative
 *   is infinite at an end, as for √(1−t²)).
 *
 * The tensor coefficients evaluate the functions element by element in float64 (reading `t` back with
 * `dataSync`); `sample` and the oracle fields work as for the built-in families.
 *
 * @example
 * ```ts
 * const I = customInterpolant({
 *   alpha: (t) => 1 - t * t, dAlpha: (t) => -2 * t,
 *   beta: (t) => t * t, dBeta: (t) => 2 * t,
 *   gamma: 'quadratic',
 * });
 * ```
 */
export function customInterpolant(options: CustomInterpolantOptions): SpatiallyLinearInterpolant {
  const fn = 'customInterpolant';
  if (typeof options !== 'object' || options === null) throw new ArgumentError(fn, 'options', 'an options object', describeValue(options));
  const { alpha, beta, dAlpha, dBeta } = options;
  checkFunction(fn, 'options.alpha', alpha);
  checkFunction(fn, 'options.beta', beta);
  checkFunction(fn, 'options.dAlpha', dAlpha);
  checkFunction(fn, 'options.dBeta', dBeta);
  const tolerance = checkNumber(fn, 'options.tolerance', options.tolerance ?? DEFAULT_DERIVATIVE_TOLERANCE, { min: 0, exclusiveMin: true });
  const oneSided = options.oneSided ?? false;
  const name = options.name ?? 'custom';
  if (typeof name !== 'string' || name.length === 0) throw new ArgumentError(fn, 'options.name', 'a non-empty string', describeValue(name));
  const gammaSchedule = gammaFromOptions(fn, options, oneSided ? 'zero' : undefined);
  if (oneSided) requireZeroGamma(fn, gammaSchedule);

  checkBoundary(fn, 'options.alpha', 'α', alpha, 0, 1);
  checkBoundary(fn, 'options.alpha', 'α', alpha, 1, 0);
  checkBoundary(fn, 'options.beta', 'β', beta, 0, 0);
  checkBoundary(fn, 'options.beta', 'β', beta, 1, 1);
  for (let i = 1; i < 100; i++) {
    const t = i / 100;
    finiteValue(fn, 'options.alpha', 'α', alpha, t);
    finiteValue(fn, 'options.beta', 'β', beta, t);
    finiteValue(fn, 'options.dAlpha', 'α̇', dAlpha, t);
    finiteValue(fn, 'options.dBeta', 'β̇', dBeta, t);
  }
  checkDerivative(fn, 'options.dAlpha', 'α', alpha, dAlpha, tolerance);
  checkDerivative(fn, 'options.dBeta', 'β', beta, dBeta, tolerance);
  const alphaDAlpha = productFunction(fn, 'options.alphaDAlpha', 'αα̇', alpha, dAlpha, options.alphaDAlpha, tolerance);
  const betaDBeta = productFunction(fn, 'options.betaDBeta', 'ββ̇', beta, dBeta, options.betaDBeta, tolerance);

  const evaluate = (t: number): InterpolantCoefficients<number> => ({
    alpha: alpha(t),
    beta: beta(t),
    dAlpha: dAlpha(t),
    dBeta: dBeta(t),
    alphaDAlpha: alphaDAlpha(t),
    betaDBeta: betaDBeta(t),
    ...gammaSchedule.valuesAt(t),
  });
  return new SpatiallyLinearInterpolant({
    name,
    gammaSchedule,
    oneSided,
    singularEnds: {
      start: singular(dAlpha, 0) || singular(dBeta, 0),
      end: singular(dAlpha, 1) || singular(dBeta, 1),
    },
    coefficientsAt: evaluate,
    coefficients: (t) => tensorsFromNumbers(t, COEFFICIENT_KEYS, evaluate),
  });
}
