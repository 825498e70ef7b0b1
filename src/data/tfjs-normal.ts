/**
 * The draws of `tf.randomNormal(shape, mean, stdDev, 'float32', seed)` computed in plain JavaScript: one
 * tight loop over the generator's state instead of tfjs's per-value method calls, the same numbers bit
 * for bit, for a training step that draws a few thousand normals every step.
 *
 * tfjs-core 4.22 draws normals by Marsaglia's polar method on its "Alea" uniform stream (the generator
 * and its seeding are described in tfjs-uniform.ts): per pair, it draws v1 = 2u − 1 and v2 = 2u' − 1
 * until s = v1² + v2² lies in (0, 1), then m = √(−2 ln s / s) and gives `mean + stdDev·v1·m`, then
 * `mean + stdDev·v2·m` (float64, each stored as float32; the second of the last pair is dropped when the
 * count is odd). A seed of 0 (or none) makes tfjs seed from `Math.random()`, which this file does not
 * reproduce: {@link fillTfjsNormal} refuses it. `test/data/tfjs-normal.test.ts` checks the draws against
 * `tf.randomNormal` itself, so a tfjs upgrade that changed its generator would show there.
 */

import { aleaSeedState } from './tfjs-uniform.js';

/** 2^−32. */
const TWO_POW_M32 = 2.3283064365386963e-10;

/**
 * Fills `out` with the float32 values of `tf.randomNormal([out.length], mean, stdDev, 'float32', seed)`
 * (the same numbers for any shape of the same size). `seed` must be truthy (tfjs draws a random seed for
 * 0); no other checks: the caller validates.
 *
 * @throws {RangeError} for a falsy seed (0 or '')
 * @example
 * ```ts
 * const z = new Float32Array(1024);
 * fillTfjsNormal(z, 0, 1, 1234); // the values of tf.randomNormal([512, 2], 0, 1, 'float32', 1234)
 * ```
 */
export function fillTfjsNormal(out: Float32Array, mean: number, stdDev: number, seed: number | string): void {
  if (!seed) throw new RangeError(`fillTfjsNormal: tfjs draws a random seed for ${JSON.stringify(seed)}; pass a non-zero seed`);
  let [s0, s1, s2] = aleaSeedState(seed);
  let c = 1;
  const n = out.length;
  for (let i = 0; i < n; i += 2) {
    let v1: number;
    let v2: number;
    let s: number;
    do {
      let t = 2091639 * s0 + c * TWO_POW_M32;
      s0 = s1;
      s1 = s2;
      c = t | 0;
      s2 = t - c;
      v1 = 2 * s2 - 1;
      t = 2091639 * s0 + c * TWO_POW_M32;
      s0 = s1;
      s1 = s2;
      c = t | 0;
      s2 = t - c;
      v2 = 2 * s2 - 1;
      s = v1 * v1 + v2 * v2;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2.0 * Math.log(s)) / s);
    out[i] = mean + stdDev * v1 * m;
    if (i + 1 < n) out[i + 1] = mean + stdDev * v2 * m;
  }
}
