/**
 * Recognising and checking distributions at the public boundary.
 */
import { ArgumentError, describeValue } from '../errors.js';
import type { AnyDistribution, AsyncDistribution, Distribution, LabelledDistribution } from './types.js';

function hasEventShape(value: unknown): value is { eventShape: readonly number[] } {
  if (typeof value !== 'object' || value === null) return false;
  const shape = (value as { eventShape?: unknown }).eventShape;
  return Array.isArray(shape) && shape.every((s) => typeof s === 'number' && Number.isInteger(s) && s >= 1);
}

/**
 * Whether `value` is a {@link Distribution} (an event shape and a `sample` function).
 *
 * @example
 * ```ts
 * isDistribution(getDataset('moons')); // true
 * ```
 */
export function isDistribution(value: unknown): value is Distribution {
  return hasEventShape(value) && typeof (value as { sample?: unknown }).sample === 'function';
}

/**
 * Whether `value` is an {@link AsyncDistribution} (an event shape and a `sampleAsync` function).
 *
 * @example
 * ```ts
 * isAsyncDistribution(toAsync(standardNormal([2]))); // true
 * ```
 */
export function isAsyncDistribution(value: unknown): value is AsyncDistribution {
  return hasEventShape(value) && typeof (value as { sampleAsync?: unknown }).sampleAsync === 'function';
}

/**
 * Whether `value` is a {@link LabelledDistribution}.
 *
 * @example
 * ```ts
 * isLabelledDistribution(labelledMixture([standardNormal([2])])); // true
 * ```
 */
export function isLabelledDistribution(value: unknown): value is LabelledDistribution {
  return (
    isDistribution(value) &&
    typeof (value as { sampleLabelled?: unknown }).sampleLabelled === 'function' &&
    Number.isInteger((value as unknown as { numClasses?: unknown }).numClasses) &&
    (value as unknown as { numClasses: number }).numClasses >= 1
  );
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Throws unless `value` is a {@link Distribution} (of event shape `eventShape`, when given); returns it.
 *
 * @example
 * ```ts
 * checkDistribution('train', 'options.base', base, [2]);
 * ```
 */
export function checkDistribution(fn: string, arg: string, value: unknown, eventShape?: readonly number[]): Distribution {
  if (!isDistribution(value)) throw new ArgumentError(fn, arg, 'a distribution { eventShape, sample(n, seeds) }', describeValue(value));
  checkShape(fn, arg, value, eventShape);
  return value;
}

/**
 * Throws unless `value` is a synchronous or asynchronous distribution (of event shape `eventShape`, when given).
 *
 * @example
 * ```ts
 * checkAnyDistribution('drawSamples', 'source', flow);
 * ```
 */
export function checkAnyDistribution(fn: string, arg: string, value: unknown, eventShape?: readonly number[]): AnyDistribution {
  if (!isDistribution(value) && !isAsyncDistribution(value)) {
    throw new ArgumentError(fn, arg, 'a distribution { eventShape, sample(n, seeds) } or { eventShape, sampleAsync(n, seeds) }', describeValue(value));
  }
  checkShape(fn, arg, value, eventShape);
  return value;
}

function checkShape(fn: string, arg: string, value: AnyDistribution, eventShape?: readonly number[]): void {
  if (eventShape === undefined) return;
  const s = value.eventShape;
  if (s.length !== eventShape.length || s.some((v, i) => v !== eventShape[i])) {
    throw new ArgumentError(fn, arg, `a distribution of event shape ${shapeText(eventShape)}`, `event shape ${shapeText(s)}`);
  }
}
