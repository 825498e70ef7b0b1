/**
 * `stochastic-interpolants/samplers`: the generative samplers and the noise schedules of the generative
 * SDEs, plus (re-exported from `src/solver/schemes/`, where they live) the integration schemes and their registry. Every scheme runs on the one solver loop, `integrate` (from the main entry point).
 */
export { euler } from '../src/solver/schemes/euler.js';
export { midpoint } from '../src/solver/schemes/midpoint.js';
export { heun } from '../src/solver/schemes/heun.js';
export { rk4 } from '../src/solver/schemes/rk4.js';
export { dopri5 } from '../src/solver/schemes/dopri5.js';
export { eulerMaruyama } from '../src/solver/schemes/euler-maruyama.js';
export { stochasticHeun } from '../src/solver/schemes/stochastic-heun.js';
export { explicitRungeKutta } from '../src/solver/schemes/explicit-rk.js';
export type { ButcherTableau, ExplicitRungeKuttaOptions, FsalState } from '../src/solver/schemes/explicit-rk.js';
export { BUILT_IN_SCHEMES, getScheme, listSchemes, registerScheme, schemeNames, stepsForNfe, unregisterScheme } from '../src/solver/schemes/registry.js';
export type { RegisterSchemeOptions, SchemeInfo } from '../src/solver/schemes/registry.js';
export { EPSILON_SCHEDULES, epsilonFunction, parseEpsilon } from './epsilon.js';
export type { Epsilon, EpsilonFunction, NamedEpsilon } from './epsilon.js';
export { sampleOde, sampleOdeSync } from './probability-flow.js';
export { mala } from '../src/solver/schemes/mala.js';
export { IMAGE_ODE_SAMPLERS, IMAGE_SAMPLERS, IMAGE_SDE_SAMPLERS, sampleImages } from './image-sampling.js';
export type { ImageSamplerName, SampleImagesOptions } from './image-sampling.js';
export type { OdeSamplerOptions } from './probability-flow.js';
export { sampleSde, sampleSdeSync } from './generative-sde.js';
export type { SdeSamplerOptions } from './generative-sde.js';
export { logLikelihood, negativeLogLikelihood, DIVERGENCE_METHODS, HUTCHINSON_PROBES } from './likelihood.js';
export type { LikelihoodOptions, LikelihoodResult } from './likelihood.js';
export type { FinalDenoise } from './final-denoise.js';
export type { GenerativeSteppingOptions } from './time-span.js';
