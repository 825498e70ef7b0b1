/**
 * The contract of an energy-based model: an unnormalised density `p_θ(x) = exp(−E_θ(x)) / Z(θ)` given by
 * its energy `E_θ: [batch, ...event] → [batch]`, and the trainable weights behind it (networks and free
 * variables) so that a training task can hand them to the one `Trainer`.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, describeValue } from '../errors.js';

/**
 * An energy model `E_θ(x)`. `energy` is differentiable (tfjs gradients flow to its modules and variables and
 * to `x`), borrows `x` and returns a new `[batch]` tensor owned by the caller; it must not cache a forward pass.
 *
 * @example
 * ```ts
 * const theta = tf.variable(tf.scalar(0));
 * const model: EnergyModel = {
 *   eventShape: [1], modules: {}, variables: { theta },
 *   energy: (x) => tf.mul(0.5, tf.sum(tf.square(tf.sub(x, theta)), 1)) as tf.Tensor1D, // (x − θ)²/2
 * };
 * ```
 */
export interface EnergyModel {
  /** The shape of one event (`[d]` for vectors, `[h, w, c]` for images). */
  readonly eventShape: readonly number[];
  /** Networks behind the energy, by name (checkpointed by the trainer). */
  readonly modules: Readonly<Record<string, tfl.LayersModel>>;
  /** Free trainable variables behind the energy, by name. */
  readonly variables: Readonly<Record<string, tf.Variable>>;
  /** `E_θ(x)`: `[batch, ...eventShape]` → `[batch]` (float32). */
  energy(x: tf.Tensor): tf.Tensor1D;
  /** `log Z(θ)` in closed form at the current weights, where it has one (quadratic energies). */
  logPartition?(): number;
  /** One line describing the model. */
  readonly description?: string;
}

/** Throws an {@link ArgumentError} from `fn` unless `model` looks like an {@link EnergyModel}. */
export function checkEnergyModel(fn: string, arg: string, model: unknown): EnergyModel {
  const m = model as Partial<EnergyModel> | null;
  if (
    typeof m !== 'object' ||
    m === null ||
    typeof m.energy !== 'function' ||
    !Array.isArray(m.eventShape) ||
    typeof m.modules !== 'object' ||
    typeof m.variables !== 'object'
  ) {
    throw new ArgumentError(fn, arg, 'an EnergyModel { eventShape, modules, variables, energy(x) }', describeValue(model));
  }
  return m as EnergyModel;
}
