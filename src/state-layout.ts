/**
 * Named blocks in one flat solver state: an augmented system (a point and its log-density accumulator, a
 * path and its Ornstein–Uhlenbeck factors and KL accumulator, …) is integrated as one `[batch, n]` state,
 * and this layout packs the blocks into it and unpacks views of them, instead of hand slicing columns.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, describeValue } from './errors.js';
import { eventSize, formatShape } from './shapes.js';

/** One block of a {@link StateLayout}: where its columns sit in the flat state. */
export interface StateBlock {
  /** The block's event shape (`[]` for one number per row, e.g. a log density). */
  readonly shape: readonly number[];
  /** First column in the flat state. */
  readonly offset: number;
  /** Number of columns (the product of `shape`, 1 for `[]`). */
  readonly size: number;
}

/**
 * A fixed layout of named blocks in a flat `[batch, n]` state, in the order the blocks were declared.
 * Tensors returned by `pack`, `unpack` and `get` are new and owned by the caller (call inside `tf.tidy`).
 */
export interface StateLayout<K extends string> {
  /** The block names, in column order. */
  readonly names: readonly K[];
  /** Each block's shape, offset and size. */
  readonly blocks: Readonly<Record<K, StateBlock>>;
  /** The flat width n = Σ block sizes. */
  readonly size: number;
  /**
   * Packs one tensor per block, each `[batch, ...shape]` (a `[]` block is `[batch]`), into `[batch, n]`.
   * Every block must be given, with the batch size of the first.
   */
  pack(values: Readonly<Record<K, tf.Tensor>>): tf.Tensor2D;
  /** Unpacks a `[batch, n]` state into one `[batch, ...shape]` tensor per block. */
  unpack(state: tf.Tensor): Record<K, tf.Tensor>;
  /** One block of a `[batch, n]` state, `[batch, ...shape]`. */
  get(state: tf.Tensor, name: K): tf.Tensor;
}

/**
 * Builds a {@link StateLayout} from block names and event shapes, in declaration order.
 *
 * @param blocks - `{ name: eventShape }`; shapes are arrays of positive integers (`[]` for a scalar per row)
 * @throws ArgumentError for an empty layout or a shape that is not a list of positive integers
 * @example
 * ```ts
 * const layout = stateLayout({ x: [2, 2, 1], logp: [] });      // 5 columns: x in 0…3, logp in 4
 * const y0 = layout.pack({ x: images, logp: tf.zeros([batch]) }); // [batch, 5]
 * const { x, logp } = layout.unpack(y1);                         // [batch, 2, 2, 1] and [batch]
 * ```
 */
export function stateLayout<K extends string>(blocks: Readonly<Record<K, readonly number[]>>): StateLayout<K> {
  const fn = 'stateLayout';
  if (typeof blocks !== 'object' || blocks === null || Object.keys(blocks).length === 0) {
    throw new ArgumentError(fn, 'blocks', 'an object of at least one { name: eventShape }', describeValue(blocks));
  }
  const names = Object.keys(blocks) as K[];
  const table = {} as Record<K, StateBlock>;
  let offset = 0;
  for (const name of names) {
    const shape = blocks[name];
    if (!Array.isArray(shape) || !shape.every((s) => Number.isInteger(s) && s > 0)) {
      throw new ArgumentError(fn, `blocks.${name}`, 'an event shape: an array of positive integers ([] for one number per row)', describeValue(shape));
    }
    const size = eventSize(shape);
    table[name] = Object.freeze({ shape: Object.freeze([...shape]), offset, size });
    offset += size;
  }
  const width = offset;

  const checkState = (where: string, state: unknown): tf.Tensor2D => {
    if (!(state instanceof tf.Tensor) || state.rank !== 2 || state.shape[1] !== width) {
      throw new ArgumentError(`StateLayout.${where}`, 'state', `a tensor of shape [batch, ${width}]`, describeValue(state));
    }
    return state as tf.Tensor2D;
  };
  const view = (state: tf.Tensor2D, name: K): tf.Tensor => {
    const b = table[name];
    const batch = state.shape[0];
    const cols = b.offset === 0 && b.size === width ? state : tf.slice(state, [0, b.offset], [-1, b.size]);
    if (b.shape.length === 1) return cols === state ? tf.clone(state) : cols;
    return tf.reshape(cols, [batch, ...b.shape]);
  };

  return {
    names,
    blocks: table,
    size: width,
    pack(values) {
      if (typeof values !== 'object' || values === null) {
        throw new ArgumentError('StateLayout.pack', 'values', `an object with the blocks ${names.join(', ')}`, describeValue(values));
      }
      let batch: number | undefined;
      const columns: tf.Tensor[] = [];
      for (const name of names) {
        const v = values[name];
        const b = table[name];
        if (!(v instanceof tf.Tensor) || (batch !== undefined && v.shape[0] !== batch)) {
          throw new ArgumentError('StateLayout.pack', `values.${name}`, `a tensor of shape ${formatShape([batch ?? null, ...b.shape])}`, describeValue(v));
        }
        batch = v.shape[0]!;
        if (v.rank !== 1 + b.shape.length || v.shape.slice(1).some((s, i) => s !== b.shape[i])) {
          throw new ArgumentError('StateLayout.pack', `values.${name}`, `a tensor of shape ${formatShape([batch, ...b.shape])}`, describeValue(v));
        }
        columns.push(b.shape.length === 1 ? v : tf.reshape(v, [batch, b.size]));
      }
      return (columns.length === 1 ? tf.clone(columns[0]!) : tf.concat(columns, 1)) as tf.Tensor2D;
    },
    unpack(state) {
      const s = checkState('unpack', state);
      const out = {} as Record<K, tf.Tensor>;
      for (const name of names) out[name] = view(s, name);
      return out;
    },
    get(state, name) {
      const s = checkState('get', state);
      if (!names.includes(name)) {
        throw new ArgumentError('StateLayout.get', 'name', `one of ${names.map((n) => `'${n}'`).join(', ')}`, describeValue(name));
      }
      return view(s, name);
    },
  };
}
