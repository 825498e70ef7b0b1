/**
 * stochastic-interpolants: the curated public API.
 *
 * Importing this module also imports `@tensorflow/tfjs-layers`, which registers tfjs gradient functions in
 * Node. Choose a backend once with {@link initBackend}.
 */
import '@tensorflow/tfjs-layers';

export { initBackend, backendFlag, BACKEND_NAMES } from './backend.js';
export type { BackendInfo, BackendName, InitBackendOptions } from './backend.js';
export { ArgumentError } from './errors.js';
export { SeedStream } from './random.js';
export type { Field, VelocityField, ScoreField, DenoiserField } from './fields/types.js';
export type { Term, NoiseProcess, Scheme, SchemeKind, StepResult, Solution, SolverStats, SolverProgress, StateField } from './solver/types.js';
