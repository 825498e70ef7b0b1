/**
 * Closed-form oracles for spatially linear interpolants between a Gaussian ρ0 = N(m0, C0) and a Gaussian
 * or Gaussian mixture ρ1 = Σ_k π_k N(μ_k, Σ_k) (independent coupling, z ~ N(0, I)).
 *
 * Math (MATH.md §1.2, §1.7). Given component k, (x0, x1, z, x_t) are jointly Gaussian and x_t ~ N(m_k, C_k):
 *   m_k(t) = α m0 + β μ_k,            C_k(t) = α² C0 + β² Σ_k + γ² I,
 *   ṁ_k(t) = α̇ m0 + β̇ μ_k,           ½ Ċ_k(t) = αα̇ C0 + ββ̇ Σ_k + γγ̇ I,
 *   Cov(x0, x_t) = α C0,  Cov(x1, x_t) = β Σ_k,  Cov(z, x_t) = γ I, so with P_k = C_k⁻¹ and r = x − m_k:
 *   E[x0 | x_t = x, k] = m0 + α C0 P_k r,   E[x1 | …] = μ_k + β Σ_k P_k r,   E[z | …] = γ P_k r,
 *   s_k = −P_k r,  b_k = ṁ_k + ½ Ċ_k P_k r,  v_k = ṁ_k + (αα̇ C0 + ββ̇ Σ_k) P_k r.
 * The mixture fields are responsibility-weighted sums, r_k(x) = softmax_k(log π_k + log N(x; m_k, C_k)).
 * Only the closed-form products αα̇, ββ̇, γγ̇ enter (never γ̇ or α̇ alone, except α̇ m0 and β̇ μ_k, which are
 * skipped where the vector entry is 0), so the fields are finite on all of [0, 1] for every built-in family,
 * including γ = √(a t(1−t)) at the ends and the one-sided VP family at t = 1. The identities
 * `α η_0 + β η_1 + γ η_z = x`, `b = α̇ η_0 + β̇ η_1 + γ̇ η_z`, `b = v − γγ̇ s` hold exactly.
 *
 * Conventions: one-sided (x0 plays z): ρ0 = N(0, I) and the denoiser η_z is E[x0 | x_t] = η_0 (so
 * `s = −η_z/α`); mirror (ρ0 = ρ1, `x_t = x1 + γ z`): the base is the target, and η_0 is η_1 (x0 ≡ x1).
 *
 * Implementation and limits: C_k(t) depends on t and every sample has its own t, so the small d×d work
 * (Cholesky, inverse, log-determinant, products) runs in float64 JavaScript per distinct t value and is
 * uploaded as `[rows, K, d, d]` float32 tensors (rows = 1 when the whole batch shares one t, as in samplers).
 * The field calls read `t` back synchronously (`dataSync`) for this; x never leaves the device, and the
 * fields are differentiable in x. Cost per call ≈ (distinct t values) · K · d³ flops in JavaScript plus
 * O(batch · K · d²) tensor work: batch 10,000 with per-sample t, d = 2, K ≤ 8 takes a few milliseconds of
 * JavaScript; d is meant to be small (1–10). Covariances must be positive definite; then C_k(t) is positive
 * definite for all t ∈ [0, 1] for every built-in family (α² + β² + γ² > 0 throughout). A custom family with
 * α = β = γ = 0 at some t makes C singular there and the call throws naming t.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import type { Interpolant } from '../interpolants/types.js';
import { checkTensor1D, checkTensor2D } from '../interpolants/validate.js';
import type { SeedStream } from '../random.js';
import {
  isStandardNormal,
  mixtureParams,
  parseGaussian,
  parseMixture,
  type GaussianMixtureParams,
  type GaussianMixtureSpec,
  type GaussianSpec,
  type Mixture,
} from './gaussian-spec.js';
import { cholesky, choleskyInto, inverseFromCholesky, inverseFromCholeskyInto, logDetFromCholesky, matMul } from './linalg.js';
import { mixtureAffineField, mixtureLogDensity, sampleMixture, type ComponentTensors } from './mixture-tensors.js';
import type { DenoiserField, Field, ScoreField, VelocityField } from './types.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** Names of the oracle's fields (as in {@link OraclePoint}). */
export type OracleFieldName = 'velocity' | 'v' | 'score' | 'etaZ' | 'eta0' | 'eta1';

/** Options of {@link GaussianMixtureOracle}, {@link gaussianOracle} and {@link gaussianMixtureOracle}. */
export interface GaussianMixtureOracleOptions {
  /** A spatially linear interpolant (every built-in family and custom interpolant). */
  interpolant: Interpolant;
  /**
   * ρ0 = N(m0, C0). Must be omitted or N(0, I) for one-sided interpolants, and omitted for mirror
   * (ρ0 = ρ1).
   * @default N(0, I_d)
   */
  base?: GaussianSpec;
  /** ρ1: a Gaussian `{ mean, covariance? }` or a mixture `{ weights, means, covariances? }`. */
  target: GaussianSpec | GaussianMixtureSpec;
}

/** Every oracle quantity at one point, in float64 (see {@link GaussianMixtureOracle.evaluateAt}). */
export interface OraclePoint {
  /** log ρ(t, x). */
  logDensity: number;
  /** b(t, x). */
  velocity: number[];
  /** v(t, x) = E[∂_t I | x_t = x]. */
  v: number[];
  /** s(t, x) = ∇ log ρ(t, x). */
  score: number[];
  /** η_z(t, x) = E[z | x_t = x] (one-sided: E[x0 | x_t = x]). */
  etaZ: number[];
  /** η_0(t, x) = E[x0 | x_t = x] (mirror: η_1). */
  eta0: number[];
  /** η_1(t, x) = E[x1 | x_t = x]. */
  eta1: number[];
}

type Buf = Float32Array | Float64Array;

/**
 * Output buffers of {@link GaussianMixtureOracle.fillRow}, laid out `[rows, K, …]`: component means m_k,
 * covariances C_k, precisions C_k⁻¹, log normalisers, and one field's offsets o_k and matrices M_k.
 */
interface RowBuffers {
  means?: Buf;
  covs?: Buf;
  prec?: Buf;
  logNorm?: Buf;
  offsets?: Buf;
  mats?: Buf;
}

function safeMul(a: number, v: number): number {
  return v === 0 ? 0 : a * v;
}

function isMixtureSpec(spec: unknown): spec is GaussianMixtureSpec {
  return typeof spec === 'object' && spec !== null && 'weights' in spec;
}

/**
 * The exact fields, samplers and densities of a spatially linear interpolant between a Gaussian base and a
 * Gaussian or Gaussian-mixture target: the test oracle for samplers, objectives and likelihoods.
 *
 * Fields (`(x: [batch, d], t: [batch]) → [batch, d]`, t may also be `[1]`, values in [0, 1]):
 * `velocity` (b), `v`, `score` (s), `denoiser` (η_z), `eta0`, `eta1`.
 *
 * @example
 * ```ts
 * const oracle = new GaussianMixtureOracle({
 *   interpolant: makeInterpolant('linear', { gamma: 'quadratic' }),
 *   target: { weights: [0.3, 0.7], means: [[-2], [2]], covariance: 0.25 },
 * });
 * const x = oracle.sampleBase(1000, new SeedStream(0)); // [1000, 1]
 * const b = oracle.velocity(x, tf.fill([1000], 0.5));   // [1000, 1]
 * oracle.evaluateAt(0.5, [0.3]).score;                  // float64 reference value
 * ```
 */
export class GaussianMixtureOracle {
  /** Dimension d. */
  readonly dim: number;
  /** The interpolant. */
  readonly interpolant: Interpolant;
  /** ρ0 as a one-component mixture (the target itself for mirror). */
  readonly base: GaussianMixtureParams;
  /** ρ1. */
  readonly target: GaussianMixtureParams;
  /** Velocity b(t, x) = E[∂_t I + γ̇ z | x_t = x]: the probability-flow drift. */
  readonly velocity: VelocityField;
  /** v(t, x) = E[∂_t I | x_t = x] = b + γγ̇ s. */
  readonly v: VelocityField;
  /** Score s(t, x) = ∇ log ρ(t, x). */
  readonly score: ScoreField;
  /** Denoiser η_z(t, x) = E[z | x_t = x] = −γ s (one-sided: E[x0 | x_t = x] = −α s); 0 where γ = 0. */
  readonly denoiser: DenoiserField;
  /** η_0(t, x) = E[x0 | x_t = x] (mirror: equals η_1). */
  readonly eta0: DenoiserField;
  /** η_1(t, x) = E[x1 | x_t = x]. */
  readonly eta1: DenoiserField;

  private readonly x0Law: Mixture;
  private readonly logWeights: Float64Array;
  private readonly scratch: { C: Float64Array; L: Float64Array; P: Float64Array; Lk: Float64Array; M: Float64Array; y: Float64Array };
  private readonly baseLaw: Mixture;
  private readonly targetLaw: Mixture;
  private readonly baseTensors: { means: Float32Array; prec: Float32Array; logNorm: Float32Array };
  private readonly targetTensors: { means: Float32Array; prec: Float32Array; logNorm: Float32Array };

  /**
   * @param options - interpolant, base (default N(0, I)) and target; validated (shapes, symmetric
   *   positive-definite covariances, weights > 0 summing to 1), errors are {@link ArgumentError}s naming the
   *   argument (`target.covariances[1]`, `base.mean`, …).
   */
  constructor(options: GaussianMixtureOracleOptions) {
    const fn = 'GaussianMixtureOracle';
    if (typeof options !== 'object' || options === null) throw new ArgumentError(fn, 'options', 'an options object', describeValue(options));
    const I = options.interpolant;
    if (typeof I !== 'object' || I === null || typeof I.coefficientsAt !== 'function') {
      throw new ArgumentError(fn, 'options.interpolant', 'an Interpolant (see makeInterpolant)', describeValue(I));
    }
    const target = isMixtureSpec(options.target)
      ? parseMixture(fn, 'target', options.target)
      : parseGaussian(fn, 'target', options.target);
    const d = target.dim;
    let x0Law: Mixture;
    if (I.mirror) {
      if (options.base !== undefined) {
        throw new ArgumentError(fn, 'base', 'omitted (the mirror interpolant has ρ0 = ρ1)', describeValue(options.base));
      }
      x0Law = parseGaussian(fn, 'base', { mean: new Array<number>(d).fill(0) });
    } else {
      x0Law = parseGaussian(fn, 'base', options.base ?? { mean: new Array<number>(d).fill(0) }, d);
      if (I.oneSided && !isStandardNormal(x0Law)) {
        throw new ArgumentError(fn, 'base', `omitted or N(0, I_${d}) (x0 plays z in a one-sided interpolant)`, 'a different Gaussian');
      }
    }
    this.dim = d;
    this.interpolant = I;
    this.logWeights = target.weights.map(Math.log);
    const dd = d * d;
    this.scratch = {
      C: new Float64Array(dd),
      L: new Float64Array(dd),
      P: new Float64Array(dd),
      Lk: new Float64Array(dd),
      M: new Float64Array(dd),
      y: new Float64Array(d),
    };
    this.x0Law = x0Law;
    this.targetLaw = target;
    this.baseLaw = I.mirror ? target : x0Law;
    this.base = mixtureParams(this.baseLaw);
    this.target = mixtureParams(target);
    this.baseTensors = staticComponents(this.baseLaw);
    this.targetTensors = staticComponents(target);
    this.velocity = this.makeField('velocity', 'velocity');
    this.v = this.makeField('v', 'v');
    this.score = this.makeField('score', 'score');
    this.denoiser = this.makeField(I.oneSided ? 'eta0' : 'etaZ', 'denoiser');
    this.eta0 = this.makeField(I.mirror ? 'eta1' : 'eta0', 'eta0');
    this.eta1 = this.makeField('eta1', 'eta1');
  }

  /**
   * float64 reference values of every field and the log density at one point.
   *
   * @param t - time in [0, 1]
   * @param x - a point, `d` numbers
   */
  evaluateAt(t: number, x: ArrayLike<number>): OraclePoint {
    const fn = 'GaussianMixtureOracle.evaluateAt';
    checkNumber(fn, 't', t, { min: 0, max: 1 });
    const d = this.dim;
    if (x === null || typeof x !== 'object' || x.length !== d || !Array.from(x).every(Number.isFinite)) {
      throw new ArgumentError(fn, 'x', `${d} finite numbers`, describeValue(x));
    }
    const K = this.targetLaw.weights.length;
    const dd = d * d;
    const buffers = (kind: OracleFieldName | null): Required<RowBuffers> => ({
      means: new Float64Array(K * d),
      covs: new Float64Array(0),
      prec: new Float64Array(K * dd),
      logNorm: new Float64Array(K),
      offsets: new Float64Array(kind === null ? 0 : K * d),
      mats: new Float64Array(kind === null ? 0 : K * dd),
    });
    const base = buffers(null);
    this.fillRow(t, null, { means: base.means, prec: base.prec, logNorm: base.logNorm }, 0, fn);
    const diffs = Array.from({ length: K }, (_, k) => Float64Array.from({ length: d }, (_, i) => x[i]! - base.means[k * d + i]!));
    const logp = diffs.map((r, k) => {
      let q = 0;
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) q += r[i]! * base.prec[k * dd + i * d + j]! * r[j]!;
      return base.logNorm[k]! - 0.5 * q;
    });
    const max = Math.max(...logp);
    const w = logp.map((l) => Math.exp(l - max));
    const total = w.reduce((a, b) => a + b, 0);
    const logDensity = max + Math.log(total);
    const field = (kind: OracleFieldName): number[] => {
      const f = buffers(kind);
      this.fillRow(t, kind, { offsets: f.offsets, mats: f.mats }, 0, fn);
      const out = new Array<number>(d).fill(0);
      for (let k = 0; k < K; k++) {
        const r = w[k]! / total;
        for (let i = 0; i < d; i++) {
          let v = f.offsets[k * d + i]!;
          for (let j = 0; j < d; j++) v += f.mats[k * dd + i * d + j]! * diffs[k]![j]!;
          out[i]! += r * v;
        }
      }
      return out;
    };
    const I = this.interpolant;
    return {
      logDensity,
      velocity: field('velocity'),
      v: field('v'),
      score: field('score'),
      etaZ: field(I.oneSided ? 'eta0' : 'etaZ'),
      eta0: field(I.mirror ? 'eta1' : 'eta0'),
      eta1: field('eta1'),
    };
  }

  /**
   * The law of x_t: the mixture `Σ_k π_k N(α m0 + β μ_k, α² C0 + β² Σ_k + γ² I)`, with its overall mean and
   * covariance (float64).
   */
  marginal(t: number): GaussianMixtureParams {
    const fn = 'GaussianMixtureOracle.marginal';
    checkNumber(fn, 't', t, { min: 0, max: 1 });
    return mixtureParams(this.marginalLaw(t, fn));
  }

  /** log ρ(t, x), `[batch]`, for one time (number) or per-sample times (`[batch]` or `[1]` tensor). */
  logDensityAt(t: number | tf.Tensor1D, x: tf.Tensor2D): tf.Tensor1D {
    const fn = 'GaussianMixtureOracle.logDensityAt';
    let ts: ArrayLike<number>;
    if (typeof t === 'number') {
      checkNumber(fn, 't', t, { min: 0, max: 1 });
      checkTensor2D(fn, 'x', x, undefined, this.dim);
      ts = [t];
    } else {
      ts = this.checkFieldInputs(fn, x, t);
    }
    return tf.tidy(() => {
      const a = this.timeArrays(ts, null, fn);
      return mixtureLogDensity(x, this.componentTensors(a));
    });
  }

  /** log ρ1(x), `[batch]`. */
  logDensityTarget(x: tf.Tensor2D): tf.Tensor1D {
    checkTensor2D('GaussianMixtureOracle.logDensityTarget', 'x', x, undefined, this.dim);
    return tf.tidy(() => mixtureLogDensity(x, this.staticTensors(this.targetTensors, this.targetLaw)));
  }

  /** log ρ0(x), `[batch]` (mirror: log ρ1). */
  logDensityBase(x: tf.Tensor2D): tf.Tensor1D {
    checkTensor2D('GaussianMixtureOracle.logDensityBase', 'x', x, undefined, this.dim);
    return tf.tidy(() => mixtureLogDensity(x, this.staticTensors(this.baseTensors, this.baseLaw)));
  }

  /** `n` exact samples of ρ1, `[n, d]`; draws its seeds from `seeds`. */
  sampleTarget(n: number, seeds: SeedStream): tf.Tensor2D {
    checkSampleArgs('GaussianMixtureOracle.sampleTarget', n, seeds);
    return sampleMixture(this.targetLaw, n, seeds);
  }

  /** `n` exact samples of ρ0, `[n, d]` (mirror: of ρ1). */
  sampleBase(n: number, seeds: SeedStream): tf.Tensor2D {
    checkSampleArgs('GaussianMixtureOracle.sampleBase', n, seeds);
    return sampleMixture(this.baseLaw, n, seeds);
  }

  /** `n` exact samples of ρ(t) (the law of x_t), `[n, d]`. */
  sampleAt(t: number, n: number, seeds: SeedStream): tf.Tensor2D {
    const fn = 'GaussianMixtureOracle.sampleAt';
    checkNumber(fn, 't', t, { min: 0, max: 1 });
    checkSampleArgs(fn, n, seeds);
    return sampleMixture(this.marginalLaw(t, fn), n, seeds);
  }

  // ---------------------------------------------------------------------------------------------------

  private makeField(kind: OracleFieldName, publicName: string): Field {
    const fn = `GaussianMixtureOracle.${publicName}`;
    return (x: tf.Tensor2D, t: tf.Tensor1D): tf.Tensor2D => {
      const ts = this.checkFieldInputs(fn, x, t);
      return tf.tidy(() => {
        const a = this.timeArrays(ts, kind, fn);
        const comp = this.componentTensors(a);
        const K = this.targetLaw.weights.length;
        const d = this.dim;
        const offsets = tf.tensor3d(a.offsets!, [a.rows, K, d]);
        const mats = tf.tensor4d(a.mats!, [a.rows, K, d, d]);
        return mixtureAffineField(x, comp, offsets, mats);
      });
    };
  }

  /** Validates `x: [batch, d]`, `t: [batch]` or `[1]` with values in [0, 1]; returns the t values. */
  private checkFieldInputs(fn: string, x: tf.Tensor2D, t: tf.Tensor1D): Float32Array {
    checkTensor2D(fn, 'x', x, undefined, this.dim);
    checkTensor1D(fn, 't', t);
    const batch = x.shape[0];
    if (t.shape[0] !== batch && t.shape[0] !== 1) {
      throw new ArgumentError(fn, 't', `a float32 tensor of shape [${batch}] or [1]`, describeValue(t));
    }
    const ts = t.dataSync() as Float32Array;
    for (let i = 0; i < ts.length; i++) {
      const v = ts[i]!;
      if (!(v >= 0 && v <= 1)) throw new ArgumentError(fn, 't', 'times in [0, 1]', `t[${i}] = ${describeValue(v)}`);
    }
    return ts;
  }

  private marginalLaw(t: number, fn: string): Mixture {
    const d = this.dim;
    const K = this.targetLaw.weights.length;
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
  private fillRow(t: number, kind: OracleFieldName | null, out: RowBuffers, row: number, fn: string): void {
    const c = this.interpolant.coefficientsAt(t);
    const d = this.dim;
    const dd = d * d;
    const law = this.targetLaw;
    const K = law.weights.length;
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
      case 'velocity':
        [ca, cb, cg, offset] = [c.alphaDAlpha, c.betaDBeta, c.gammaDGamma, 'dMean'];
        break;
      case 'v':
        [ca, cb, offset] = [c.alphaDAlpha, c.betaDBeta, 'dMean'];
        break;
      case 'score':
        cg = -1;
        break;
      case 'etaZ':
        cg = g;
        break;
      case 'eta0':
        [ca, offset] = [a, 'm0'];
        break;
      case 'eta1':
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
  private timeArrays(
    ts: ArrayLike<number>,
    kind: OracleFieldName | null,
    fn: string,
  ): { rows: number; means: Float32Array; prec?: Float32Array; logNorm?: Float32Array; offsets?: Float32Array; mats?: Float32Array } {
    const d = this.dim;
    const dd = d * d;
    const K = this.targetLaw.weights.length;
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

  private componentTensors(a: { rows: number; means: Float32Array; prec?: Float32Array; logNorm?: Float32Array }): ComponentTensors {
    const K = this.targetLaw.weights.length;
    const d = this.dim;
    return {
      means: tf.tensor3d(a.means, [a.rows, K, d]),
      prec: a.prec ? tf.tensor4d(a.prec, [a.rows, K, d, d]) : undefined,
      logNorm: a.logNorm ? tf.tensor2d(a.logNorm, [a.rows, K]) : undefined,
    };
  }

  private staticTensors(a: { means: Float32Array; prec: Float32Array; logNorm: Float32Array }, law: Mixture): ComponentTensors {
    const K = law.weights.length;
    const d = law.dim;
    return {
      means: tf.tensor3d(a.means, [1, K, d]),
      prec: tf.tensor4d(a.prec, [1, K, d, d]),
      logNorm: tf.tensor2d(a.logNorm, [1, K]),
    };
  }
}

/** float32 arrays of a fixed mixture's means, precisions and log normalisers. */
function staticComponents(law: Mixture): { means: Float32Array; prec: Float32Array; logNorm: Float32Array } {
  const d = law.dim;
  return {
    means: Float32Array.from(law.means.flatMap((m) => Array.from(m))),
    prec: Float32Array.from(law.choleskys.flatMap((l) => Array.from(inverseFromCholesky(l, d)))),
    logNorm: Float32Array.from(law.choleskys, (l, k) => Math.log(law.weights[k]!) - 0.5 * logDetFromCholesky(l, d) - 0.5 * d * LOG_2PI),
  };
}

function checkSampleArgs(fn: string, n: number, seeds: SeedStream): void {
  checkNumber(fn, 'n', n, { min: 1, integer: true });
  if (typeof seeds !== 'object' || seeds === null || typeof (seeds as SeedStream).next !== 'function') {
    throw new ArgumentError(fn, 'seeds', 'a SeedStream', describeValue(seeds));
  }
}

/**
 * Oracle for Gaussian → Gaussian: ρ0 = N(m0, C0) (default N(0, I)), ρ1 = N(m1, C1).
 * `m(t) = α m0 + β m1`, `C(t) = α² C0 + β² C1 + γ² I`, `b = ṁ + ½ Ċ C⁻¹ (x − m)`, `s = −C⁻¹ (x − m)`.
 *
 * @example
 * ```ts
 * const oracle = gaussianOracle({
 *   interpolant: makeInterpolant('trig', { gamma: 'sqrt' }),
 *   base: { mean: [0] },
 *   target: { mean: [2], covariance: 0.25 },
 * });
 * ```
 */
export function gaussianOracle(options: {
  interpolant: Interpolant;
  base?: GaussianSpec;
  target: GaussianSpec;
}): GaussianMixtureOracle {
  if (typeof options === 'object' && options !== null && isMixtureSpec(options.target)) {
    throw new ArgumentError('gaussianOracle', 'target', 'a Gaussian { mean, covariance? } (use gaussianMixtureOracle for mixtures)', 'a mixture');
  }
  return new GaussianMixtureOracle(options);
}

/**
 * Oracle for Gaussian → Gaussian mixture: ρ0 = N(m0, C0) (default N(0, I)), ρ1 = Σ_k π_k N(μ_k, Σ_k).
 *
 * @example
 * ```ts
 * const oracle = gaussianMixtureOracle({
 *   interpolant: makeInterpolant('one-sided-linear'),
 *   target: { weights: [0.5, 0.5], means: [[-2, 0], [2, 0]], covariance: 0.1 },
 * });
 * ```
 */
export function gaussianMixtureOracle(options: {
  interpolant: Interpolant;
  base?: GaussianSpec;
  target: GaussianMixtureSpec;
}): GaussianMixtureOracle {
  if (typeof options === 'object' && options !== null && !isMixtureSpec(options.target)) {
    throw new ArgumentError('gaussianMixtureOracle', 'target', 'a Gaussian mixture { weights, means, covariances? }', describeValue(options.target));
  }
  return new GaussianMixtureOracle(options);
}
