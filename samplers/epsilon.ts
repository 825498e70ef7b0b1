/**
 * The noise level ε(t) ≥ 0 of the generative SDEs. Every ε(t) gives the same marginals ρ(t) with exact
 * fields; it trades the drift's error against the diffusion's smoothing (MATH.md §1.4–1.5).
 */
import { ArgumentError, checkNumber, describeValue } from '../src/errors.js';

/** Named ε schedules. */
export const EPSILON_SCHEDULES = ['constant', 'bump', 'decay'] as const;

/** A named ε schedule with its scale ε0. */
export interface NamedEpsilon {
  /**
   * - `'constant'`: ε(t) = ε0
   * - `'bump'`: ε(t) = 4 ε0 t(1 − t) — vanishes at both endpoints, peak ε0 at t = ½
   * - `'decay'`: ε(t) = ε0 (1 − t) — vanishes at t = 1 (no residual noise in the samples)
   */
  schedule: (typeof EPSILON_SCHEDULES)[number];
  /** Scale ε0 ≥ 0. */
  scale: number;
}

/**
 * ε(t) as accepted by the SDE samplers: a number (constant), a named schedule, or a function of t that must
 * return a finite value ≥ 0 (checked when the sampler evaluates it).
 */
export type Epsilon = number | NamedEpsilon | ((t: number) => number);

/** A validated ε(t): the function and whether it is identically zero (then the SDE is the ODE). */
export interface EpsilonFunction {
  (t: number): number;
  /** True when ε ≡ 0 was given (number 0 or a named schedule with scale 0). */
  readonly isZero: boolean;
  /** A short label for tables and plots (`0.5`, `bump:1`, `custom`). */
  readonly label: string;
}

function make(fn: (t: number) => number, isZero: boolean, label: string): EpsilonFunction {
  return Object.assign(fn, { isZero, label });
}

/**
 * Validates and normalises ε into a function of t.
 *
 * @param fn - the calling function's name, for error messages
 * @example
 * ```ts
 * epsilonFunction('sampleSde', 0.5)(0.3);                              // 0.5
 * epsilonFunction('sampleSde', { schedule: 'bump', scale: 1 })(0.5);   // 1
 * ```
 */
export function epsilonFunction(fn: string, epsilon: Epsilon, arg = 'options.epsilon'): EpsilonFunction {
  if (typeof epsilon === 'number') {
    const e = checkNumber(fn, arg, epsilon, { min: 0 });
    return make(() => e, e === 0, String(e));
  }
  if (typeof epsilon === 'function') {
    const user = epsilon;
    return make(
      (t: number) => {
        const e = user(t);
        if (!(typeof e === 'number' && Number.isFinite(e) && e >= 0)) {
          throw new ArgumentError(fn, arg, `a function returning a finite number >= 0`, `${describeValue(e)} at t = ${t}`);
        }
        return e;
      },
      false,
      'custom',
    );
  }
  if (typeof epsilon === 'object' && epsilon !== null && 'schedule' in epsilon) {
    const scale = checkNumber(fn, `${arg}.scale`, epsilon.scale, { min: 0 });
    const label = `${epsilon.schedule}:${scale}`;
    switch (epsilon.schedule) {
      case 'constant':
        return make(() => scale, scale === 0, String(scale));
      case 'bump':
        return make((t) => 4 * scale * t * (1 - t), scale === 0, label);
      case 'decay':
        return make((t) => scale * (1 - t), scale === 0, label);
      default:
        throw new ArgumentError(
          fn,
          `${arg}.schedule`,
          `one of ${EPSILON_SCHEDULES.map((s) => `'${s}'`).join(', ')}`,
          describeValue((epsilon as { schedule: unknown }).schedule),
        );
    }
  }
  throw new ArgumentError(fn, arg, 'a number >= 0, { schedule, scale } or a function of t', describeValue(epsilon));
}

/**
 * Parses ε from text, as the CLI takes it: `0.5` (constant), `constant:0.5`, `bump:1`, `decay:2`.
 */
export function parseEpsilon(text: string, arg = '--eps'): Epsilon {
  const trimmed = text.trim();
  const [head, tail] = trimmed.includes(':') ? trimmed.split(':', 2) : [undefined, trimmed];
  const value = Number(tail);
  if (tail === undefined || tail.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new ArgumentError('parseEpsilon', arg, 'a number >= 0 or schedule:scale (constant, bump, decay)', JSON.stringify(text));
  }
  if (head === undefined) return value;
  if (!(EPSILON_SCHEDULES as readonly string[]).includes(head)) {
    throw new ArgumentError('parseEpsilon', arg, `a schedule among ${EPSILON_SCHEDULES.join(', ')}`, JSON.stringify(head));
  }
  return { schedule: head as NamedEpsilon['schedule'], scale: value };
}
