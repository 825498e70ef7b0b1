/**
 * Explicit, reproducible seeds.
 *
 * Every random draw in the library takes an integer seed from a {@link SeedStream}; the stream is a
 * splitmix32 sequence started from the user's seed, so the same seed gives the same draws on every backend
 * (tfjs generates random numbers in JavaScript from the seed, then uploads them).
 */
import { checkNumber } from './errors.js';

/**
 * A deterministic stream of 32-bit integer seeds.
 *
 * @example
 * ```ts
 * const seeds = new SeedStream(42);
 * const z = tf.randomNormal([512, 2], 0, 1, 'float32', seeds.next());
 * const child = seeds.split(); // independent stream for a sub-task
 * ```
 */
export class SeedStream {
  private state: number;

  /** @param seed - any finite integer (taken modulo 2^32). */
  constructor(seed: number) {
    checkNumber('SeedStream', 'seed', seed, { integer: true });
    this.state = seed >>> 0;
  }

  /** Next seed in [0, 2^32). */
  next(): number {
    // splitmix32
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Next value uniform in [0, 1), computed in plain JavaScript. */
  uniform(): number {
    return this.next() / 4294967296;
  }

  /** A new, independent stream seeded from this one. */
  split(): SeedStream {
    return new SeedStream(this.next());
  }
}
