/**
 * Exponential moving average of weights (Polyak averaging), for evaluating and sampling with smoothed
 * weights.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import type { NamedTensor } from './optimizer-state.js';

/** Options of {@link ExponentialMovingAverage}. */
export interface ExponentialMovingAverageOptions {
  /** Decay δ used by `update()` when it is called without one (in [0, 1]). @default 0.999 */
  decay?: number;
  /**
   * Warm the decay up: use min(δ, (1 + n)/(10 + n)) with n the number of earlier updates, so the average
   * forgets its initial value quickly at the start (0.1 on the first update, 0.5 at n = 8, 0.9 at n = 80).
   * @default false
   */
  warmup?: boolean;
}

/** What the EMA tracks: a list of variables, or a tfjs-layers model (its `trainableWeights`). */
export type EmaTarget = tf.Variable[] | tfl.LayersModel;

function resolveVariables(fn: string, arg: string, target: unknown): tf.Variable[] {
  if (Array.isArray(target)) {
    target.forEach((v, i) => {
      if (!(v instanceof tf.Variable)) throw new ArgumentError(fn, `${arg}[${i}]`, 'a tf.Variable', describeValue(v));
    });
    return target as tf.Variable[];
  }
  if (typeof target === 'object' && target !== null && 'trainableWeights' in target) {
    return (target as tfl.LayersModel).trainableWeights.map((w) => w.read() as tf.Variable);
  }
  throw new ArgumentError(fn, arg, 'an array of tf.Variable or a tfjs-layers model', describeValue(target));
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Shadow copies θ̄ of a list of variables θ, updated as
 *
 *   θ̄ ← δ_n θ̄ + (1 − δ_n) θ,   δ_n = δ, or min(δ, (1 + n)/(10 + n)) with warm-up (n = earlier updates)
 *
 * and initialised to θ at construction. Evaluate with the averaged weights either by `swapIn()` …
 * `swapOut()` (the tracked variables temporarily hold θ̄) or by `copyTo(otherModel)`. `getWeights()` /
 * `setWeights()` save and restore the shadows (the update count is {@link ExponentialMovingAverage.numUpdates}).
 *
 * The tracked variables are borrowed; the shadows are owned: call `dispose()`.
 *
 * @example
 * ```ts
 * const ema = new ExponentialMovingAverage(model, { decay: 0.999, warmup: true });
 * for (…) { optimizer.minimize(loss, false, vars); ema.update(); }
 * ema.swapIn();  const samples = sample(model);  ema.swapOut();
 * ema.dispose();
 * ```
 */
export class ExponentialMovingAverage {
  /** Default decay δ of {@link ExponentialMovingAverage.update}. */
  readonly decay: number;
  /** Whether the decay is warmed up. */
  readonly warmup: boolean;
  private readonly variables: tf.Variable[];
  private shadows: tf.Variable[];
  private backups: tf.Tensor[] | null = null;
  private updates = 0;
  private disposed = false;

  /**
   * @param target - the variables to average (borrowed), or a tfjs-layers model (its trainable weights)
   * @param options - see {@link ExponentialMovingAverageOptions}
   */
  constructor(target: EmaTarget, options: ExponentialMovingAverageOptions = {}) {
    const fn = 'ExponentialMovingAverage';
    this.variables = resolveVariables(fn, 'target', target);
    if (options === null || typeof options !== 'object') {
      throw new ArgumentError(fn, 'options', 'an options object', describeValue(options));
    }
    this.decay = checkNumber(fn, 'options.decay', options.decay ?? 0.999, { min: 0, max: 1 });
    this.warmup = options.warmup ?? false;
    if (typeof this.warmup !== 'boolean') throw new ArgumentError(fn, 'options.warmup', 'a boolean', describeValue(this.warmup));
    this.shadows = this.variables.map((v) => tf.tidy(() => tf.cast(v, 'float32').variable(false)));
  }

  /** Number of `update()` calls so far (restored by `setWeights`). */
  get numUpdates(): number {
    return this.updates;
  }

  /** The decay the next `update(decay)` would use (after warm-up clamping). */
  effectiveDecay(decay: number = this.decay): number {
    const n = this.updates;
    return this.warmup ? Math.min(decay, (1 + n) / (10 + n)) : decay;
  }

  /**
   * θ̄ ← δ θ̄ + (1 − δ) θ for every tracked variable (one tidy; no read-back).
   * @param decay - δ in [0, 1] for this update (warm-up clamping still applies); default: the constructor's
   */
  update(decay: number = this.decay): void {
    this.checkLive('update');
    checkNumber('ExponentialMovingAverage.update', 'decay', decay, { min: 0, max: 1 });
    if (this.backups !== null) {
      throw new ArgumentError('ExponentialMovingAverage.update', 'this', 'an EMA whose weights are swapped out (call swapOut() first)', 'an EMA in the swapped-in state');
    }
    const d = this.effectiveDecay(decay);
    tf.tidy(() => {
      this.shadows.forEach((s, i) => {
        // θ̄ − (1 − δ)(θ̄ − θ): the same as δ θ̄ + (1 − δ) θ, and exact when θ̄ = θ.
        s.assign(tf.sub(s, tf.mul(tf.sub(s, this.variables[i]!), 1 - d)));
      });
    });
    this.updates += 1;
  }

  /** Puts the averaged weights into the tracked variables, keeping the live ones aside until `swapOut()`. */
  swapIn(): void {
    this.checkLive('swapIn');
    if (this.backups !== null) {
      throw new ArgumentError('ExponentialMovingAverage.swapIn', 'this', 'an EMA that is not already swapped in', 'a second swapIn()');
    }
    this.backups = this.variables.map((v) => tf.keep(v.clone()));
    this.variables.forEach((v, i) => v.assign(this.shadows[i]!));
  }

  /** Restores the live weights put aside by `swapIn()`. */
  swapOut(): void {
    this.checkLive('swapOut');
    if (this.backups === null) {
      throw new ArgumentError('ExponentialMovingAverage.swapOut', 'this', 'an EMA swapped in with swapIn()', 'swapOut() without swapIn()');
    }
    const backups = this.backups;
    this.variables.forEach((v, i) => v.assign(backups[i]!));
    tf.dispose(backups);
    this.backups = null;
  }

  /**
   * Writes the averaged weights into other variables of the same shapes (e.g. an evaluation copy of the
   * model), position by position.
   */
  copyTo(target: EmaTarget): void {
    this.checkLive('copyTo');
    const fn = 'ExponentialMovingAverage.copyTo';
    const targets = resolveVariables(fn, 'target', target);
    if (targets.length !== this.shadows.length) {
      throw new ArgumentError(fn, 'target', `${this.shadows.length} variables`, `${targets.length}`);
    }
    targets.forEach((t, i) => {
      if (!sameShape(t.shape, this.shadows[i]!.shape)) {
        throw new ArgumentError(fn, `target[${i}]`, `shape [${this.shadows[i]!.shape.join(', ')}]`, describeValue(t));
      }
    });
    targets.forEach((t, i) => t.assign(this.shadows[i]!));
  }

  /**
   * Copies of the averaged weights, named `${variableName}/ema`, in tracking order; the caller owns (and
   * disposes) them.
   */
  getWeights(): NamedTensor[] {
    this.checkLive('getWeights');
    return this.shadows.map((s, i) => ({ name: `${this.variables[i]!.name}/ema`, tensor: tf.keep(s.clone()) }));
  }

  /**
   * Restores averaged weights saved by `getWeights()` (position by position; shapes must match) and the
   * update count. The tensors stay owned by the caller.
   */
  setWeights(weights: NamedTensor[], numUpdates = 0): void {
    this.checkLive('setWeights');
    const fn = 'ExponentialMovingAverage.setWeights';
    if (!Array.isArray(weights) || weights.length !== this.shadows.length) {
      throw new ArgumentError(fn, 'weights', `an array of ${this.shadows.length} { name, tensor } entries`, describeValue(weights));
    }
    weights.forEach((w, i) => {
      if (!(w?.tensor instanceof tf.Tensor) || !sameShape(w.tensor.shape, this.shadows[i]!.shape)) {
        throw new ArgumentError(fn, `weights[${i}]`, `a tensor of shape [${this.shadows[i]!.shape.join(', ')}]`, describeValue(w?.tensor));
      }
    });
    this.updates = checkNumber(fn, 'numUpdates', numUpdates, { min: 0, integer: true });
    tf.tidy(() => weights.forEach((w, i) => this.shadows[i]!.assign(tf.cast(w.tensor, 'float32'))));
  }

  /** Disposes the shadows (and restores the live weights first if swapped in). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    if (this.backups !== null) this.swapOut();
    tf.dispose(this.shadows);
    this.shadows = [];
    this.disposed = true;
  }

  private checkLive(method: string): void {
    if (this.disposed) {
      throw new ArgumentError(`ExponentialMovingAverage.${method}`, 'this', 'an EMA that has not been disposed', 'a disposed EMA');
    }
  }
}
