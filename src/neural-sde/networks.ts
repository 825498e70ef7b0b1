/**
 * The small networks of the variational fBM SDE: an MLP of (x, t) built with tfjs-layers (so it saves
 * and reloads with the checkpoint), with a final dense layer named `output` that can start at zero.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

/** Options of {@link timeMlp}. */
export interface TimeMlpOptions {
  /** Width of x. */
  inputDim: number;
  /** Width of the output. */
  outputDim: number;
  /** Hidden width. */
  hidden: number;
  /** Hidden layers (≥ 1). */
  layers: number;
  /** Seed of the initial weights. */
  seed: number;
  /** Start the `output` layer at zero weights and this bias (undefined: Glorot weights, zero bias). */
  zeroOutputBias?: number;
  /** Name of the model. */
  name: string;
}

/**
 * An MLP `f(x, t)`: inputs `x: [batch, inputDim]` and `t: [batch, 1]` (in this order), concatenated, `layers`
 * tanh layers of width `hidden`, a linear `output` layer `[batch, outputDim]`.
 *
 * @example
 * ```ts
 * const net = timeMlp({ inputDim: 3, outputDim: 1, hidden: 32, layers: 2, seed: 0, zeroOutputBias: 0, name: 'posterior' });
 * const u = net.apply([x, tf.fill([x.shape[0], 1], t)]) as tf.Tensor2D; // zeros at first
 * ```
 */
export function timeMlp(options: TimeMlpOptions): tfl.LayersModel {
  const x = tfl.input({ shape: [options.inputDim], name: 'x' });
  const t = tfl.input({ shape: [1], name: 't' });
  let h = tfl.layers.concatenate().apply([x, t]) as tfl.SymbolicTensor;
  let seed = options.seed;
  for (let i = 0; i < options.layers; i++) {
    h = tfl.layers.dense({ units: options.hidden, activation: 'tanh', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed++ }), name: `hidden_${i}` }).apply(h) as tfl.SymbolicTensor;
  }
  const out = tfl.layers.dense({ units: options.outputDim, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed++ }), name: 'output' }).apply(h) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: [x, t], outputs: out, name: options.name });
  if (options.zeroOutputBias !== undefined) {
    const layer = model.getLayer('output');
    const bias = options.zeroOutputBias;
    const fresh = layer.getWeights().map((w, i) => (i === 0 ? tf.zerosLike(w) : tf.fill(w.shape, bias)));
    layer.setWeights(fresh);
    tf.dispose(fresh);
  }
  return model;
}

/**
 * The forward pass of a {@link timeMlp} on `[x, t]`, computed from its weights with plain ops (the layers'
 * `apply` costs far more per call than the few small products, and the solver calls it every step).
 * Differentiable in the model's variables. Call inside `tf.tidy`.
 */
export function timeMlpForward(model: tfl.LayersModel, x: tf.Tensor2D, t: tf.Tensor2D): tf.Tensor2D {
  let h: tf.Tensor2D = tf.concat([x, t], 1);
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Dense') continue;
    const [kernel, bias] = layer.trainableWeights.map((w) => w.read());
    if (layer.name === 'output') {
      // Σ_j h_j W_jk as a broadcast product: the wasm backend's matMul gradient returns garbage for the
      // hidden layers when this (zero-initialised) kernel is exactly 0.
      h = tf.add(tf.sum(tf.mul(tf.expandDims(h, 2), kernel!), 1), bias!) as tf.Tensor2D;
    } else {
      h = tf.tanh(tf.add(tf.matMul(h, kernel as tf.Tensor2D), bias!)) as tf.Tensor2D;
    }
  }
  return h;
}
