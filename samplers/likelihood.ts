/**
 * Log-likelihood of a probability-flow ODE (MATH.md §1.5):
 * `log ρ̂1(x) = log ρ0(X_0) − ∫_0^1 ∇·b(τ, X_τ) dτ`, integrating `dX = b dt` backward from `X_1 = x` with the
 * divergence carried as an extra block of the state (a {@link stateLayout} `{ x: event, logp: [] }`). Points
 * may have any event shape `[batch, ...event]`; the divergence is taken over the flattened event.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, checkOneOf, describeValue } from '../src/errors.js';
import type { Field } from '../src/fields/types.js';
import { meanNegativeLogDensity, provideNegativeLogLikelihood } from '../src/metrics/nll.js';
import { SeedStream } from '../src/random.js';
import { resolveScheme } from '../src/solver/compatibility.js';
import { integrate } from '../src/solver/integrate.js';
import { checkState } from '../src/solver/options.js';
import type { Scheme, SolverStats } from '../src/solver/types.js';
import { eventSize, sumEvent } from '../src/shapes.js';
import { stateLayout } from '../src/state-layout.js';
import { checkField, steppingOptions, timeBatch } from './time-span.js';
import type { GenerativeSteppingOptions } from './time-span.js';

/** How the divergence ∇·b is computed. */
export const DIVERGENCE_METHODS = ['exact', 'hutchinson'] as const;
/** Probe distributions of the Hutchinson estimator. */
export const HUTCHINSON_PROBES = ['rademacher', 'gaussian'] as const;

/** Options of {@link logLikelihood}. */
export interface LikelihoodOptions extends Omit<GenerativeSteppingOptions, 'saveAt'> {
  /**
   * The velocity b(t, x); must be differentiable in x with tfjs gradients. Called with states of the points'
   * shape `[batch, ...event]` (typed `[batch, d]` for compatibility).
   */
  velocity: Field;
  /** Exact log density of the base ρ0: `(x0: [batch, ...event]) → [batch]` (typed `[batch, d]` for compatibility). */
  baseLogDensity: (x0: tf.Tensor2D) => tf.Tensor1D;
  /**
   * `'exact'`: d vector–Jacobian products per evaluation, d = the event size (cost ∝ d; exact);
   * `'hutchinson'`: the unbiased estimate `εᵀ (∂b/∂x) ε` with `probes` probe vectors fixed for the whole
   * solve (cost independent of d).
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
export interface LikelihoodResult<X extends tf.Tensor = tf.Tensor2D> {
  /** `log ρ̂1(x)`: `[batch]`. */
  logDensity: tf.Tensor1D;
  /** The pulled-back points X_0, the shape of x (`[batch, ...event]`). */
  x0: X;
  /** `∫_0^1 ∇·b dτ` along each path: `[batch]`. */
  divergenceIntegral: tf.Tensor1D;
  stats: SolverStats;
  dispose(): void;
}

/**
 * ∇·b at (x, t) on a batch `[batch, ...event]`, exactly: Σ_i ∂b_i/∂x_i over the flattened event, with one
 * vector–Jacobian product per event entry.
 */
function exactDivergence(field: Field, x: tf.Tensor, t: tf.Tensor1D): { b: tf.Tensor; div: tf.Tensor1D } {
  const event = x.shape.slice(1);
  const d = eventSize(event);
  const f = field as unknown as (x: tf.Tensor, t: tf.Tensor1D) => tf.Tensor;
  const b = f(x, t);
  const columns: tf.Tensor1D[] = [];
  for (let i = 0; i < d; i++) {
    const unit = tf.tensor(Array.from({ length: d }, (_, j) => (j === i ? 1 : 0)), [1, ...event]);
    const row = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(f(xx, t), unit)))(x);
    columns.push(sumEvent(tf.mul(row, unit)));
  }
  return { b, div: tf.addN(columns) as tf.Tensor1D };
}

/** Hutchinson's estimate with fixed probes `[k, batch, ...event]`: mean_k εₖᵀ (∂b/∂x) εₖ. */
function hutchinsonDivergence(field: Field, x: tf.Tensor, t: tf.Tensor1D, probes: tf.Tensor): { b: tf.Tensor; div: tf.Tensor1D } {
  const f = field as unknown as (x: tf.Tensor, t: tf.Tensor1D) => tf.Tensor;
  const b = f(x, t);
  const k = probes.shape[0]!;
  const begin = new Array<number>(probes.rank).fill(0);
  const size = [1, ...new Array<number>(probes.rank - 1).fill(-1)];
  const estimates: tf.Tensor1D[] = [];
  for (let j = 0; j < k; j++) {
    begin[0] = j;
    const e = tf.squeeze(tf.slice(probes, begin, size), [0]);
    const vjp = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(f(xx, t), e)))(x);
    estimates.push(sumEvent(tf.mul(vjp, e)));
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
 * @param x - `[batch, ...event]` points (borrowed): `[batch, d]`, or e.g. `[batch, h, w, c]` images
 * @example
 * ```ts
 * const r = await logLikelihood(x, { velocity: oracle.velocity, baseLogDensity: (z) => oracle.logDensityBase(z), steps: 100 });
 * r.logDensity.print();
 * r.dispose();
 * ```
 */
export async function logLikelihood<X extends tf.Tensor = tf.Tensor2D>(x: X, options: LikelihoodOptions): Promise<LikelihoodResult<X>> {
  const fn = 'logLikelihood';
  checkState(fn, x, 'x');
  const velocity = checkField(fn, 'options.velocity', options?.velocity);
  if (typeof options.baseLogDensity !== 'function') {
    throw new ArgumentError(fn, 'options.baseLogDensity', 'a function (x0: Tensor2D) => Tensor1D', describeValue(options.baseLogDensity));
  }
  const batch = x.shape[0]!;
  const event = x.shape.slice(1);
  const d = eventSize(event);
  const method = checkOneOf(fn, 'options.divergence', options.divergence ?? (d <= 8 ? 'exact' : 'hutchinson'), DIVERGENCE_METHODS);
  const probeLaw = checkOneOf(fn, 'options.probe', options.probe ?? 'rademacher', HUTCHINSON_PROBES);
  const probeCount = checkNumber(fn, 'options.probes', options.probes ?? 1, { min: 1, integer: true });
  const seed = checkNumber(fn, 'options.seed', options.seed ?? 0, { integer: true });
  const scheme = resolveScheme(fn, options.scheme ?? 'rk4', 'options.scheme');
  const { options: integrateOptions } = steppingOptions(fn, options, 'backward');

  let probes: tf.Tensor | undefined;
  if (method === 'hutchinson') {
    const seeds = new SeedStream(seed);
    probes = tf.tidy(() =>
      probeLaw === 'gaussian'
        ? tf.randomNormal([probeCount, batch, ...event], 0, 1, 'float32', seeds.next())
        : tf.sub(tf.mul(tf.cast(tf.greater(tf.randomUniform([probeCount, batch, ...event], 0, 1, 'float32', seeds.next()), 0.5), 'float32'), 2), 1),
    );
  }
  // the augmented state [x (flattened event) | ℓ] as one [batch, d + 1] tensor
  const layout = stateLayout({ x: event, logp: [] });
  const y0 = tf.tidy(() => layout.pack({ x, logp: tf.zeros([batch]) }));
  try {
    const drift = (t: number, y: tf.Tensor): tf.Tensor2D =>
      tf.tidy(() => {
        const state = layout.get(y, 'x');
        const tt = timeBatch(t, batch);
        const { b, div } = probes ? hutchinsonDivergence(velocity, state, tt, probes) : exactDivergence(velocity, state, tt);
        return layout.pack({ x: b, logp: div });
      });
    const solution = await integrate({ drift }, scheme, y0, integrateOptions);
    const result = tf.tidy(() => {
      const { x: xBase, logp: ell } = layout.unpack(solution.y);
      const logBase = options.baseLogDensity(xBase as tf.Tensor2D);
      return { x0: xBase as X, logDensity: tf.add(logBase, ell) as tf.Tensor1D, divergenceIntegral: tf.neg(ell) as tf.Tensor1D };
    });
    const stats = solution.stats;
    solution.dispose();
    return { ...result, stats, dispose: () => tf.dispose([result.x0, result.logDensity, result.divergenceIntegral]) };
  } finally {
    y0.dispose();
    probes?.dispose();
  }
}

/**
 * The model's negative log-likelihood of data, `−mean_i log ρ̂1(x_i)` for the flow `dX = b dt` from the base
 * density, in nats per sample (divide by the event size for nats per dimension): {@link logLikelihood}
 * (exact divergence for d ≤ 8, Hutchinson above) reduced to one number.
 *
 * @param x - `[n, d]` data, or `[n, ...event]` (borrowed)
 * @example
 * ```ts
 * const nll = await negativeLogLikelihood(x, { velocity: b, baseLogDensity: standardNormalLogDensity, steps: 100 });
 * ```
 */
export async function negativeLogLikelihood(x: tf.Tensor, options: LikelihoodOptions): Promise<number> {
  const result = await logLikelihood(x, options);
  try {
    return await meanNegativeLogDensity(result.logDensity);
  } finally {
    result.dispose();
  }
}

// The library's deprecated `negativeLogLikelihood` (src/metrics/nll.ts) runs this one.
provideNegativeLogLikelihood((x, options) => negativeLogLikelihood(x, options as LikelihoodOptions));
