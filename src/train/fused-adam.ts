/**
 * The fused Adam-family step: the optimisers in this folder hand every variable's update to one kernel
 * ({@link FUSED_ADAM_KERNEL}) when the active backend has it (the wasm backend with this library's kernel
 * fixes), and fall back to ordinary tfjs ops otherwise. The kernel reproduces the ops' float32 arithmetic
 * bit for bit, so a run gives the same numbers either way.
 */
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_ADAM_KERNEL } from '../kernels/wasm-fused-adam.js';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import type { FusedAdamAttrs } from '../kernels/wasm-fused-adam.js';

/** One variable's part of a fused step. */
export interface FusedAdamEntry {
  /** The variable updated. */
  value: tf.Variable;
  /** Its gradient (float32, same shape). */
  gradient: tf.Tensor;
  /** First-moment slot. */
  m: tf.Variable;
  /** Second-moment (Adam) or belief (AdaBelief) slot. */
  s: tf.Variable;
}

let enabled = true;

/**
 * Turns the fused step on or off for every optimiser of this library (on by default). Off, the optimisers
 * run tfjs ops variable by variable; the numbers are the same — benchmarks use the switch to compare both
 * in one process.
 *
 * @example
 * ```ts
 * setFusedOptimizerStep(false); // plain tfjs ops from now on
 * ```
 */
export function setFusedOptimizerStep(on: boolean): void {
  enabled = on;
}

/** Whether the next step can be fused: the switch is on and the active backend has the kernel. */
export function fusedStepAvailable(): boolean {
  return enabled && tf.getKernel(FUSED_ADAM_KERNEL, tf.getBackend()) !== undefined;
}

/** Whether every entry is float32 and the gradient matches its variable's shape (else the caller falls back). */
export function fusableEntries(entries: readonly FusedAdamEntry[]): boolean {
  return entries.every(
    ({ value, gradient, m, s }) =>
      value.dtype === 'float32' &&
      gradient.dtype === 'float32' &&
      m.dtype === 'float32' &&
      s.dtype === 'float32' &&
      tf.util.arraysEqual(gradient.shape, value.shape) &&
      tf.util.arraysEqual(m.shape, value.shape) &&
      tf.util.arraysEqual(s.shape, value.shape),
  );
}

/**
 * Runs one fused step over `entries` (one kernel call) and assigns the new values and slots. `attrs`
 * without `count`; see {@link FusedAdamAttrs} for the meaning of each scalar.
 */
export function runFusedAdamStep(entries: readonly FusedAdamEntry[], attrs: Omit<FusedAdamAttrs, 'count'>): void {
  if (entries.length === 0) return;
  const inputs: tf.NamedTensorMap = {};
  entries.forEach(({ value, gradient, m, s }, i) => {
    inputs[`value${i}`] = value;
    inputs[`grad${i}`] = gradient;
    inputs[`m${i}`] = m;
    inputs[`s${i}`] = s;
  });
  const kernelAttrs = { ...attrs, count: entries.length } as unknown as NamedAttrMap;
  const outs = tf.engine().runKernel(FUSED_ADAM_KERNEL, inputs, kernelAttrs) as unknown as tf.Tensor[];
  entries.forEach(({ value, m, s }, i) => {
    value.assign(outs[3 * i]!);
    m.assign(outs[3 * i + 1]!);
    s.assign(outs[3 * i + 2]!);
  });
  tf.dispose(outs);
}
