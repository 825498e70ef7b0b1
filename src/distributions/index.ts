/**
 * Distributions: the contracts for everything the library samples from (event shape, `sample`, optional
 * `logProb`; async and labelled variants), the standard normal and diagonal Gaussians on events of any shape,
 * and labelled mixtures. Every dataset is a distribution.
 */
export type { AnyDistribution, AsyncDistribution, Distribution, LabelledDistribution, LabelledSample } from './types.js';
export { standardNormal } from './standard-normal.js';
export type { StandardNormal } from './standard-normal.js';
export { diagonalGaussian } from './diagonal-gaussian.js';
export type { DiagonalGaussian, DiagonalGaussianOptions } from './diagonal-gaussian.js';
export { labelledMixture } from './labelled-mixture.js';
export type { LabelledMixture, LabelledMixtureOptions } from './labelled-mixture.js';
export { checkAnyDistribution, checkDistribution, isAsyncDistribution, isDistribution, isLabelledDistribution } from './check.js';
export { drawSamples, toAsync } from './async.js';
export { resolveDistribution } from './resolve.js';
export { fullGaussian } from './full-gaussian.js';
export type { FullGaussian, FullGaussianOptions } from './full-gaussian.js';
export { fitGaussianMixture } from './gaussian-mixture-em.js';
export type { GaussianMixtureEmOptions, GaussianMixtureFit } from './gaussian-mixture-em.js';
export { flowDistribution } from './flow-distribution.js';
export type { FlowDistribution, FlowDistributionOptions, FlowVelocity } from './flow-distribution.js';
