/**
 * The shared solver core: `integrate` / `integrateSync`, time grids, step-size control, noise processes
 * and the contracts (Term, NoiseProcess, Scheme, Solution). The schemes live in `samplers/`.
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
export { assertCompatible, compatibilityProblem, resolveScheme } from './compatibility.js';
export type { CompatibilityContext } from './compatibility.js';
export { AbortError, SolverError } from './errors.js';
export type { SolverFailure } from './errors.js';
export type {
  DiffusionField,
  NoiseInit,
  NoiseProcess,
  Scheme,
  SchemeKind,
  Solution,
  SolverProgress,
  SolverStats,
  StateField,
  StepResult,
  Term,
} from './types.js';
