/**
 * Running the batch-only part of a loss (the interpolant's sample and targets) off the gradient tape.
 *
 * Inside `tf.variableGrads` tfjs records every kernel on its tape and keeps a copy (an `Identity` kernel)
 * of each input a gradient may need, whether or not the kernel lies on a path to a variable. The
 * interpolant's x_t and targets are functions of the batch alone (x0, x1, t, z, all drawn before the
 * tape starts), so recording them costs tape bookkeeping and copies and buys nothing: backpropagation
 * filters those nodes out again. Running them untaped computes the same kernels on the same inputs, so
 * the values, the loss and the gradients are bit for bit those of the taped run.
 */
import * as tf from '@tensorflow/tfjs-core';
import { engineState } from '../tape-node.js';

/**
 * Whether every tensor is a constant for the active gradient tape: not a trainable variable and not the
 * output of a kernel the tape recorded (so no gradient can flow into it). True when no tape is active.
 * `null` and `undefined` entries are skipped.
 *
 * @example
 * ```ts
 * const x = tf.ones([2]);
 * tf.variableGrads(() => { constantForTape([x]); return tf.sum(v); }); // true inside
 * ```
 */
export function constantForTape(tensors: readonly (tf.Tensor | null | undefined)[]): boolean {
  const state = engineState();
  if (state.gradientDepth === 0) return true;
  const ids = new Set<number>();
  for (const x of tensors) {
    if (x === null || x === undefined) continue;
    if (x instanceof tf.Variable && x.trainable) return false;
    ids.add(x.id);
  }
  for (const node of state.activeTape ?? []) for (const out of node.outputs) if (ids.has(out.id)) return false;
  return true;
}

/**
 * Runs `fn` with the gradient tape paused (as tfjs does inside a kernel): its ops are computed exactly as
 * usual but not recorded, so nothing computed in `fn` receives or passes a gradient. Use only for values
 * that depend on constants for the tape (see {@link constantForTape}). Outside a tape it just calls `fn`.
 *
 * @example
 * ```ts
 * const xt = untaped(() => interpolant.sample(x0, x1, t, z).xt);
 * ```
 */
export function untaped<T>(fn: () => T): T {
  const state = engineState();
  if (state.gradientDepth === 0) return fn();
  state.kernelDepth++;
  try {
    return fn();
  } finally {
    state.kernelDepth--;
  }
}
