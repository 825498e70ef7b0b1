/**
 * Double-precision eigen-decomposition of small symmetric matrices (cyclic Jacobi rotations) and the
 * principal square root of a symmetric positive semi-definite matrix built on it. Matrices are row-major
 * `Float64Array`s of `d · d` entries.
 */
import { ArgumentError, describeValue } from './errors.js';

/** Eigenvalues (ascending) and the matching orthonormal eigenvectors (the columns of `vectors`, row-major d×d). */
export interface SymmetricEigen {
  values: Float64Array;
  vectors: Float64Array;
}

function checkSquare(fn: string, a: ArrayLike<number>, d: number): void {
  if (!Number.isInteger(d) || d < 1 || a.length !== d * d) {
    throw new ArgumentError(fn, 'a', `a row-major ${d}×${d} matrix (${d * d} entries)`, `${a.length} entries`);
  }
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) throw new ArgumentError(fn, 'a', 'finite entries', `${describeValue(a[i])} at index ${i}`);
  }
}

/**
 * Eigen-decomposition A = V diag(λ) Vᵀ of a symmetric matrix by cyclic Jacobi rotations, in float64. The input
 * is symmetrised as (A + Aᵀ)/2 first. Converges quadratically; sweeps stop when the off-diagonal mass is below
 * 1e-15 relative to the Frobenius norm (at most 100 sweeps).
 *
 * @param a - row-major `d × d` matrix (not modified)
 * @param d - its side
 * @returns eigenvalues ascending and eigenvectors as columns
 * @example
 * ```ts
 * symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2).values; // [1, 3]
 * ```
 */
export function symmetricEigen(a: ArrayLike<number>, d: number): SymmetricEigen {
  checkSquare('symmetricEigen', a, d);
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) m[i * d + j] = 0.5 * (a[i * d + j]! + a[j * d + i]!);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  let norm = 0;
  for (let i = 0; i < d * d; i++) norm += m[i]! * m[i]!;
  const tol = 1e-30 * Math.max(norm, Number.MIN_VALUE);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += 2 * m[p * d + q]! ** 2;
    if (off <= tol) break;
    for (let p = 0; p < d - 1; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = m[p * d + q]!;
        if (apq === 0) continue;
        const app = m[p * d + p]!;
        const aqq = m[q * d + q]!;
        // Rotation angle that zeroes m[p][q] (Golub & Van Loan, symmetric Schur decomposition).
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
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => m[i * d + i]! - m[j * d + j]!);
  const values = Float64Array.from(order, (i) => m[i * d + i]!);
  const vectors = new Float64Array(d * d);
  order.forEach((src, dst) => {
    for (let k = 0; k < d; k++) vectors[k * d + dst] = v[k * d + src]!;
  });
  return { values, vectors };
}

/**
 * The principal square root S of a symmetric positive semi-definite matrix (S symmetric PSD, S·S = A), in
 * float64: S = V diag(√λ) Vᵀ. Eigenvalues that are negative only by rounding (≥ −1e-9 · max |λ|) are
 * taken as 0; a clearly negative eigenvalue is an error.
 *
 * @throws ArgumentError if `a` is not square, has non-finite entries, or is not positive semi-definite
 * @example
 * ```ts
 * sqrtmPsd(Float64Array.from([4, 0, 0, 9]), 2); // [2, 0, 0, 3]
 * ```
 */
export function sqrtmPsd(a: ArrayLike<number>, d: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, d);
  const scale = Math.max(...Array.from(values, Math.abs));
  const roots = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    const lambda = values[i]!;
    if (lambda < -1e-9 * scale) {
      throw new ArgumentError('sqrtmPsd', 'a', 'a positive semi-definite matrix', `one with eigenvalue ${lambda}`);
    }
    roots[i] = Math.sqrt(Math.max(0, lambda));
  }
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += vectors[i * d + k]! * roots[k]! * vectors[j * d + k]!;
      out[i * d + j] = s;
      out[j * d + i] = s;
    }
  }
  return out;
}
