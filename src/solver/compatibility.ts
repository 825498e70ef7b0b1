/**
 * The contract check run before integrating: the scheme resolves, and the scheme, the term, the step
 * control and the noise fit together. Messages say what was expected and what came.
 */
import { getScheme } from './schemes/registry.js';
import { argumentMismatch } from './errors.js';
import { checkSchemeObject } from './scheme-validation.js';
import type { Calculus, NoiseProcess, Scheme, SchemeRequirements, Term } from './types.js';

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

/** What a term offers, as the compatibility check sees it. */
export interface TermOffer {
  /** A `diffusion` or a `diffusionProd`. */
  noise: boolean;
  /** A diagonal `diffusion` (g itself). */
  diagonalDiffusion: boolean;
  /** An `energy`. */
  energy: boolean;
  /** How the SDE is read. */
  calculus: Calculus;
  /** Whether g does not depend on the state (declared, or inferred from a one-argument `diffusion`). */
  additiveNoise: boolean;
}

/**
 * What `term` offers: noise (diagonal or general), energy, its calculus and whether its noise is additive.
 * `additiveNoise` is the term's declaration, else true for a `diffusion` declared with fewer than two
 * parameters (it cannot read the state), else false.
 *
 * @example
 * ```ts
 * termOffer({ drift, diffusion: (t) => tf.scalar(Math.sqrt(2 * eps(t))) });
 * // { noise: true, diagonalDiffusion: true, energy: false, calculus: 'ito', additiveNoise: true }
 * ```
 */
export function termOffer(term: Term): TermOffer {
  const diagonalDiffusion = typeof term.diffusion === 'function';
  return {
    noise: diagonalDiffusion || typeof term.diffusionProd === 'function',
    diagonalDiffusion,
    energy: typeof term.energy === 'function',
    calculus: term.calculus ?? 'ito',
    additiveNoise: term.additiveNoise ?? (diagonalDiffusion && term.diffusion!.length < 2),
  };
}

/**
 * A scheme's requirements with the defaults filled in: `kind: 'ode'` means no diffusion, `kind: 'sde'`
 * a required one.
 *
 * @example
 * ```ts
 * schemeRequirements(getScheme('rk4')); // { diffusion: 'none', diagonalDiffusion: false, energy: false, randomness: false }
 * ```
 */
export function schemeRequirements(scheme: Scheme): Required<Omit<SchemeRequirements, 'calculus'>> & Pick<SchemeRequirements, 'calculus'> {
  const r = scheme.requires ?? {};
  return {
    diffusion: r.diffusion ?? (scheme.kind === 'ode' ? 'none' : 'required'),
    diagonalDiffusion: r.diagonalDiffusion ?? false,
    energy: r.energy ?? false,
    randomness: r.randomness ?? false,
    ...(r.calculus === undefined ? {} : { calculus: r.calculus }),
  };
}

const CALCULUS_NAME: Record<Calculus, string> = { ito: 'Itô', stratonovich: 'Stratonovich' };

/**
 * Why `scheme` cannot integrate `term` (with the given step control and noise), or `undefined` when it
 * can. Decided by what the scheme requires ({@link schemeRequirements}) and the term offers
 * ({@link termOffer}): noise or none, a diagonal diffusion, an energy, and the calculus (a scheme that
 * converges to one calculus accepts a term read in the other only when its noise is additive). The text
 * starts with the scheme's name, ready to follow `fn: `.
 *
 * @example
 * ```ts
 * compatibilityProblem({ drift, diffusion }, getScheme('rk4'));
 * // "scheme 'rk4' solves ODEs (terms without diffusion), got a term with diffusion; ..."
 * ```
 */
export function compatibilityProblem(term: Term, scheme: Scheme, context: CompatibilityContext = {}): string | undefined {
  const offer = termOffer(term);
  const needs = schemeRequirements(scheme);
  const name = `scheme '${scheme.name}'`;
  if (needs.diffusion === 'none' && offer.noise) {
    return (
      `${name} solves ODEs (terms without diffusion), got a term with diffusion; ` +
      "use an SDE scheme such as 'euler-maruyama' or 'stochastic-heun', or drop the term's diffusion"
    );
  }
  if (needs.diffusion === 'required' && !offer.noise) {
    return (
      `${name} solves SDEs (terms with a diffusion), got a term without diffusion (an ODE); ` +
      "use an ODE scheme such as 'rk4' or 'dopri5', or give the term a diffusion"
    );
  }
  if (needs.diagonalDiffusion && offer.noise && !offer.diagonalDiffusion) {
    return `${name} needs the diagonal diffusion g itself (term.diffusion), got a term with only diffusionProd (g·dW); give the term a diffusion`;
  }
  if (needs.energy && !offer.energy) {
    return `${name} needs an energy U(t, y) → [batch] (term.energy), got a term without one`;
  }
  if (needs.calculus !== undefined && offer.noise && needs.calculus !== offer.calculus && !offer.additiveNoise) {
    const sign = needs.calculus === 'stratonovich' ? '−' : '+';
    return (
      `${name} converges to the ${CALCULUS_NAME[needs.calculus]} solution, got a term read in the ${CALCULUS_NAME[offer.calculus]} sense whose noise ` +
      `may depend on the state (multiplicative noise), where the two readings differ by the drift ½ g ∂g/∂y; ` +
      `use a scheme for ${CALCULUS_NAME[offer.calculus]} SDEs${offer.calculus === 'ito' ? " such as 'euler-maruyama'" : ''}, ` +
      `declare additiveNoise: true if g does not depend on y, or rewrite the term in ${CALCULUS_NAME[needs.calculus]} form ` +
      `(drift ${sign} ½ g ∂g/∂y) and declare calculus: '${needs.calculus}'`
    );
  }
  if (context.adaptive === true && !scheme.adaptive) {
    return (
      `${name} has no error estimate, so it cannot take adaptive steps; ` +
      `use fixed steps (options.steps or options.grid) or an adaptive scheme such as ${offer.noise ? "'stochastic-heun'" : "'dopri5'"}`
    );
  }
  if (context.adaptive === true && offer.noise && context.noise !== undefined && context.noise.queryable !== true) {
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
