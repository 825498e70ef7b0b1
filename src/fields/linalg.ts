/**
 * Internal: small dense float64 linear algebra on row-major `Float64Array`s (d ≤ ~10), for the per-sample
 * covariance inversions of the closed-form oracles.
 */

/** Lower Cholesky factor of a symmetric `d×d` matrix, or `null` when it is not positive definite. */
export function cholesky(a: ArrayLike<number>, d: number): Float64Array | null {
  const l = new Float64Array(d * d);
  return choleskyInto(a, d, l) ? l : null;
}

/** `log det A = 2 Σ log L_ii` from the Cholesky factor. */
export function logDetFromCholesky(l: Float64Array, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += Math.log(l[i * d + i]!);
  return 2 * s;
}

/** `A⁻¹` from the Cholesky factor `L` of `A` (solves `L Lᵀ X = I` column by column). */
export function inverseFromCholesky(l: Float64Array, d: number): Float64Array {
  const inv = new Float64Array(d * d);
  inverseFromCholeskyInto(l, d, inv, new Float64Array(d));
  return inv;
}

/** `out = A B` for `d×d` matrices. */
export function matMul(a: ArrayLike<number>, b: ArrayLike<number>, d: number, out: Float64Array = new Float64Array(d * d)): Float64Array {
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += a[i * d + k]! * b[k * d + j]!;
      out[i * d + j] = s;
    }
  }
  return out;
}

/** The `d×d` identity. */
export function identity(d: number): Float64Array {
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) m[i * d + i] = 1;
  return m;
}

/** Row-major `Float64Array` to nested arrays. */
export function toRows(a: ArrayLike<number>, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => a[i * cols + j]!));
}

/** In-place Cholesky: writes the lower factor of `a` into `l`; returns false when not positive definite. */
export function choleskyInto(a: ArrayLike<number>, d: number, l: Float64Array): boolean {
  l.fill(0, 0, d * d);
  for (let j = 0; j < d; j++) {
    let diag = a[j * d + j]!;
    for (let k = 0; k < j; k++) diag -= l[j * d + k]! * l[j * d + k]!;
    if (!(diag > 0) || !Number.isFinite(diag)) return false;
    const ljj = Math.sqrt(diag);
    l[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let s = a[i * d + j]!;
      for (let k = 0; k < j; k++) s -= l[i * d + k]! * l[j * d + k]!;
      l[i * d + j] = s / ljj;
    }
  }
  return true;
}

/** In-place inverse from a Cholesky factor (`y` is scratch of length d); symmetrised. */
export function inverseFromCholeskyInto(l: Float64Array, d: number, inv: Float64Array, y: Float64Array): void {
  for (let c = 0; c < d; c++) {
    for (let i = 0; i < d; i++) {
      let s = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) s -= l[i * d + k]! * y[k]!;
      y[i] = s / l[i * d + i]!;
    }
    for (let i = d - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let k = i + 1; k < d; k++) s -= l[k * d + i]! * inv[k * d + c]!;
      inv[i * d + c] = s / l[i * d + i]!;
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      const m = 0.5 * (inv[i * d + j]! + inv[j * d + i]!);
      inv[i * d + j] = m;
      inv[j * d + i] = m;
    }
  }
}
