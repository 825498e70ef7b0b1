/**
 * The one implementation behind every interpolant family: `x_t = α(t) x0 + β(t) x1 + γ(t) z`, given the
 * coefficients as float64 number functions and as float32 tensor functions.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { directWasmKernels, WasmKernelScope } from '../kernels/wasm-direct.js';
import type { WasmBackendLike } from '../kernels/wasm-common.js';
import { engineState, gradientTapeRecording } from '../tape-node.js';
import { directAsBatch, directOps, DirectOpUnsupported } from './direct-ops.js';
import { gammaValuesDirect, type GammaSchedule, type GammaValues, type SingularEnds } from './gamma.js';
import { asBatch, numberOps, tensorOps, type Ops } from './ops.js';
import type { Interpolant, InterpolantCoefficients, InterpolantSample } from './types.js';
import { checkBatchTensor, formatShape, scaleRows } from '../shapes.js';
import { checkTensor1D } from './validate.js';

/** The α, β part of the coefficients (γ comes from the {@link GammaSchedule}). */
export type AlphaBetaCoefficients<T> = Pick<
  InterpolantCoefficients<T>,
  'alpha' | 'beta' | 'dAlpha' | 'dBeta' | 'alphaDAlpha' | 'betaDBeta'
>;

/**
 * How to build a {@link SpatiallyLinearInterpolant}: the flags and the two evaluators of the coefficients.
 * `coefficientsAt` receives a validated `t ∈ [0, 1]`; `coefficients` is called inside `tf.tidy` and must
 * return `[batch]` float32 tensors.
 */
export interface SpatiallyLinearConfig {
  /** Registry name. */
  name: string;
  /** The γ option (zero for one-sided families). */
  gammaSchedule: GammaSchedule;
  /** x0 ~ N(0, I) plays z; γ must be the zero schedule. @default false */
  oneSided?: boolean;
  /** ρ0 = ρ1, α ≡ 0, β ≡ 1. @default false */
  mirror?: boolean;
  /** Ends where α̇, β̇ or γ̇ is infinite (combined with the γ schedule's own). */
  singularEnds?: SingularEnds;
  /** float64 coefficients. */
  coefficientsAt(t: number): InterpolantCoefficients<number>;
  /** float32 coefficients on a `[batch]` tensor. */
  coefficients(t: tf.Tensor1D): InterpolantCoefficients<tf.Tensor1D>;
  /**
   * Optional: {@link coefficients} as direct wasm kernel calls in `k` (the same kernels, bit for bit), or
   * `undefined` when not available; {@link SpatiallyLinearInterpolant.sample} then uses the tensor path.
   * @internal
   */
  coefficientsDirect?(k: WasmKernelScope, t: TensorInfo): InterpolantCoefficients<TensorInfo> | undefined;
}

/**
 * A spatially linear stochastic interpolant; every built-in family and {@link customInterpolant} is one.
 * Build your own from a {@link SpatiallyLinearConfig} (and register it with `registerInterpolant`).
 *
 * @example
 * ```ts
 * const I = makeInterpolant('trig', { gamma: 'quadratic' });
 * const { xt, dxt, dInterp } = I.sample(x0, x1, t, z); // each [batch, ...event], the shape of x1
 * ```
 */
export class SpatiallyLinearInterpolant implements Interpolant {
  /** Registry name (`'linear'`, `'one-sided-vp'`, `'custom'`, …). */
  readonly name: string;
  /** The γ option (the zero schedule for one-sided families). */
  readonly gammaSchedule: GammaSchedule;
  /** x0 ~ N(0, I) plays the role of z and γ ≡ 0. */
  readonly oneSided: boolean;
  /** ρ0 = ρ1 and `x_t = x1 + γ z`; x0 is not used. */
  readonly mirror: boolean;
  /** Ends where α̇, β̇ or γ̇ is infinite (the family's and the γ option's, combined). */
  readonly singularEnds: SingularEnds;
  private readonly config: SpatiallyLinearConfig;

  /** @param config - flags and coefficient evaluators (see {@link SpatiallyLinearConfig}). */
  constructor(config: SpatiallyLinearConfig) {
    this.config = config;
    this.name = config.name;
    this.gammaSchedule = config.gammaSchedule;
    this.oneSided = config.oneSided ?? false;
    this.mirror = config.mirror ?? false;
    const own = config.singularEnds ?? { start: false, end: false };
    const g = config.gammaSchedule.singularEnds;
    this.singularEnds = { start: own.start || g.start, end: own.end || g.end };
  }

  /** float64 coefficients at `t ∈ [0, 1]`. */
  coefficientsAt(t: number): InterpolantCoefficients<number> {
    checkNumber(`interpolant('${this.name}').coefficientsAt`, 't', t, { min: 0, max: 1 });
    return this.config.coefficientsAt(t);
  }

  /** float32 coefficients on a `[batch]` time tensor (each entry `[batch]`, owned by the caller). */
  coefficients(t: tf.Tensor1D): InterpolantCoefficients<tf.Tensor1D> {
    checkTensor1D(`interpolant('${this.name}').coefficients`, 't', t);
    const out = tf.tidy(() => ({ ...this.config.coefficients(t) }));
    return out as InterpolantCoefficients<tf.Tensor1D>;
  }

  /**
   * `x_t = α x0 + β x1 + γ z`, `dxt = α̇ x0 + β̇ x1 + γ̇ z`, `interp = α x0 + β x1`, `dInterp = α̇ x0 + β̇ x1`.
   * Tensors are batch-first `[batch, ...event]` (points `[batch, d]`, images `[batch, h, w, c]`); the
   * coefficients multiply each row. Terms whose coefficient is identically zero (α for mirror, γ for one-sided / zero γ) are skipped, so
   * they never produce `0·∞`.
   */
  sample<X extends tf.Tensor = tf.Tensor2D>(x0: X | null, x1: X, t: tf.Tensor1D, z?: X): InterpolantSample<X> {
    const fn = `interpolant('${this.name}').sample`;
    checkBatchTensor(fn, 'x1', x1);
    const shape = x1.shape;
    const batch = shape[0]!;
    if (!this.mirror || x0 !== null) checkBatchTensor(fn, 'x0', x0, shape);
    checkTensor1D(fn, 't', t, batch);
    const noisy = !this.gammaSchedule.isZero;
    if (z === undefined) {
      if (noisy) {
        throw new ArgumentError(fn, 'z', `a float32 tensor of shape ${formatShape(shape)} (γ is not identically zero)`, 'undefined');
      }
    } else {
      checkBatchTensor(fn, 'z', z, shape);
    }
    const direct = this.sampleDirect(x0, x1, t, noisy ? z : undefined);
    if (direct !== undefined) return direct;
    return tf.tidy(() => {
      const c = this.config.coefficients(t);
      let interp = scaleRows(c.beta, x1);
      let dInterp = scaleRows(c.dBeta, x1);
      if (!this.mirror) {
        interp = tf.add(interp, scaleRows(c.alpha, x0 as X));
        dInterp = tf.add(dInterp, scaleRows(c.dAlpha, x0 as X));
      }
      let xt: X;
      let dxt: X;
      if (noisy && z !== undefined) {
        xt = tf.add(interp, scaleRows(c.gamma, z));
        dxt = tf.add(dInterp, scaleRows(c.dGamma, z));
      } else {
        xt = tf.clone(interp);
        dxt = tf.clone(dInterp);
      }
      return { xt, dxt, interp, dInterp };
    });
  }

  /**
   * {@link sample} as direct wasm kernel calls (wasm-direct.ts): the kernels the tensor path runs, on the
   * same inputs in the same order, so the same values bit for bit, without tfjs's per-op bookkeeping.
   * Only on wasm with direct kernels on, when no gradient tape records (a direct call would not be
   * recorded: the objectives run x_t and the targets untaped, untaped.ts) and the coefficients have a
   * direct form; `undefined` otherwise.
   */
  private sampleDirect<X extends tf.Tensor>(x0: X | null, x1: X, t: tf.Tensor1D, z: X | undefined): InterpolantSample<X> | undefined {
    if (this.config.coefficientsDirect === undefined || !directWasmKernels() || gradientTapeRecording()) return undefined;
    // Every input must already live on the wasm backend (the engine would move it; a direct call cannot).
    const backend = tf.backend();
    const info = engineState().tensorInfo;
    for (const x of [x0, x1, t, z]) if (x != null && info.get(x.dataId)?.backend !== backend) return undefined;
    const k = new WasmKernelScope(backend as unknown as WasmBackendLike);
    try {
      const c = this.config.coefficientsDirect(k, t);
      if (c === undefined) return undefined;
      const rank = x1.rank;
      // scaleRows: the coefficient reshaped to [batch, 1, …] times the rows (shapes.ts)
      const scale = (coef: TensorInfo, x: TensorInfo) => {
        const col = coef.shape.length === 0 || rank === 1 ? coef : k.reshape(coef, [coef.shape[0]!, ...new Array<number>(rank - 1).fill(1)]);
        return k.run('Multiply', { a: col, b: x });
      };
      let interp = scale(c.beta, x1);
      let dInterp = scale(c.dBeta, x1);
      if (!this.mirror) {
        interp = k.run('Add', { a: interp, b: scale(c.alpha, x0!) });
        dInterp = k.run('Add', { a: dInterp, b: scale(c.dAlpha, x0!) });
      }
      let xt: TensorInfo;
      let dxt: TensorInfo;
      if (z !== undefined) {
        xt = k.run('Add', { a: interp, b: scale(c.gamma, z) });
        dxt = k.run('Add', { a: dInterp, b: scale(c.dGamma, z) });
      } else {
        xt = k.run('Identity', { x: interp });
        dxt = k.run('Identity', { x: dInterp });
      }
      return { xt: k.track(xt) as X, dxt: k.track(dxt) as X, interp: k.track(interp) as X, dInterp: k.track(dInterp) as X };
    } catch (e) {
      if (e instanceof DirectOpUnsupported) return undefined;
      throw e;
    } finally {
      k.dispose();
    }
  }
}

/** A closed form of α, β (and products) given γ, written once for numbers and tensors. */
export type AlphaBetaFormula = <T>(o: Ops<T>, t: T, g: GammaValues<T>) => AlphaBetaCoefficients<T>;

/** Builds an interpolant from a closed-form α, β formula and a γ schedule. */
export function interpolantFromFormula(
  name: string,
  gammaSchedule: GammaSchedule,
  formula: AlphaBetaFormula,
  flags: { oneSided?: boolean; mirror?: boolean; singularEnds?: SingularEnds } = {},
): SpatiallyLinearInterpolant {
  return new SpatiallyLinearInterpolant({
    name,
    gammaSchedule,
    ...flags,
    coefficientsAt: (t) => {
      const g = gammaSchedule.valuesAt(t);
      return { ...formula(numberOps, t, g), ...g };
    },
    coefficients: (t) => {
      const g = gammaSchedule.values(t);
      const ab = formula(tensorOps, t as tf.Tensor, g);
      return {
        alpha: asBatch(ab.alpha, t),
        beta: asBatch(ab.beta, t),
        dAlpha: asBatch(ab.dAlpha, t),
        dBeta: asBatch(ab.dBeta, t),
        alphaDAlpha: asBatch(ab.alphaDAlpha, t),
        betaDBeta: asBatch(ab.betaDBeta, t),
        ...g,
      };
    },
    coefficientsDirect: (k, t) => {
      const g = gammaValuesDirect(gammaSchedule, k, t);
      if (g === undefined) return undefined;
      const ab = formula(directOps(k), t, g);
      return {
        alpha: directAsBatch(k, ab.alpha, t),
        beta: directAsBatch(k, ab.beta, t),
        dAlpha: directAsBatch(k, ab.dAlpha, t),
        dBeta: directAsBatch(k, ab.dBeta, t),
        alphaDAlpha: directAsBatch(k, ab.alphaDAlpha, t),
        betaDBeta: directAsBatch(k, ab.betaDBeta, t),
        ...g,
      };
    },
  });
}

/** Throws unless the γ schedule is the zero schedule (one-sided families) — used by factories. */
export function requireZeroGamma(fn: string, gamma: GammaSchedule): void {
  if (!gamma.isZero) {
    throw new ArgumentError(fn, 'options.gamma', "'zero' (one-sided interpolants have γ ≡ 0)", describeValue(gamma.name));
  }
}
