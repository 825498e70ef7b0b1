/**
 * `stochastic-interpolants/samplers`: the integration schemes, their registry, and the noise schedules of
 * the generative SDEs. Every scheme runs on the one solver loop, `integrate` (from the main entry point).
 */
export { euler } from './euler.js';
export { midpoint } from './midpoint.js';
export { heun } from './heun.js';
export { rk4 } from './rk4.js';
export { dopri5 } from './dopri5.js';
export { eulerMaruyama } from './euler-maruyama.js';
export { stochasticHeun } from './stochastic-heun.js';
export { explicitRungeKutta } from './explicit-rk.js';
export type { ButcherTableau, ExplicitRungeKuttaOptions, FsalState } from './explicit-rk.js';
export { BUILT_IN_SCHEMES, getScheme, listSchemes, registerScheme, schemeNames, stepsForNfe, unregisterScheme } from './registry.js';
export type { RegisterSchemeOptions, SchemeInfo } from './registry.js';
export { EPSILON_SCHEDULES, epsilonFunction, parseEpsilon } from './epsilon.js';
export type { Epsilon, EpsilonFunction, NamedEpsilon } from './epsilon.js';
export { sampleOde } from './probability-flow.js';
export type { OdeSamplerOptions } from './probability-flow.js';
export { sampleSde } from './generative-sde.js';
export type { SdeSamplerOptions } from './generative-sde.js';
export { logLikelihood, DIVERGENCE_METHODS, HUTCHINSON_PROBES } from './likelihood.js';
export type { LikelihoodOptions, LikelihoodResult } from './likelihood.js';
export type { FinalDenoise } from './final-denoise.js';
export type { GenerativeSteppingOptions } from './time-span.js';
