/**
 * A trained network as fields. The model adapter ({@link modelAdapter}) lives in `src/fields/model-adapter.ts`
 * (it is library plumbing, not a network) and is re-exported here, where users import it from
 * `stochastic-interpolants/models`; the earlier wrappers `modelField` and `modelFields` stay as deprecated
 * aliases on top of it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError } from '../src/errors.js';
import type { Field } from '../src/fields/types.js';
import { modelAdapter } from '../src/fields/model-adapter.js';
import type { ModelInputMap } from '../src/fields/model-adapter.js';

export { modelAdapter } from '../src/fields/model-adapter.js';
export type { ModelAdapter, ModelAdapterOptions, ModelField, ModelInputMap } from '../src/fields/model-adapter.js';

/** A field that optionally takes per-row class labels `[batch]`. */
export type ConditionalField = (x: tf.Tensor2D, t: tf.Tensor1D, label?: tf.Tensor1D) => tf.Tensor2D;

/**
 * The heads of a multi-head model as fields, by name: `modelFields(model, ['b', 's'])` gives `{ b, s }`,
 * head k being columns `k·d … (k+1)·d − 1` of the output. With `shareForwardPass`, heads evaluated on the
 * same tensors reuse one forward pass. With `label`, a class-conditional model is evaluated at that class
 * unless the caller passes labels. Inputs are taken by position (x, t, and label when there are three).
 *
 * @deprecated Use {@link modelAdapter} (`modelAdapter(model, { heads: names, label, shareForwardPass }).fields`),
 *   which finds the inputs by name and splits heads on the last axis of any output shape. Same numbers.
 */
export function modelFields<K extends string>(
  model: tfl.LayersModel,
  names: readonly K[],
  options: { label?: number; shareForwardPass?: boolean } = {},
): Record<K, ConditionalField> {
  const width = model.outputs[0]!.shape[1] as number;
  if (!Array.isArray(names) || names.length === 0 || width % names.length !== 0) {
    throw new ArgumentError('modelFields', 'names', `a non-empty list whose length divides the model's output width ${width}`, String(names));
  }
  const adapter = modelAdapter(model, { heads: names, inputs: positionalInputs(model), label: options.label, shareForwardPass: options.shareForwardPass });
  return { ...adapter.fields } as Record<K, ConditionalField>;
}

/**
 * Wraps a model built by {@link timeConditionedMlp} as a {@link Field}: `(x: [batch, d], t: [batch]) →
 * [batch, outputDim]`. With `label`, a class-conditional model is evaluated at that class for every row.
 *
 * @deprecated Use {@link modelAdapter} (`modelAdapter(model, { heads: ['b'], label }).fields.b`). Same numbers.
 */
export function modelField(model: tfl.LayersModel, label?: number): Field {
  const conditional = model.inputs.length === 3;
  if (conditional && label === undefined) {
    throw new ArgumentError('modelField', 'label', 'a class index for a class-conditional model', 'undefined');
  }
  const adapter = modelAdapter(model, { heads: ['out'], inputs: positionalInputs(model), label });
  return (x, t) => tf.tidy(() => adapter.fields.out(x, t));
}

/** The legacy input order: x, t, and label when the model has three inputs. */
function positionalInputs(model: tfl.LayersModel): ModelInputMap {
  return model.inputs.length === 3 ? { x: 0, t: 1, label: 2 } : { x: 0, t: 1 };
}
