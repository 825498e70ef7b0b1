/**
 * A scalar energy network: an MLP `x ↦ E_θ(x)` (no time input) on flattened events, optionally plus a fixed
 * confining quadratic `½ α |x|²` so that `exp(−E)` stays integrable far from the data.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, checkNumber, checkOneOf, describeValue } from '../src/errors.js';
import type { EnergyModel } from '../src/ebm/energy-model.js';
import { eventSize, flattenEvent, sumEvent } from '../src/shapes.js';
import { checkEventShape } from '../src/validate.js';

/** Hidden activations of {@link energyMlp} (smooth ones give smooth scores −∇E for Langevin sampling). */
export const ENERGY_MLP_ACTIVATIONS = ['swish', 'tanh', 'softplus', 'elu', 'gelu'] as const;

/** Options of {@link energyMlp}. */
export interface EnergyMlpOptions {
  /** Dimension d of a flat event (use `eventShape` for other shapes). */
  dim?: number;
  /** The shape of one event. @default `[dim]` */
  eventShape?: readonly number[];
  /** Width of every hidden layer. @default 64 */
  hidden?: number;
  /** Number of hidden layers. @default 3 */
  layers?: number;
  /** Hidden activation. @default 'swish' */
  activation?: (typeof ENERGY_MLP_ACTIVATIONS)[number];
  /** α ≥ 0 of the fixed confining term `½ α |x|²` added to the network's output. @default 0 */
  confinement?: number;
  /** Seed of the initial weights. @default 0 */
  seed?: number;
}

/** The model returned by {@link energyMlp}. */
export interface EnergyMlp extends EnergyModel {
  /** The network (`[batch, D] → [batch, 1]`), also `modules.energy`. */
  readonly network: tfl.LayersModel;
  /** Disposes the network's weights (a no-op when a Trainer already disposed them). */
  dispose(): void;
}

/**
 * An MLP energy `E_θ(x) = f_θ(flatten(x)) + ½ α |x|²`, with `f_θ` a dense network (hidden layers of `hidden`
 * units, a linear scalar output). The network is `modules.energy`, so a task checkpoints it by that name.
 *
 * @throws ArgumentError for a bad dimension, width, depth, activation or confinement
 * @example
 * ```ts
 * const model = energyMlp({ dim: 2, hidden: 64, confinement: 0.05 });
 * const e = model.energy(tf.randomNormal([8, 2])); // [8]
 * ```
 */
export function energyMlp(options: EnergyMlpOptions): EnergyMlp {
  const fn = 'energyMlp';
  if (typeof options !== 'object' || options === null) throw new ArgumentError(fn, 'options', 'an options object with { dim } or { eventShape }', describeValue(options));
  let shape: readonly number[];
  if (options.eventShape !== undefined) shape = checkEventShape(fn, 'options.eventShape', options.eventShape);
  else shape = [checkNumber(fn, 'options.dim', options.dim, { min: 1, integer: true })];
  const d = eventSize(shape);
  const hidden = checkNumber(fn, 'options.hidden', options.hidden ?? 64, { min: 1, integer: true });
  const depth = checkNumber(fn, 'options.layers', options.layers ?? 3, { min: 1, integer: true });
  const activation = checkOneOf(fn, 'options.activation', options.activation ?? 'swish', ENERGY_MLP_ACTIVATIONS);
  const alpha = checkNumber(fn, 'options.confinement', options.confinement ?? 0, { min: 0 });
  let seed = checkNumber(fn, 'options.seed', options.seed ?? 0, { integer: true });
  const layers: tfl.layers.Layer[] = [];
  for (let i = 0; i < depth; i++) {
    layers.push(
      tfl.layers.dense({
        units: hidden,
        activation,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed++ }),
        name: `hidden_${i}`,
        ...(i === 0 ? { inputShape: [d] } : {}),
      }),
    );
  }
  layers.push(tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed++ }), name: 'energy' }));
  const network = tfl.sequential({ layers, name: 'energy_mlp' });
  return {
    eventShape: shape,
    modules: { energy: network },
    variables: {},
    network,
    description: `MLP energy (${depth}×${hidden} ${activation}${alpha > 0 ? `, + ½·${alpha}|x|²` : ''}) on events of shape [${shape.join(', ')}]`,
    energy(x) {
      return tf.tidy(() => {
        const flat = x.rank === 2 ? x : flattenEvent(x);
        const out = tf.reshape(network.apply(flat) as tf.Tensor, [x.shape[0]!]) as tf.Tensor1D;
        return alpha > 0 ? (tf.add(out, tf.mul(0.5 * alpha, sumEvent(tf.square(x)))) as tf.Tensor1D) : out;
      });
    },
    dispose() {
      // A Trainer's dispose() also disposes the modules it trained: disposing twice is a no-op here.
      try {
        network.dispose();
      } catch (err) {
        if (!/already disposed/.test(String(err))) throw err;
      }
    },
  };
}
