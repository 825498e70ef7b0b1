/**
 * Log-likelihood of a probability-flow ODE (MATH.md §1.5):
 * `log ρ̂1(x) = log ρ0(X_0) − ∫_0^1 ∇·b(τ, X_τ) dτ`, integrating `dX = b dt` backward from `X_1 = x` with the
 * divergence carried as an extra state column.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, checkOneOf, describeValue } from '../src/errors.js';
import type { Field } from '../src/fields/types.js';
import { SeedStream } from '../src/random.js';
import { resolveScheme } from '../src/solver/compatibility.js';
import { integrate } from '../src/solver/integrate.js';
import { checkState } from '../src/solver/options.js';
import type { Scheme, SolverStats } from '../src/solver/types.js';
import { checkField, steppingOptions, timeBatch } from './time-span.js';
import type { GenerativeSteppingOptions } from './time-span.js';

/** How the divergence ∇·b is computed. */
export const DIVERGENCE_METHODS = ['exact', 'hutchinson'] as const;
/** Probe distributions of the Hutchinson estimator. */
export const HUTCHINSON_PROBES = ['rademacher', 'gaussian'] as const;

/** Options of {@link logLikelihood}. */
export interface LikelihoodOptions extends Omit<GenerativeSteppingOptions, 'saveAt'> {
  /** The velocity b(t, x); must be differentiable in x with tfjs gradients. */
  velocity: Field;
  /** Exact log density of the base ρ0: `(x0: [batch, d]) → [batch]`. */
  baseLogDensity: (x0: tf.Tensor2D) => tf.Tensor1D;
  /**
   * `'exact'`: d vector–Jacobian products per evaluation (cost ∝ d; exact); `'hutchinson'`: the unbiased
   * estimate `εᵀ (∂b/∂x) ε` with `probes` probe vectors fixed for the whole solve (cost independent of d).
   * @default 'exact' for d ≤ 8, else 'hutchinson'
   */
  divergence?: (typeof DIVERGENCE_METHODS)[number];
  /** Probe law for Hutchinson. @default 'rademacher' */
  probe?: (typeof HUTCHINSON_PROBES)[number];
  /** Number of Hutchinson probes averaged per evaluation. @default 1 */
  probes?: number;
  /** Seed of the Hutchinson probes. @default 0 */
  seed?: number;
  /** An ODE scheme or its registered name. @default 'rk4' */
  scheme?: Scheme | string;
}

/** What {@link logLikelihood} returns; owns its tensors. */
export interface LikelihoodResult {
  /** `log ρ̂1(x)`: `[batch]`. */
  logDensity: tf.Tensor1D;
  /** The pulled-back points X_0: `[batch, d]`. */
  x0: tf.Tensor2D;
  /** `∫_0^1 ∇·b dτ` along each path: `[batch]`. */
  divergenceIntegral: tf.Tensor1D;
  stats: SolverStats;
  dispose(): void;
}

/** ∇·b at (x, t) on a batch, exactly: Σ_i ∂b_i/∂x_i with one vector–Jacobian product per dimension. */
function exactDivergence(field: Field, x: tf.Tensor2D, t: tf.Tensor1D): { b: tf.Tensor2D; div: tf.Tensor1D } {
  const d = x.shape[1];
  const b = field(x, t);
  const columns: tf.Tensor1D[] = [];
  for (let i = 0; i < d; i++) {
    const unit = tf.tensor2d(Array.from({ length: d }, (_, j) => (j === i ? 1 : 0)), [1, d]);
    const row = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(field(xx as tf.Tensor2D, t), unit)))(x);
    columns.push(tf.sum(tf.mul(row, unit), 1) as tf.Tensor1D);
  }
  return { b, div: tf.addN(columns) as tf.Tensor1D };
}

/** Hutchinson's estimate with fixed probes `[k, batch, d]`: mean_k εₖᵀ (∂b/∂x) εₖ. */
function hutchinsonDivergence(field: Field, x: tf.Tensor2D, t: tf.Tensor1D, probes: tf.Tensor3D): { b: tf.Tensor2D; div: tf.Tensor1D } {
  const b = field(x, t);
  const k = probes.shape[0];
  const estimates: tf.Tensor1D[] = [];
  for (let j = 0; j < k; j++) {
    const e = tf.squeeze(tf.slice(probes, [j, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D;
    const vjp = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(field(xx as tf.Tensor2D, t), e)))(x);
    estimates.push(tf.sum(tf.mul(vjp, e), 1) as tf.Tensor1D);
  }
  return { b, div: tf.div(tf.addN(estimates), k) as tf.Tensor1D };
}

/**
 * Computes `log ρ̂1(x)` for the model `dX = b dt` with base density ρ0, by integrating backward from t = 1
 * (or `1 − tMin`) to t = 0 (or `tMin`) the augmented state `[X, ℓ]` with `dℓ/dt = ∇·b(t, X)`:
 * `log ρ̂1(x) = log ρ0(X_0) + ℓ(0)`, `ℓ(1) = 0`.
 *
 * With `tMin > 0` the result is the log density at `1 − tMin` of the flow started from ρ0 at `tMin`.
 * Hutchinson with a `log` of one estimate is unbiased for the divergence integral, not for the density.
 *
 * @param x - `[batch, d]` points (borrowed)
 * @example
 * ```ts
 * const r = await logLikelihood(x, { velocity: oracle.velocity, baseLogDensity: (z) => oracle.logDensityBase(z), steps: 100 });
 * r.logDensity.print();
 * r.dispose();
 * ```
 */
export async function logLikelihood(x: tf.Tensor2D, options: LikelihoodOptions): Promise<LikelihoodResult> {
  const fn = 'logLikelihood';
  checkState(fn, x, 'x');
  const velocity = checkField(fn, 'options.velocity', options?.velocity);
  if (typeof options.baseLogDensity !== 'function') {
    throw new ArgumentError(fn, 'options.baseLogDensity', 'a function (x0: Tensor2D) => Tensor1D', describeValue(options.baseLogDensity));
  }
  const [batch, d] = x.shape;
  const method = checkOneOf(fn, 'options.divergence', options.divergence ?? (d <= 8 ? 'exact' : 'hutchinson'), DIVERGENCE_METHODS);
  const probeLaw = checkOneOf(fn, 'options.probe', options.probe ?? 'rademacher', HUTCHINSON_PROBES);
  const probeCount = checkNumber(fn, 'options.probes', options.probes ?? 1, { min: 1, integer: true });
  const seed = checkNumber(fn, 'options.seed', options.seed ?? 0, { integer: true });
  const scheme = resolveScheme(fn, options.scheme ?? 'rk4', 'options.scheme');
  const { options: integrateOptions } = steppingOptions(fn, options, 'backward');

  let probes: tf.Tensor3D | undefined;
  if (method === 'hutchinson') {
    const seeds = new SeedStream(seed);
    probes = tf.tidy(() =>
      probeLaw === 'gaussian'
        ? (tf.randomNormal([probeCount, batch, d], 0, 1, 'float32', seeds.next()) as tf.Tensor3D)
        : (tf.sub(tf.mul(tf.cast(tf.greater(tf.randomUniform([probeCount, batch, d], 0, 1, 'float32', seeds.next()), 0.5), 'float32'), 2), 1) as tf.Tensor3D),
    );
  }
  const y0 = tf.tidy(() => tf.concat([x, tf.zeros([batch, 1])], 1) as tf.Tensor2D);
  try {
    const drift = (t: number, y: tf.Tensor2D): tf.Tensor2D =>
      tf.tidy(() => {
        const state = tf.slice(y, [0, 0], [-1, d]) as tf.Tensor2D;
        const tt = timeBatch(t, batch);
        const { b, div } = probes ? hutchinsonDivergence(velocity, state, tt, probes) : exactDivergence(velocity, state, tt);
        return tf.concat([b, tf.reshape(div, [batch, 1])], 1) as tf.Tensor2D;
      });
    const solution = await integrate({ drift }, scheme, y0, integrateOptions);
    const result = tf.tidy(() => {
      const xBase = tf.slice(solution.y, [0, 0], [-1, d]) as tf.Tensor2D;
      const ell = tf.reshape(tf.slice(solution.y, [0, d], [-1, 1]), [batch]) as tf.Tensor1D;
      const logBase = options.baseLogDensity(xBase);
      return { x0: xBase, logDensity: tf.add(logBase, ell) as tf.Tensor1D, divergenceIntegral: tf.neg(ell) as tf.Tensor1D };
    });
    const stats = solution.stats;
    solution.dispose();
    return { ...result, stats, dispose: () => tf.dispose([result.x0, result.logDensity, result.divergenceIntegral]) };
  } finally {
    y0.dispose();
    probes?.dispose();
  }
}
