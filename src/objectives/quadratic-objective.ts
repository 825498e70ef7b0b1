/**
 * The quadratic objectives of stochastic interpolants (MATH.md §1.3): each field is the unique minimiser of
 * `E[ ½|f̂(t, x_t)|² − target · f̂(t, x_t) ]` with
 *
 * | field | target (two-sided) | target (one-sided, x0 plays z) |
 * |---|---|---|
 * | b | ∂_t I + γ̇ z | α̇ x0 + β̇ x1 |
 * | v | ∂_t I | α̇ x0 + β̇ x1 |
 * | s | −z / γ | −x0 / α |
 * | eta-z | z | x0 |
 * | eta-0 | x0 | x0 |
 * | eta-1 | x1 | x1 |
 *
 * Batches are `[batch, ...event]` (points or images): each term is summed over the event axes per row and
 * averaged over rows, so an image batch gives the loss of its flattened `[batch, h·w·c]` twin exactly.
 *
 * With antithetic sampling, the loss averages the pair `x± = I ± γ z` (one-sided: `±α x0 + β x1`) with the
 * matching sign of the noise in the target, which keeps the variance of the γ⁻¹ and γ̇ z terms finite at
 * the ends of [0, 1].
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { SpatiallyLinearInterpolant } from '../interpolants/spatially-linear.js';
import type { Interpolant } from '../interpolants/types.js';
import { divideRows, formatShape } from '../shapes.js';
import { quadraticTerm } from './quadratic-term.js';
import { FIELD_NAMES } from './types.js';
import type { FieldName, Objective, ObjectiveLoss, TrainableField, TrainingBatch } from './types.js';
import { constantForTape, untaped } from './untaped.js';

/** Options of {@link quadraticObjective}. */
export interface QuadraticObjectiveOptions {
  /**
   * Average the antithetic pair `x± = I ± γ z`.
   * @default true when a target is unbounded near the ends: the score (γ⁻¹ z or α⁻¹ x0), or b of a
   *   two-sided interpolant with γ ≢ 0 (γ̇ z); false otherwise
   */
  antithetic?: boolean;
  /**
   * Times are drawn from `U[tMin, 1 − tMin]`. Must be > 0 where a target divides by γ or α (s) or where
   * the interpolant's derivatives are infinite at an end (γ̇ of `sqrt`).
   * @default 1e-3 when needed, else 0
   */
  tMin?: number;
  /** Weight of each field's term in the total. @default 1 for every field */
  weights?: Partial<Record<FieldName, number>>;
}

function needsNoise(field: FieldName): boolean {
  return field === 'b' || field === 's' || field === 'eta-z';
}

/** Throws unless `interpolant` supports learning `field`, with a message that says why not. */
export function checkFieldSupported(fn: string, interpolant: Interpolant, field: FieldName): void {
  const name = `'${interpolant.name}' (γ '${interpolant.gammaSchedule.name}')`;
  if (interpolant.mirror && (field === 'v' || field === 'eta-0')) {
    throw new ArgumentError(fn, 'fields', `fields a mirror interpolant supports ('b', 's', 'eta-z', 'eta-1')`, `'${field}': x0 is not used and ∂_t I ≡ 0 for ${name}`);
  }
  if (!interpolant.oneSided && interpolant.gammaSchedule.isZero && (field === 's' || field === 'eta-z')) {
    throw new ArgumentError(
      fn,
      'fields',
      `fields that exist without latent noise ('b', 'v', 'eta-0', 'eta-1'), or a γ option other than 'zero' or a one-sided interpolant`,
      `'${field}' with the two-sided interpolant ${name}: γ ≡ 0, so there is no z to denoise and the score is not defined`,
    );
  }
}

/**
 * Builds the quadratic objective for one or several fields of an interpolant (the total is the weighted
 * sum of the fields' terms; e.g. `['b', 's']` learns velocity and score together for SDE sampling).
 *
 * @throws ArgumentError for an unknown field name, a field the interpolant cannot support (the score with
 *   γ ≡ 0 on a two-sided interpolant, v for a mirror), or a `tMin` that leaves a target infinite.
 * @example
 * ```ts
 * const objective = quadraticObjective(makeInterpolant('linear', { gamma: 'sqrt' }), ['b', 's']);
 * const { total, perField } = objective.loss({ b: bNet, s: sNet }, batch);
 * ```
 */
export function quadraticObjective(interpolant: Interpolant, fieldList: readonly FieldName[], options: QuadraticObjectiveOptions = {}): Objective {
  const fn = 'quadraticObjective';
  if (typeof interpolant !== 'object' || interpolant === null || typeof interpolant.sample !== 'function') {
    throw new ArgumentError(fn, 'interpolant', 'an Interpolant (see makeInterpolant)', describeValue(interpolant));
  }
  if (!Array.isArray(fieldList) || fieldList.length === 0) {
    throw new ArgumentError(fn, 'fields', `a non-empty array of field names (${FIELD_NAMES.join(', ')})`, describeValue(fieldList));
  }
  const fields = [...fieldList] as FieldName[];
  for (const f of fields) {
    if (!(FIELD_NAMES as readonly string[]).includes(f)) {
      throw new ArgumentError(fn, 'fields', `field names among ${FIELD_NAMES.map((n) => `'${n}'`).join(', ')}`, describeValue(f));
    }
    checkFieldSupported(fn, interpolant, f);
  }
  if (new Set(fields).size !== fields.length) throw new ArgumentError(fn, 'fields', 'distinct field names', describeValue(fields));

  const divides = fields.includes('s');
  const singular = interpolant.singularEnds.start || interpolant.singularEnds.end;
  const usesDerivative = fields.includes('b') || fields.includes('v');
  const needed = divides || (singular && usesDerivative);
  const tMin = checkNumber(fn, 'options.tMin', options.tMin ?? (needed ? 1e-3 : 0), { min: 0, max: 0.49 });
  if (needed && tMin === 0) {
    const why = divides ? "the score's target divides by γ (or α), which vanishes at an end" : `a derivative of '${interpolant.name}' is infinite at an end`;
    throw new ArgumentError(fn, 'options.tMin', `> 0 for these fields (${why})`, '0');
  }
  const noisy = fields.some(needsNoise) && (interpolant.oneSided || !interpolant.gammaSchedule.isZero);
  // MATH.md §1.3: antithetic pairs are needed where the target has γ⁻¹ (or α⁻¹: the score) or γ̇ z (b of a
  // two-sided interpolant with latent noise); elsewhere the target is bounded and one draw suffices.
  const unbounded = fields.includes('s') || (fields.includes('b') && !interpolant.oneSided && !interpolant.gammaSchedule.isZero);
  const antithetic = options.antithetic ?? unbounded;
  const weights: Partial<Record<FieldName, number>> = {};
  for (const f of fields) weights[f] = checkNumber(fn, `options.weights.${f}`, options.weights?.[f] ?? 1, { min: 0 });

  /** Per-field loss terms for one sign of the noise; returns per-sample-mean scalars. */
  const terms = (nets: Partial<Record<FieldName, TrainableField>>, batch: TrainingBatch<tf.Tensor>, sign: 1 | -1): Partial<Record<FieldName, tf.Scalar>> => {
    const { x1, t, label } = batch;
    for (const f of fields) {
      if (typeof nets[f] !== 'function') {
        throw new ArgumentError('Objective.loss', `fields.${f}`, 'a trainable field (x, t, label?) => tensor of the shape of x', describeValue(nets[f]));
      }
    }
    // x_t and the targets depend on the batch alone: off the tape when the batch is constant for it and the
    // interpolant is the library's (coefficients are formulas of t), bit for bit the same values (untaped.ts).
    const offTape = interpolant instanceof SpatiallyLinearInterpolant && constantForTape([batch.x0, x1, t, batch.z]);
    const batchPart = (): { xt: tf.Tensor; targets: Partial<Record<FieldName, tf.Tensor>> } => {
      let x0 = batch.x0;
      let z = batch.z;
      if (sign < 0) {
        if (interpolant.oneSided) x0 = x0 && tf.neg(x0);
        else z = z && tf.neg(z);
      }
      const sample = interpolant.sample<tf.Tensor>(x0, x1, t, z);
      const noise = interpolant.oneSided ? (x0 as tf.Tensor) : z;
      const targets: Partial<Record<FieldName, tf.Tensor>> = {};
      for (const f of fields) {
        switch (f) {
          case 'b':
            targets[f] = sample.dxt;
            break;
          case 'v':
            targets[f] = sample.dInterp;
            break;
          case 's':
            // Only the score needs a coefficient beyond those inside `sample`: computed here, for it alone.
            targets[f] = tf.neg(divideRows(noise as tf.Tensor, scoreDivisor(interpolant, t)));
            break;
          case 'eta-z':
            targets[f] = noise as tf.Tensor;
            break;
          case 'eta-0':
            targets[f] = x0 as tf.Tensor;
            break;
          default:
            targets[f] = x1;
        }
      }
      return { xt: sample.xt, targets };
    };
    const { xt, targets } = offTape ? untaped(batchPart) : batchPart();
    const out: Partial<Record<FieldName, tf.Scalar>> = {};
    for (const f of fields) {
      const net = nets[f]!;
      const target = targets[f]!;
      // TrainableField is typed on [batch, d] for compatibility; it is called on the batch's own shape.
      const pred: tf.Tensor = net(xt as tf.Tensor2D, t, label);
      // per-row Σ over the event (every axis but the batch), then the mean over rows: one tape node, the
      // plain ops' values and gradients bit for bit (quadratic-term.ts)
      out[f] = quadraticTerm(pred, target);
    }
    return out;
  };

  return {
    fields,
    tMin,
    antithetic,
    loss(nets, batch): ObjectiveLoss {
      checkBatch(interpolant, batch, noisy);
      return tf.tidy(() => {
        const plus = terms(nets, batch, 1);
        const minus = antithetic ? terms(nets, batch, -1) : undefined;
        const perField: Partial<Record<FieldName, tf.Scalar>> = {};
        let total: tf.Scalar | null = null;
        for (const f of fields) {
          const term = minus ? (tf.mul(tf.add(plus[f]!, minus[f]!), 0.5) as tf.Scalar) : plus[f]!;
          perField[f] = term;
          // Σ_f w_f·term_f from 0: the first addend enters as is (0 + w·term is w·term, and term·1 is term, so
          // the value and every gradient are those of the full sum; two ops and their gradients fewer).
          const weighted = weights[f] === 1 ? term : (tf.mul(term, weights[f]!) as tf.Scalar);
          total = total === null ? weighted : (tf.add(total, weighted) as tf.Scalar);
        }
        return { total: total!, perField };
      });
    },
  };
}

/** α(t) (one-sided) or γ(t): what the score's target −noise/· divides by (call inside a tidy). */
function scoreDivisor(interpolant: Interpolant, t: tf.Tensor1D): tf.Tensor1D {
  const c = interpolant.coefficients(t);
  return interpolant.oneSided ? c.alpha : c.gamma;
}

function checkBatch(interpolant: Interpolant, batch: TrainingBatch<tf.Tensor>, noisy: boolean): void {
  const fn = 'Objective.loss';
  if (typeof batch !== 'object' || batch === null || !(batch.x1 instanceof tf.Tensor) || batch.x1.rank < 2) {
    throw new ArgumentError(fn, 'batch.x1', 'a tensor [batch, ...event] (e.g. [batch, d] or [batch, h, w, c])', describeValue(batch?.x1));
  }
  const shape = batch.x1.shape;
  const n = shape[0]!;
  const same = (v: unknown) => v instanceof tf.Tensor && v.rank === shape.length && (v.shape as number[]).every((s: number, i: number) => s === shape[i]);
  if (!interpolant.mirror && !same(batch.x0)) throw new ArgumentError(fn, 'batch.x0', `a tensor ${formatShape(shape)} (the shape of x1)`, describeValue(batch.x0));
  if (noisy && !interpolant.oneSided && !same(batch.z)) throw new ArgumentError(fn, 'batch.z', `a tensor ${formatShape(shape)} of N(0, I) noise`, describeValue(batch.z));
  if (!(batch.t instanceof tf.Tensor) || batch.t.rank !== 1 || batch.t.shape[0] !== n) {
    throw new ArgumentError(fn, 'batch.t', `a Tensor1D [${n}]`, describeValue(batch.t));
  }
}
