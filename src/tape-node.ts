/**
 * The few internals of tfjs's engine the library's fused gradient nodes rely on, typed in one place: whether a
 * gradient tape records right now, which backend holds a tensor's data, and `runKernelFunc`, the primitive `tf.customGrad` is built on (it lets a
 * node save its own tensors and name each input's gradient). These are internal in tfjs's typings.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The part of tfjs's engine state read here (internal in the typings). */
export interface EngineState {
  /** Depth of nested gradient recordings (`tf.grad`, `tf.variableGrads`); 0 when no tape records. */
  gradientDepth: number;
  /** Depth of nested kernels; ops run inside a kernel are not recorded. */
  kernelDepth: number;
  /** The nodes the active tape has recorded, or null. */
  activeTape: TapeNodeRecord[] | null;
  /** For each tensor's data id, the backend that holds its data. */
  tensorInfo: WeakMap<object, { backend: unknown }>;
}

/** Arguments of {@link tapeNode}: tfjs's `runKernelFunc` parameters. */
export interface TapeNodeParams {
  /** Computes the node's value; `save` keeps tensors for the backward pass. */
  forwardFunc: (backend: unknown, save: (tensors: tf.Tensor[]) => void) => tf.Tensor;
  /** Returns, for each input name, a thunk computing that input's gradient from `dy` and the saved tensors. */
  backwardsFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => Record<string, () => tf.Tensor>;
  /** The node's inputs by name (the names `backwardsFunc` answers for). */
  inputs: Record<string, tf.Tensor>;
}

/** A node of tfjs's gradient tape (internal in the typings): the part read here. */
interface TapeNodeRecord {
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
}

interface EngineInternals {
  state: EngineState;
  runKernelFunc(params: TapeNodeParams): tf.Tensor;
  makeTensorFromTensorInfo(info: tf.TensorInfo, backend?: unknown): tf.Tensor;
}

function engine(): EngineInternals {
  return tf.engine() as unknown as EngineInternals;
}

/**
 * tfjs's engine state (internal in its typings).
 * @internal
 */
export function engineState(): EngineState {
  return engine().state;
}

/**
 * Whether a gradient tape records ops issued here: tfjs's own test, a recording is active and we are not
 * inside a kernel.
 *
 * @example
 * ```ts
 * const y = gradientTapeRecording() ? fusedNode(x) : plainOps(x);
 * ```
 * @internal
 */
export function gradientTapeRecording(): boolean {
  const state = engine().state;
  return state.gradientDepth > 0 && state.kernelDepth === 0;
}

/**
 * One node on the gradient tape with a hand-written backward pass (`tf.customGrad`'s primitive, which also
 * gives every input its own named gradient). Returns the node's value.
 *
 * @example
 * ```ts
 * const y = tapeNode({ inputs: { x }, forwardFunc: (_b, save) => { save([x]); return tf.square(x); },
 *   backwardsFunc: (dy, [s]) => ({ x: () => tf.mul(dy, tf.mul(s!, 2)) }) });
 * ```
 * @internal
 */
export function tapeNode(params: TapeNodeParams): tf.Tensor {
  return engine().runKernelFunc(params);
}

/**
 * An engine-tracked tensor for a `TensorInfo` a kernel produced outside the engine (it takes over the
 * info's reference to the data, as the engine does for a kernel's output; it joins the active `tf.tidy`).
 *
 * @example
 * ```ts
 * const y = trackedTensorFromInfo(backend.makeOutput([2], 'float32'), backend);
 * ```
 * @internal
 */
export function trackedTensorFromInfo(info: tf.TensorInfo, backend: unknown): tf.Tensor {
  return engine().makeTensorFromTensorInfo(info, backend);
}

/** Arguments of {@link tapeNodeOwningSaved}. */
export interface OwningTapeNodeParams {
  /**
   * Computes the node's value and the tensors its backward pass needs. The saved tensors must be kept
   * (`tf.keep`): the tape disposes them after backpropagation, as it does the copies `save` makes.
   */
  forward: (backend: unknown) => { value: tf.Tensor; saved: tf.Tensor[] };
  /** As in {@link tapeNode}; `saved` is the list `forward` returned. */
  backwardsFunc: TapeNodeParams['backwardsFunc'];
  /** The node's inputs by name. */
  inputs: Record<string, tf.Tensor>;
}

/**
 * {@link tapeNode} whose saved tensors are the ones `forward` hands over (kept, not copied): tfjs's `save`
 * copies each tensor with an `Identity` op, and records each copy on the tape. Call only while a tape
 * records ({@link gradientTapeRecording}); otherwise the saved tensors are disposed at once.
 *
 * @example
 * ```ts
 * const y = tapeNodeOwningSaved({ inputs: { x }, forward: () => ({ value: tf.square(x), saved: [tf.keep(x.clone())] }),
 *   backwardsFunc: (dy, [s]) => ({ x: () => tf.mul(dy, tf.mul(s!, 2)) }) });
 * ```
 * @internal
 */
export function tapeNodeOwningSaved(params: OwningTapeNodeParams): tf.Tensor {
  const recording = gradientTapeRecording();
  let saved: tf.Tensor[] = [];
  const value = engine().runKernelFunc({
    inputs: params.inputs,
    forwardFunc: (backend) => {
      const out = params.forward(backend);
      saved = out.saved;
      return out.value;
    },
    backwardsFunc: params.backwardsFunc,
  });
  const tape = engine().state.activeTape;
  const node = recording && tape !== null ? tape[tape.length - 1] : undefined;
  // The engine hands the node's `saved` array (empty: `save` was not called) to its gradient function.
  if (node === undefined || node.outputs[0] !== value || node.saved === undefined || node.saved.length !== 0) {
    tf.dispose(saved);
    if (recording) throw new Error('tapeNodeOwningSaved: the node just recorded is not on the tape (tfjs internals changed)');
    return value;
  }
  node.saved.push(...saved);
  return value;
}
