/**
 * Internal: the tensors of the OU factors shared by the two forms of `markovFbm` — the initial factors
 * and float32 uploads of float64 matrices.
 */
import * as tf from '@tensorflow/tfjs-core';
import { psdFactor } from './dense.js';
import type { MarkovFbmSetup } from './markov-fbm-options.js';
import { ouStationaryCovariance } from './ou-factors.js';

/**
 * The initial factors: zeros (type II) or a draw from the stationary law `Cov = 1/(γ_i + γ_j)` (type I).
 * Internal to the two implementations.
 */
export function initialFactors(setup: MarkovFbmSetup, rows: number, seed: number, stationaryFactorT: Float32Array | undefined): tf.Tensor2D {
  const K = setup.gammas.length;
  if (setup.type === 'II' || stationaryFactorT === undefined) return tf.zeros([rows, K]) as tf.Tensor2D;
  const z = tf.randomNormal([rows, K], 0, 1, 'float32', seed) as tf.Tensor2D;
  return tf.matMul(z, tf.tensor2d(stationaryFactorT, [K, K]));
}

/** Transposed stationary factor Fᵀ (float32) for type I, undefined for type II. Internal. */
export function stationaryFactorTranspose(setup: MarkovFbmSetup): Float32Array | undefined {
  if (setup.type === 'II') return undefined;
  const K = setup.gammas.length;
  return transpose(psdFactor(ouStationaryCovariance(setup.gammas), K), K);
}

/** Row-major transpose of a K×K matrix, as float32. Internal. */
export function transpose(a: Float64Array, K: number): Float32Array {
  const out = new Float32Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) out[j * K + i] = a[i * K + j]!;
  return out;
}
