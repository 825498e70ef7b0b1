/**
 * Seeds for tfjs's normal-distribution initialisers. tfjs-core's Gaussian generator reads a seed of 0 as "no
 * seed" (`seed ? seed : Math.random()`), so a network built with seed 0 would start from different weights
 * on every run; its uniform generator seeds 0 correctly. {@link normalInitializerSeed} moves 0 to a fixed
 * non-zero value and leaves every other seed alone, so networks built with other seeds, and every uniform
 * initialiser, keep their exact weights.
 */

/** The seed used in place of 0 for normal initialisers (any fixed non-zero 31-bit value). */
const ZERO_SEED_STAND_IN = 0x2f6b_4f61;

/**
 * The seed to give a normal-distribution initialiser (`randomNormal`, `truncatedNormal`, `glorotNormal`,
 * `heNormal`, `leCunNormal`) for the integer seed `seed`: `seed` itself, except 0, which tfjs would ignore.
 *
 * @example
 * ```ts
 * tfl.initializers.randomNormal({ stddev: 1, seed: normalInitializerSeed(layerSeed++) });
 * ```
 */
export function normalInitializerSeed(seed: number): number {
  return seed === 0 ? ZERO_SEED_STAND_IN : seed;
}
