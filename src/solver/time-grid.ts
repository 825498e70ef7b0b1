/**
 * Time grids: uniform grids (with the `[tMin, 1 − tMin]` clipping of the generative samplers), validation
 * of user grids and save-at times, and merging save-at times into a fixed grid.
 */
import { ArgumentError, checkNumber, describeValue } from '../errors.js';

/** Options of {@link uniformGrid}. */
export interface UniformGridOptions {
  /**
   * Start time.
   * @default 0
   */
  t0?: number;
  /**
   * End time; `t1 < t0` gives a decreasing grid (backward integration).
   * @default 1
   */
  t1?: number;
  /** Number of steps (the grid has `steps + 1` points); a positive integer. */
  steps: number;
  /**
   * Clip both ends into `[tMin, 1 − tMin]` (times in the generative domain [0, 1]), for fields that are
   * singular at t = 0 or t = 1. Must be in [0, 0.5).
   * @default 0
   */
  tMin?: number;
}

/**
 * A uniform grid of `steps + 1` times from `t0` to `t1`, with both ends clipped into `[tMin, 1 − tMin]`.
 * Points are computed as `t0 + (t1 − t0)·k/steps` (no accumulated rounding); the last is exactly `t1`.
 *
 * @returns the grid, strictly monotone in the direction `t0 → t1`, ready for `integrate`'s `grid` option.
 * @example
 * ```ts
 * uniformGrid({ steps: 4 });                            // [0, 0.25, 0.5, 0.75, 1]
 * uniformGrid({ t0: 1, t1: 0, steps: 2, tMin: 0.01 });  // [0.99, 0.5, 0.01]
 * ```
 */
export function uniformGrid(options: UniformGridOptions): number[] {
  const fn = 'uniformGrid';
  if (typeof options !== 'object' || options === null) {
    throw new ArgumentError(fn, 'options', 'an object { t0?, t1?, steps, tMin? }', describeValue(options));
  }
  const steps = checkNumber(fn, 'options.steps', options.steps, { integer: true, min: 1 });
  const tMin = checkNumber(fn, 'options.tMin', options.tMin ?? 0, { min: 0 });
  if (tMin >= 0.5) throw new ArgumentError(fn, 'options.tMin', 'a finite number in [0, 0.5)', describeValue(tMin));
  let t0 = checkNumber(fn, 'options.t0', options.t0 ?? 0);
  let t1 = checkNumber(fn, 'options.t1', options.t1 ?? 1);
  if (tMin > 0) {
    t0 = Math.min(Math.max(t0, tMin), 1 - tMin);
    t1 = Math.min(Math.max(t1, tMin), 1 - tMin);
  }
  if (t0 === t1) {
    throw new ArgumentError(fn, 'options.t1', `different from options.t0 after clipping to [${tMin}, ${1 - tMin}]`, describeValue(t1));
  }
  const grid = new Array<number>(steps + 1);
  for (let k = 0; k < steps; k++) grid[k] = t0 + ((t1 - t0) * k) / steps;
  grid[steps] = t1;
  return grid;
}

/** Reads a list of finite numbers (array or typed array) into a plain array. */
export function readTimes(fn: string, arg: string, value: unknown, minLength: number): number[] {
  const isList =
    Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView) && 'length' in value);
  if (!isList) throw new ArgumentError(fn, arg, 'an array of finite numbers', describeValue(value));
  const list = Array.from(value as ArrayLike<unknown>);
  if (list.length < minLength) {
    throw new ArgumentError(fn, arg, `an array of at least ${minLength} finite numbers`, describeValue(value));
  }
  list.forEach((v, i) => checkNumber(fn, `${arg}[${i}]`, v));
  return list as number[];
}

/** Throws unless `times` is strictly monotone in the direction `sign` (+1 increasing, −1 decreasing). */
export function checkMonotone(fn: string, arg: string, times: readonly number[], sign: number): void {
  for (let i = 1; i < times.length; i++) {
    if (!((times[i]! - times[i - 1]!) * sign > 0)) {
      const dir = sign > 0 ? 'increasing' : 'decreasing';
      throw new ArgumentError(
        fn,
        arg,
        `strictly ${dir} (the direction of integration)`,
        `${describeValue(times)} (${times[i - 1]} then ${times[i]} at index ${i})`,
      );
    }
  }
}

/**
 * Merges save-at times into a fixed grid: a save time that is not (within `1e-12·|span|`) a grid point
 * splits the step that crosses it into two. Returns the merged grid and, for each save time, its index in
 * the merged grid.
 */
export function mergeSaveTimes(grid: readonly number[], saveAt: readonly number[]): { times: number[]; saveIndex: number[] } {
  const span = Math.abs(grid[grid.length - 1]! - grid[0]!);
  const tol = 1e-12 * span;
  const sign = Math.sign(grid[grid.length - 1]! - grid[0]!);
  const times: number[] = [];
  const saveIndex: number[] = [];
  let s = 0;
  for (let i = 0; i < grid.length; i++) {
    const g = grid[i]!;
    // Save times strictly before g (in the direction of integration) and not matching it: insert.
    while (s < saveAt.length && (g - saveAt[s]!) * sign > tol) {
      saveIndex.push(times.length);
      times.push(saveAt[s]!);
      s++;
    }
    times.push(g);
    while (s < saveAt.length && Math.abs(saveAt[s]! - g) <= tol) {
      saveIndex.push(times.length - 1);
      s++;
    }
  }
  return { times, saveIndex };
}
