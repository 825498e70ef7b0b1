/**
 * Classifier-free guidance as a field combinator, and the label dropout that trains a model for it.
 *
 * A class-conditional field f(x, t, y) trained with labels sometimes replaced by a null class ∅ learns both
 * f(x, t, y) and f(x, t, ∅). Guidance with weight w evaluates
 *   f_w(x, t, y) = (1 + w) · f(x, t, y) − w · f(x, t, ∅).
 * For a score field this is ∇ log [p_t(x | y)^{1+w} p_t(x)^{−w}]; because the combination is linear in f,
 * the same combinator serves velocity, score and denoiser fields alike, and every sampler takes the result.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import type { SeedStream } from '../random.js';
import { expandToRank } from '../shapes.js';
import { checkFunction, checkOptions, checkSeeds, checkTensor } from '../validate.js';

/**
 * A class-conditional field on a batch of any rank: `(x: [batch, ...event], t: [batch], labels: [batch]) →
 * [batch, ...event]`. Labels are int32 or float32 class indices. Inputs are borrowed, the result is owned by
 * the caller; synchronous, so it runs inside `tf.tidy`.
 *
 * A field may carry `conditional: false` to declare that it ignores its labels (an unconditional model);
 * {@link guidedField} then refuses a guidance weight.
 */
export type LabelledField<T extends tf.Tensor = tf.Tensor> = ((x: T, t: tf.Tensor1D, labels: tf.Tensor1D) => T) & { conditional?: boolean };

/** Options of {@link guidedField}. */
export interface GuidanceOptions {
  /** Guidance weight w ≥ 0 (0: plain conditional field, no extra pass). */
  weight: number;
  /** The null class ∅ the model was trained with (usually `numClasses`). */
  nullLabel: number;
  /** Apply w only for t in [tLo, tHi] (inclusive); outside it the field is the plain conditional one. @default [−∞, ∞] */
  interval?: readonly [number, number];
}

/**
 * Wraps a class-conditional field with classifier-free guidance:
 *   f_w(x, t, y) = (1 + w(t)) · f(x, t, y) − w(t) · f(x, t, ∅),  w(t) = w for t in the interval, else 0.
 * The conditional and unconditional evaluations are ONE call of `field` on the doubled batch
 * `[x; x]`, `[t; t]`, `[y; ∅]`, so a network runs one forward pass per evaluation.
 *
 * @param field - a {@link LabelledField} (velocity, score or denoiser)
 * @param options - {@link GuidanceOptions}
 * @returns a {@link LabelledField} of the same kind
 * @throws ArgumentError for a non-zero weight on a field that takes no labels (declared with fewer than three
 *   parameters, or marked `conditional: false`), a negative weight, a bad null label or interval
 * @example
 * ```ts
 * const guided = guidedField(velocity, { weight: 2, nullLabel: 10, interval: [0, 0.8] });
 * const b = fieldForLabels(guided, tf.tensor1d(labels, 'int32')); // (x, t) → guided velocity, for any sampler
 * ```
 */
export function guidedField<T extends tf.Tensor>(field: LabelledField<T>, options: GuidanceOptions): LabelledField<T> {
  const fn = 'guidedField';
  checkFunction(fn, 'field', field, 'a field (x, t, labels) => tensor');
  const opts = checkOptions(fn, options, ['weight', 'nullLabel', 'interval']);
  const weight = checkNumber(fn, 'options.weight', opts.weight, { min: 0 });
  const nullLabel = checkNumber(fn, 'options.nullLabel', opts.nullLabel, { integer: true, min: 0 });
  let lo = -Infinity;
  let hi = Infinity;
  if (opts.interval !== undefined) {
    const iv = opts.interval;
    if (!Array.isArray(iv) || iv.length !== 2 || !iv.every((v) => typeof v === 'number' && !Number.isNaN(v)) || !(iv[0] <= iv[1])) {
      throw new ArgumentError(fn, 'options.interval', 'a pair [tLo, tHi] of numbers with tLo <= tHi', describeValue(iv));
    }
    [lo, hi] = iv;
  }
  if (weight === 0) return field;
  if (field.conditional === false || field.length < 3) {
    throw new ArgumentError(
      fn,
      'field',
      'a class-conditional field (x, t, labels) for a guidance weight > 0',
      field.conditional === false ? 'a field marked unconditional (conditional: false)' : `a field taking ${field.length} argument(s), i.e. no labels`,
    );
  }
  const guided: LabelledField<T> = (x, t, labels) =>
    tf.tidy(() => {
      const n = x.shape[0]!;
      const x2 = tf.concat([x, x], 0) as T;
      const t2 = tf.concat([t, t], 0) as tf.Tensor1D;
      const y2 = tf.concat([labels, tf.fill([n], nullLabel, labels.dtype)], 0) as tf.Tensor1D;
      const out = field(x2, t2, y2);
      if (out.shape[0] !== 2 * n) {
        throw new ArgumentError(fn, 'field', `a field returning one row per input row (${2 * n} for the doubled batch)`, describeValue(out));
      }
      const [cond, uncond] = tf.split(out, 2, 0) as [T, T];
      let w: tf.Tensor = tf.scalar(weight);
      if (lo !== -Infinity || hi !== Infinity) {
        const inside = tf.logicalAnd(tf.greaterEqual(t, lo), tf.lessEqual(t, hi));
        w = expandToRank(tf.mul(tf.cast(inside, 'float32'), weight), cond.rank);
      }
      return tf.add(cond, tf.mul(w, tf.sub(cond, uncond))) as T;
    });
  guided.conditional = true;
  return guided;
}

/**
 * Binds labels to a labelled field, giving the `(x, t) → value` field every sampler takes. `labels` is a
 * `[batch]` tensor (borrowed: keep it alive while sampling, then dispose it) or one class index for all rows.
 *
 * @example
 * ```ts
 * const b = fieldForLabels(guidedField(velocity, { weight: 2, nullLabel: 10 }), 3); // every sample a "3"
 * ```
 */
export function fieldForLabels<T extends tf.Tensor>(field: LabelledField<T>, labels: tf.Tensor1D | number): (x: T, t: tf.Tensor1D) => T {
  const fn = 'fieldForLabels';
  checkFunction(fn, 'field', field, 'a field (x, t, labels) => tensor');
  if (typeof labels === 'number') {
    const k = checkNumber(fn, 'labels', labels, { integer: true, min: 0 });
    return (x, t) => tf.tidy(() => field(x, t, tf.fill([x.shape[0]!], k, 'int32') as tf.Tensor1D));
  }
  checkTensor(fn, 'labels', labels, { rank: 1, dtype: ['int32', 'float32'] });
  return (x, t) => field(x, t, labels);
}

/**
 * Label dropout for training a guidable model: each label is replaced by `nullLabel` with probability `p`,
 * independently, the coin flips drawn from `seeds` (same seeds, same dropped rows on every backend).
 *
 * @param labels - `[n]` int32 (or float32) class indices; borrowed
 * @param p - drop probability in [0, 1] (0.1 is common)
 * @param nullLabel - the null class ∅ (usually `numClasses`)
 * @param seeds - the seed stream
 * @returns `[n]` labels of the same dtype, owned by the caller
 * @example
 * ```ts
 * const y = dropLabels(batch.labels, 0.1, 10, seeds);
 * ```
 */
export function dropLabels(labels: tf.Tensor1D, p: number, nullLabel: number, seeds: SeedStream): tf.Tensor1D {
  const fn = 'dropLabels';
  checkTensor(fn, 'labels', labels, { rank: 1, dtype: ['int32', 'float32'] });
  checkNumber(fn, 'p', p, { min: 0, max: 1 });
  checkNumber(fn, 'nullLabel', nullLabel, { integer: true, min: 0 });
  checkSeeds(fn, seeds);
  const seed = seeds.next();
  return tf.tidy(() => {
    const n = labels.shape[0];
    const drop = tf.less(tf.randomUniform([n], 0, 1, 'float32', seed), p);
    return tf.where(drop, tf.fill([n], nullLabel, labels.dtype), labels) as tf.Tensor1D;
  });
}
