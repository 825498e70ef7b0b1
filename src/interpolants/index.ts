/**
 * Stochastic interpolants: γ options, the spatially linear families, custom interpolants and the registry.
 */
export {
  GAMMA_NAMES,
  makeGamma,
  sqrtGamma,
  quadraticGamma,
  sin2Gamma,
  sigmoidGamma,
  zeroGamma,
} from './gamma.js';
export type { GammaName, GammaOptions, GammaSchedule, GammaValues, SingularEnds } from './gamma.js';
export type { Interpolant, InterpolantCoefficients, InterpolantSample } from './types.js';
export type { InterpolantOptions } from './options.js';
export { SpatiallyLinearInterpolant } from './spatially-linear.js';
export type { SpatiallyLinearConfig } from './spatially-linear.js';
export { linearInterpolant, oneSidedLinearInterpolant } from './linear.js';
export { trigInterpolant, oneSidedTrigInterpolant } from './trig.js';
export { vpTrigInterpolant } from './vp-trig.js';
export { encoderDecoderInterpolant } from './encoder-decoder.js';
export { oneSidedVpInterpolant } from './one-sided-vp.js';
export { mirrorInterpolant } from './mirror.js';
export { customGamma, customInterpolant } from './custom.js';
export type { CustomGammaOptions, CustomInterpolantOptions } from './custom.js';
export { INTERPOLANT_NAMES, interpolantNames, makeInterpolant, registerInterpolant, unregisterInterpolant } from './registry.js';
export type { InterpolantFactory, InterpolantName } from './registry.js';
