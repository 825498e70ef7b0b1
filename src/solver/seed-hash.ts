/**
 * Seeds derived by hashing, so that the noise of step k is a pure function of (seed, k): noise states are
 * immutable values, and any segment of a solve can be recomputed from its start (the basis for gradient
 * checkpointing) without replaying the draws before it.
 *
 * Two derivations:
 * - {@link streamSeedAt}: the k-th seed of a `SeedStream` started at `base`, without running the stream.
 *   A `SeedStream` is splitmix32: its state advances by the golden-ratio constant 0x9e3779b9 and each
 *   output is a mix of the state, so output k (0-based) is `mix32(base + (k + 1)·0x9e3779b9 mod 2^32)` — a
 *   pure function of (base, k). {@link brownianMotion} uses it, which keeps its increments bit-identical
 *   to the earlier stream-drawing implementation.
 * - {@link hashSeed}: a seed hashed from any list of 32-bit words (the Brownian tree's nodes, the per-step
 *   draws of {@link StepContext.random}).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { StepRandom } from './types.js';

const GOLDEN = 0x9e3779b9;

/** The murmur3 / splitmix32 finaliser: a bijective mix of a 32-bit word. */
export function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * The k-th output (k = 0, 1, …) of `new SeedStream(base)`, computed directly:
 * `mix32((base + (k + 1)·0x9e3779b9) mod 2^32)`.
 *
 * @example
 * ```ts
 * const s = new SeedStream(7);
 * s.next(); s.next();
 * streamSeedAt(7, 2) === s.next(); // true
 * ```
 */
export function streamSeedAt(base: number, k: number): number {
  const state = ((base >>> 0) + (Math.imul((k + 1) >>> 0, GOLDEN) >>> 0)) >>> 0;
  return mix32(state);
}

/**
 * A 32-bit seed hashed from a list of words (each taken modulo 2^32). Different lists give unrelated
 * seeds; the same list always gives the same seed.
 *
 * @example
 * ```ts
 * hashSeed(seed, level + 1, index); // a Brownian-tree node
 * ```
 */
export function hashSeed(...words: number[]): number {
  let h = 0x811c9dc5;
  for (const w of words) h = mix32((h ^ Math.imul(w >>> 0, 0x9e3779b1)) + 0x6a09e667);
  return h;
}

/** Tag separating the per-step draws of schemes from other uses of {@link hashSeed}. */
const STEP_TAG = 0x5eed57e9;

/**
 * The seeded draws of step attempt `step` of a solve whose scheme seed is `seed`: draw i uses the seed
 * `hashSeed(seed, STEP_TAG, step, i)`. Without a seed (`undefined`) every call throws `unavailable()`.
 */
export function stepRandom(seed: number | undefined, step: number, unavailable: () => Error): StepRandom {
  let i = 0;
  const next = () => {
    if (seed === undefined) throw unavailable();
    return hashSeed(seed, STEP_TAG, step, i++);
  };
  return {
    uniform: (shape, min = 0, max = 1) => tf.randomUniform([...shape], min, max, 'float32', next()),
    normal: (shape, mean = 0, std = 1) => tf.randomNormal([...shape], mean, std, 'float32', next()),
  };
}
