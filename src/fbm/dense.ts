/**
 * Internal: small dense float64 linear algebra for the fBM module (row-major `Float64Array`s, K ≤ ~30):
 * Cholesky with a ridge, triangular solves, and a symmetric eigendecomposition (cyclic Jacobi) for
 * factoring positive semi-definite covariances that are numerically singular.
 */
import { cholesky } from '../fields/linalg.js';

/**
 * Cholesky factor L (lower, row-major) of `a + ridge·max(diag a)·I`, or null when a pivot is not positive.
 */
export function choleskyWithRidge(a: Float64Array, d: number, ridge: number): Float64Array | null {
  let maxDiag = 0;
  for (let i = 0; i < d; i++) maxDiag = Math.max(maxDiag, a[i * d + i]!);
  const shifted = Float64Array.from(a);
  for (let i = 0; i < d; i++) shifted[i * d + i]! += ridge * maxDiag;
  return cholesky(shifted, d);
}

/** Solves `L Lᵀ x = b` for x given the lower Cholesky factor L. */
export function choleskySolve(l: Float64Array, d: number, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i * d + k]! * y[k]!;
    y[i] = s / l[i * d + i]!;
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < d; k++) s -= l[k * d + i]! * x[k]!;
    x[i] = s / l[i * d + i]!;
  }
  return x;
}

/** Eigenvalues and eigenvectors (columns of `vectors`, row-major) of a symmetric matrix, cyclic Jacobi. */
export function symmetricEigen(a: ArrayLike<number>, d: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const x = m[i * d + j]! * m[i * d + j]!;
        total += x;
        if (i !== j) off += x;
      }
    }
    if (off <= 1e-32 * total || off === 0) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = m[p * d + q]!;
        if (apq === 0) continue;
        const app = m[p * d + p]!;
        const aqq = m[q * d + q]!;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const mkp = m[k * d + p]!;
          const mkq = m[k * d + q]!;
          m[k * d + p] = c * mkp - s * mkq;
          m[k * d + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < d; k++) {
          const mpk = m[p * d + k]!;
          const mqk = m[q * d + k]!;
          m[p * d + k] = c * mpk - s * mqk;
          m[q * d + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p]!;
          const vkq = v[k * d + q]!;
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = m[i * d + i]!;
  return { values, vectors: v };
}

/**
 * A square-root factor F with `F Fᵀ = a` for a symmetric positive semi-definite `a` that may be
 * numerically singular: `F = V √max(Λ, 0)` from the eigendecomposition (eigenvalues below
 * `1e-15·max` dropped, they are rounding noise).
 */
export function psdFactor(a: ArrayLike<number>, d: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, d);
  let top = 0;
  for (const x of values) top = Math.max(top, x);
  const f = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const lam = values[j]! > 1e-15 * top ? Math.sqrt(values[j]!) : 0;
    for (let i = 0; i < d; i++) f[i * d + j] = vectors[i * d + j]! * lam;
  }
  return f;
}

/**
 * Moore–Penrose pseudo-inverse of a symmetric positive semi-definite matrix, eigenvalues below
 * `threshold·max` treated as zero.
 */
export function psdPseudoInverse(a: ArrayLike<number>, d: number, threshold = 1e-14): Float64Array {
  const { values, vectors } = symmetricEigen(a, d);
  let top = 0;
  for (const x of values) top = Math.max(top, x);
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    if (!(values[k]! > threshold * top)) continue;
    const inv = 1 / values[k]!;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * d + j]! += vectors[i * d + k]! * vectors[j * d + k]! * inv;
  }
  return out;
}
