/**
 * Exact covariances (float64): of the two fractional Brownian motions (MATH.md §2.1) and of their Markov
 * approximation `B̂_H = Σ_k ω_k Y_k` (MATH.md §2.2).
 */
import { ArgumentError, checkNumber, checkOneOf, describeValue } from '../errors.js';
import { lgamma } from './incomplete-gamma.js';
import { checkHurst, FBM_TYPES, mvnScale } from './optimal-omega.js';
import type { FbmType } from './optimal-omega.js';
import { tanhSinh } from './quadrature.js';

/** Which fBM and which Hurst index. */
export interface FbmSpec {
  /** Hurst index in (0, 1). */
  hurst: number;
  /** `'I'` (Mandelbrot–van Ness, `V_H` normalisation) or `'II'` (Riemann–Liouville). */
  type: FbmType;
}

/**
 * `Cov(B_H(t), B_H(s))` for t, s ≥ 0:
 * - type I: `V_H · ½(t^{2H} + s^{2H} − |t − s|^{2H})`, `V_H = 1/(Γ(2H+1) sin πH)` ({@link mvnScale});
 * - type II: `Γ(H+½)⁻² ∫_0^{min} (t−u)^{H−½} (s−u)^{H−½} du`, by tanh-sinh quadrature (relative accuracy
 *   about 1e-13; `t^{2H}/(2H Γ(H+½)²)` in closed form when t = s).
 *
 * @example
 * ```ts
 * fbmCovariance({ hurst: 0.5, type: 'II' }, 1, 0.5); // 0.5 (Brownian motion)
 * ```
 */
export function fbmCovariance(spec: FbmSpec, t: number, s: number): number {
  const fn = 'fbmCovariance';
  const hurst = checkHurst(fn, 'spec.hurst', spec?.hurst);
  const type = checkOneOf(fn, 'spec.type', spec.type, FBM_TYPES);
  checkNumber(fn, 't', t, { min: 0 });
  checkNumber(fn, 's', s, { min: 0 });
  const twoH = 2 * hurst;
  if (type === 'I') return mvnScale(hurst) * 0.5 * (Math.pow(t, twoH) + Math.pow(s, twoH) - Math.pow(Math.abs(t - s), twoH));
  const lo = Math.min(t, s);
  const gap = Math.abs(t - s);
  const norm = Math.exp(-2 * lgamma(hurst + 0.5));
  if (lo === 0) return 0;
  if (gap === 0) return (Math.pow(lo, twoH) / twoH) * norm;
  const p = hurst - 0.5;
  // v = min − u: ∫_0^{lo} (gap + v)^{p} v^{p} dv; split at min(gap, lo) so the near-singular factor stays smooth.
  const integrand = (v: number, fromLeft: number) => Math.pow(gap + v, p) * Math.pow(fromLeft, p);
  const cut = Math.min(gap, lo);
  let total = tanhSinh((_x, l) => integrand(l, l), 0, cut);
  if (cut < lo) total += tanhSinh((x) => integrand(x, x), cut, lo);
  return total * norm;
}

/**
 * The exact fBM covariance matrix on a time grid (n×n row-major Float64Array).
 *
 * @example
 * ```ts
 * fbmCovarianceMatrix({ hurst: 0.3, type: 'I' }, [0.25, 0.5, 1]);
 * ```
 */
export function fbmCovarianceMatrix(spec: FbmSpec, times: ArrayLike<number>): Float64Array {
  const n = times.length;
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = fbmCovariance(spec, times[i]!, times[j]!);
      out[i * n + j] = v;
      out[j * n + i] = v;
    }
  }
  return out;
}

/** A Markov approximation: its type, speeds and weights. */
export interface MarkovSpec {
  /** `'II'`: factors start at 0; `'I'`: from the stationary law, and `B̂ = Σ ω_k (Y_k(t) − Y_k(0))`. */
  type: FbmType;
  /** Speeds γ_k > 0. */
  gammas: ArrayLike<number>;
  /** Weights ω_k (same length). */
  omega: ArrayLike<number>;
}

/**
 * The covariance of the Markov approximation `B̂_H` (closed form, t, s ≥ 0): with `σ_ij = γ_i + γ_j` and
 * t ≥ s,
 * - type II: `Σ_ij ω_i ω_j e^{−γ_i(t−s)} (1 − e^{−σ_ij s})/σ_ij`;
 * - type I: `Σ_ij ω_i ω_j [e^{−γ_i(t−s)} − e^{−γ_i t} − e^{−γ_j s} + 1]/σ_ij`.
 *
 * @example
 * ```ts
 * const { gammas, omega } = optimalOmega({ hurst: 0.3, type: 'II' });
 * markovCovariance({ type: 'II', gammas, omega }, 1, 1); // ≈ 1.22 ≈ fbmCovariance({ hurst: 0.3, type: 'II' }, 1, 1)
 * ```
 */
export function markovCovariance(spec: MarkovSpec, t: number, s: number): number {
  const fn = 'markovCovariance';
  const type = checkOneOf(fn, 'spec.type', spec?.type, FBM_TYPES);
  const { gammas, omega } = spec;
  if (gammas?.length === undefined || omega?.length !== gammas.length || gammas.length < 1) {
    throw new ArgumentError(fn, 'spec', 'gammas and omega of the same length >= 1', `lengths ${describeValue(gammas?.length)} and ${describeValue(omega?.length)}`);
  }
  checkNumber(fn, 't', t, { min: 0 });
  checkNumber(fn, 's', s, { min: 0 });
  const hi = Math.max(t, s);
  const lo = Math.min(t, s);
  const K = gammas.length;
  let total = 0;
  for (let i = 0; i < K; i++) {
    const gi = gammas[i]!;
    for (let j = 0; j < K; j++) {
      const gj = gammas[j]!;
      const sig = gi + gj;
      const m =
        type === 'II'
          ? (Math.exp(-gi * (hi - lo)) * -Math.expm1(-sig * lo)) / sig
          : (Math.exp(-gi * (hi - lo)) - Math.exp(-gi * hi) - Math.exp(-gj * lo) + 1) / sig;
      total += omega[i]! * omega[j]! * m;
    }
  }
  return total;
}
