/**
 * Internal: the tensor side of the Gaussian-mixture oracles. Per-sample (or shared) component parameters
 * arrive as float32 tensors computed in float64 JavaScript; everything that depends on x is a tfjs op, so
 * the results are differentiable in x (tf.grad, Jacobian–vector products for divergences).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeedStream } from '../random.js';
import type { Mixture } from './gaussian-spec.js';

/** Component parameters on `rows` time rows (`rows` = 1 broadcasts over the batch). */
export interface ComponentTensors {
  /** m_k: `[rows, K, d]`. */
  means: tf.Tensor3D;
  /** C_k⁻¹: `[rows, K, d, d]` (absent when not needed: K = 1 affine fields). */
  prec?: tf.Tensor4D;
  /** log π_k − ½ log det C_k − (d/2) log 2π: `[rows, K]`. */
  logNorm?: tf.Tensor2D;
}

/** `A v` batched: `A: [r, K, d, d]`, `v: [B, K, d]` → `[B, K, d]` (r = 1 or B). */
function batchedMatVec(a: tf.Tensor4D, v: tf.Tensor3D): tf.Tensor3D {
  return tf.sum(tf.mul(a, tf.expandDims(v, 2)), 3) as tf.Tensor3D;
}

/** Component log densities `[B, K]` and the differences `x − m_k` `[B, K, d]`. */
function componentLogDensities(x: tf.Tensor2D, comp: ComponentTensors): { logp: tf.Tensor2D; diff: tf.Tensor3D } {
  const [batch, d] = x.shape;
  const diff = tf.sub(tf.reshape(x, [batch, 1, d]), comp.means) as tf.Tensor3D;
  const quad = tf.sum(tf.mul(diff, batchedMatVec(comp.prec!, diff)), 2);
  const logp = tf.sub(comp.logNorm!, tf.mul(0.5, quad)) as tf.Tensor2D;
  return { logp, diff };
}

/** `log Σ_k π_k N(x; m_k, C_k)`, `[B]` (log-sum-exp over components). Call inside `tf.tidy`. */
export function mixtureLogDensity(x: tf.Tensor2D, comp: ComponentTensors): tf.Tensor1D {
  const { logp } = componentLogDensities(x, comp);
  return (logp.shape[1] === 1 ? tf.reshape(logp, [x.shape[0]]) : tf.logSumExp(logp, 1)) as tf.Tensor1D;
}

/**
 * `f(x) = Σ_k r_k(x) (o_k + M_k (x − m_k))` with responsibilities `r_k = softmax_k(log π_k N(x; m_k, C_k))`.
 * `offsets: [rows, K, d]`, `mats: [rows, K, d, d]`. Call inside `tf.tidy`.
 */
export function mixtureAffineField(
  x: tf.Tensor2D,
  comp: ComponentTensors,
  offsets: tf.Tensor3D,
  mats: tf.Tensor4D,
): tf.Tensor2D {
  const [batch, d] = x.shape;
  const K = comp.means.shape[1];
  if (K === 1) {
    const diff = tf.sub(tf.reshape(x, [batch, 1, d]), comp.means) as tf.Tensor3D;
    return tf.reshape(tf.add(offsets, batchedMatVec(mats, diff)), [batch, d]);
  }
  const { logp, diff } = componentLogDensities(x, comp);
  const resp = tf.softmax(logp, 1);
  const perComponent = tf.add(offsets, batchedMatVec(mats, diff));
  return tf.sum(tf.mul(tf.expandDims(resp, 2), perComponent), 1) as tf.Tensor2D;
}

/** Exact samples `[n, d]` of a mixture: component by inverse CDF of one uniform, then `μ_k + L_k z`. */
export function sampleMixture(m: Mixture, n: number, seeds: SeedStream): tf.Tensor2D {
  const d = m.dim;
  const K = m.weights.length;
  const zSeed = seeds.next();
  const uSeed = K > 1 ? seeds.next() : 0;
  return tf.tidy(() => {
    const z = tf.randomNormal([n, d], 0, 1, 'float32', zSeed) as tf.Tensor2D;
    if (K === 1) {
      const l = tf.tensor2d(Float32Array.from(m.choleskys[0]!), [d, d]);
      return tf.add(tf.matMul(z, l, false, true), tf.tensor1d(Float32Array.from(m.means[0]!))) as tf.Tensor2D;
    }
    const cumulative = new Float32Array(K - 1);
    let acc = 0;
    for (let k = 0; k < K - 1; k++) cumulative[k] = acc += m.weights[k]!;
    const u = tf.randomUniform([n, 1], 0, 1, 'float32', uSeed);
    const idx = tf.sum(tf.cast(tf.greaterEqual(u, tf.tensor2d(cumulative, [1, K - 1])), 'int32'), 1) as tf.Tensor1D;
    const meansT = tf.tensor2d(Float32Array.from(m.means.flatMap((v) => Array.from(v))), [K, d]);
    const cholT = tf.tensor3d(Float32Array.from(m.choleskys.flatMap((v) => Array.from(v))), [K, d, d]);
    const mu = tf.gather(meansT, idx);
    const l = tf.gather(cholT, idx);
    return tf.add(mu, tf.sum(tf.mul(l, tf.expandDims(z, 1)), 2)) as tf.Tensor2D;
  });
}
