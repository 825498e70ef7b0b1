/**
 * A multilayer perceptron of (x, t) and optionally a class label, built with tfjs-layers so it saves and
 * reloads.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, checkNumber, checkOneOf } from '../src/errors.js';
import { withDenseStackFastPath } from './dense-stack.js';
import { TimeFeatures } from './time-features.js';
import { normalInitializerSeed } from './initializer-seed.js';

/** Hidden activations accepted by {@link timeConditionedMlp}. */
export const MLP_ACTIVATIONS = ['relu', 'swish', 'gelu', 'tanh', 'elu', 'softplus'] as const;

/** Options of {@link timeConditionedMlp}. */
export interface TimeConditionedMlpOptions {
  /** Data dimension d (input x: `[batch, d]`). */
  dim: number;
  /** Output dimension. @default dim */
  outputDim?: number;
  /** Width of every hidden layer. @default 128 */
  hidden?: number;
  /** Number of hidden layers. @default 3 */
  layers?: number;
  /** Hidden activation. @default 'swish' */
  activation?: (typeof MLP_ACTIVATIONS)[number];
  /** Sinusoidal time frequencies (see {@link TimeFeatures}); 0 feeds raw t only. @default 8 */
  timeFrequencies?: number;
  /** Highest time frequency. @default 32 */
  maxTimeFrequency?: number;
  /**
   * Number of classes for class conditioning (labels 0…K−1, and K as the null label for classifier-free
   * guidance); 0 for none. @default 0
   */
  numClasses?: number;
  /** Width of the label embedding. @default 16 */
  labelEmbedding?: number;
  /** Kernel initialiser of hidden layers. @default 'glorotUniform' */
  kernelInitializer?: 'glorotUniform' | 'heNormal' | 'heUniform' | 'glorotNormal' | 'leCunNormal';
  /** Seed for the initial weights. @default 0 */
  seed?: number;
  /** Scale of the final layer's initial weights (small starts the field near zero). @default 1 */
  outputScale?: number;
  /**
   * Number of output heads (fields learned together, e.g. b and s); the output is `[batch, heads·outputDim]`,
   * head k in columns `k·outputDim … (k+1)·outputDim − 1`. @default 1
   */
  heads?: number;
  /**
   * With several heads: `'shared'` — one hidden stack with a linear head per field; `'separate'` — one
   * network per field (its own hidden stack), in one model so it saves as one. @default 'shared'
   */
  towers?: 'shared' | 'separate';
}

/**
 * Builds an MLP `f(x, t[, y])`: inputs named `x: [batch, d]`, `t: [batch, 1]` (and `label: [batch, 1]` when
 * `numClasses > 0`; the names are what {@link modelAdapter} finds them by), time features `[t, sin(2π f t), cos(2π f t)]`, `layers` dense layers of width `hidden`
 * with `activation`, and a linear output `[batch, outputDim]`.
 *
 * @example
 * ```ts
 * const model = timeConditionedMlp({ dim: 2, hidden: 128, layers: 3 });
 * const { b } = modelAdapter(model, { heads: ['b'] }).fields; // (x: [n, 2], t: [n]) => [n, 2]
 * ```
 */
export function timeConditionedMlp(options: TimeConditionedMlpOptions): tfl.LayersModel {
  const fn = 'timeConditionedMlp';
  if (typeof options !== 'object' || options === null) {
    throw new ArgumentError(fn, 'options', 'an options object with at least { dim }', String(options));
  }
  const dim = checkNumber(fn, 'options.dim', options.dim, { min: 1, integer: true });
  const outputDim = checkNumber(fn, 'options.outputDim', options.outputDim ?? dim, { min: 1, integer: true });
  const hidden = checkNumber(fn, 'options.hidden', options.hidden ?? 128, { min: 1, integer: true });
  const depth = checkNumber(fn, 'options.layers', options.layers ?? 3, { min: 1, integer: true });
  const activation = checkOneOf(fn, 'options.activation', options.activation ?? 'swish', MLP_ACTIVATIONS);
  const frequencies = checkNumber(fn, 'options.timeFrequencies', options.timeFrequencies ?? 8, { min: 0, integer: true });
  const numClasses = checkNumber(fn, 'options.numClasses', options.numClasses ?? 0, { min: 0, integer: true });
  const outputScale = checkNumber(fn, 'options.outputScale', options.outputScale ?? 1, { min: 0 });
  const seed = checkNumber(fn, 'options.seed', options.seed ?? 0, { integer: true });
  const initName = options.kernelInitializer ?? 'glorotUniform';
  let layerSeed = seed;
  const init = () => {
    const layer = layerSeed++;
    return tfl.initializers[initName]({ seed: initName.endsWith('Normal') ? normalInitializerSeed(layer) : layer });
  };

  const x = tfl.input({ shape: [dim], name: 'x' });
  const t = tfl.input({ shape: [1], name: 't' });
  const inputs = [x, t];
  const timeFeatures =
    frequencies > 0
      ? (new TimeFeatures({ frequencies, maxFrequency: options.maxTimeFrequency ?? 32 }).apply(t) as tfl.SymbolicTensor)
      : t;
  const parts = [x, timeFeatures];
  if (numClasses > 0) {
    const label = tfl.input({ shape: [1], name: 'label' });
    inputs.push(label);
    const width = checkNumber(fn, 'options.labelEmbedding', options.labelEmbedding ?? 16, { min: 1, integer: true });
    const embedded = tfl.layers
      .embedding({ inputDim: numClasses + 1, outputDim: width, embeddingsInitializer: tfl.initializers.randomNormal({ stddev: 1, seed: normalInitializerSeed(layerSeed++) }) })
      .apply(label) as tfl.SymbolicTensor;
    parts.push(tfl.layers.flatten().apply(embedded) as tfl.SymbolicTensor);
  }
  const heads = checkNumber(fn, 'options.heads', options.heads ?? 1, { min: 1, integer: true });
  const towers = checkOneOf(fn, 'options.towers', options.towers ?? 'shared', ['shared', 'separate'] as const);
  const features = tfl.layers.concatenate().apply(parts) as tfl.SymbolicTensor;
  const stack = (prefix: string) => {
    let h = features;
    for (let i = 0; i < depth; i++) {
      h = tfl.layers.dense({ units: hidden, activation, kernelInitializer: init(), name: `${prefix}hidden_${i}` }).apply(h) as tfl.SymbolicTensor;
    }
    return h;
  };
  const outputLayer = (units: number, name: string) =>
    tfl.layers.dense({
      units,
      kernelInitializer: tfl.initializers.varianceScaling({ scale: Math.max(outputScale, 1e-12) ** 2, mode: 'fanAvg', distribution: 'uniform', seed: layerSeed++ }),
      name,
    });
  let out: tfl.SymbolicTensor;
  if (towers === 'separate' && heads > 1) {
    const outs = Array.from({ length: heads }, (_, k) => outputLayer(outputDim, `output_${k}`).apply(stack(`tower${k}_`)) as tfl.SymbolicTensor);
    out = tfl.layers.concatenate().apply(outs) as tfl.SymbolicTensor;
  } else {
    out = outputLayer(heads * outputDim, 'output').apply(stack('')) as tfl.SymbolicTensor;
  }
  // Same model; `apply` on tensors takes the dense-stack fast path where it is exact (models/dense-stack.ts).
  return withDenseStackFastPath(tfl.model({ inputs, outputs: out, name: 'time_conditioned_mlp' }));
}

// The field wrappers moved to model-field.ts (modelAdapter); re-exported here for existing imports.
export { modelField, modelFields } from './model-field.js';
export type { ConditionalField } from './model-field.js';
