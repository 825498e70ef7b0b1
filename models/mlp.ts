/**
 * A multilayer perceptron of (x, t) and optionally a class label, built with tfjs-layers so it saves and
 * reloads.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, checkNumber, checkOneOf } from '../src/errors.js';
import type { Field } from '../src/fields/types.js';
import { TimeFeatures } from './time-features.js';

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
 * Builds an MLP `f(x, t[, y])`: inputs `x: [batch, d]`, `t: [batch, 1]` (and `label: [batch, 1]` when
 * `numClasses > 0`), time features `[t, sin(2π f t), cos(2π f t)]`, `layers` dense layers of width `hidden`
 * with `activation`, and a linear output `[batch, outputDim]`.
 *
 * @example
 * ```ts
 * const model = timeConditionedMlp({ dim: 2, hidden: 128, layers: 3 });
 * const b = modelField(model);           // (x: [n, 2], t: [n]) => [n, 2]
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
  const init = () => tfl.initializers[initName]({ seed: layerSeed++ });

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
      .embedding({ inputDim: numClasses + 1, outputDim: width, embeddingsInitializer: tfl.initializers.randomNormal({ stddev: 1, seed: layerSeed++ }) })
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
  return tfl.model({ inputs, outputs: out, name: 'time_conditioned_mlp' });
}

/**
 * The heads of a multi-head model as fields, by name: `modelFields(model, ['b', 's'])` gives `{ b, s }`,
 * head k being columns `k·d … (k+1)·d − 1` of the output. With `shareForwardPass` (for losses over several
 * heads, as the Trainer uses it), heads evaluated on the same `x`, `t` (and label) tensor objects reuse one
 * forward pass; leave it off when a field is differentiated with respect to its input (likelihoods), since a
 * reused output is not on the gradient tape of a later `tf.grad`.
 * With `label`, a class-conditional model is evaluated at that class unless the caller passes labels.
 */
export function modelFields<K extends string>(
  model: tfl.LayersModel,
  names: readonly K[],
  options: { label?: number; shareForwardPass?: boolean } = {},
): Record<K, ConditionalField> {
  const { label, shareForwardPass = false } = options;
  const conditional = model.inputs.length === 3;
  const width = model.outputs[0]!.shape[1] as number;
  if (!Array.isArray(names) || names.length === 0 || width % names.length !== 0) {
    throw new ArgumentError('modelFields', 'names', `a non-empty list whose length divides the model's output width ${width}`, String(names));
  }
  const list = [...names] as K[];
  const d = width / list.length;
  let cache: { x: tf.Tensor; t: tf.Tensor; label?: tf.Tensor; out: tf.Tensor2D } | undefined;
  const forward = (x: tf.Tensor2D, t: tf.Tensor1D, labels?: tf.Tensor1D): tf.Tensor2D => {
    if (shareForwardPass && cache && cache.x === x && cache.t === t && cache.label === labels && !cache.out.isDisposed) return cache.out;
    const inputs: tf.Tensor[] = [x, tf.reshape(t, [-1, 1])];
    if (conditional) {
      if (labels === undefined && label === undefined) {
        throw new ArgumentError('modelFields', 'label', 'a class index (or per-row labels) for a class-conditional model', 'undefined');
      }
      inputs.push(labels !== undefined ? tf.reshape(labels, [-1, 1]) : tf.fill([x.shape[0], 1], label as number));
    }
    const out = model.apply(inputs) as tf.Tensor2D;
    cache = { x, t, label: labels, out };
    return out;
  };
  const fields = {} as Record<K, ConditionalField>;
  list.forEach((name, k) => {
    fields[name] = (x, t, labels) => {
      const out = forward(x, t, labels);
      return list.length === 1 ? out : (tf.slice(out, [0, k * d], [-1, d]) as tf.Tensor2D);
    };
  });
  return fields;
}

/** A field that optionally takes per-row class labels `[batch]`. */
export type ConditionalField = (x: tf.Tensor2D, t: tf.Tensor1D, label?: tf.Tensor1D) => tf.Tensor2D;

/**
 * Wraps a model built by {@link timeConditionedMlp} as a {@link Field}: `(x: [batch, d], t: [batch]) →
 * [batch, outputDim]`. With `label`, a class-conditional model is evaluated at that class for every row.
 */
export function modelField(model: tfl.LayersModel, label?: number): Field {
  const conditional = model.inputs.length === 3;
  if (conditional && label === undefined) {
    throw new ArgumentError('modelField', 'label', 'a class index for a class-conditional model', 'undefined');
  }
  return (x, t) =>
    tf.tidy(() => {
      const inputs = [x, tf.reshape(t, [-1, 1])];
      if (conditional) inputs.push(tf.fill([x.shape[0], 1], label as number));
      return model.apply(inputs) as tf.Tensor2D;
    });
}
