/**
 * The one vocabulary of the fields of a stochastic interpolant, used by objectives, oracles, trained
 * models, checkpoints and the CLI.
 *
 * | name | quantity | long name (deprecated aliases) |
 * |---|---|---|
 * | `'b'` | velocity b(t, x) = E[∂_t I + γ̇ z \| x_t = x], the probability-flow drift | `velocity` |
 * | `'v'` | v(t, x) = E[∂_t I \| x_t = x] = b + γγ̇ s | `v` |
 * | `'s'` | score s(t, x) = ∇ log ρ(t, x) | `score` |
 * | `'eta-z'` | denoiser η_z(t, x) = E[z \| x_t = x] (one-sided: E[x0 \| x_t = x]) | `denoiser`, `etaZ` |
 * | `'eta-0'` | η_0(t, x) = E[x0 \| x_t = x] | `eta0` |
 * | `'eta-1'` | η_1(t, x) = E[x1 \| x_t = x] | `eta1` |
 *
 * The long names survive where they were public before (the oracle's `velocity`, `score`, `denoiser`,
 * `eta0`, `eta1` properties, {@link OraclePoint}'s `etaZ`, the samplers' `velocity`/`score` options); new
 * code indexes fields by these short names.
 */

/** The fields of a stochastic interpolant, by their canonical names (MATH.md §1.2). */
export const FIELD_NAMES = ['b', 'v', 's', 'eta-z', 'eta-0', 'eta-1'] as const;

/**
 * A field's canonical name: `b` velocity, `v` = E[∂_t I | x], `s` score, `eta-z` = E[z | x] (denoiser),
 * `eta-0` = E[x0 | x], `eta-1` = E[x1 | x].
 */
export type FieldName = (typeof FIELD_NAMES)[number];

/**
 * The long, descriptive name of each field (what the oracle's deprecated properties are called).
 *
 * @example
 * ```ts
 * FIELD_LONG_NAMES.b; // 'velocity'
 * ```
 */
export const FIELD_LONG_NAMES: Readonly<Record<FieldName, string>> = Object.freeze({
  b: 'velocity',
  v: 'v',
  s: 'score',
  'eta-z': 'denoiser',
  'eta-0': 'eta0',
  'eta-1': 'eta1',
});

/** Whether `value` is one of {@link FIELD_NAMES}. */
export function isFieldName(value: unknown): value is FieldName {
  return typeof value === 'string' && (FIELD_NAMES as readonly string[]).includes(value);
}
