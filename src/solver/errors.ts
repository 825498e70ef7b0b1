/**
 * Errors raised while integrating (bad arguments raise {@link ArgumentError} before any work is done).
 */
import { ArgumentError } from '../errors.js';

/** Why a solve failed after it started. */
export type SolverFailure = 'step-underflow' | 'max-steps' | 'non-finite';

/**
 * A solve that started but could not finish: the adaptive step size fell below `minStep`, `maxSteps` was
 * reached, or the state became non-finite. The message names the function, the time reached and what to
 * try.
 *
 * @example
 * ```ts
 * try { await integrate(term, 'dopri5', y0, { adaptive: { maxSteps: 10 } }); }
 * catch (e) { if (e instanceof SolverError && e.reason === 'max-steps') ... }
 * ```
 */
export class SolverError extends Error {
  /** The public function that failed (`'integrate'`, `'integrateSync'`). */
  readonly fn: string;
  /** What went wrong. */
  readonly reason: SolverFailure;
  /** Time reached when the solve stopped. */
  readonly t: number;

  /**
   * @param fn - the failing function
   * @param reason - what went wrong
   * @param t - time reached
   * @param detail - the rest of the message (after `fn: `)
   */
  constructor(fn: string, reason: SolverFailure, t: number, detail: string) {
    super(`${fn}: ${detail}`);
    this.name = 'SolverError';
    this.fn = fn;
    this.reason = reason;
    this.t = t;
  }
}

/**
 * Raised (as a rejected promise) when the `signal` passed to `integrate` aborts. `name` is `'AbortError'`
 * like the DOM's; `cause` is the signal's reason.
 *
 * @example
 * ```ts
 * const controller = new AbortController();
 * setTimeout(() => controller.abort(), 1000);
 * await integrate(term, 'rk4', y0, { steps: 1e6, signal: controller.signal });
 * // rejects: AbortError "integrate: aborted at t = 0.41 after 410000 accepted steps (41% of [0, 1])"
 * ```
 */
export class AbortError extends Error {
  /** Time reached when the solve stopped (`t0` when aborted before the first step). */
  readonly t: number;

  /**
   * @param fn - the aborted function
   * @param t - time reached
   * @param detail - progress so far, for the message
   * @param cause - the signal's reason
   */
  constructor(fn: string, t: number, detail: string, cause?: unknown) {
    super(`${fn}: aborted ${detail}`, cause === undefined ? undefined : { cause });
    this.name = 'AbortError';
    this.t = t;
  }
}

/**
 * An {@link ArgumentError} with a free-form message, for mismatches between arguments (a scheme and a
 * term) that do not read well as "argument X must be Y".
 *
 * @example
 * ```ts
 * throw argumentMismatch('integrate', 'scheme', "scheme 'rk4' solves ODEs ..., got a term with diffusion");
 * ```
 */
export function argumentMismatch(fn: string, arg: string, message: string): ArgumentError {
  const error = new ArgumentError(fn, arg, '', '');
  error.message = `${fn}: ${message}`;
  error.stack = `${error.name}: ${error.message}\n${(error.stack ?? '').split('\n').slice(1).join('\n')}`;
  return error;
}
