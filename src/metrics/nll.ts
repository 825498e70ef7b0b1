/**
 * The negative log-likelihood as a metric: the sample mean of `−log ρ̂(x_i)`. The model's NLL through the
 * probability-flow ODE likelihood lives with the likelihood, in `samplers/likelihood.ts`
 * (`stochastic-interpolants/samplers`); the library does not import the samplers, so the earlier entry point
 * here is a deprecated alias that the likelihood module provides when it is loaded (the root entry point loads
 * it, through the comparison subsystem).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '../errors.js';
import type { Field } from '../fields/types.js';
import { checkTensor1D } from '../validate.js';

/**
 * `−mean_i ℓ_i` for log densities `ℓ: [batch]`, read back as a number (nats per sample; divide by the event
 * size for nats per dimension). The tensor is borrowed.
 *
 * @example
 * ```ts
 * const r = await logLikelihood(x, { velocity: b, baseLogDensity: standardNormalLogDensity, steps: 100 });
 * const nll = await meanNegativeLogDensity(r.logDensity);
 * r.dispose();
 * ```
 */
export async function meanNegativeLogDensity(logDensity: tf.Tensor1D): Promise<number> {
  checkTensor1D('meanNegativeLogDensity', 'logDensity', logDensity);
  const values = await logDensity.data();
  let sum = 0;
  for (const v of values) sum += v;
  return -sum / values.length;
}

/** What the deprecated {@link negativeLogLikelihood} needs of its options (the likelihood's options). */
export interface NegativeLogLikelihoodOptions {
  velocity: Field;
  baseLogDensity: (x0: tf.Tensor2D) => tf.Tensor1D;
}

type NegativeLogLikelihood = (x: tf.Tensor, options: NegativeLogLikelihoodOptions) => Promise<number>;
let provided: NegativeLogLikelihood | undefined;

/**
 * @internal Called by `samplers/likelihood.ts` when it loads: the implementation behind the deprecated
 * {@link negativeLogLikelihood} of the library entry (the dependency points from the samplers to the library).
 */
export function provideNegativeLogLikelihood(implementation: NegativeLogLikelihood): void {
  provided = implementation;
}

/**
 * `−mean_i log ρ̂1(x_i)` for the flow `dX = b dt` from the base density, in nats per sample.
 *
 * @deprecated Import `negativeLogLikelihood` from `stochastic-interpolants/samplers` (it moved next to
 *   `logLikelihood`; same options, same numbers). This alias runs that function once the samplers' likelihood
 *   module is loaded (the root entry point loads it).
 * @throws ArgumentError when the samplers' likelihood module has not been loaded
 * @example
 * ```ts
 * import { negativeLogLikelihood } from 'stochastic-interpolants/samplers';
 * const nll = await negativeLogLikelihood(x, { velocity: b, baseLogDensity: standardNormalLogDensity, steps: 100 });
 * ```
 */
export async function negativeLogLikelihood<O extends NegativeLogLikelihoodOptions>(x: tf.Tensor, options: O): Promise<number> {
  if (provided === undefined) {
    throw new ArgumentError('negativeLogLikelihood', 'x', "a call after 'stochastic-interpolants/samplers' is loaded (the NLL lives with the likelihood there; import it from that entry)", 'a call before it was loaded');
  }
  return provided(x, options);
}
