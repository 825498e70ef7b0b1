/**
 * The draws of `tf.randomUniform(shape, min, max, 'float32', seed)` computed in plain JavaScript, without
 * a tensor: for a sampler that turns a few uniform draws into its samples with a handful of float32
 * operations, a loop over these numbers and one upload replace a dozen small kernels (each costing the
 * engine's per-op overhead), and still give the same samples, bit for bit, for the same seed.
 *
 * tfjs-core 4.22 draws `min + (max − min)·r` (float64, then stored as float32), where r runs through
 * Johannes Baagøe's "Alea" generator seeded with the seed's decimal text: the seed text is hashed by
 * his "Mash" function into three fractions s0, s1, s2 ∈ [0, 1) (each `mash(' ') − mash(seed)`, plus 1
 * when negative, the hash state carried over all six calls), the carry c starts at 1, and each draw is
 *
 *     t = 2091639·s0 + c·2^−32;  s0 ← s1;  s1 ← s2;  c ← ⌊t⌋;  s2 ← t − c;  r = s2
 *
 * all in float64. Mash keeps n (starting at 0xefc8249d) and, per character code k: n += k;
 * h = 0.02519603282416938·n; n = ⌊h⌋ mod 2^32; h = (h − n)·n; n = ⌊h⌋ mod 2^32; n += (h − n)·2^32; the
 * value is (n mod 2^32)·2^−32. `test/data/tfjs-uniform.test.ts` checks these draws against
 * `tf.randomUniform` itself, so a tfjs upgrade that changed its generator would show there.
 */

/** 2^−32. */
const TWO_POW_M32 = 2.3283064365386963e-10;

/** Baagøe's Mash hash, one instance (its state carries over between calls). */
function makeMash(): (text: string) => number {
  let n = 0xefc8249d;
  return (text: string) => {
    for (let i = 0; i < text.length; i++) {
      n += text.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000;
    }
    return (n >>> 0) * TWO_POW_M32;
  };
}

/**
 * The Alea generator's starting fractions [s0, s1, s2] for `seed` as tfjs seeds it (the seed's decimal
 * text hashed by Mash: each `mash(' ') − mash(text)`, plus 1 when negative, one Mash state across all six
 * calls); the carry starts at 1. Shared by {@link fillTfjsUniform} and `fillTfjsNormal` (tfjs-normal.ts).
 *
 * @example
 * ```ts
 * let [s0, s1, s2] = aleaSeedState(1234);
 * ```
 */
export function aleaSeedState(seed: number | string): [number, number, number] {
  const mash = makeMash();
  const text = String(seed);
  const s: [number, number, number] = [mash(' '), mash(' '), mash(' ')];
  for (let i = 0; i < 3; i++) {
    s[i] = s[i]! - mash(text);
    if (s[i]! < 0) s[i] = s[i]! + 1;
  }
  return s;
}

/**
 * Fills `out` with the float32 values of `tf.randomUniform([out.length], min, max, 'float32', seed)`:
 * `out[i] = float32(min + (max − min)·r_i)` with r_i the i-th Alea draw seeded by `String(seed)`.
 * `min`, `max` and `seed` are taken as tfjs takes them (no checks: the caller validates).
 *
 * @example
 * ```ts
 * const u = new Float32Array(512);
 * fillTfjsUniform(u, -2, 2, 1234); // the values of tf.randomUniform([512], -2, 2, 'float32', 1234)
 * ```
 */
export function fillTfjsUniform(out: Float32Array, min: number, max: number, seed: number | string): void {
  let [s0, s1, s2] = aleaSeedState(seed);
  let c = 1;
  const range = max - min;
  for (let i = 0; i < out.length; i++) {
    const t = 2091639 * s0 + c * TWO_POW_M32;
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    out[i] = min + range * s2;
  }
}
