/**
 * The score of an energy model, `s(x) = ∇ log p_θ(x) = −∇E_θ(x)`, by automatic differentiation, as a field
 * usable wherever a score field is (samplers, Langevin terms).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EventField } from '../fields/types.js';
import { ArgumentError, describeValue } from '../errors.js';

/** An energy as a plain function `[batch, ...event] → [batch]` (an `EnergyModel`'s `energy`). */
export type EnergyFunction = (x: tf.Tensor) => tf.Tensor;

/**
 * `−∇_x E(x)` for a batch `x: [batch, ...event]`, by `tf.grad` of `Σ_rows E`. Rows do not interact, so the
 * gradient of the sum is each row's own gradient. Each call runs a fresh forward pass (nothing is cached).
 *
 * @example
 * ```ts
 * const s = energyGradientScore((x) => tf.mul(0.5, tf.sum(tf.square(x), 1)), x); // −x
 * ```
 */
export function energyGradientScore(energy: EnergyFunction, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.neg(tf.grad((z: tf.Tensor) => tf.sum(energy(z)))(x)));
}

/**
 * The score field of an energy: `(x: [batch, ...event], t: [batch]) → −∇E(x)` (time is ignored), the
 * library's {@link EventField} signature, so it plugs in wherever a score field is expected.
 *
 * @throws ArgumentError when `energy` is not a function
 * @example
 * ```ts
 * const model = energyMlp({ dim: 2 });
 * const score = scoreFromEnergy(model.energy);
 * const s = score(x, tf.zeros([x.shape[0]])); // [batch, 2]
 * ```
 */
export function scoreFromEnergy(energy: EnergyFunction): EventField {
  if (typeof energy !== 'function') throw new ArgumentError('scoreFromEnergy', 'energy', 'a function (x: [batch, ...event]) => [batch]', describeValue(energy));
  return (<X extends tf.Tensor>(x: X) => energyGradientScore(energy, x) as X) as EventField;
}
