/**
 * The closed-form oracle for spatially linear interpolants between a Gaussian ρ0 = N(m0, C0) and a Gaussian
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
 *
 * Shapes: the fields and `logDensityAt` accept batch-first states of any event shape whose size is d
 * (`[batch, d]`, or `[batch, 2, 2, 1]` for d = 4): the event is flattened row-major, and fields return the
 * shape of x, so an image-shaped problem gives exactly the numbers of its flattened twin.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import type { Interpolant } from '../interpolants/types.js';
import { checkTensor1D } from '../interpolants/validate.js';
import type { SeedStream } from '../random.js';
import { eventSize, flattenEvent, formatShape } from '../shapes.js';
import { isStandardNormal, mixtureParams, parseGaussian, parseMixture, type GaussianMixtureParams, type Mixture } from './gaussian-spec.js';
import { mixtureAffineField, mixtureLogDensity, sampleMixture, type ComponentTensors } from './mixture-tensors.js';
import { FIELD_NAMES, type FieldName } from './names.js';
import { OracleCoefficients, staticComponents, type RowBuffers, type TimeArrays } from './oracle-coefficients.js';
import type { GaussianMixtureOracleOptions, OraclePoint } from './oracle-types.js';
import type { DenoiserField, EventField, ScoreField, VelocityField } from './types.js';

/** Whether an oracle target spec is a mixture (`{ weights, means, … }`). */
export function isMixtureSpec(spec: unknown): boolean {
  return typeof spec === 'object' && spec !== null && 'weights' in spec;
}

/**
 * The exact fields, samplers and densities of a spatially linear interpolant between a Gaussian base and a
 * Gaussian or Gaussian-mixture target: the test oracle for samplers, objectives and likelihoods.
 *
 * Fields (`(x: [batch, ...event], t: [batch]) → [batch, ...event]`, event size d, t may also be `[1]`,
 * values in [0, 1]) by canonical name in {@link GaussianMixtureOracle.fields}: `b`, `v`, `s`, `eta-z`,
 * `eta-0`, `eta-1` (the older properties `velocity`, `score`, `denoiser`, `eta0`, `eta1` are aliases).
 *
 * @example
 * ```ts
 * const oracle = new GaussianMixtureOracle({
 *   interpolant: makeInterpolant('linear', { gamma: 'quadratic' }),
 *   target: { weights: [0.3, 0.7], means: [[-2], [2]], covariance: 0.25 },
 * });
 * const x = oracle.sampleBase(1000, new SeedStream(0)); // [1000, 1]
 * const b = oracle.fields.b(x, tf.fill([1000], 0.5));   // [1000, 1]
 * oracle.evaluateAt(0.5, [0.3]).fields.s;               // float64 reference value
 * ```
 */
export class GaussianMixtureOracle {
  /** Dimension d (the event size of the states it accepts). */
  readonly dim: number;
  /** The interpolant. */
  readonly interpolant: Interpolant;
  /** ρ0 as a one-component mixture (the target itself for mirror). */
  readonly base: GaussianMixtureParams;
  /** ρ1. */
  readonly target: GaussianMixtureParams;
  /**
   * Every field by canonical name (see {@link FieldName}): `b` = E[∂_t I + γ̇ z | x_t = x] (the
   * probability-flow drift), `v` = E[∂_t I | x_t = x] = b + γγ̇ s, `s` = ∇ log ρ(t, x), `eta-z` =
   * E[z | x_t = x] = −γ s (one-sided: E[x0 | x_t = x] = −α s; 0 where γ = 0), `eta-0` = E[x0 | x_t = x]
   * (mirror: η_1), `eta-1` = E[x1 | x_t = x].
   */
  readonly fields: Readonly<Record<FieldName, EventField>>;
  /** Velocity b(t, x). @deprecated Use `fields.b` (same function). */
  readonly velocity: VelocityField & EventField;
  /** v(t, x) = E[∂_t I | x_t = x] = b + γγ̇ s (same function as `fields.v`). */
  readonly v: VelocityField & EventField;
  /** Score s(t, x) = ∇ log ρ(t, x). @deprecated Use `fields.s` (same function). */
  readonly score: ScoreField & EventField;
  /** Denoiser η_z(t, x). @deprecated Use `fields['eta-z']` (same function). */
  readonly denoiser: DenoiserField & EventField;
  /** η_0(t, x). @deprecated Use `fields['eta-0']` (same function). */
  readonly eta0: DenoiserField & EventField;
  /** η_1(t, x). @deprecated Use `fields['eta-1']` (same function). */
  readonly eta1: DenoiserField & EventField;

  private readonly coefficients: OracleCoefficients;
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
    this.coefficients = new OracleCoefficients(I, x0Law, target);
    this.targetLaw = target;
    this.baseLaw = I.mirror ? target : x0Law;
    this.base = mixtureParams(this.baseLaw);
    this.target = mixtureParams(target);
    this.baseTensors = staticComponents(this.baseLaw);
    this.targetTensors = staticComponents(target);
    const fields = {} as Record<FieldName, EventField>;
    for (const name of FIELD_NAMES) fields[name] = this.makeField(name);
    this.fields = Object.freeze(fields);
    this.velocity = fields.b;
    this.v = fields.v;
    this.score = fields.s;
    this.denoiser = fields['eta-z'];
    this.eta0 = fields['eta-0'];
    this.eta1 = fields['eta-1'];
  }

  /** One field by canonical name (the same function as `fields[name]`). */
  field(name: FieldName): EventField {
    const f = (this.fields as Record<string, EventField>)[name as string];
    if (f === undefined) {
      throw new ArgumentError('GaussianMixtureOracle.field', 'name', `one of ${FIELD_NAMES.map((n) => `'${n}'`).join(', ')}`, describeValue(name));
    }
    return f;
  }

  /**
   * float64 reference values of every field and the log density at one point.
   *
   * @param t - time in [0, 1]
   * @param x - a point, `d` numbers (a flattened event)
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
    const buffers = (kind: FieldName | null): Required<RowBuffers> => ({
      means: new Float64Array(K * d),
      covs: new Float64Array(0),
      prec: new Float64Array(K * dd),
      logNorm: new Float64Array(K),
      offsets: new Float64Array(kind === null ? 0 : K * d),
      mats: new Float64Array(kind === null ? 0 : K * dd),
    });
    const base = buffers(null);
    this.coefficients.fillRow(t, null, { means: base.means, prec: base.prec, logNorm: base.logNorm }, 0, fn);
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
    const field = (name: FieldName): number[] => {
      const kind = this.kindOf(name);
      const f = buffers(kind);
      this.coefficients.fillRow(t, kind, { offsets: f.offsets, mats: f.mats }, 0, fn);
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
    const fields = {} as Record<FieldName, number[]>;
    for (const name of FIELD_NAMES) fields[name] = field(name);
    return {
      logDensity,
      fields,
      velocity: fields.b,
      v: fields.v,
      score: fields.s,
      etaZ: fields['eta-z'],
      eta0: fields['eta-0'],
      eta1: fields['eta-1'],
    };
  }

  /**
   * The law of x_t: the mixture `Σ_k π_k N(α m0 + β μ_k, α² C0 + β² Σ_k + γ² I)`, with its overall mean and
   * covariance (float64).
   */
  marginal(t: number): GaussianMixtureParams {
    const fn = 'GaussianMixtureOracle.marginal';
    checkNumber(fn, 't', t, { min: 0, max: 1 });
    return mixtureParams(this.coefficients.marginalLaw(t, fn));
  }

  /**
   * log ρ(t, x), `[batch]`, for one time (number) or per-sample times (`[batch]` or `[1]` tensor); x is
   * `[batch, ...event]` with event size d.
   */
  logDensityAt(t: number | tf.Tensor1D, x: tf.Tensor): tf.Tensor1D {
    const fn = 'GaussianMixtureOracle.logDensityAt';
    let ts: ArrayLike<number>;
    if (typeof t === 'number') {
      checkNumber(fn, 't', t, { min: 0, max: 1 });
      this.checkStates(fn, x);
      ts = [t];
    } else {
      ts = this.checkFieldInputs(fn, x, t);
    }
    return tf.tidy(() => {
      const a = this.coefficients.timeArrays(ts, null, fn);
      return mixtureLogDensity(flattenEvent(x), this.componentTensors(a));
    });
  }

  /** log ρ1(x), `[batch]`, for x `[batch, ...event]` with event size d. */
  logDensityTarget(x: tf.Tensor): tf.Tensor1D {
    this.checkStates('GaussianMixtureOracle.logDensityTarget', x);
    return tf.tidy(() => mixtureLogDensity(flattenEvent(x), this.staticTensors(this.targetTensors, this.targetLaw)));
  }

  /** log ρ0(x), `[batch]` (mirror: log ρ1), for x `[batch, ...event]` with event size d. */
  logDensityBase(x: tf.Tensor): tf.Tensor1D {
    this.checkStates('GaussianMixtureOracle.logDensityBase', x);
    return tf.tidy(() => mixtureLogDensity(flattenEvent(x), this.staticTensors(this.baseTensors, this.baseLaw)));
  }

  /** `n` exact samples of ρ1, `[n, d]` (reshape to an event shape of size d as needed); draws its seeds from `seeds`. */
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
    return sampleMixture(this.coefficients.marginalLaw(t, fn), n, seeds);
  }

  // ---------------------------------------------------------------------------------------------------

  /** The quantity computed for a public field: one-sided η_z is E[x0 | x_t]; mirror η_0 is η_1 (x0 ≡ x1). */
  private kindOf(name: FieldName): FieldName {
    if (name === 'eta-z' && this.interpolant.oneSided) return 'eta-0';
    if (name === 'eta-0' && this.interpolant.mirror) return 'eta-1';
    return name;
  }

  private makeField(name: FieldName): EventField {
    const fn = `GaussianMixtureOracle.fields['${name}']`;
    const kind = this.kindOf(name);
    const field = <X extends tf.Tensor>(x: X, t: tf.Tensor1D): X => {
      const ts = this.checkFieldInputs(fn, x, t);
      return tf.tidy(() => {
        const a = this.coefficients.timeArrays(ts, kind, fn);
        const comp = this.componentTensors(a);
        const K = this.targetLaw.weights.length;
        const d = this.dim;
        const offsets = tf.tensor3d(a.offsets!, [a.rows, K, d]);
        const mats = tf.tensor4d(a.mats!, [a.rows, K, d, d]);
        const out = mixtureAffineField(flattenEvent(x), comp, offsets, mats);
        return (x.rank === 2 ? out : tf.reshape(out, x.shape)) as X;
      });
    };
    return field;
  }

  /** Validates `x: [batch, ...event]` with event size d (float32). */
  private checkStates(fn: string, x: unknown): asserts x is tf.Tensor {
    const d = this.dim;
    if (!(x instanceof tf.Tensor) || x.rank < 2 || x.dtype !== 'float32' || eventSize(x.shape.slice(1)) !== d) {
      throw new ArgumentError(fn, 'x', `a float32 tensor of shape [batch, ${d}] (or [batch, ...event] with ${d} entries per event)`, describeValue(x));
    }
  }

  /** Validates `x: [batch, ...event]`, `t: [batch]` or `[1]` with values in [0, 1]; returns the t values. */
  private checkFieldInputs(fn: string, x: tf.Tensor, t: tf.Tensor1D): Float32Array {
    this.checkStates(fn, x);
    checkTensor1D(fn, 't', t);
    const batch = x.shape[0]!;
    if (t.shape[0] !== batch && t.shape[0] !== 1) {
      throw new ArgumentError(fn, 't', `a float32 tensor of shape ${formatShape([batch])} or [1]`, describeValue(t));
    }
    const ts = t.dataSync() as Float32Array;
    for (let i = 0; i < ts.length; i++) {
      const v = ts[i]!;
      if (!(v >= 0 && v <= 1)) throw new ArgumentError(fn, 't', 'times in [0, 1]', `t[${i}] = ${describeValue(v)}`);
    }
    return ts;
  }

  private componentTensors(a: TimeArrays): ComponentTensors {
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

function checkSampleArgs(fn: string, n: number, seeds: SeedStream): void {
  checkNumber(fn, 'n', n, { min: 1, integer: true });
  if (typeof seeds !== 'object' || seeds === null || typeof (seeds as SeedStream).next !== 'function') {
    throw new ArgumentError(fn, 'seeds', 'a SeedStream', describeValue(seeds));
  }
}
