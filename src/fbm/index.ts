/**
 * Fractional Brownian motion (MATH.md §2): float64 special functions and optimal weights of the
 * Markov approximation, exact covariances and path samplers, and `markovFbm`, a noise process that
 * drives any SDE scheme of the solver core with fractional noise.
 */
export { gamma, lgamma, regularizedGammaP, regularizedGammaQ, scaledGammaP, scaledGammaQ } from './incomplete-gamma.js';
export { speedGrid } from './speed-grid.js';
export type { SpeedGridOptions } from './speed-grid.js';
export { FBM_TYPES, mvnScale, omegaSystem, optimalOmega, optimalOmegaWithDerivative } from './optimal-omega.js';
export type { FbmType, OmegaSystem, OptimalOmega, OptimalOmegaDerivative, OptimalOmegaOptions } from './optimal-omega.js';
export { omegaTensor } from './omega-tensor.js';
export type { OmegaTensorOptions } from './omega-tensor.js';
export { fbmCovariance, fbmCovarianceMatrix, markovCovariance } from './covariance.js';
export type { FbmSpec, MarkovSpec } from './covariance.js';
export { ouBridge, ouStationaryCovariance, ouStepCovariance, ouTransition } from './ou-factors.js';
export type { OuBridge, OuTransition } from './ou-factors.js';
export { sampleFbmPaths, sampleGaussianPaths } from './exact-paths.js';
export type { FbmPathsOptions, GaussianPathsOptions, Seed } from './exact-paths.js';
export { markovFbm } from './markov-fbm.js';
export type { MarkovFbmState } from './markov-fbm.js';
export type { MarkovFbmPath, MarkovFbmPathState } from './markov-fbm-path.js';
export type { MarkovFbm, MarkovFbmOptions } from './markov-fbm-options.js';
export { fouCovariance, fouCovarianceMatrix, sampleFouPaths } from './fou.js';
export type { FouPathsOptions, FouSpec } from './fou.js';
