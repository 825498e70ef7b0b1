/**
 * Shared option handling of the generative samplers: how fields become solver terms, and how the time
 * span `[tMin, 1 − tMin]` with `steps`, a user `grid` or adaptive steps becomes `integrate` options.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../src/errors.js';
import type { Field } from '../src/fields/types.js';
import type { IntegrateOptions } from '../src/solver/options.js';
import { checkMonotone, readTimes, uniformGrid } from '../src/solver/time-grid.js';
import type { StateField } from '../src/solver/types.js';

export type { GenerativeSteppingOptions } from '../src/solver/generative-stepping.js';
import type { GenerativeSteppingOptions } from '../src/solver/generative-stepping.js';

/** A `[batch]` tensor filled with the time t. */
export function timeBatch(t: number, batch: number): tf.Tensor1D {
  return tf.fill([batch], t) as tf.Tensor1D;
}

/**
 * Evaluates a field at a scalar time on the whole batch (inside the solver's tidy). The state may have any
 * rank `[batch, ...event]`; the field receives it as it is (the `Field` type still names the rank-2 case).
 */
export function atTime<T extends tf.Tensor = tf.Tensor2D>(field: Field, t: number, x: T): T {
  return field(x as unknown as tf.Tensor2D, timeBatch(t, x.shape[0]!)) as unknown as T;
}

/** The solver drift `(t, y) ↦ field(y, t)`. */
export function fieldDrift(field: Field): StateField {
  return (t, y) => atTime(field, t, y);
}

/** Checks that a sampler argument is a field (a function). */
export function checkField(fn: string, arg: string, value: unknown): Field {
  if (typeof value !== 'function') {
    throw new ArgumentError(fn, arg, 'a field: a function (x: Tensor2D [batch, d], t: Tensor1D [batch]) => Tensor2D', describeValue(value));
  }
  return value as Field;
}

/**
 * Turns the stepping options into `integrate` options for the direction `from → to` (0 → 1 forward,
 * 1 → 0 backward), with the span clipped to `[tMin, 1 − tMin]`.
 */
export function steppingOptions(
  fn: string,
  o: GenerativeSteppingOptions,
  direction: 'forward' | 'backward',
): { options: IntegrateOptions; t0: number; t1: number } {
  const tMin = checkNumber(fn, 'options.tMin', o.tMin ?? 0, { min: 0 });
  if (tMin >= 0.5) throw new ArgumentError(fn, 'options.tMin', 'a finite number in [0, 0.5)', describeValue(tMin));
  const [t0, t1] = direction === 'forward' ? [tMin, 1 - tMin] : [1 - tMin, tMin];
  const common: IntegrateOptions = { saveAt: o.saveAt, progress: o.progress, signal: o.signal };
  const given = [o.steps !== undefined && 'steps', o.grid !== undefined && 'grid', o.adaptive !== undefined && o.adaptive !== false && 'adaptive'].filter(Boolean);
  if (given.length !== 1) {
    throw new ArgumentError(fn, 'options', 'exactly one of options.steps, options.grid or options.adaptive', given.length ? given.join(' and ') : 'none of them');
  }
  if (o.grid !== undefined) {
    const grid = readTimes(fn, 'options.grid', o.grid, 2);
    checkMonotone(fn, 'options.grid', grid, direction === 'forward' ? 1 : -1);
    return { options: { ...common, grid }, t0: grid[0] as number, t1: grid[grid.length - 1] as number };
  }
  if (o.steps !== undefined) {
    const steps = checkNumber(fn, 'options.steps', o.steps, { min: 1, integer: true });
    return { options: { ...common, grid: uniformGrid({ t0, t1, steps }) }, t0, t1 };
  }
  return { options: { ...common, t0, t1, adaptive: o.adaptive }, t0, t1 };
}
