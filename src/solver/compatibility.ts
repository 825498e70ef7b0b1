/**
 * The contract check run before integrating: the scheme resolves, and the scheme, the term, the step
 * control and the noise fit together. Messages say what was expected and what came.
 */
import { getScheme } from './schemes/registry.js';
import { argumentMismatch } from './errors.js';
import { checkSchemeObject } from './scheme-validation.js';
import type { NoiseProcess, Scheme, Term } from './types.js';

/**
 * A scheme given by object or registered name, resolved. Throws an ArgumentError listing the registered
 * names for an unknown name, or naming what a malformed scheme object lacks.
 *
 * @param fn - the calling function, for messages
 * @param arg - the argument's name, for messages
 * @example
 * ```ts
 * resolveScheme('sampleOde', 'dopri5').adaptive; // true
 * ```
 */
export function resolveScheme(fn: string, scheme: Scheme | string, arg = 'scheme'): Scheme {
  return typeof scheme === 'string' ? getScheme(scheme, fn, arg) : checkSchemeObject(fn, arg, scheme);
}

/** What else the check needs to know about the solve. */
export interface CompatibilityContext {
  /** Whether steps are adaptive. */
  adaptive?: boolean;
  /** The noise that will drive the diffusion (SDE terms). */
  noise?: NoiseProcess;
}

/**
 * Why `scheme` cannot integrate `term` (with the given step control and noise), or `undefined` when it
 * can. The text starts with the scheme's name, ready to follow `fn: `.
 *
 * @example
 * ```ts
 * compatibilityProblem({ drift, diffusion }, getScheme('rk4'));
 * // "scheme 'rk4' solves ODEs (terms without diffusion), got a term with diffusion; ..."
 * ```
 */
export function compatibilityProblem(term: Term, scheme: Scheme, context: CompatibilityContext = {}): string | undefined {
  const hasDiffusion = term.diffusion !== undefined;
  if (scheme.kind === 'ode' && hasDiffusion) {
    return (
      `scheme '${scheme.name}' solves ODEs (terms without diffusion), got a term with diffusion; ` +
      "use an SDE scheme such as 'euler-maruyama' or 'stochastic-heun', or drop the term's diffusion"
    );
  }
  if (scheme.kind === 'sde' && !hasDiffusion) {
    return (
      `scheme '${scheme.name}' solves SDEs (terms with a diffusion), got a term without diffusion (an ODE); ` +
      "use an ODE scheme such as 'rk4' or 'dopri5', or give the term a diffusion"
    );
  }
  if (context.adaptive === true && !scheme.adaptive) {
    return (
      `scheme '${scheme.name}' has no error estimate, so it cannot take adaptive steps; ` +
      `use fixed steps (options.steps or options.grid) or an adaptive scheme such as ${scheme.kind === 'ode' ? "'dopri5'" : "'stochastic-heun'"}`
    );
  }
  if (context.adaptive === true && hasDiffusion && context.noise !== undefined && context.noise.queryable !== true) {
    return (
      `adaptive SDE steps retry rejected steps over shorter intervals, so they need a queryable noise process; ` +
      `got '${context.noise.name}', which draws independent increments; use brownianPath() or fixed steps`
    );
  }
  return undefined;
}

/**
 * Throws an ArgumentError (argument `'scheme'`, or `'options.noise'` for a non-queryable noise under
 * adaptive SDE steps) whose message is `fn: ` followed by {@link compatibilityProblem}'s text.
 *
 * @example
 * ```ts
 * assertCompatible('sampleSde', term, getScheme('rk4'));
 * // ArgumentError: sampleSde: scheme 'rk4' solves ODEs (terms without diffusion), got a term with diffusion; ...
 * ```
 */
export function assertCompatible(fn: string, term: Term, scheme: Scheme, context: CompatibilityContext = {}): void {
  const problem = compatibilityProblem(term, scheme, context);
  if (problem !== undefined) {
    const arg = problem.startsWith('adaptive SDE') ? 'options.noise' : 'scheme';
    throw argumentMismatch(fn, arg, problem);
  }
}
