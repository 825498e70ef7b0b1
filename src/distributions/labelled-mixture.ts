/**
 * Labelled data from one law per class: the class-conditional data of conditional generation.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, describeValue } from '../errors.js';
import { SeedStream } from '../random.js';
import { checkBatch, checkCount, checkNumberArray, checkOptions, checkSeeds, checkTensor } from '../validate.js';
import { checkDistribution } from './check.js';
import type { Distribution, LabelledDistribution, LabelledSample } from './types.js';

/** Options of {@link labelledMixture}. */
export interface LabelledMixtureOptions {
  /** Class probabilities π_k (≥ 0, positive sum; normalised). @default equal, 1/K */
  weights?: readonly number[];
}

/** The law returned by {@link labelledMixture}. */
export interface LabelledMixture extends LabelledDistribution {
  readonly description: string;
  /** The normalised class probabilities π_k. */
  readonly weights: readonly number[];
}

/**
 * The mixture p(x) = Σ_k π_k p_k(x) of K class laws with labels: a label k ~ Categorical(π) for each row,
 * then x ~ p_k. `logProb` (the marginal, log Σ_k exp(log π_k + log p_k(x))) and `logProbGiven` (log p_k(x)
 * for each row's k) exist when every class law has a `logProb`.
 *
 * Seeds: one for the labels (drawn in JavaScript), then one draw of each class law with at least one row, in
 * class order; row i holds a sample of the class of label i.
 *
 * @param classes - K ≥ 1 distributions with the same event shape
 * @throws ArgumentError for an empty class list, mismatched event shapes or bad weights
 * @example
 * ```ts
 * const data = labelledMixture([diagonalGaussian({ mean: [-2, 0] }), diagonalGaussian({ mean: [2, 0] })]);
 * const { x, labels } = data.sampleLabelled(256, new SeedStream(0)); // [256, 2], int32 [256]
 * ```
 */
export function labelledMixture(classes: readonly Distribution[], options?: LabelledMixtureOptions): LabelledMixture {
  const fn = 'labelledMixture';
  const opts = checkOptions(fn, options, ['weights']);
  if (!Array.isArray(classes) || classes.length === 0) throw new ArgumentError(fn, 'classes', 'a non-empty array of distributions', describeValue(classes));
  classes.forEach((c: unknown, k: number) => checkDistribution(fn, `classes[${k}]`, c));
  const shape = classes[0]!.eventShape;
  classes.forEach((c: Distribution, k: number) => {
    if (c.eventShape.length !== shape.length || c.eventShape.some((s: number, i: number) => s !== shape[i])) {
      throw new ArgumentError(fn, `classes[${k}]`, `a distribution of event shape [${shape.join(', ')}] (that of classes[0])`, `event shape [${c.eventShape.join(', ')}]`);
    }
  });
  const K = classes.length;
  let weights: number[];
  if (opts.weights === undefined) {
    weights = new Array<number>(K).fill(1 / K);
  } else {
    const w = checkNumberArray(fn, 'options.weights', opts.weights, { length: K, min: 0 });
    const total = w.reduce((s, v) => s + v, 0);
    if (!(total > 0)) throw new ArgumentError(fn, 'options.weights', 'weights with a positive sum', describeValue(w));
    weights = w.map((v) => v / total);
  }
  const cumulative: number[] = [];
  weights.reduce((s, w) => (cumulative.push(s + w), s + w), 0);
  const logWeights = weights.map((w) => Math.log(w));
  const hasDensity = classes.every((c) => typeof c.logProb === 'function');

  const sampleLabelled = (n: number, seeds: SeedStream): LabelledSample => {
    checkCount(`${fn}.sampleLabelled`, 'n', n);
    checkSeeds(`${fn}.sampleLabelled`, seeds);
    const rng = new SeedStream(seeds.next());
    const labels = new Int32Array(n);
    const counts = new Array<number>(K).fill(0);
    for (let i = 0; i < n; i++) {
      const u = rng.uniform();
      let k = 0;
      while (k < K - 1 && u >= cumulative[k]!) k++;
      labels[i] = k;
      counts[k]!++;
    }
    // Row i takes the next unused sample of its class from the class blocks laid end to end.
    const offsets: number[] = [];
    counts.reduce((s, c) => (offsets.push(s), s + c), 0);
    const next = [...offsets];
    const index = Int32Array.from(labels, (k) => next[k]!++);
    const x = tf.tidy(() => {
      const parts = classes.flatMap((c, k) => (counts[k]! > 0 ? [c.sample(counts[k]!, seeds)] : []));
      const all = parts.length === 1 ? parts[0]! : tf.concat(parts, 0);
      return tf.gather(all, tf.tensor1d(index, 'int32'));
    });
    return { x, labels: tf.tensor1d(labels, 'int32') };
  };

  /** log p_k(x) for every class: [batch, K]. Call inside tf.tidy. */
  const classLogProbs = (x: tf.Tensor) => tf.stack(classes.map((c) => c.logProb!(x)), 1) as tf.Tensor2D;

  return {
    eventShape: shape,
    numClasses: K,
    weights,
    description: `labelled mixture of ${K} class${K === 1 ? '' : 'es'} on events of shape [${shape.join(', ')}]`,
    sampleLabelled,
    sample(n, seeds) {
      const { x, labels } = sampleLabelled(n, seeds);
      labels.dispose();
      return x;
    },
    ...(hasDensity
      ? {
          logProb(x: tf.Tensor) {
            checkBatch(`${fn}.logProb`, 'x', x, shape);
            return tf.tidy(() => tf.logSumExp(tf.add(classLogProbs(x), tf.tensor2d([logWeights], [1, K], 'float32')), 1) as tf.Tensor1D);
          },
          logProbGiven(x: tf.Tensor, labels: tf.Tensor1D) {
            checkBatch(`${fn}.logProbGiven`, 'x', x, shape);
            checkTensor(`${fn}.logProbGiven`, 'labels', labels, { dtype: 'int32', shape: [x.shape[0]!], shapeText: `[${x.shape[0]}] (one per row of x)` });
            return tf.tidy(() => {
              const lp = classLogProbs(x);
              const pick = tf.cast(tf.oneHot(labels, K), 'bool');
              // where, not a product with the one-hot: a −Infinity of another class must not become NaN
              return tf.sum(tf.where(pick, lp, tf.zerosLike(lp)), 1) as tf.Tensor1D;
            });
          },
        }
      : {}),
  };
}
