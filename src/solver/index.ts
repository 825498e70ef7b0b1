/**
 * The shared solver core: `integrate` / `integrateSync`, time grids, step-size control, noise processes,
 * the contracts (Term, NoiseProcess, Scheme, StepContext, Solution) and the built-in schemes with their
 * registry (`./schemes/`, re-exported from `samplers/` where users import them).
 */
export { integrate, integrateSync } from './integrate.js';
export type { IntegrateOptions } from './options.js';
export { uniformGrid } from './time-grid.js';
export type { UniformGridOptions } from './time-grid.js';
export { ERROR_NORMS } from './step-control.js';
export type { AdaptiveOptions } from './step-control.js';
export { brownianMotion } from './brownian.js';
export type { BrownianMotionState } from './brownian.js';
export { brownianPath } from './brownian-path.js';
export type { BrownianPath, BrownianPathOptions, BrownianPathState } from './brownian-path.js';
export { assertCompatible, compatibilityProblem, resolveScheme, schemeRequirements, termOffer } from './compatibility.js';
export type { CompatibilityContext, TermOffer } from './compatibility.js';
export { hashSeed, streamSeedAt } from './seed-hash.js';
export { AbortError, SolverError } from './errors.js';
export type { SolverFailure } from './errors.js';
export type {
  Calculus,
  DiffusionField,
  DiffusionProduct,
  EnergyField,
  NoiseInit,
  NoiseProcess,
  Scheme,
  SchemeKind,
  SchemeRequirements,
  Solution,
  SolverProgress,
  SolverStats,
  StateField,
  StepContext,
  StepRandom,
  StepResult,
  Term,
} from './types.js';
