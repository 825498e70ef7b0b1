/**
 * Options shared by the interpolant factories.
 */
import { resolveGamma, type GammaName, type GammaOptions, type GammaSchedule } from './gamma.js';

/** Options of the two-sided families and the mirror interpolant. */
export interface InterpolantOptions {
  /**
   * The γ option, by name or as a schedule object.
   * @default 'sqrt' (γ = √(a t(1−t)) with a = 1; clip t away from 0 and 1 when training on `dxt`)
   */
  gamma?: GammaName | GammaSchedule;
  /** Parameters of a named γ (`a` for `'sqrt'`, `f` for `'sigmoid'`). */
  gammaOptions?: GammaOptions;
}

/** The default γ of the two-sided families. */
const DEFAULT_GAMMA: GammaName = 'sqrt';

/** Resolves `options.gamma` (default {@link DEFAULT_GAMMA}). */
export function gammaFromOptions(fn: string, options: InterpolantOptions | undefined, fallback: GammaName = DEFAULT_GAMMA): GammaSchedule {
  return resolveGamma(fn, 'options.gamma', options?.gamma ?? fallback, options?.gammaOptions ?? {});
}
