/**
 * Internal: small dense float64 linear algebra for the fBM module (row-major `Float64Array`s, K ≤ ~30):
 * Cholesky with a ridge, triangular solves, and (on the shared `symmetricEigen`, src/symmetric-eigen.ts)
 * factoring positive semi-definite covariances that are numerically singular.
 */
import { cholesky } from '../fields/linalg.js';
import { symmetricEigen } from '../symmetric-eigen.js';

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
