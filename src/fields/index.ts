/**
 * Fields and closed-form oracles (Gaussian and Gaussian-mixture endpoints).
 */
export type { Field, VelocityField, ScoreField, DenoiserField } from './types.js';
export type { CovarianceSpec, GaussianSpec, GaussianMixtureSpec, GaussianMixtureParams } from './gaussian-spec.js';
export { GaussianMixtureOracle, gaussianOracle, gaussianMixtureOracle } from './gaussian-oracle.js';
export type { GaussianMixtureOracleOptions, OracleFieldName, OraclePoint } from './gaussian-oracle.js';
export { ORACLE_PROBLEM_NAMES, oracleProblem, makeOracle } from './problems.js';
export type { OracleProblem, OracleProblemName } from './problems.js';
export { scoreFromDenoiser, velocityFromVAndScore, velocityFromDenoiser, scoreFromVelocity, sdeDrifts } from './conversions.js';
