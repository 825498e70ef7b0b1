/**
 * The few internals of tfjs's engine the library's fused gradient nodes rely on, typed in one place: whether a
 * gradient tape records right now, and `runKernelFunc`, the primitive `tf.customGrad` is built on (it lets a
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
  activeTape: { outputs: tf.Tensor[] }[] | null;
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

interface EngineInternals {
  state: EngineState;
  runKernelFunc(params: TapeNodeParams): tf.Tensor;
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
