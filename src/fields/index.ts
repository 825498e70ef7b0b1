/**
 * Fields and closed-form oracles (Gaussian and Gaussian-mixture endpoints).
 */
export type { Field, EventField, VelocityField, ScoreField, DenoiserField } from './types.js';
export { FIELD_NAMES, FIELD_LONG_NAMES, isFieldName } from './names.js';
export type { FieldName } from './names.js';
export type { CovarianceSpec, GaussianSpec, GaussianMixtureSpec, GaussianMixtureParams } from './gaussian-spec.js';
export { GaussianMixtureOracle } from './gaussian-oracle.js';
export { gaussianOracle, gaussianMixtureOracle } from './oracle-factories.js';
export type { GaussianMixtureOracleOptions, OracleFieldName, OraclePoint } from './oracle-types.js';
export { ORACLE_PROBLEM_NAMES, oracleProblem, makeOracle } from './problems.js';
export type { OracleProblem, OracleProblemName } from './problems.js';
export { scoreFromDenoiser, velocityFromVAndScore, velocityFromDenoiser, scoreFromVelocity, sdeDrifts } from './conversions.js';
