/**
 * Resolving a base or target law given as a distribution or as the legacy string `'gaussian'`.
 */
import { ArgumentError, describeValue } from '../errors.js';
import { checkEventShape } from '../validate.js';
import { checkDistribution, isDistribution } from './check.js';
import { standardNormal } from './standard-normal.js';
import type { Distribution } from './types.js';

/**
 * A distribution from a `Distribution` (a dataset included) or the string `'gaussian'`, which means
 * {@link standardNormal} on events of shape `eventShape` (the same draws as the former `'gaussian'` base:
 * one `tf.randomNormal` from one seed of the stream). When `eventShape` is given, the distribution must
 * have it.
 *
 * @throws ArgumentError naming `fn` and `arg` for anything else, or a distribution of another event shape
 * @example
 * ```ts
 * const base = resolveDistribution('drawTrainingBatch', 'options.base', options.base ?? 'gaussian', target.eventShape);
 * ```
 */
export function resolveDistribution(fn: string, arg: string, value: unknown, eventShape?: readonly number[]): Distribution {
  if (value === 'gaussian') {
    if (eventShape === undefined) {
      throw new ArgumentError(fn, arg, "a distribution ('gaussian' needs the event shape of the data)", describeValue(value));
    }
    return standardNormal(checkEventShape(fn, 'eventShape', eventShape));
  }
  if (!isDistribution(value)) {
    throw new ArgumentError(fn, arg, "a distribution { eventShape, sample(n, seeds) } (a dataset) or 'gaussian'", describeValue(value));
  }
  return checkDistribution(fn, arg, value, eventShape);
}
