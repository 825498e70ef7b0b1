/**
 * Sampling images from labelled fields (a class-conditional U-Net's velocity b, and score s if learned) with
 * classifier-free guidance, through the generative samplers: the guided velocity drives the probability-flow
 * ODE, and the SDE samplers add ε(t)·s with the score of the guided field.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, checkOneOf, describeValue } from '../src/errors.js';
import { scoreFromVelocity } from '../src/fields/conversions.js';
import { fieldForLabels, guidedField } from '../src/images/guidance.js';
import type { LabelledField } from '../src/images/guidance.js';
import type { Interpolant } from '../src/interpolants/types.js';
import type { FieldName } from '../src/objectives/types.js';
import { SeedStream } from '../src/random.js';
import { getScheme, stepsForNfe } from '../src/solver/schemes/registry.js';
import { checkOptions } from '../src/validate.js';
import { sampleSde } from './generative-sde.js';
import { sampleOde } from './probability-flow.js';

/** The ODE samplers an image run takes by name (deterministic; `--eps` is ignored). */
export const IMAGE_ODE_SAMPLERS = ['euler', 'midpoint', 'heun', 'rk4'] as const;
/** The SDE samplers an image run takes by name (need ε > 0 and a score: learned `s`, or from `b` one-sided). */
export const IMAGE_SDE_SAMPLERS = ['euler-maruyama', 'stochastic-heun'] as const;
/** Every sampler name of {@link sampleImages}. */
export const IMAGE_SAMPLERS = [...IMAGE_ODE_SAMPLERS, ...IMAGE_SDE_SAMPLERS] as const;
/** A sampler name of {@link sampleImages}. */
export type ImageSamplerName = (typeof IMAGE_SAMPLERS)[number];

/** Options of {@link sampleImages}. */
export interface SampleImagesOptions {
  /** One class index per sample (conditional models); or `n` for an unconditional model. */
  labels?: readonly number[];
  /** Number of samples of an unconditional model. */
  n?: number;
  /** `[height, width, channels]` of the images. */
  eventShape: readonly [number, number, number];
  /** The interpolant the fields were trained with (for the score of SDE samplers). */
  interpolant: Interpolant;
  /** Number of classes of a conditional model (labels must lie below it; the null class is this number). @default 0 */
  numClasses?: number;
  /** Classifier-free guidance weight w ≥ 0 (conditional models only). @default 0 */
  guidance?: number;
  /** Apply guidance only for t in this range. */
  guidanceInterval?: readonly [number, number];
  /** @default 'heun' */
  sampler?: ImageSamplerName;
  /** Field evaluations (NFE) to spend; steps = NFE / stages per step. @default 50 */
  nfe?: number;
  /** Noise scale of SDE samplers: ε(t) = eps · 4 t (1 − t) (`bump`). @default 1 */
  eps?: number;
  /** Integrate over [tMin, 1 − tMin]. @default 1e-3 */
  tMin?: number;
  /** Seed of x0 and of the Brownian increments. @default 0 */
  seed?: number;
  /** Samples per batch through the sampler (memory). @default 100 */
  chunk?: number;
  /** Called after each chunk with the samples done. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Samples images from labelled fields (`b`, and `s` if learned) with classifier-free guidance: the guided
 * velocity `(1 + w) b(x, t, y) − w b(x, t, ∅)` (one batched pass) drives the probability-flow ODE; SDE
 * samplers add ε(t)·s with the score of the guided velocity (from `b` for one-sided interpolants, since
 * the guidance combination is linear) or the guided learned score. Returns `[n, h, w, c]` (owned).
 *
 * @throws ArgumentError for a label out of range, a guidance weight on an unconditional model, an unknown
 *   sampler, or an SDE sampler without a score
 * @example
 * ```ts
 * const run = await loadImageRun('out/mnist');
 * const x = await sampleImages(run.fields, { labels: [3, 3, 7], guidance: 2, ...imageRunShape(run) }); // [3, 28, 28, 1]
 * ```
 */
export async function sampleImages(fields: Partial<Record<FieldName, LabelledField>>, options: SampleImagesOptions): Promise<tf.Tensor4D> {
  const fn = 'sampleImages';
  const opts = checkOptions(fn, options, ['labels', 'n', 'eventShape', 'interpolant', 'numClasses', 'guidance', 'guidanceInterval', 'sampler', 'nfe', 'eps', 'tMin', 'seed', 'chunk', 'onProgress']);
  const b = fields.b;
  if (typeof b !== 'function') throw new ArgumentError(fn, 'fields', 'labelled fields with a velocity b', describeValue(Object.keys(fields ?? {})));
  const numClasses = checkNumber(fn, 'options.numClasses', opts.numClasses ?? 0, { min: 0, integer: true });
  const conditional = b.conditional !== false && numClasses > 0;
  const guidance = checkNumber(fn, 'options.guidance', opts.guidance ?? 0, { min: 0 });
  if (guidance > 0 && !conditional) {
    throw new ArgumentError(fn, 'options.guidance', '0 for an unconditional model (guidance needs a class-conditional model trained with label dropout)', String(guidance));
  }
  const sampler = checkOneOf(fn, 'options.sampler', opts.sampler ?? 'heun', IMAGE_SAMPLERS);
  const nfe = checkNumber(fn, 'options.nfe', opts.nfe ?? 50, { min: 1, integer: true });
  const eps = checkNumber(fn, 'options.eps', opts.eps ?? 1, { min: 0 });
  const tMin = checkNumber(fn, 'options.tMin', opts.tMin ?? 1e-3, { min: 0, max: 0.49 });
  const seed = checkNumber(fn, 'options.seed', opts.seed ?? 0, { integer: true });
  const chunk = checkNumber(fn, 'options.chunk', opts.chunk ?? 100, { min: 1, integer: true });
  let labels: number[] | undefined;
  let n: number;
  if (conditional) {
    if (!Array.isArray(opts.labels) || opts.labels.length === 0) throw new ArgumentError(fn, 'options.labels', 'a non-empty array of class indices for a conditional model', describeValue(opts.labels));
    opts.labels.forEach((y, i) => {
      if (!(Number.isInteger(y) && y >= 0 && y < numClasses)) throw new ArgumentError(fn, `options.labels[${i}]`, `a class index in 0 … ${numClasses - 1}`, describeValue(y));
    });
    labels = [...opts.labels];
    n = labels.length;
  } else {
    n = checkNumber(fn, 'options.n', opts.n ?? opts.labels?.length, { min: 1, integer: true });
  }
  const isSde = (IMAGE_SDE_SAMPLERS as readonly string[]).includes(sampler);
  const interpolant = opts.interpolant;
  if (isSde && eps > 0 && !fields.s && !interpolant?.oneSided) {
    throw new ArgumentError(fn, 'options.sampler', `an ODE sampler (${IMAGE_ODE_SAMPLERS.join(', ')}), or fields with a score s: the score comes from b only for one-sided interpolants`, `'${sampler}' with interpolant '${interpolant?.name}' and fields ${Object.keys(fields).join(',')}`);
  }
  const steps = stepsForNfe(nfe, getScheme(sampler).stagesPerStep);
  if (!Array.isArray(opts.eventShape) || opts.eventShape.length !== 3) throw new ArgumentError(fn, 'options.eventShape', '[height, width, channels]', describeValue(opts.eventShape));
  const [h, w, c] = opts.eventShape as [number, number, number];
  const guide = (f: LabelledField) => (conditional && guidance > 0 ? guidedField(f, { weight: guidance, nullLabel: numClasses, ...(opts.guidanceInterval ? { interval: opts.guidanceInterval } : {}) }) : f);
  const seeds = new SeedStream(seed);
  const parts: tf.Tensor4D[] = [];
  try {
    for (let start = 0; start < n; start += chunk) {
      const m = Math.min(chunk, n - start);
      const y = tf.tensor1d(labels ? labels.slice(start, start + m) : new Array<number>(m).fill(0), 'int32');
      const x0 = tf.randomNormal([m, h, w, c], 0, 1, 'float32', seeds.next()) as tf.Tensor4D;
      try {
        const velocity = fieldForLabels(guide(b), y);
        let sol;
        if (isSde && eps > 0) {
          const score = fields.s ? fieldForLabels(guide(fields.s), y) : scoreFromVelocity(velocity as never, interpolant!, Math.max(tMin, 1e-3));
          sol = await sampleSde(x0, { velocity: velocity as never, score: score as never, epsilon: { schedule: 'bump', scale: eps }, scheme: sampler, steps, tMin, seed: seeds.next() });
        } else {
          sol = await sampleOde(x0, { velocity: velocity as never, scheme: isSde ? 'heun' : sampler, steps, tMin });
        }
        parts.push(tf.keep(sol.y.clone()) as tf.Tensor4D);
        sol.dispose();
      } finally {
        tf.dispose([x0, y]);
      }
      opts.onProgress?.(start + m, n);
    }
    return parts.length === 1 ? parts[0]! : (tf.concat(parts, 0) as tf.Tensor4D);
  } finally {
    if (parts.length > 1) tf.dispose(parts);
  }
}
