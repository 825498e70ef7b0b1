/**
 * The optimal weights ω(H) as a differentiable function of a Hurst-index tensor, for a learnable H.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, describeValue } from '../errors.js';
import { optimalOmegaWithDerivative } from './optimal-omega.js';
import type { OptimalOmegaOptions } from './optimal-omega.js';

/** Options of {@link omegaTensor}: those of `optimalOmega` without the Hurst index. */
export type OmegaTensorOptions = Omit<OptimalOmegaOptions, 'hurst'>;

/**
 * `ω(H)` as a float32 `[K]` tensor with its gradient in H: a `tf.customGrad` whose forward pass reads H
 * (a scalar tensor, or any single-element tensor) back, solves for ω in float64, and whose backward pass
 * returns `Σ_k dy_k · dω_k/dH` from {@link optimalOmegaWithDerivative} (implicit differentiation of the
 * float64 solve). Reading H back is a synchronisation point: call it once per training step, outside
 * per-time-step loops (ω is constant along a path). For `H = sigmoid(h)` chain it as usual:
 * `omegaTensor(tf.sigmoid(h), options)`.
 *
 * @param hurst - a single-element tensor with a value in (0, 1)
 * @param options - type, K, gammaMax, gammaMin, horizon, ridge as for `optimalOmega`
 * @returns ω, float32 `[K]`
 * @example
 * ```ts
 * const h = tf.variable(tf.scalar(0));                       // H = sigmoid(h) = 0.5
 * const loss = () => tf.sum(tf.square(omegaTensor(tf.sigmoid(h), { type: 'II' })));
 * const grad = tf.grad((x) => tf.sum(omegaTensor(tf.sigmoid(x), { type: 'II' })))(h.clone());
 * ```
 */
export function omegaTensor(hurst: tf.Tensor, options: OmegaTensorOptions): tf.Tensor1D {
  if (!(hurst instanceof tf.Tensor) || hurst.size !== 1) {
    throw new ArgumentError('omegaTensor', 'hurst', 'a single-element tensor holding the Hurst index', describeValue(hurst));
  }
  const f = tf.customGrad<tf.Tensor1D>((...inputs) => {
    const h = inputs[0] as tf.Tensor;
    const value = h.dataSync()[0]!;
    const { omega, dOmegaDHurst } = optimalOmegaWithDerivative({ ...options, hurst: value });
    return {
      value: tf.tensor1d(Float32Array.from(omega)),
      gradFunc: (dy: tf.Tensor1D) => tf.reshape(tf.sum(tf.mul(dy, tf.tensor1d(Float32Array.from(dOmegaDHurst)))), h.shape),
    };
  });
  return f(hurst);
}
