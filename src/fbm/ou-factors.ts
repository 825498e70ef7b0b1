/**
 * The exact Gaussian laws of the K Ornstein–Uhlenbeck factors `dY_k = −γ_k Y_k dt + dW` driven by ONE
 * Brownian motion W (float64, K×K row-major):
 *
 * - transition over a step h: `Y(t+h) = E(h) Y(t) + ξ`, `E(h) = diag(e^{−γ_k h})`,
 *   `ξ_k = ∫_t^{t+h} e^{−γ_k(t+h−s)} dW_s`, jointly Gaussian with
 *   `S(h)_ij = Cov(ξ_i, ξ_j) = ∫_0^h e^{−(γ_i+γ_j)u} du = (1 − e^{−(γ_i+γ_j)h})/(γ_i+γ_j)`;
 * - stationary law: `S(∞)_ij = 1/(γ_i+γ_j)`;
 * - bridge: Y at `l + h1` given Y(l) = a and Y(l + h1 + h2) = c is Gaussian with mean
 *   `(E1 − G E(h1+h2)) a + G c` and covariance `S1 − G E2 S1`, where `G = S1 E2 S(h1+h2)⁻¹`, S1 = S(h1),
 *   E1 = E(h1), E2 = E(h2) (from `c = E2 Y(m) + ξ2` and `S(h1+h2) = E2 S1 E2 + S(h2)`).
 *
 * S(h) is nearly singular for small h (all entries ≈ h; its eigenvalues fall like h·(γ_max h)^{2k}), so
 * the factors are taken from eigendecompositions, not Cholesky.
 */
import { psdFactor, psdPseudoInverse } from './dense.js';

/** `(1 − e^{−x})/x` accurate for small x (and 1 at x = 0). */
function expm1Ratio(x: number): number {
  return x === 0 ? 1 : -Math.expm1(-x) / x;
}

/**
 * `S(h)`: covariance of the OU factors' noise over a step h ≥ 0 (K×K, row-major).
 *
 * @example
 * ```ts
 * ouStepCovariance([0.5, 2], 0.1); // [[(1−e^{−0.1})/1, …], …]
 * ```
 */
export function ouStepCovariance(gammas: ArrayLike<number>, h: number): Float64Array {
  const K = gammas.length;
  const s = new Float64Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) s[i * K + j] = h * expm1Ratio((gammas[i]! + gammas[j]!) * h);
  return s;
}

/**
 * The stationary covariance `1/(γ_i + γ_j)` of the OU factors (K×K, row-major; every γ > 0).
 *
 * @example
 * ```ts
 * ouStationaryCovariance([1]); // [0.5]
 * ```
 */
export function ouStationaryCovariance(gammas: ArrayLike<number>): Float64Array {
  const K = gammas.length;
  const s = new Float64Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) s[i * K + j] = 1 / (gammas[i]! + gammas[j]!);
  return s;
}

/** Exact one-step transition of the factors: `Y(t+h) = decay ⊙ Y(t) + factor · z`, z ~ N(0, I_K). */
export interface OuTransition {
  /** `e^{−γ_k h}` (K). */
  decay: Float64Array;
  /** F with `F Fᵀ = S(h)` (K×K, row-major). */
  factor: Float64Array;
}

/**
 * The exact transition of the OU factors over a step h (see the module comment).
 *
 * @example
 * ```ts
 * const { decay, factor } = ouTransition(speedGrid({ K: 5, gammaMax: 20 }), 0.01);
 * ```
 */
export function ouTransition(gammas: ArrayLike<number>, h: number): OuTransition {
  const K = gammas.length;
  const decay = new Float64Array(K);
  for (let k = 0; k < K; k++) decay[k] = Math.exp(-gammas[k]! * h);
  return { decay, factor: psdFactor(ouStepCovariance(gammas, h), K) };
}

/** Bridge of the factors: `Y(l + h1) = left · a + right · c + factor · z`, z ~ N(0, I_K). */
export interface OuBridge {
  /** `E1 − G E(h1+h2)` (K×K). */
  left: Float64Array;
  /** `G` (K×K). */
  right: Float64Array;
  /** F with `F Fᵀ = S1 − G E2 S1` (K×K). */
  factor: Float64Array;
}

/**
 * The exact bridge of the OU factors at `l + h1` between known values at `l` and `l + h1 + h2` (h1, h2 > 0).
 * `S(h1+h2)` is inverted on its numerically significant eigendirections (eigenvalues above 1e-10 of the
 * largest); in the others the bridge keeps the forward transition from the left end — a deviation of
 * relative size ~1e-5 in those directions' standard deviation, below float32 sampling resolution.
 *
 * @example
 * ```ts
 * const { left, right, factor } = ouBridge([0.05, 1, 20], 0.25, 0.25);
 * ```
 */
export function ouBridge(gammas: ArrayLike<number>, h1: number, h2: number): OuBridge {
  const K = gammas.length;
  const s1 = ouStepCovariance(gammas, h1);
  const sTotal = ouStepCovariance(gammas, h1 + h2);
  const inv = psdPseudoInverse(sTotal, K, 1e-10);
  const decay = (h: number) => Float64Array.from({ length: K }, (_, k) => Math.exp(-gammas[k]! * h));
  const e1 = decay(h1);
  const e2 = decay(h2);
  const eTotal = decay(h1 + h2);
  // G = S1 E2 S⁺
  const g = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += s1[i * K + k]! * e2[k]! * inv[k * K + j]!;
      g[i * K + j] = sum;
    }
  }
  const left = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) left[i * K + j] = (i === j ? e1[i]! : 0) - g[i * K + j]! * eTotal[j]!;
  }
  // conditional covariance S1 − G E2 S1, symmetrised
  const cov = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += g[i * K + k]! * e2[k]! * s1[k * K + j]!;
      cov[i * K + j] = s1[i * K + j]! - sum;
    }
  }
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < i; j++) {
      const m = 0.5 * (cov[i * K + j]! + cov[j * K + i]!);
      cov[i * K + j] = m;
      cov[j * K + i] = m;
    }
  }
  return { left, right: g, factor: psdFactor(cov, K) };
}
