/**
 * γ options: the noise schedule of a two-sided stochastic interpolant `x_t = I(t, x0, x1) + γ(t) z`.
 *
 * Every option gives γ(t), its derivative γ̇(t) and a closed form of the product γγ̇(t). The product is what
 * the fields need (`b = v − γγ̇ s`, `Ċ = … + 2γγ̇ I`), and it stays finite where γ̇ does not: for
 * γ = √(a t(1−t)), γ̇ = a(1−2t) / (2√(a t(1−t))) is +∞ at t = 0 and −∞ at t = 1 while γγ̇ = a(1−2t)/2.
 *
 * Each option has a float64 version on JavaScript numbers ({@link GammaSchedule.valuesAt}: tests, oracles,
 * time grids) and a float32 tensor version on a `[batch]` time tensor ({@link GammaSchedule.values}).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmKernelScope } from '../kernels/wasm-direct.js';
import { directAsBatch, directOps } from './direct-ops.js';
import { ArgumentError, checkNumber, checkOneOf, describeValue } from '../errors.js';
import { asBatch, numberOps, tensorOps, type Ops } from './ops.js';
import { checkTensor1D } from './validate.js';

/** γ(t), γ̇(t) and the closed-form product γγ̇(t); numbers, or `[batch]` tensors. */
export interface GammaValues<T> {
  /** γ(t) ≥ 0, with γ(0) = γ(1) = 0. */
  gamma: T;
  /** γ̇(t); may be ±Infinity at t = 0 or 1 (see {@link GammaSchedule.singularEnds}). */
  dGamma: T;
  /** γ(t)·γ̇(t) in closed form: finite on all of [0, 1] for every built-in option. */
  gammaDGamma: T;
}

/** Which ends of [0, 1] have an infinite derivative: clip t to `[tMin, 1 − tMin]` there. */
export interface SingularEnds {
  /** A derivative is infinite at t = 0. */
  start: boolean;
  /** A derivative is infinite at t = 1. */
  end: boolean;
}

/**
 * A γ option. Implement this interface to plug a new schedule into the interpolants (or build one from
 * number functions with {@link customGamma}).
 *
 * @example
 * ```ts
 * const g = makeGamma('sqrt', { a: 2 });
 * g.valuesAt(0.25); // { gamma: 0.612…, dGamma: 0.816…, gammaDGamma: 0.5 }
 * const v = g.values(tf.tensor1d([0, 0.5, 1])); // gammaDGamma = [1, 0, -1]
 * ```
 */
export interface GammaSchedule {
  /** Registry name (`'sqrt'`, `'quadratic'`, `'sin2'`, `'sigmoid'`, `'zero'`, or a custom name). */
  readonly name: string;
  /** The formula in plain text, with parameters filled in. */
  readonly description: string;
  /** `true` when γ ≡ 0 (deterministic and one-sided interpolants). */
  readonly isZero: boolean;
  /** Ends of [0, 1] where γ̇ is infinite. */
  readonly singularEnds: SingularEnds;
  /** float64 values at one time `t ∈ [0, 1]`. */
  valuesAt(t: number): GammaValues<number>;
  /** float32 values on a `[batch]` time tensor; the three results are `[batch]` and owned by the caller. */
  values(t: tf.Tensor1D): GammaValues<tf.Tensor1D>;
}

/** Names of the built-in γ options, for {@link makeGamma}. */
export const GAMMA_NAMES = ['sqrt', 'quadratic', 'sin2', 'sigmoid', 'zero'] as const;

/** A built-in γ option name. */
export type GammaName = (typeof GAMMA_NAMES)[number];

/** Parameters of the built-in γ options. */
export interface GammaOptions {
  /**
   * Scale of `'sqrt'`: γ = √(a t(1−t)), max γ = √a / 2.
   * @default 1
   */
  a?: number;
  /**
   * Steepness of `'sigmoid'`: γ = σ(f(t−½)+1) − σ(f(t−½)−1) − σ(−f/2+1) + σ(−f/2−1). Larger f gives a
   * flatter plateau with steeper shoulders; f = 10 (the reference implementation's value) peaks at γ(½) ≈ 0.447.
   * @default 10
   */
  f?: number;
}

type GammaFormula = <T>(o: Ops<T>, t: T) => GammaValues<T>;

/** A γ option given by one closed form, evaluated on numbers and on tensors. */
class ClosedFormGamma implements GammaSchedule {
  constructor(
    readonly name: string,
    readonly description: string,
    private readonly formula: GammaFormula,
    readonly isZero: boolean,
    readonly singularEnds: SingularEnds,
  ) {}

  valuesAt(t: number): GammaValues<number> {
    checkNumber(`gamma('${this.name}').valuesAt`, 't', t, { min: 0, max: 1 });
    return this.formula(numberOps, t);
  }

  values(t: tf.Tensor1D): GammaValues<tf.Tensor1D> {
    checkTensor1D(`gamma('${this.name}').values`, 't', t);
    return tf.tidy(() => {
      const r = this.formula(tensorOps, t as tf.Tensor);
      return { gamma: asBatch(r.gamma, t), dGamma: asBatch(r.dGamma, t), gammaDGamma: asBatch(r.gammaDGamma, t) };
    });
  }

  /** {@link values} as direct wasm kernel calls in `k` (direct-ops.ts): the same kernels, bit for bit. */
  valuesDirect(k: WasmKernelScope, t: TensorInfo): GammaValues<TensorInfo> {
    const r = this.formula(directOps(k), t);
    return { gamma: directAsBatch(k, r.gamma, t), dGamma: directAsBatch(k, r.dGamma, t), gammaDGamma: directAsBatch(k, r.gammaDGamma, t) };
  }
}

/**
 * The γ values of `schedule` as direct wasm kernel calls in `k` when it is a built-in closed form (the
 * values `schedule.values` gives, bit for bit); `undefined` for any other schedule. Internal.
 */
export function gammaValuesDirect(schedule: GammaSchedule, k: WasmKernelScope, t: TensorInfo): GammaValues<TensorInfo> | undefined {
  return schedule instanceof ClosedFormGamma ? schedule.valuesDirect(k, t) : undefined;
}

/**
 * γ(t) = √(a t(1−t)), γ̇ = a(1−2t) / (2γ) (±∞ at the ends), γγ̇ = a(1−2t)/2. The only built-in option with
 * `γγ̇ → a/2 ≠ 0` as t → 0, i.e. Brownian-bridge-like noise.
 *
 * @param a - scale, > 0 (default 1); max γ = √a / 2, so `'vp-trig'` needs a < 4
 * @example
 * ```ts
 * sqrtGamma().valuesAt(0); // { gamma: 0, dGamma: Infinity, gammaDGamma: 0.5 }
 * ```
 */
export function sqrtGamma(a = 1): GammaSchedule {
  checkNumber('sqrtGamma', 'a', a, { min: 0, exclusiveMin: true });
  return new ClosedFormGamma(
    'sqrt',
    `γ(t) = √(${a} t(1−t))`,
    (o, t) => {
      const oneMinus2t = o.sub(o.c(1), o.mul(o.c(2), t));
      const gamma = o.sqrt(o.mul(o.c(a), o.mul(t, o.sub(o.c(1), t))));
      return {
        gamma,
        dGamma: o.div(o.mul(o.c(a), oneMinus2t), o.mul(o.c(2), gamma)),
        gammaDGamma: o.mul(o.c(a / 2), oneMinus2t),
      };
    },
    false,
    { start: true, end: true },
  );
}

/**
 * γ(t) = t(1−t), γ̇ = 1 − 2t, γγ̇ = t(1−t)(1−2t).
 *
 * @example
 * ```ts
 * quadraticGamma().valuesAt(0.5).gamma; // 0.25
 * ```
 */
export function quadraticGamma(): GammaSchedule {
  return new ClosedFormGamma(
    'quadratic',
    'γ(t) = t(1−t)',
    (o, t) => {
      const gamma = o.mul(t, o.sub(o.c(1), t));
      const dGamma = o.sub(o.c(1), o.mul(o.c(2), t));
      return { gamma, dGamma, gammaDGamma: o.mul(gamma, dGamma) };
    },
    false,
    { start: false, end: false },
  );
}

/**
 * γ(t) = sin²(πt), γ̇ = π sin(2πt), γγ̇ = π sin²(πt) sin(2πt). Reaches γ(½) = 1, so it cannot be used with
 * `'vp-trig'`.
 *
 * @example
 * ```ts
 * sin2Gamma().valuesAt(0.25); // { gamma: 0.5, dGamma: π, gammaDGamma: π/2 }
 * ```
 */
export function sin2Gamma(): GammaSchedule {
  return new ClosedFormGamma(
    'sin2',
    'γ(t) = sin²(πt)',
    (o, t) => {
      const s = o.sin(o.mul(o.c(Math.PI), t));
      const gamma = o.mul(s, s);
      const dGamma = o.mul(o.c(Math.PI), o.sin(o.mul(o.c(2 * Math.PI), t)));
      return { gamma, dGamma, gammaDGamma: o.mul(gamma, dGamma) };
    },
    false,
    { start: false, end: false },
  );
}

/**
 * The sigmoid bump γ(t) = σ(u+1) − σ(u−1) − σ(−f/2+1) + σ(−f/2−1) with u = f(t−½), σ the logistic
 * function; γ̇ = f[σ(u+1)(1−σ(u+1)) − σ(u−1)(1−σ(u−1))], γγ̇ = γ·γ̇ (both finite everywhere). The constant
 * terms make γ(0) = γ(1) = 0 exactly; γ > 0 inside for every f > 0.
 *
 * @param f - steepness, > 0 (default 10, the reference implementation's value; then γ(½) ≈ 0.447)
 * @example
 * ```ts
 * sigmoidGamma().valuesAt(0.5).gamma; // 0.4467…
 * ```
 */
export function sigmoidGamma(f = 10): GammaSchedule {
  checkNumber('sigmoidGamma', 'f', f, { min: 0, exclusiveMin: true });
  const sig = numberOps.sigmoid;
  const offset = sig(-f / 2 + 1) - sig(-f / 2 - 1);
  return new ClosedFormGamma(
    'sigmoid',
    `γ(t) = σ(${f}(t−½)+1) − σ(${f}(t−½)−1) − σ(−${f}/2+1) + σ(−${f}/2−1)`,
    (o, t) => {
      const u = o.mul(o.c(f), o.sub(t, o.c(0.5)));
      const sp = o.sigmoid(o.add(u, o.c(1)));
      const sm = o.sigmoid(o.sub(u, o.c(1)));
      const gamma = o.sub(o.sub(sp, sm), o.c(offset));
      const dGamma = o.mul(o.c(f), o.sub(o.mul(sp, o.sub(o.c(1), sp)), o.mul(sm, o.sub(o.c(1), sm))));
      return { gamma, dGamma, gammaDGamma: o.mul(gamma, dGamma) };
    },
    false,
    { start: false, end: false },
  );
}

/**
 * γ ≡ 0: a deterministic interpolant (and the γ of every one-sided family).
 *
 * @example
 * ```ts
 * zeroGamma().valuesAt(0.3); // { gamma: 0, dGamma: 0, gammaDGamma: 0 }
 * ```
 */
export function zeroGamma(): GammaSchedule {
  return new ClosedFormGamma(
    'zero',
    'γ(t) = 0',
    (o) => ({ gamma: o.c(0), dGamma: o.c(0), gammaDGamma: o.c(0) }),
    true,
    { start: false, end: false },
  );
}

/**
 * Builds a built-in γ option by name.
 *
 * @param name - one of {@link GAMMA_NAMES}; anything else throws an {@link ArgumentError} listing them
 * @param options - `a` for `'sqrt'`, `f` for `'sigmoid'` (ignored by the others)
 * @example
 * ```ts
 * const g = makeGamma('sigmoid', { f: 20 });
 * ```
 */
export function makeGamma(name: string, options: GammaOptions = {}): GammaSchedule {
  const n = checkOneOf('makeGamma', 'name', name, GAMMA_NAMES);
  switch (n) {
    case 'sqrt':
      return sqrtGamma(options.a ?? 1);
    case 'quadratic':
      return quadraticGamma();
    case 'sin2':
      return sin2Gamma();
    case 'sigmoid':
      return sigmoidGamma(options.f ?? 10);
    case 'zero':
      return zeroGamma();
  }
}

/** Resolves a γ given by name or as a schedule object (for option parsing). */
export function resolveGamma(fn: string, arg: string, gamma: unknown, options: GammaOptions = {}): GammaSchedule {
  if (typeof gamma === 'string') {
    checkOneOf(fn, arg, gamma, GAMMA_NAMES);
    return makeGamma(gamma, options);
  }
  if (isGammaSchedule(gamma)) return gamma;
  throw new ArgumentError(
    fn,
    arg,
    `one of ${GAMMA_NAMES.map((g) => `'${g}'`).join(', ')} or a GammaSchedule object`,
    describeValue(gamma),
  );
}

function isGammaSchedule(value: unknown): value is GammaSchedule {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as GammaSchedule).valuesAt === 'function' &&
    typeof (value as GammaSchedule).values === 'function' &&
    typeof (value as GammaSchedule).name === 'string'
  );
}
