/**
 * The generative SDEs of a stochastic interpolant (MATH.md §1.4): any ε(t) ≥ 0 gives the same marginals.
 *
 * - forward, t: 0 → 1: `dX = (b + ε s) dt + √(2ε) dW`
 * - backward, t: 1 → 0: `dX = (b − ε s) dt + √(2ε) dW` (the solver steps with negative dt and increments
 *   of variance |dt|, which is the time-reversed SDE `dZ = −b_B(1−τ, Z) dτ + √(2ε) dW`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '../src/errors.js';
import type { Field } from '../src/fields/types.js';
import type { SeedStream } from '../src/random.js';
import { resolveScheme } from '../src/solver/compatibility.js';
import { integrate, integrateSync } from '../src/solver/integrate.js';
import { checkState } from '../src/solver/options.js';
import type { IntegrateOptions } from '../src/solver/options.js';
import type { NoiseProcess, Scheme, Solution, Term } from '../src/solver/types.js';
import { epsilonFunction } from './epsilon.js';
import type { Epsilon } from './epsilon.js';
import { checkFinalDenoise } from './final-denoise.js';
import type { FinalDenoise } from './final-denoise.js';
import { withDenoisedEnd } from './probability-flow.js';
import { atTime, checkField, steppingOptions } from './time-span.js';
import type { GenerativeSteppingOptions } from './time-span.js';

/** The ODE scheme each built-in SDE scheme reduces to when ε ≡ 0. */
const ODE_COUNTERPART: Record<string, string> = { 'euler-maruyama': 'euler', 'stochastic-heun': 'heun' };

/** Options of {@link sampleSde}. */
export interface SdeSamplerOptions extends GenerativeSteppingOptions {
  /** The velocity b(t, x). */
  velocity: Field;
  /** The score s(t, x) = ∇ log ρ(t, x). Not evaluated when ε ≡ 0. */
  score: Field;
  /** Noise level ε(t) ≥ 0: a number, `{ schedule, scale }` or a function of t. */
  epsilon: Epsilon;
  /** `'forward'` (ρ0 → ρ1, drift b + εs) or `'backward'` (ρ1 → ρ0, drift b − εs). @default 'forward' */
  direction?: 'forward' | 'backward';
  /** An SDE scheme or its registered name. @default 'euler-maruyama' */
  scheme?: Scheme | string;
  /** Seed of the Brownian increments (required unless ε ≡ 0). */
  seed?: number | SeedStream;
  /** Noise process overriding seeded Brownian motion (e.g. a fixed `brownianPath`). */
  noise?: NoiseProcess;
  /** Optional last denoising step (forward only), see {@link FinalDenoise}. */
  denoise?: FinalDenoise;
}

interface PreparedSde {
  term: Term;
  scheme: Scheme;
  options: IntegrateOptions;
  denoise?: FinalDenoise;
  t1: number;
}

function prepareSde(fn: string, x0: unknown, options: SdeSamplerOptions): PreparedSde {
  checkState(fn, x0, 'x0');
  const velocity = checkField(fn, 'options.velocity', options?.velocity);
  const direction = options.direction ?? 'forward';
  if (direction !== 'forward' && direction !== 'backward') {
    throw new ArgumentError(fn, 'options.direction', "'forward' or 'backward'", JSON.stringify(direction));
  }
  const eps = epsilonFunction(fn, options.epsilon);
  const score = eps.isZero ? undefined : checkField(fn, 'options.score', options.score);
  const denoise = options.denoise === undefined ? undefined : checkFinalDenoise(fn, options.denoise);
  const scheme = resolveScheme(fn, options.scheme ?? 'euler-maruyama', 'options.scheme');
  const { options: integrateOptions, t1 } = steppingOptions(fn, options, direction);
  if (score === undefined) {
    const odeScheme = scheme.kind === 'ode' ? scheme : ODE_COUNTERPART[scheme.name];
    if (odeScheme === undefined) {
      throw new ArgumentError(fn, 'options.scheme', `with ε ≡ 0, an ODE scheme or one of ${Object.keys(ODE_COUNTERPART).join(', ')}`, `'${scheme.name}'`);
    }
    const term: Term = { drift: (t, y) => atTime(velocity, t, y) };
    return { term, scheme: resolveScheme(fn, odeScheme, 'options.scheme'), options: integrateOptions, denoise, t1 };
  }
  const sign = direction === 'forward' ? 1 : -1;
  const term: Term = {
    drift: (t, y) =>
      tf.tidy(() => {
        const e = eps(t);
        const b = atTime(velocity, t, y);
        return e === 0 ? b : tf.add(b, tf.mul(atTime(score, t, y), sign * e));
      }),
    diffusion: (t) => tf.scalar(Math.sqrt(2 * eps(t))),
    noise: options.noise,
  };
  return { term, scheme, options: { ...integrateOptions, seed: options.seed }, denoise, t1 };
}

/**
 * Samples with the forward or backward SDE of a velocity and a score.
 *
 * With ε ≡ 0 (the number 0 or a schedule of scale 0) this is exactly the probability-flow ODE path: the
 * score is not evaluated and an SDE scheme is replaced by its ODE counterpart (`euler-maruyama` → `euler`,
 * `stochastic-heun` → `heun`), which takes the same steps with the noise term removed.
 *
 * @param x0 - `[batch, ...event]` samples of ρ0 (forward) or of ρ1 (backward); borrowed
 * @returns the solver's {@link Solution}; `y` has the shape of `x0`, owned by the caller
 * @example
 * ```ts
 * const sol = await sampleSde(x0, { velocity: oracle.velocity, score: oracle.score, epsilon: 0.5, steps: 200, seed: 1 });
 * ```
 */
export async function sampleSde<T extends tf.Tensor = tf.Tensor2D>(x0: T, options: SdeSamplerOptions): Promise<Solution<T>> {
  const p = prepareSde('sampleSde', x0, options);
  const solution = await integrate(p.term, p.scheme, x0, p.options);
  return p.denoise ? withDenoisedEnd(solution, p.denoise, p.t1) : solution;
}

/**
 * {@link sampleSde} run synchronously (on `integrateSync`): for use inside a loss or a gradient tape. With
 * a fixed seed the noise is fixed, so the result is a differentiable function of `x0` and of the variables
 * the velocity and score use. Same options and result.
 *
 * @example
 * ```ts
 * const loss = () => {
 *   const sol = sampleSdeSync(x0, { velocity, score, epsilon: 0.5, steps: 50, seed: 3 });
 *   return tf.mean(tf.square(sol.y)) as tf.Scalar;
 * };
 * const { grads } = tf.variableGrads(loss);
 * ```
 */
export function sampleSdeSync<T extends tf.Tensor = tf.Tensor2D>(x0: T, options: SdeSamplerOptions): Solution<T> {
  const p = prepareSde('sampleSdeSync', x0, options);
  const solution = integrateSync(p.term, p.scheme, x0, p.options);
  return p.denoise ? withDenoisedEnd(solution, p.denoise, p.t1) : solution;
}
