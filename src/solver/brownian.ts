/**
 * Brownian motion as a stream of independent increments: the fast default noise of fixed-step SDE solves.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeedStream } from '../random.js';
import type { NoiseInit, NoiseProcess } from './types.js';

/** State of {@link brownianMotion}: the shape and a private seed stream (no tensors). */
export interface BrownianMotionState {
  readonly batch: number;
  readonly dim: number;
  /** Split from the solve's stream at `init`; one seed per increment. */
  readonly seeds: SeedStream;
}

/**
 * Standard Brownian motion by independent increments: each call of `increment(state, t0, t1)` draws
 * `dW = √|t1 − t0| · Z`, `Z ~ N(0, I)` of shape `[batch, dim]`, with the next seed of a stream split from
 * the solve's seed at `init`. Same seed and same grid give the same increments.
 *
 * Not queryable: increments over different subdivisions of an interval are independent draws, so it
 * cannot serve adaptive SDE stepping (rejected steps are retried) or compare step sizes on one path —
 * use {@link brownianPath} for those.
 *
 * @example
 * ```ts
 * const sol = await integrate(ouTerm, 'euler-maruyama', x0, { steps: 100, seed: 1, noise: brownianMotion() });
 * ```
 */
export function brownianMotion(): NoiseProcess<BrownianMotionState> {
  return {
    name: 'brownian-motion',
    queryable: false,
    init({ batch, dim, seeds }: NoiseInit): BrownianMotionState {
      return { batch, dim, seeds: seeds.split() };
    },
    increment(state: BrownianMotionState, t0: number, t1: number) {
      const z = tf.randomNormal([state.batch, state.dim], 0, 1, 'float32', state.seeds.next()) as tf.Tensor2D;
      return { dW: tf.mul(z, Math.sqrt(Math.abs(t1 - t0))) as tf.Tensor2D, state };
    },
    tensors(): tf.Tensor[] {
      return [];
    },
  };
}
