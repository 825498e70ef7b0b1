/**
 * The fractional Ornstein–Uhlenbeck process `dX = −θ X dt + σ dB_H`, X(0) = 0 (add `e^{−θt} x0` for
 * another start), exactly: its covariance (float64) and exact paths on a grid (Cholesky).
 *
 * Both fBM types are moving averages of one Brownian motion W with kernel `k(r) = r^{α−1}/Γ(α)`,
 * α = H + ½, so `∫ e^{−θ(t−u)} dB_H(u)` is a moving average of W with the fOU kernel
 *   g(r) = k(r) − θ ∫_0^r e^{−θw} k(r − w) dw   (r > 0)
 * (at H = ½, g(r) = e^{−θr}: the OU kernel). Then
 * - type II: `X(t) = σ ∫_0^t g(t−u) dW_u`, `Cov(X_t, X_s) = σ² ∫_0^{s} g(t−s+v) g(v) dv` (t ≥ s);
 * - type I: X(t) = Z(t) − e^{−θt} Z(0) with the stationary fOU `Z(t) = σ ∫_{−∞}^t g(t−u) dW_u`, whose
 *   autocovariance is `ρ(τ) = σ² ∫_0^∞ g(τ+v) g(v) dv` (finite for H < 1; ρ(0) = σ² θ^{−2H}/(2 sin πH)
 *   with the V_H normalisation), so `Cov(X_t, X_s) = ρ(t−s) − e^{−θs}ρ(t) − e^{−θt}ρ(s) + e^{−θ(t+s)}ρ(0)`.
 *
 * g is summed from its power series where θr ≤ 30 and from its asymptotic series `Σ_{j≥1} (−1)^{j+1}
 * k^{(j)}(r)/θ^j` beyond; the integrals use tanh-sinh quadrature (about 1e-12 relative).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, checkOneOf, describeValue } from '../errors.js';
import type { Seed } from './exact-paths.js';
import { sampleGaussianPaths } from './exact-paths.js';
import { lgamma } from './incomplete-gamma.js';
import { checkHurst, FBM_TYPES } from './optimal-omega.js';
import type { FbmType } from './optimal-omega.js';
import { tanhSinh } from './quadrature.js';

/** Which fOU: `dX = −θ X dt + σ dB_H` driven by a type I or II fBM. */
export interface FouSpec {
  /** Hurst index in (0, 1). */
  hurst: number;
  /** fBM type (see `FbmType`). */
  type: FbmType;
  /** Mean-reversion rate θ ≥ 0 (> 0 for type I). */
  theta: number;
  /**
   * Noise scale σ > 0.
   * @default 1
   */
  sigma?: number;
}

interface Resolved {
  hurst: number;
  type: FbmType;
  theta: number;
  sigma: number;
}

function resolve(fn: string, spec: FouSpec): Resolved {
  const hurst = checkHurst(fn, 'spec.hurst', spec?.hurst);
  const type = checkOneOf(fn, 'spec.type', spec.type, FBM_TYPES);
  const theta = checkNumber(fn, 'spec.theta', spec.theta, { min: 0, exclusiveMin: type === 'I' });
  const sigma = checkNumber(fn, 'spec.sigma', spec.sigma ?? 1, { min: 0, exclusiveMin: true });
  return { hurst, type, theta, sigma };
}

/** The fOU kernel g(r), r > 0 (see the module comment). */
function kernel(alpha: number, theta: number, r: number, logGammaAlpha: number): number {
  const k = Math.exp((alpha - 1) * Math.log(r) - logGammaAlpha);
  if (theta === 0) return k;
  const x = theta * r;
  if (x <= 30) {
    // θ ∫_0^r e^{−θw} k(r−w) dw = k(r) · x e^{−x} Σ_n x^n / (n! (n + α))
    let term = 1;
    let sum = 1 / alpha;
    for (let n = 1; n < 400; n++) {
      term *= x / n;
      const add = term / (n + alpha);
      sum += add;
      if (add < 1e-17 * sum) break;
    }
    return k * (1 - x * Math.exp(-x) * sum);
  }
  // asymptotic: Σ_{j≥1} (−1)^{j+1} (α−1)(α−2)…(α−j) / x^j, times k(r)
  let coef = 1;
  let total = 0;
  let last = Infinity;
  for (let j = 1; j < 60; j++) {
    coef *= (alpha - j) / x;
    const t = (j % 2 === 1 ? 1 : -1) * coef;
    if (Math.abs(t) > last) break;
    total += t;
    last = Math.abs(t);
    if (last < 1e-17 * Math.abs(total)) break;
  }
  return k * total;
}

/** `∫_0^{lo} g(gap + v) g(v) dv`, split at min(gap, lo) so the near-singular factor stays smooth. */
function lagIntegral(g: (r: number) => number, gap: number, lo: number): number {
  if (lo === 0) return 0;
  const f = (v: number) => g(gap + v) * g(v);
  if (gap === 0) return tanhSinh((_x, l) => f(l), 0, lo);
  const cut = Math.min(gap, lo);
  let total = tanhSinh((_x, l) => f(l), 0, cut);
  if (cut < lo) total += tanhSinh((x) => f(x), cut, lo);
  return total;
}

/** `∫_0^∞ g(τ + v) g(v) dv` (stationary autocovariance over σ²). */
function stationaryIntegral(g: (r: number) => number, tau: number, theta: number): number {
  const c = tau > 0 ? tau : 1 / theta;
  const head = lagIntegral(g, tau, c);
  const L = Math.max(tau, 1 / theta);
  // v = c + L w/(1−w), w ∈ [0, 1): the algebraic tail becomes an integrable end singularity.
  const tail = tanhSinh(
    (w, _l, oneMinusW) => {
      const v = c + (L * w) / oneMinusW;
      // ordered so that neither factor overflows: g(v)/(1−w) ~ v^{α−1}
      return (g(tau + v) / oneMinusW) * (g(v) / oneMinusW) * L;
    },
    0,
    1,
  );
  return head + tail;
}

/** A covariance function of the fOU with its stationary autocovariance cached per lag. */
function covarianceFunction(o: Resolved): (t: number, s: number) => number {
  const alpha = o.hurst + 0.5;
  const lg = lgamma(alpha);
  const g = (r: number) => kernel(alpha, o.theta, r, lg);
  const s2 = o.sigma * o.sigma;
  if (o.type === 'II') {
    return (t, s) => {
      const lo = Math.min(t, s);
      return s2 * lagIntegral(g, Math.abs(t - s), lo);
    };
  }
  const cache = new Map<number, number>();
  const rho = (tau: number) => {
    let v = cache.get(tau);
    if (v === undefined) {
      v = tau === 0 ? 1 / (2 * Math.sin(Math.PI * o.hurst) * Math.pow(o.theta, 2 * o.hurst)) : stationaryIntegral(g, tau, o.theta);
      cache.set(tau, v);
    }
    return v;
  };
  return (t, s) => {
    const th = o.theta;
    return s2 * (rho(Math.abs(t - s)) - Math.exp(-th * s) * rho(t) - Math.exp(-th * t) * rho(s) + Math.exp(-th * (t + s)) * rho(0));
  };
}

/**
 * `Cov(X_t, X_s)` of the fractional OU process started at 0 (see the module comment for the formulas).
 *
 * @example
 * ```ts
 * fouCovariance({ hurst: 0.5, type: 'II', theta: 1 }, 1, 1); // (1 − e^{−2})/2, the OU variance
 * ```
 */
export function fouCovariance(spec: FouSpec, t: number, s: number): number {
  const fn = 'fouCovariance';
  const o = resolve(fn, spec);
  checkNumber(fn, 't', t, { min: 0 });
  checkNumber(fn, 's', s, { min: 0 });
  return covarianceFunction(o)(t, s);
}

/**
 * The fOU covariance matrix on a grid of times ≥ 0 (n×n row-major Float64Array). For type I the
 * stationary autocovariance is computed once per distinct lag (cheap on regular grids).
 *
 * @example
 * ```ts
 * fouCovarianceMatrix({ hurst: 0.7, type: 'I', theta: 2 }, [0.5, 1, 1.5, 2]);
 * ```
 */
export function fouCovarianceMatrix(spec: FouSpec, times: ArrayLike<number>): Float64Array {
  const fn = 'fouCovarianceMatrix';
  const o = resolve(fn, spec);
  const n = times.length;
  for (let i = 0; i < n; i++) checkNumber(fn, `times[${i}]`, times[i], { min: 0 });
  const cov = covarianceFunction(o);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = cov(times[i]!, times[j]!);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}

/** Options of {@link sampleFouPaths}. */
export interface FouPathsOptions extends FouSpec {
  /** Strictly increasing times > 0. */
  times: readonly number[];
  /** Number of paths. */
  samples: number;
  /** Integer seed or seed stream. */
  seed: Seed;
  /**
   * Start value x0 (the mean `e^{−θt} x0` is added).
   * @default 0
   */
  x0?: number;
}

/**
 * Exact fOU paths at the given times (Cholesky of {@link fouCovarianceMatrix}), for reference data.
 *
 * @returns `[samples, times.length]` float32 tensor.
 * @example
 * ```ts
 * const x = sampleFouPaths({ hurst: 0.3, type: 'II', theta: 1, sigma: 0.5, times: [0.25, 0.5, 1], samples: 100, seed: 1 });
 * ```
 */
export function sampleFouPaths(options: FouPathsOptions): tf.Tensor2D {
  const fn = 'sampleFouPaths';
  const o = resolve(fn, options);
  const times = options.times;
  if (!Array.isArray(times) || times.length < 1 || times.some((t, i) => !(typeof t === 'number' && Number.isFinite(t) && t > (i === 0 ? 0 : times[i - 1]!)))) {
    throw new ArgumentError(fn, 'options.times', 'a non-empty array of strictly increasing finite times > 0', describeValue(times));
  }
  const x0 = checkNumber(fn, 'options.x0', options.x0 ?? 0);
  const paths = sampleGaussianPaths(fouCovarianceMatrix(o, times), times.length, { samples: options.samples, seed: options.seed });
  if (x0 === 0) return paths;
  const shifted = tf.tidy(() => tf.add(paths, tf.tensor2d([times.map((t) => x0 * Math.exp(-o.theta * t))]))) as tf.Tensor2D;
  paths.dispose();
  return shifted;
}
