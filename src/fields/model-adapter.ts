/**
 * The model adapter: a tfjs-layers network as named fields. It maps the named inputs x, t (and label) of the
 * model and splits its output into heads along the last axis, one field per head, for any event shape. It is
 * plain tfjs-layers plumbing, not a network, so it lives in the library (re-exported from `models/`).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';

/**
 * A field of a model adapter: `(x: [batch, ...event], t: [batch], label?: [batch]) → [batch, ...event]`.
 * It is also a `ConditionalField` (the `[batch, d]` case), so trainers and samplers take it as is.
 */
export type ModelField = <X extends tf.Tensor>(x: X, t: tf.Tensor1D, label?: tf.Tensor1D) => X;

/** Which model input receives x, t and the class label: an input name or an index into `model.inputs`. */
export interface ModelInputMap {
  /** The state `[batch, ...event]`. */
  x: string | number;
  /** The time, fed as `[batch, ...tShape]` where the model's t input has one entry per row (e.g. `[batch, 1]`). */
  t: string | number;
  /** The class label (class-conditional models), fed like t. */
  label?: string | number;
}

/** Options of {@link modelAdapter}. */
export interface ModelAdapterOptions<K extends string> {
  /**
   * The field names of the output heads, in order along the output's last axis: with output width W on the
   * last axis and H heads, head k is entries `k·W/H … (k+1)·W/H − 1` of that axis (for `[batch, d]` outputs,
   * columns; for images `[batch, h, w, H·c]`, channels).
   */
  heads: readonly K[];
  /**
   * Which input is x, t and label. @default inferred from the model's input names: `'x'`; `'t'` or
   * `'time'`; `'label'` or `'class'` (the names `timeConditionedMlp` in `models/` gives its inputs)
   */
  inputs?: ModelInputMap;
  /** The class used for every row when a class-conditional model is called without labels. */
  label?: number;
  /**
   * Heads evaluated on the same `x`, `t` (and label) tensor objects reuse one forward pass (for losses over
   * several heads). Leave it off when a field is differentiated with respect to its input (likelihoods): a
   * reused output is not on the gradient tape of a later `tf.grad`. @default false
   */
  shareForwardPass?: boolean;
}

/** What {@link modelAdapter} returns. */
export interface ModelAdapter<K extends string> {
  /** The wrapped model. */
  readonly model: tfl.LayersModel;
  /** The head names, in output order. */
  readonly heads: readonly K[];
  /** The resolved input indices into `model.inputs`. */
  readonly inputs: { readonly x: number; readonly t: number; readonly label?: number };
  /** Whether the model takes a class label. */
  readonly conditional: boolean;
  /** Every head as a field, by name. */
  readonly fields: Readonly<Record<K, ModelField>>;
  /** The model's whole output on `(x, t[, label])` (all heads; owned by the caller). */
  apply(x: tf.Tensor, t: tf.Tensor1D, label?: tf.Tensor1D): tf.Tensor;
}

const INPUT_ALIASES: Record<'x' | 't' | 'label', readonly string[]> = {
  x: ['x'],
  t: ['t', 'time'],
  label: ['label', 'class'],
};

/** The inputs found by their names (`x`; `t` or `time`; `label` or `class`; tfjs's `_<n>` suffixes ignored). */
function inputsByName(names: readonly string[]): { x?: number; t?: number; label?: number } {
  const bare = names.map((n) => n.replace(/_\d+$/, ''));
  const find = (role: 'x' | 't' | 'label'): number | undefined => {
    for (const list of [names, bare]) {
      const i = list.findIndex((n) => INPUT_ALIASES[role].includes(n));
      if (i >= 0) return i;
    }
    return undefined;
  };
  return { x: find('x'), t: find('t'), label: find('label') };
}

/**
 * The input map the trainer and the loaders have always used: by name when the model names its inputs x and t
 * (as `timeConditionedMlp` does), else by position — x, t, and the label when there are three inputs (the
 * earlier `modelFields` convention, so networks with other input names keep working).
 *
 * @example
 * ```ts
 * const { fields } = modelAdapter(model, { heads: ['b'], inputs: namedOrPositionalInputs(model) });
 * ```
 */
export function namedOrPositionalInputs(model: tfl.LayersModel): ModelInputMap {
  const named = inputsByName(model.inputNames ?? model.inputs.map((i) => i.name));
  if (named.x !== undefined && named.t !== undefined) return named as ModelInputMap;
  return model.inputs.length === 3 ? { x: 0, t: 1, label: 2 } : { x: 0, t: 1 };
}

function resolveInputs(fn: string, model: tfl.LayersModel, given: ModelInputMap | undefined): { x: number; t: number; label?: number } {
  const names = model.inputNames ?? model.inputs.map((i) => i.name);
  const count = model.inputs.length;
  const index = (role: 'x' | 't' | 'label', value: string | number | undefined): number | undefined => {
    if (value === undefined) return undefined;
    if (typeof value === 'number') {
      if (!Number.isInteger(value) || value < 0 || value >= count) {
        throw new ArgumentError(fn, `options.inputs.${role}`, `an input index in 0…${count - 1} or one of the input names ${names.map((n) => `'${n}'`).join(', ')}`, describeValue(value));
      }
      return value;
    }
    const i = names.indexOf(value);
    if (i < 0) {
      throw new ArgumentError(fn, `options.inputs.${role}`, `one of the model's input names ${names.map((n) => `'${n}'`).join(', ')}`, describeValue(value));
    }
    return i;
  };
  let map: { x?: number; t?: number; label?: number };
  if (given !== undefined) {
    if (typeof given !== 'object' || given === null) throw new ArgumentError(fn, 'options.inputs', 'an object { x, t, label? }', describeValue(given));
    map = { x: index('x', given.x), t: index('t', given.t), label: index('label', given.label) };
    if (map.x === undefined || map.t === undefined) {
      throw new ArgumentError(fn, 'options.inputs', 'an object naming at least the x and t inputs', describeValue(given));
    }
  } else {
    map = inputsByName(names);
    if (map.x === undefined || map.t === undefined) {
      throw new ArgumentError(
        fn,
        'options.inputs',
        "given when the model's inputs are not named 'x', 't' (and 'label')",
        `a model with inputs ${names.map((n) => `'${n}'`).join(', ')}`,
      );
    }
  }
  const used = [map.x, map.t, map.label].filter((i): i is number => i !== undefined);
  if (new Set(used).size !== used.length || used.length !== count) {
    throw new ArgumentError(fn, 'options.inputs', `distinct inputs covering all ${count} model inputs (x, t${count > 2 ? ', label' : ''})`, describeValue(given ?? names));
  }
  return { x: map.x!, t: map.t!, ...(map.label !== undefined ? { label: map.label } : {}) };
}

/** The per-row shape of a model input (`[1]` for the MLP's t), checked to hold one number per row. */
function perRowShape(fn: string, model: tfl.LayersModel, i: number, role: string): number[] {
  const shape = model.inputs[i]!.shape.slice(1);
  if (!shape.every((s) => s === 1)) {
    throw new ArgumentError(fn, 'model', `a model whose ${role} input holds one number per row ([batch] or [batch, 1])`, `input shape [batch, ${shape.join(', ')}]`);
  }
  return shape as number[];
}

/**
 * Wraps a tfjs-layers model as named fields. The model's inputs are found by name (`x`, `t`, `label`; or
 * given in `options.inputs`), t and labels are fed in the input's per-row shape (`[batch, 1]` for
 * `timeConditionedMlp`), and the output `[batch, ..., H·c]` is split into the H heads along its last
 * axis. Works on any event shape: an image model with inputs `[batch, h, w, c]` and output
 * `[batch, h, w, 2c]` gives two fields on `[batch, h, w, c]`.
 *
 * @throws ArgumentError when the inputs cannot be resolved, the head count does not divide the output's last
 *   axis, or a class-conditional model is called without a label
 * @example
 * ```ts
 * const model = timeConditionedMlp({ dim: 2, heads: 2 });
 * const { fields } = modelAdapter(model, { heads: ['b', 's'] });
 * const b = fields.b(x, t); // [batch, 2]
 * ```
 */
export function modelAdapter<K extends string>(model: tfl.LayersModel, options: ModelAdapterOptions<K>): ModelAdapter<K> {
  const fn = 'modelAdapter';
  if (typeof model !== 'object' || model === null || typeof (model as tfl.LayersModel).apply !== 'function' || !Array.isArray(model.inputs)) {
    throw new ArgumentError(fn, 'model', 'a tfjs-layers LayersModel', describeValue(model));
  }
  if (typeof options !== 'object' || options === null) throw new ArgumentError(fn, 'options', 'an options object { heads, … }', describeValue(options));
  const inputs = resolveInputs(fn, model, options.inputs);
  const width = model.outputs[0]!.shape[model.outputs[0]!.shape.length - 1];
  const heads = options.heads;
  if (!Array.isArray(heads) || heads.length === 0 || typeof width !== 'number' || width % heads.length !== 0 || new Set(heads).size !== heads.length) {
    throw new ArgumentError(fn, 'options.heads', `a non-empty list of distinct names whose length divides the output's last axis (${width})`, describeValue(heads));
  }
  const list = [...heads] as K[];
  const label = options.label === undefined ? undefined : checkNumber(fn, 'options.label', options.label, { min: 0, integer: true });
  const shareForwardPass = options.shareForwardPass ?? false;
  const conditional = inputs.label !== undefined;
  const tShape = perRowShape(fn, model, inputs.t, 't');
  const labelShape = conditional ? perRowShape(fn, model, inputs.label!, 'label') : [];
  const c = width / list.length;

  const apply = (x: tf.Tensor, t: tf.Tensor1D, labels?: tf.Tensor1D): tf.Tensor => {
    const batch = x.shape[0]!;
    const feed: tf.Tensor[] = new Array<tf.Tensor>(model.inputs.length);
    feed[inputs.x] = x;
    feed[inputs.t] = tShape.length === 0 ? t : tf.reshape(t, [-1, ...tShape]);
    if (conditional) {
      if (labels === undefined && label === undefined) {
        throw new ArgumentError(fn, 'label', 'a class index (or per-row labels) for a class-conditional model', 'undefined');
      }
      feed[inputs.label!] = labels !== undefined ? (labelShape.length === 0 ? labels : tf.reshape(labels, [-1, ...labelShape])) : tf.fill([batch, ...labelShape], label as number);
    }
    return model.apply(feed.length === 1 ? feed[0]! : feed) as tf.Tensor;
  };
  let cache: { x: tf.Tensor; t: tf.Tensor; label?: tf.Tensor; out: tf.Tensor } | undefined;
  const forward = (x: tf.Tensor, t: tf.Tensor1D, labels?: tf.Tensor1D): tf.Tensor => {
    if (shareForwardPass && cache && cache.x === x && cache.t === t && cache.label === labels && !cache.out.isDisposed) return cache.out;
    const out = apply(x, t, labels);
    cache = { x, t, label: labels, out };
    return out;
  };
  const fields = {} as Record<K, ModelField>;
  list.forEach((name, k) => {
    fields[name] = <X extends tf.Tensor>(x: X, t: tf.Tensor1D, labels?: tf.Tensor1D): X => {
      const out = forward(x, t, labels);
      if (list.length === 1) return out as X;
      const begin = new Array<number>(out.rank).fill(0);
      const size = new Array<number>(out.rank).fill(-1);
      begin[out.rank - 1] = k * c;
      size[out.rank - 1] = c;
      return tf.slice(out, begin, size) as X;
    };
  });
  return { model, heads: list, inputs, conditional, fields: Object.freeze(fields), apply: (x, t, labels) => tf.tidy(() => apply(x, t, labels)) };
}
