/**
 * Named oracle problems (base and target with exact laws) for the CLI, examples and tests.
 */
import { ArgumentError, checkOneOf, describeValue } from '../errors.js';
import type { Interpolant } from '../interpolants/types.js';
import { GaussianMixtureOracle } from './gaussian-oracle.js';
import type { GaussianMixtureSpec, GaussianSpec } from './gaussian-spec.js';

/** Names of the built-in oracle problems. */
export const ORACLE_PROBLEM_NAMES = ['gaussian', 'gmm2d'] as const;

/** A built-in oracle problem name. */
export type OracleProblemName = (typeof ORACLE_PROBLEM_NAMES)[number];

/** A named base → target pair with exact laws. */
export interface OracleProblem {
  /** Registry name. */
  name: OracleProblemName;
  /** One line for help texts. */
  description: string;
  /** Dimension d. */
  dim: number;
  /** ρ0 (a standard normal for both built-ins, so one-sided interpolants apply). */
  base: GaussianSpec;
  /** ρ1 as a mixture (a single Gaussian is one component). */
  target: GaussianMixtureSpec;
}

// gmm2d: the table in oracleProblem's documentation.
const GMM2D: OracleProblem = {
  name: 'gmm2d',
  description: 'N(0, I₂) → asymmetric 4-component 2-D Gaussian mixture (weights 0.4/0.3/0.2/0.1, full covariances)',
  dim: 2,
  base: { mean: [0, 0] },
  target: {
    weights: [0.4, 0.3, 0.2, 0.1],
    means: [
      [-2.0, -1.0],
      [2.0, -0.5],
      [0.0, 2.5],
      [2.5, 2.5],
    ],
    covariances: [
      [
        [0.4, 0.15],
        [0.15, 0.25],
      ],
      [
        [0.2, -0.08],
        [-0.08, 0.3],
      ],
      [
        [0.5, 0.0],
        [0.0, 0.1],
      ],
      [
        [0.05, 0.0],
        [0.0, 0.05],
      ],
    ],
  },
};

/** `gaussian`: 1-D N(0, 1) → N(2, 0.5²). */
const GAUSSIAN: OracleProblem = {
  name: 'gaussian',
  description: '1-D N(0, 1) → N(2, 0.5²)',
  dim: 1,
  base: { mean: [0] },
  target: { weights: [1], means: [[2]], covariances: [0.25] },
};

function clone(problem: OracleProblem): OracleProblem {
  return JSON.parse(JSON.stringify(problem)) as OracleProblem;
}

/**
 * The definition of a named problem (a fresh copy).
 *
 * - `gaussian`: 1-D N(0, 1) → N(2, 0.5²);
 * - `gmm2d`: N(0, I₂) → an asymmetric 4-component 2-D mixture with unequal weights and full covariances
 *   (well-separated modes and a small satellite, so a sampler's mode-weight errors show):
 *
 * | k | π_k | μ_k | Σ_k |
 * |---|---|---|---|
 * | 1 | 0.40 | (−2.0, −1.0) | [[0.40, 0.15], [0.15, 0.25]] |
 * | 2 | 0.30 | ( 2.0, −0.5) | [[0.20, −0.08], [−0.08, 0.30]] |
 * | 3 | 0.20 | ( 0.0,  2.5) | [[0.50, 0.00], [0.00, 0.10]] |
 * | 4 | 0.10 | ( 2.5,  2.5) | [[0.05, 0.00], [0.00, 0.05]] |
 *
 * @param name - one of {@link ORACLE_PROBLEM_NAMES}; anything else throws an {@link ArgumentError} listing them
 * @example
 * ```ts
 * oracleProblem('gmm2d').target.weights; // [0.4, 0.3, 0.2, 0.1]
 * ```
 */
export function oracleProblem(name: string): OracleProblem {
  const n = checkOneOf('oracleProblem', 'name', name, ORACLE_PROBLEM_NAMES);
  return clone(n === 'gmm2d' ? GMM2D : GAUSSIAN);
}

/**
 * The closed-form oracle of a named problem under an interpolant. For mirror interpolants the base is the
 * target (ρ0 = ρ1); both built-in bases are N(0, I), so one-sided interpolants apply.
 *
 * @param name - a problem name ({@link ORACLE_PROBLEM_NAMES}) or an {@link OracleProblem}
 * @param interpolant - any spatially linear interpolant
 * @example
 * ```ts
 * const oracle = makeOracle('gmm2d', makeInterpolant('linear', { gamma: 'quadratic' }));
 * const x1 = oracle.sampleTarget(5000, new SeedStream(1)); // [5000, 2]
 * ```
 */
export function makeOracle(name: string | OracleProblem, interpolant: Interpolant): GaussianMixtureOracle {
  const problem = typeof name === 'string' ? oracleProblem(name) : name;
  if (typeof problem !== 'object' || problem === null || !('target' in problem)) {
    throw new ArgumentError('makeOracle', 'name', 'a problem name or an OracleProblem', describeValue(name));
  }
  return new GaussianMixtureOracle({
    interpolant,
    base: interpolant?.mirror ? undefined : problem.base,
    target: problem.target,
  });
}
