/**
 * The optimal weights ω of the Markov-approximate fBM `B̂_H = Σ_k ω_k Y_k` (MATH.md §2.2): the minimiser
 * of the integrated mean-square error `∫_0^T E[(B_H(t) − B̂_H(t))²] dt = ωᵀAω − 2bᵀω + c`, i.e. `Aω = b`,
 * and its derivative in the Hurst index. Everything in float64 on plain arrays.
 */
import { ArgumentError, checkNumber, checkOneOf, describeValue } from '../errors.js';
import { choleskySolve, choleskyWithRidge } from './dense.js';
import { lgamma, scaledGammaP, scaledGammaQ } from './incomplete-gamma.js';
import { checkSpeedGridOptions, speedGrid } from './speed-grid.js';

/**
 * Which fractional Brownian motion is approximated:
 * - `'II'`: Riemann–Liouville, `B_H(t) = Γ(H+½)⁻¹ ∫_0^t (t−s)^{H−½} dW_s`; the OU factors start at 0.
 * - `'I'`: Mandelbrot–van Ness with the same `Γ(H+½)⁻¹` factor, covariance `V_H·½(t^{2H} + s^{2H} − |t−s|^{2H})`,
 *   `V_H = 1/(Γ(2H+1) sin πH)`; the factors start from their stationary law.
 */
export type FbmType = 'I' | 'II';

/** The allowed {@link FbmType} names. */
export const FBM_TYPES: readonly FbmType[] = ['I', 'II'];

/** Options of {@link optimalOmega}. */
export interface OptimalOmegaOptions {
  /** Hurst index H in (0, 1). */
  hurst: number;
  /** Which fBM (see {@link FbmType}). */
  type: FbmType;
  /**
   * Number of OU factors (integer ≥ 1).
   * @default 5
   */
  K?: number;
  /**
   * Largest speed γ_K.
   * @default 20 for type II, 100 for type I (type I needs fast factors: at γ_max = 20 its covariance is
   *   off by 12% at H = 0.7, at 100 by 5%; see MATH.md)
   */
  gammaMax?: number;
  /**
   * Smallest speed γ_1.
   * @default 1 / gammaMax
   */
  gammaMin?: number;
  /**
   * Horizon T > 0 of the error integral `∫_0^T`.
   * @default 1
   */
  horizon?: number;
  /**
   * Relative ridge: `A + ridge·max(diag A)·I` is solved. A is badly conditioned (about 8e6 at K = 5,
   * γ_max = 20; beyond 1e15 from K = 8), so the plain float64 solve returns huge cancelling weights or
   * fails (K = 10, γ_max = 20). The default changes ω at K = 5 by about 3e-7 relative, keeps |ω| near 10⁴
   * or below up to K = 15, and costs at most ~15% of the (already small) optimal integrated error at
   * K = 8–10. Raise it (1e-10) to shrink |ω| further — large cancelling weights lose digits when the
   * factors are combined in float32 tensors. In [0, 1e-2].
   * @default 1e-13
   */
  ridge?: number;
}

/** The result of {@link optimalOmega}. */
export interface OptimalOmega {
  /** The speeds γ (Float64Array, K). */
  gammas: Float64Array;
  /** The weights ω (Float64Array, K). */
  omega: Float64Array;
  /**
   * The integrated relative error of the returned weights, `(ωᵀAω − 2bᵀω + c)/c`
   * (= `1 − bᵀω/c` for the exact, ridge-free solution).
   */
  relativeError: number;
}

/** The linear system `Aω = b` and the constant `c` (float64, A row-major K×K). */
export interface OmegaSystem {
  A: Float64Array;
  b: Float64Array;
  c: number;
}

/** Validated options with defaults filled in. */
export interface ResolvedOmegaOptions {
  hurst: number;
  type: FbmType;
  K: number;
  gammaMin: number;
  gammaMax: number;
  horizon: number;
  ridge: number;
}

/** Checks a Hurst index: a finite number strictly inside (0, 1). */
export function checkHurst(fn: string, arg: string, hurst: unknown): number {
  if (typeof hurst !== 'number' || !(hurst > 0 && hurst < 1)) {
    throw new ArgumentError(fn, arg, 'a Hurst index strictly between 0 and 1', describeValue(hurst));
  }
  return hurst;
}

/** Validates {@link OptimalOmegaOptions} for `fn` and fills in the defaults. */
export function resolveOmegaOptions(fn: string, options: OptimalOmegaOptions): ResolvedOmegaOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ArgumentError(fn, 'options', 'an options object { hurst, type, K?, gammaMax?, gammaMin?, horizon? }', describeValue(options));
  }
  const hurst = checkHurst(fn, 'options.hurst', options.hurst);
  const type = checkOneOf(fn, 'options.type', options.type, FBM_TYPES);
  const grid = checkSpeedGridOptions(fn, {
    K: options.K ?? 5,
    gammaMax: options.gammaMax ?? (type === 'I' ? 100 : 20),
    gammaMin: options.gammaMin,
  });
  const horizon = checkNumber(fn, 'options.horizon', options.horizon ?? 1, { min: 0, exclusiveMin: true });
  const ridge = checkNumber(fn, 'options.ridge', options.ridge ?? 1e-13, { min: 0, max: 1e-2 });
  return { hurst, type, ...grid, horizon, ridge };
}

/** `(e^{−x} − 1 + x)/x²`, stable for small x. */
function phi2(x: number): number {
  if (x < 0.1) {
    // Σ_n (−x)^n / (n+2)!
    let term = 0.5;
    let sum = 0.5;
    for (let n = 1; n < 30; n++) {
      term *= -x / (n + 2);
      sum += term;
      if (Math.abs(term) < 1e-17 * sum) break;
    }
    return sum;
  }
  return (Math.expm1(-x) + x) / (x * x);
}

/** `∫_0^T (T−u) u^{α−1} e^{−γu} du / Γ(α)` scaled by `T^{−(α+1)}`: `p̃(α, x) − α p̃(α+1, x)`, x = γT. */
function bTypeII(alpha: number, x: number): number {
  return scaledGammaP(alpha, x) - alpha * scaledGammaP(alpha + 1, x);
}

/**
 * Type I right-hand side scaled by `T^{−(α+1)}`, x = γT:
 * `2x^{−α} − 1/(x Γ(α+1)) + (e^{−x} − e^{x} Q(α, x)) x^{−α−1}`. For x < 1 the terms cancel (each ~1/x);
 * there the equal form `−2 (sinh x − x) x^{−α−1} + Σ_{n≥1} x^{n−1}/Γ(α+n+1)` is summed instead.
 */
function bTypeI(alpha: number, x: number): number {
  if (x >= 1) {
    return 2 * Math.pow(x, -alpha) - Math.exp(-Math.log(x) - lgamma(alpha + 1)) + (Math.exp(-x) - scaledGammaQ(alpha, x)) * Math.pow(x, -alpha - 1);
  }
  // sinh x − x = Σ_{m≥1} x^{2m+1}/(2m+1)!
  let term = x;
  let sinhMinus = 0;
  for (let m = 1; m < 40; m++) {
    term *= (x * x) / ((2 * m) * (2 * m + 1));
    sinhMinus += term;
    if (term < 1e-18 * sinhMinus) break;
  }
  let g = Math.exp(-lgamma(alpha + 2)); // 1/Γ(α+2)
  let series = 0;
  let power = 1;
  for (let n = 1; n < 200; n++) {
    const t = power * g;
    series += t;
    if (t < 1e-18 * series) break;
    power *= x;
    g /= alpha + n + 1;
  }
  return -2 * sinhMinus * Math.pow(x, -alpha - 1) + series;
}

/**
 * The system of the optimal weights for speeds `gammas` (MATH.md §2.2), assembled in forms that stay
 * accurate for small γT: type II `A_ij = T² φ(σT)`, σ = γ_i + γ_j, φ(x) = (e^{−x} − 1 + x)/x²; type I
 * `A_ij = T² (a φ(a) + b φ(b))/(a + b)` with a = γ_i T, b = γ_j T; `b_i` from the regularised incomplete
 * gamma functions; `c = T^{2H+1}/(2H(2H+1)Γ(H+½)²)` (type II) or `V_H T^{2H+1}/(2H+1)` (type I).
 *
 * @example
 * ```ts
 * const { A, b, c } = omegaSystem('II', 0.3, speedGrid({ K: 5, gammaMax: 20 }), 1);
 * ```
 */
export function omegaSystem(type: FbmType, hurst: number, gammas: ArrayLike<number>, horizon: number): OmegaSystem {
  const K = gammas.length;
  const T = horizon;
  const alpha = hurst + 0.5;
  const A = new Float64Array(K * K);
  const b = new Float64Array(K);
  const scale = Math.pow(T, alpha + 1);
  for (let i = 0; i < K; i++) {
    const gi = gammas[i]!;
    for (let j = 0; j < K; j++) {
      const gj = gammas[j]!;
      if (type === 'II') {
        A[i * K + j] = T * T * phi2((gi + gj) * T);
      } else {
        const a = gi * T;
        const bb = gj * T;
        A[i * K + j] = (T * T * (a * phi2(a) + bb * phi2(bb))) / (a + bb);
      }
    }
    b[i] = scale * (type === 'II' ? bTypeII(alpha, gi * T) : bTypeI(alpha, gi * T));
  }
  const c =
    type === 'II'
      ? Math.pow(T, 2 * hurst + 1) / (2 * hurst * (2 * hurst + 1) * Math.exp(2 * lgamma(alpha)))
      : (mvnScale(hurst) * Math.pow(T, 2 * hurst + 1)) / (2 * hurst + 1);
  return { A, b, c };
}

/**
 * `V_H = 1/(Γ(2H+1) sin πH)`: the variance at t = 1 of the Mandelbrot–van Ness fBM with the `Γ(H+½)⁻¹`
 * factor (type I), e.g. 1.383 at H = 0.3 and 1 at H = ½.
 *
 * @example
 * ```ts
 * mvnScale(0.5); // 1
 * ```
 */
export function mvnScale(hurst: number): number {
  checkHurst('mvnScale', 'hurst', hurst);
  return 1 / (Math.exp(lgamma(2 * hurst + 1)) * Math.sin(Math.PI * hurst));
}

function factor(fn: string, A: Float64Array, K: number, ridge: number): Float64Array {
  const l = choleskyWithRidge(A, K, ridge);
  if (l === null) {
    throw new ArgumentError(fn, 'options.ridge', `large enough for a positive definite system at K = ${K} (try 1e-8)`, describeValue(ridge));
  }
  return l;
}

function objective(sys: OmegaSystem, omega: Float64Array): number {
  const K = omega.length;
  let quad = 0;
  let lin = 0;
  for (let i = 0; i < K; i++) {
    lin += sys.b[i]! * omega[i]!;
    for (let j = 0; j < K; j++) quad += omega[i]! * sys.A[i * K + j]! * omega[j]!;
  }
  return (quad - 2 * lin + sys.c) / sys.c;
}

/**
 * The optimal weights ω for the geometric speed grid (see {@link speedGrid}): solves `(A + λI) ω = b` in
 * float64 by Cholesky with a tiny ridge `λ = ridge·max(diag A)` (A is ill-conditioned; see
 * {@link OptimalOmegaOptions.ridge}).
 *
 * @returns `{ gammas, omega, relativeError }` (Float64Arrays of length K and the integrated relative error).
 * @throws ArgumentError for H outside (0, 1), K < 1, non-positive or unordered speed bounds, horizon ≤ 0.
 * @example
 * ```ts
 * const { omega } = optimalOmega({ hurst: 0.3, type: 'II', K: 5, gammaMax: 20, horizon: 1 });
 * // ≈ [28.1741, −38.3511, 13.2625, −2.2915, 1.7723]
 * ```
 */
export function optimalOmega(options: OptimalOmegaOptions): OptimalOmega {
  const o = resolveOmegaOptions('optimalOmega', options);
  const gammas = speedGrid({ K: o.K, gammaMax: o.gammaMax, gammaMin: o.gammaMin });
  const sys = omegaSystem(o.type, o.hurst, gammas, o.horizon);
  const omega = choleskySolve(factor('optimalOmega', sys.A, o.K, o.ridge), o.K, sys.b);
  return { gammas, omega, relativeError: objective(sys, omega) };
}

/** The result of {@link optimalOmegaWithDerivative}. */
export interface OptimalOmegaDerivative extends OptimalOmega {
  /** `dω/dH` (Float64Array, K). */
  dOmegaDHurst: Float64Array;
}

/**
 * The optimal weights and their derivative in the Hurst index by implicit differentiation: A does not
 * depend on H, so `dω/dH = (A + λI)⁻¹ db/dH` with the same Cholesky factor. `db/dH` is a five-point central
 * difference of the closed-form `b(H)` in float64 with step δ = min(1e-3, H/4, (1−H)/4): b is analytic in
 * H, so the truncation error is about δ⁴|b⁽⁵⁾|/30 ≈ 1e-13 and the rounding error about 1e-16·|b|/δ ≈ 1e-13
 * relative — far below the conditioning of A, which limits dω/dH as it limits ω (a closed form would
 * need the derivative of P(a, x) in a, a further special function, for no gain).
 *
 * @example
 * ```ts
 * const { omega, dOmegaDHurst } = optimalOmegaWithDerivative({ hurst: 0.3, type: 'II' });
 * ```
 */
export function optimalOmegaWithDerivative(options: OptimalOmegaOptions): OptimalOmegaDerivative {
  const o = resolveOmegaOptions('optimalOmegaWithDerivative', options);
  const gammas = speedGrid({ K: o.K, gammaMax: o.gammaMax, gammaMin: o.gammaMin });
  const sys = omegaSystem(o.type, o.hurst, gammas, o.horizon);
  const l = factor('optimalOmegaWithDerivative', sys.A, o.K, o.ridge);
  const omega = choleskySolve(l, o.K, sys.b);
  const delta = Math.min(1e-3, o.hurst / 4, (1 - o.hurst) / 4);
  const bAt = (h: number) => omegaSystem(o.type, h, gammas, o.horizon).b;
  const [m2, m1, p1, p2] = [-2, -1, 1, 2].map((k) => bAt(o.hurst + k * delta)) as [Float64Array, Float64Array, Float64Array, Float64Array];
  const db = new Float64Array(o.K);
  for (let i = 0; i < o.K; i++) db[i] = (m2[i]! - 8 * m1[i]! + 8 * p1[i]! - p2[i]!) / (12 * delta);
  return { gammas, omega, relativeError: objective(sys, omega), dOmegaDHurst: choleskySolve(l, o.K, db) };
}
