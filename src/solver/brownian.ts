/**
 * Brownian motion as a stream of independent increments: the fast default noise of fixed-step SDE solves.
 */
import * as tf from '@tensorflow/tfjs-core';
import { streamSeedAt } from './seed-hash.js';
import type { NoiseInit, NoiseProcess } from './types.js';

/**
 * State of {@link brownianMotion}: the shape, the stream's base seed and the index of the next increment.
 * An immutable value (no tensors): the k-th increment depends on (`base`, k) only, so any step can be
 * recomputed from a saved state.
 */
export interface BrownianMotionState {
  readonly batch: number;
  /** Entries per row of an increment (product of the noise event shape). */
  readonly dim: number;
  /** Shape of every increment, `[batch, ...noiseShape]`. */
  readonly shape: readonly number[];
  /** Base of the seed stream, drawn from the solve's stream at `init`. */
  readonly base: number;
  /** Index of the next increment (0 at `init`). */
  readonly index: number;
}

/**
 * Standard Brownian motion by independent increments: the k-th call of `increment(state, t0, t1)` draws
 * `dW = √|t1 − t0| · Z`, `Z ~ N(0, I)` of the noise's shape, seeded with `streamSeedAt(base, k)` — the k-th
 * output of the seed stream split from the solve's seed at `init` (the same draws as a `SeedStream`
 * advanced k times, without running it). Same seed and same grid give the same increments; states are
 * immutable, so step k can be recomputed from the state before it.
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
    init({ batch, dim, shape, seeds }: NoiseInit): BrownianMotionState {
      return { batch, dim, shape: shape ?? [batch, dim], base: seeds.next(), index: 0 };
    },
    increment(state: BrownianMotionState, t0: number, t1: number) {
      const z = tf.randomNormal([...state.shape], 0, 1, 'float32', streamSeedAt(state.base, state.index));
      return { dW: tf.mul(z, Math.sqrt(Math.abs(t1 - t0))), state: { ...state, index: state.index + 1 } };
    },
    tensors(): tf.Tensor[] {
      return [];
    },
  };
}
