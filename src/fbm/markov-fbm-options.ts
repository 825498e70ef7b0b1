/**
 * Options of the Markov-approximate fBM noise ({@link markovFbm}), their validation, and the step-size
 * check shared by its two implementations.
 */
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import type { NoiseProcess } from '../solver/types.js';
import { optimalOmega, resolveOmegaOptions } from './optimal-omega.js';
import type { FbmType, OptimalOmegaOptions } from './optimal-omega.js';

/** Options of {@link markovFbm}: the approximation (as for `optimalOmega`) and how it is sampled. */
export interface MarkovFbmOptions extends OptimalOmegaOptions {
  /**
   * Largest allowed `γ_max·|dt|` for a requested increment. The OU transitions are exact at any step, so
   * the noise itself needs no limit; the limit protects the SDE scheme: an explicit step sees the
   * fractional noise as constant-coefficient over the step, and the fast factors (rate γ_max) carry the
   * roughness on time scales 1/γ_max — a scheme that evaluates the diffusion once per step, or the
   * augmented Markov system `dX = (b − σ Σ ω_k γ_k Y_k) dt + …` integrated explicitly (unstable beyond
   * γ_max·dt = 2), is only accurate for γ_max·dt well below 1. MATH.md's guard is 0.5. `Infinity` turns
   * the check off (e.g. additive noise, where the exact increment is all that matters).
   * @default 0.5
   */
  maxSpeedStep?: number;
  /**
   * Whether the noise is a queryable path (a virtual tree of exact OU bridges, needed by adaptive SDE
   * steps) instead of a stream of exact transitions (faster, fixed steps only). Cost: a query at a time
   * that is not a node of the tree descends to the tree's depth, one `[batch·dim, K]` normal draw per
   * level (about 12 levels per adaptive step at the default tol; measured ~140 ms per increment for
   * 4000×5 factors on wasm) — on power-of-two uniform grids every time is a node and a step costs about one
   * draw.
   * @default false
   */
  queryable?: boolean;
  /**
   * Queryable only: resolution of the bridge tree relative to the span (times closer than `tol·T` to a
   * dyadic node are placed by one more bridge draw). In [1e-9, 0.5].
   * @default 1e-6
   */
  tol?: number;
  /**
   * Queryable only: the interval `[a, b]` the path lives on (type II factors start at 0 at `a`).
   * @default the solve's [min(t0, t1), max(t0, t1)]
   */
  span?: readonly [number, number];
}

/** The approximation a {@link MarkovFbm} samples, resolved from its options. */
export interface MarkovFbmSetup {
  hurst: number;
  type: FbmType;
  gammas: Float64Array;
  omega: Float64Array;
  relativeError: number;
  gammaMax: number;
  maxSpeedStep: number;
}

/**
 * A {@link NoiseProcess} whose increments are those of the Markov-approximate fBM `B̂_H = Σ_k ω_k Y_k`
 * (per state entry, independent across entries), with its speeds and weights exposed.
 */
export interface MarkovFbm<S = unknown> extends NoiseProcess<S> {
  /** Hurst index. */
  readonly hurst: number;
  /** `'I'` or `'II'`. */
  readonly type: FbmType;
  /** The speeds γ_k (float64, K). */
  readonly gammas: Float64Array;
  /** The weights ω_k (float64, K). */
  readonly omega: Float64Array;
  /** The integrated relative error of the approximation over the horizon (see `optimalOmega`). */
  readonly relativeError: number;
}

/** Validates the options for `fn` and solves for the weights. */
export function resolveMarkovFbm(fn: string, options: MarkovFbmOptions): MarkovFbmSetup {
  const o = resolveOmegaOptions(fn, options);
  const maxSpeedStep =
    options.maxSpeedStep === Infinity ? Infinity : checkNumber(fn, 'options.maxSpeedStep', options.maxSpeedStep ?? 0.5, { min: 0, exclusiveMin: true });
  const { gammas, omega, relativeError } = optimalOmega({ ...o });
  return { hurst: o.hurst, type: o.type, gammas, omega, relativeError, gammaMax: o.gammaMax, maxSpeedStep };
}

/** Throws when `γ_max·|t1 − t0|` exceeds the allowed limit, naming both numbers. */
export function checkSpeedStep(fn: string, setup: MarkovFbmSetup, t0: number, t1: number): void {
  const h = Math.abs(t1 - t0);
  const product = setup.gammaMax * h;
  if (product > setup.maxSpeedStep * (1 + 1e-9)) {
    throw new ArgumentError(
      fn,
      'step size',
      `at most maxSpeedStep/gammaMax = ${setup.maxSpeedStep}/${setup.gammaMax} = ${setup.maxSpeedStep / setup.gammaMax} ` +
        `(gammaMax·|dt| <= ${setup.maxSpeedStep}; take more steps, bound adaptive steps with adaptive.maxStep, or raise options.maxSpeedStep)`,
      `|dt| = ${describeValue(h)} on [${t0}, ${t1}], so gammaMax·|dt| = ${describeValue(product)} with gammaMax = ${setup.gammaMax}`,
    );
  }
}
