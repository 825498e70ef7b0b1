/**
 * Monte-Carlo checks for samplers: sample moments with their standard errors, and mixture component
 * fractions.
 */
import type * as tf from '@tensorflow/tfjs-core';

/** Sample mean and covariance of `[n, d]` rows, with the standard error of every entry. */
export interface SampleMoments {
  n: number;
  mean: number[];
  cov: number[][];
  meanSE: number[];
  covSE: number[][];
}

/** Moments in float64 with their Monte-Carlo standard errors (SE of a covariance entry from the fourth moments). */
export function sampleMoments(x: tf.Tensor2D): SampleMoments {
  const [n, d] = x.shape;
  const data = x.dataSync();
  const mean = new Array<number>(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += data[i * d + j]! / n;
  const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const sq = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      for (let b = 0; b < d; b++) {
        const p = (data[i * d + a]! - mean[a]!) * (data[i * d + b]! - mean[b]!);
        cov[a]![b]! += p / n;
        sq[a]![b]! += (p * p) / n;
      }
    }
  }
  const covSE = cov.map((row, a) => row.map((c, b) => Math.sqrt(Math.max(sq[a]![b]! - c * c, 0) / n)));
  const meanSE = mean.map((_, a) => Math.sqrt(cov[a]![a]! / n));
  return { n, mean, cov, meanSE, covSE };
}

/**
 * Fails unless the sample mean and covariance match the exact ones within `k` standard errors per entry
 * (plus an absolute `slack` for deterministic bias, e.g. time discretisation).
 */
export function expectMomentsMatch(
  samples: tf.Tensor2D,
  exact: { mean: number[]; cov: number[][] },
  { k = 3, slack = 0, label = '' }: { k?: number; slack?: number; label?: string } = {},
): void {
  const m = sampleMoments(samples);
  const problems: string[] = [];
  exact.mean.forEach((mu, a) => {
    const err = Math.abs(m.mean[a]! - mu);
    if (!(err <= k * m.meanSE[a]! + slack)) problems.push(`mean[${a}] ${m.mean[a]!.toFixed(4)} vs ${mu.toFixed(4)} (SE ${m.meanSE[a]!.toFixed(4)})`);
  });
  exact.cov.forEach((row, a) =>
    row.forEach((c, b) => {
      const err = Math.abs(m.cov[a]![b]! - c);
      if (!(err <= k * m.covSE[a]![b]! + slack)) problems.push(`cov[${a}][${b}] ${m.cov[a]![b]!.toFixed(4)} vs ${c.toFixed(4)} (SE ${m.covSE[a]![b]!.toFixed(4)})`);
    }),
  );
  if (problems.length > 0) throw new Error(`${label ? `${label}: ` : ''}moments off by more than ${k} SE: ${problems.join('; ')}`);
}

/** Mean and covariance of a Gaussian mixture Σ π_k N(μ_k, Σ_k). */
export function mixtureMoments(weights: number[], means: number[][], covs: number[][][]): { mean: number[]; cov: number[][] } {
  const d = means[0]!.length;
  const mean = new Array<number>(d).fill(0);
  weights.forEach((w, k) => means[k]!.forEach((m, a) => (mean[a]! += w * m)));
  const cov = Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => weights.reduce((s, w, k) => s + w * (covs[k]![a]![b]! + means[k]![a]! * means[k]![b]!), 0) - mean[a]! * mean[b]!),
  );
  return { mean, cov };
}

/** Fraction of rows whose most responsible mixture component (2-D) is k, for every k. */
export function componentFractions(x: tf.Tensor2D, weights: number[], means: number[][], covs: number[][][]): number[] {
  const [n, d] = x.shape;
  if (d !== 2) throw new Error('componentFractions: 2-D only');
  const data = x.dataSync();
  const counts = new Array<number>(weights.length).fill(0);
  const comps = covs.map((c, k) => {
    const [a, b, cc, dd] = [c[0]![0]!, c[0]![1]!, c[1]![0]!, c[1]![1]!];
    const det = a * dd - b * cc;
    return { inv: [dd / det, -b / det, -cc / det, a / det], logNorm: Math.log(weights[k]!) - 0.5 * Math.log(det) };
  });
  for (let i = 0; i < n; i++) {
    let best = -Infinity;
    let arg = 0;
    comps.forEach((c, k) => {
      const u = data[2 * i]! - means[k]![0]!;
      const v = data[2 * i + 1]! - means[k]![1]!;
      const q = c.inv[0]! * u * u + (c.inv[1]! + c.inv[2]!) * u * v + c.inv[3]! * v * v;
      const score = c.logNorm - 0.5 * q;
      if (score > best) {
        best = score;
        arg = k;
      }
    });
    counts[arg]!++;
  }
  return counts.map((c) => c / n);
}
