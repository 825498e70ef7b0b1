/**
 * The per-cell metrics of a comparison: sliced W2 and the Sinkhorn divergence to the reference samples,
 * with settings fixed for the whole grid so that cells and the floor are measured alike.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sinkhornDivergence } from '../metrics/sinkhorn.js';
import { slicedWasserstein2 } from '../metrics/sliced-wasserstein.js';

/** Settings shared by every measurement of a comparison. */
export interface MetricSettings {
  slicedW2: boolean;
  sinkhorn: boolean;
  /** Absolute entropic ε of the Sinkhorn divergence (the same for every cell and the floor). */
  sinkhornEpsilon: number;
  /** Sliced-W2 projections (the directions come from seed 0: the same for every cell). @default 128 */
  projections?: number;
}

/** Relative Sinkhorn ε: ε = 0.01 · s², s² the trace of the reference covariance (the metric's own default). */
export const SINKHORN_RELATIVE_EPSILON = 0.01;

/** Marginal tolerance of the Sinkhorn solves (a mass fraction; the divergence moves by < 1e-4 relative). */
export const SINKHORN_TOLERANCE = 1e-3;

/**
 * The Sinkhorn ε for a grid: {@link SINKHORN_RELATIVE_EPSILON} times the trace of the covariance of
 * `reference`. Fixing it once keeps every cell on the same scale (the metric's default would re-derive it
 * from each pooled pair).
 */
export function sinkhornEpsilonFor(reference: tf.Tensor2D): number {
  const trace = tf.tidy(() => {
    const centred = tf.sub(reference, tf.mean(reference, 0, true));
    return tf.div(tf.sum(tf.square(centred)), Math.max(reference.shape[0] - 1, 1)).dataSync()[0]!;
  });
  return SINKHORN_RELATIVE_EPSILON * trace;
}

/** Measures `samples` against `reference` (both borrowed). */
export async function measure(samples: tf.Tensor2D, reference: tf.Tensor2D, settings: MetricSettings): Promise<{ slicedW2?: number; sinkhorn?: number }> {
  const out: { slicedW2?: number; sinkhorn?: number } = {};
  if (settings.slicedW2) out.slicedW2 = await slicedWasserstein2(samples, reference, { projections: settings.projections ?? 128, seed: 0 });
  if (settings.sinkhorn) out.sinkhorn = await sinkhornDivergence(samples, reference, { epsilon: settings.sinkhornEpsilon, tolerance: SINKHORN_TOLERANCE });
  return out;
}
