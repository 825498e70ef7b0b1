/**
 * Internal: the float64 closed-form parameters behind the Gaussian(-mixture) oracle at given times — per
 * component k the marginal m_k(t), C_k(t), its precision and log normaliser, and one field's affine form
 * `f = o_k + M_k (x − m_k)` (MATH.md §1.2, §1.7; see {@link GaussianMixtureOracle} for the formulas).
 * Not part of the public API.
 */
import { ArgumentError } from '../errors.js';
import type { Interpolant } from '../interpolants/types.js';
import type { Mixture } from './gaussian-spec.js';
import { cholesky, choleskyInto, inverseFromCholesky, inverseFromCholeskyInto, logDetFromCholesky, matMul } from './linalg.js';
import type { FieldName } from './names.js';

const LOG_2PI = Math.log(2 * Math.PI);

type Buf = Float32Array | Float64Array;

/**
 * Output buffers of {@link OracleCoefficients.fillRow}, laid out `[rows, K, …]`: component means m_k,
 * covariances C_k, precisions C_k⁻¹, log normalisers, and one field's offsets o_k and matrices M_k.
 */
export interface RowBuffers {
  means?: Buf;
  covs?: Buf;
  prec?: Buf;
  logNorm?: Buf;
  offsets?: Buf;
  mats?: Buf;
}

/** float32 per-time component arrays (`rows` = 1 when every time is equal, else one per sample). */
export interface TimeArrays {
  rows: number;
  means: Float32Array;
  prec?: Float32Array;
  logNorm?: Float32Array;
  offsets?: Float32Array;
  mats?: Float32Array;
}

function safeMul(a: number, v: number): number {
  return v === 0 ? 0 : a * v;
}

/**
 * The closed-form parameters of an interpolant between a Gaussian x0 law and a Gaussian-mixture target.
 * `kind` is the quantity computed literally: `'eta-z'` is E[z | x_t] (γ P r) and `'eta-0'` E[x0 | x_t]; the
 * oracle maps its public fields onto these (one-sided η_z is η_0, mirror η_0 is η_1).
 */
export class OracleCoefficients {
  readonly dim: number;
  readonly components: number;
  private readonly logWeights: Float64Array;
  private readonly scratch: { C: Float64Array; L: Float64Array; P: Float64Array; Lk: Float64Array; M: Float64Array; y: Float64Array };

  constructor(
    private readonly interpolant: Interpolant,
    private readonly x0Law: Mixture,
    private readonly targetLaw: Mixture,
  ) {
    const d = targetLaw.dim;
    this.dim = d;
    this.components = targetLaw.weights.length;
    this.logWeights = Float64Array.from(targetLaw.weights, Math.log);
    const dd = d * d;
    this.scratch = {
      C: new Float64Array(dd),
      L: new Float64Array(dd),
      P: new Float64Array(dd),
      Lk: new Float64Array(dd),
      M: new Float64Array(dd),
      y: new Float64Array(d),
    };
  }

  /** The law of x_t: `Σ_k π_k N(α m0 + β μ_k, α² C0 + β² Σ_k + γ² I)`. */
  marginalLaw(t: number, fn: string): Mixture {
    const d = this.dim;
    const K = this.components;
    const means = new Float64Array(K * d);
    const covs = new Float64Array(K * d * d);
    this.fillRow(t, null, { means, covs }, 0, fn);
    const covariances = Array.from({ length: K }, (_, k) => covs.slice(k * d * d, (k + 1) * d * d));
    return {
      dim: d,
      weights: this.targetLaw.weights,
      means: Array.from({ length: K }, (_, k) => means.slice(k * d, (k + 1) * d)),
      covariances,
      choleskys: covariances.map((c) => cholesky(c, d)!),
    };
  }

  /**
   * Writes, for one time t and every component k, into row `row` of the given buffers: m_k(t), C_k(t),
   * C_k(t)⁻¹, log π_k − ½ log det C_k − (d/2) log 2π, and (when `kind` is given) the field's offset o_k and
   * matrix M_k = L_k C_k⁻¹ of `f = Σ_k r_k (o_k + M_k (x − m_k))`. float64 throughout, no allocation.
   */
  fillRow(t: number, kind: FieldName | null, out: RowBuffers, row: number, fn: string): void {
    const c = this.interpolant.coefficientsAt(t);
    const d = this.dim;
    const dd = d * d;
    const law = this.targetLaw;
    const K = this.components;
    const m0 = this.x0Law.means[0]!;
    const C0 = this.x0Law.covariances[0]!;
    const mirror = this.interpolant.mirror;
    const { alpha: a, beta: b, gamma: g } = c;
    const a2 = mirror ? 0 : a * a;
    const { C, L, P, Lk, M, y } = this.scratch;
    // L_k = ca C0 + cb Σ_k + cg I and the offset, per field kind
    let ca = 0;
    let cb = 0;
    let cg = 0;
    let offset: 'dMean' | 'zero' | 'm0' | 'mu' = 'zero';
    switch (kind) {
      case 'b':
        [ca, cb, cg, offset] = [c.alphaDAlpha, c.betaDBeta, c.gammaDGamma, 'dMean'];
        break;
      case 'v':
        [ca, cb, offset] = [c.alphaDAlpha, c.betaDBeta, 'dMean'];
        break;
      case 's':
        cg = -1;
        break;
      case 'eta-z':
        cg = g;
        break;
      case 'eta-0':
        [ca, offset] = [a, 'm0'];
        break;
      case 'eta-1':
        [cb, offset] = [b, 'mu'];
        break;
      case null:
        break;
    }
    if (mirror) ca = 0;
    for (let k = 0; k < K; k++) {
      const mu = law.means[k]!;
      const S = law.covariances[k]!;
      const vecAt = (row * K + k) * d;
      const matAt = (row * K + k) * dd;
      if (out.means) for (let i = 0; i < d; i++) out.means[vecAt + i] = safeMul(a, m0[i]!) + safeMul(b, mu[i]!);
      for (let i = 0; i < dd; i++) C[i] = a2 * C0[i]! + b * b * S[i]!;
      for (let i = 0; i < d; i++) C[i * d + i]! += g * g;
      if (out.covs) out.covs.set(C, matAt);
      if (!out.prec && !out.logNorm && kind === null) continue;
      if (!choleskyInto(C, d, L)) {
        throw new ArgumentError(fn, 't', 'a time where C(t) = α²C0 + β²Σ_k + γ²I is positive definite', `t = ${t} (α = ${a}, β = ${b}, γ = ${g})`);
      }
      if (out.logNorm) out.logNorm[row * K + k] = this.logWeights[k]! - 0.5 * logDetFromCholesky(L, d) - 0.5 * d * LOG_2PI;
      if (!out.prec && kind === null) continue;
      inverseFromCholeskyInto(L, d, P, y);
      if (out.prec) out.prec.set(P, matAt);
      if (kind === null) continue;
      if (out.offsets) {
        for (let i = 0; i < d; i++) {
          out.offsets[vecAt + i] =
            offset === 'dMean'
              ? safeMul(c.dAlpha, m0[i]!) + safeMul(c.dBeta, mu[i]!)
              : offset === 'm0'
                ? m0[i]!
                : offset === 'mu'
                  ? mu[i]!
                  : 0;
        }
      }
      if (out.mats) {
        for (let i = 0; i < dd; i++) Lk[i] = ca * C0[i]! + cb * S[i]!;
        for (let i = 0; i < d; i++) Lk[i * d + i]! += cg;
        matMul(Lk, P, d, M);
        out.mats.set(M, matAt);
      }
    }
  }

  /**
   * float32 arrays of component parameters (and of one field's offsets/matrices) on `rows` time rows:
   * one row when all times are equal, else one per sample; each distinct time is computed once and copied.
   */
  timeArrays(ts: ArrayLike<number>, kind: FieldName | null, fn: string): TimeArrays {
    const d = this.dim;
    const dd = d * d;
    const K = this.components;
    const needMixture = kind === null || K > 1;
    let shared = true;
    for (let i = 1; i < ts.length && shared; i++) shared = ts[i] === ts[0];
    const rows = shared ? 1 : ts.length;
    const out = {
      rows,
      means: new Float32Array(rows * K * d),
      prec: needMixture ? new Float32Array(rows * K * dd) : undefined,
      logNorm: needMixture ? new Float32Array(rows * K) : undefined,
      offsets: kind !== null ? new Float32Array(rows * K * d) : undefined,
      mats: kind !== null ? new Float32Array(rows * K * dd) : undefined,
    };
    const strides: [Float32Array | undefined, number][] = [
      [out.means, K * d],
      [out.prec, K * dd],
      [out.logNorm, K],
      [out.offsets, K * d],
      [out.mats, K * dd],
    ];
    const firstRow = new Map<number, number>();
    for (let r = 0; r < rows; r++) {
      const v = ts[r]!;
      const j = firstRow.get(v);
      if (j === undefined) {
        firstRow.set(v, r);
        this.fillRow(v, kind, out, r, fn);
      } else {
        for (const [buf, stride] of strides) buf?.copyWithin(r * stride, j * stride, (j + 1) * stride);
      }
    }
    return out;
  }
}

/** float32 arrays of a fixed mixture's means, precisions and log normalisers. */
export function staticComponents(law: Mixture): { means: Float32Array; prec: Float32Array; logNorm: Float32Array } {
  const d = law.dim;
  return {
    means: Float32Array.from(law.means.flatMap((m) => Array.from(m))),
    prec: Float32Array.from(law.choleskys.flatMap((l) => Array.from(inverseFromCholesky(l, d)))),
    logNorm: Float32Array.from(law.choleskys, (l, k) => Math.log(law.weights[k]!) - 0.5 * logDetFromCholesky(l, d) - 0.5 * d * LOG_2PI),
  };
}
