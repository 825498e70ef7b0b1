/**
 * The Fréchet (2-Wasserstein) distance between Gaussians fitted to two feature sets, and its use on the
 * digit classifier's penultimate features as a quality score for generated digits.
 *
 * For Gaussians N(m1, C1) and N(m2, C2):
 *   FD = ||m1 − m2||² + tr(C1 + C2 − 2 (C1^{1/2} C2 C1^{1/2})^{1/2}),
 * computed in float64 with the symmetric square roots of {@link sqrtmPsd}.
 *
 * Not the Inception FID. The "FID" of the literature uses the 2048-dimensional pool features of an
 * ImageNet-trained Inception-v3 on 299×299 RGB images; its numbers are only comparable with that exact
 * network and preprocessing. Here the features are the 64 penultimate activations of a small classifier
 * trained on 8,000 digits of the `mnist` package ({@link DigitClassifier}), so the value measures distance
 * in what that classifier finds discriminative for digits, on a different scale; compare it only with the
 * same classifier's value for real held-out digits (the floor) and for other runs scored the same way.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '../errors.js';
import { checkTensor } from '../validate.js';
import type { DigitClassifier } from './digit-classifier.js';
import { sqrtmPsd } from '../symmetric-eigen.js';

/** A Gaussian summary of a feature set: mean `[d]` and covariance `[d, d]` (row-major), float64. */
export interface GaussianMoments {
  dim: number;
  mean: Float64Array;
  cov: Float64Array;
}

/**
 * Mean and unbiased covariance (divided by n − 1) of `n` rows of `d` features, accumulated in float64.
 *
 * @param rows - row-major `n · d` values
 * @example
 * ```ts
 * featureMoments(Float32Array.from([0, 0, 2, 2]), 2, 2); // mean [1, 1], cov [[2, 2], [2, 2]]
 * ```
 */
export function featureMoments(rows: ArrayLike<number>, n: number, d: number): GaussianMoments {
  const fn = 'featureMoments';
  if (!Number.isInteger(n) || n < 2 || !Number.isInteger(d) || d < 1 || rows.length !== n * d) {
    throw new ArgumentError(fn, 'rows', `n · d values with n >= 2 rows and d >= 1 columns`, `${rows.length} values for n = ${n}, d = ${d}`);
  }
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += rows[i * d + j]!;
  for (let j = 0; j < d; j++) mean[j]! /= n;
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = rows[i * d + j]! - mean[j]!;
      if (!Number.isFinite(v)) throw new ArgumentError(fn, 'rows', 'finite values', `${rows[i * d + j]} at row ${i}, column ${j}`);
      c[j] = v;
    }
    for (let j = 0; j < d; j++) {
      const cj = c[j]!;
      for (let k = j; k < d; k++) cov[j * d + k]! += cj * c[k]!;
    }
  }
  for (let j = 0; j < d; j++) {
    for (let k = j; k < d; k++) {
      const v = cov[j * d + k]! / (n - 1);
      cov[j * d + k] = v;
      cov[k * d + j] = v;
    }
  }
  return { dim: d, mean, cov };
}

/**
 * The Fréchet distance between N(m1, C1) and N(m2, C2) (formula in the module comment), float64. It is the
 * squared 2-Wasserstein distance between the two Gaussians: 0 for equal moments, never negative (tiny
 * negative rounding is clamped to 0).
 *
 * @throws ArgumentError if the dimensions differ or a covariance is not positive semi-definite
 * @example
 * ```ts
 * const fd = frechetDistance(featureMoments(a, n, d), featureMoments(b, m, d));
 * ```
 */
export function frechetDistance(a: GaussianMoments, b: GaussianMoments): number {
  const d = a.dim;
  if (b.dim !== d || a.mean.length !== d || b.mean.length !== d || a.cov.length !== d * d || b.cov.length !== d * d) {
    throw new ArgumentError('frechetDistance', 'b', `moments of dimension ${d} (mean [${d}], cov [${d}, ${d}])`, `dimension ${b.dim}`);
  }
  let meanTerm = 0;
  for (let j = 0; j < d; j++) meanTerm += (a.mean[j]! - b.mean[j]!) ** 2;
  const s1 = sqrtmPsd(a.cov, d);
  // M = S1 C2 S1 (symmetric PSD), then tr(M^{1/2}).
  const tmp = new Float64Array(d * d);
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
    const sik = s1[i * d + k]!;
    if (sik === 0) continue;
    for (let j = 0; j < d; j++) tmp[i * d + j]! += sik * b.cov[k * d + j]!;
  }
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
    const tik = tmp[i * d + k]!;
    if (tik === 0) continue;
    for (let j = 0; j < d; j++) m[i * d + j]! += tik * s1[k * d + j]!;
  }
  const root = sqrtmPsd(m, d);
  let trace = 0;
  for (let i = 0; i < d; i++) trace += a.cov[i * d + i]! + b.cov[i * d + i]! - 2 * root[i * d + i]!;
  return Math.max(0, meanTerm + trace);
}

/**
 * The Fréchet distance between two feature batches `[n, d]` and `[m, d]` (float32 tensors, read back once).
 *
 * @example
 * ```ts
 * const fd = await featureFrechetDistance(featuresOfSamples, featuresOfRealDigits);
 * ```
 */
export async function featureFrechetDistance(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  const fn = 'featureFrechetDistance';
  checkTensor(fn, 'a', a, { rank: 2 });
  checkTensor(fn, 'b', b, { shape: [null, a.shape[1]!] });
  return frechetDistance(featureMoments(await a.data(), a.shape[0]!, a.shape[1]!), featureMoments(await b.data(), b.shape[0]!, b.shape[1]!));
}

/**
 * The digit Fréchet distance: {@link frechetDistance} between the {@link DigitClassifier}'s 64 penultimate
 * features of `images` and of `reference` (both `[n, 28, 28, 1]` in [−1, 1]). Not the Inception FID (see
 * the module comment); report it next to the floor, the value for two sets of real digits.
 *
 * @example
 * ```ts
 * const classifier = await loadDigitClassifier();
 * const fd = await digitFrechetDistance(classifier, samples, heldOutDigits);
 * ```
 */
export async function digitFrechetDistance(classifier: DigitClassifier, images: tf.Tensor, reference: tf.Tensor): Promise<number> {
  const fa = classifier.features(images);
  const fb = classifier.features(reference);
  try {
    return await featureFrechetDistance(fa, fb);
  } finally {
    fa.dispose();
    fb.dispose();
  }
}
