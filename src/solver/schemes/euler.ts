/**
 * Explicit Euler: `y1 = y0 + h f(t0, y0)`. Order 1, one drift evaluation per step.
 */
import { explicitRungeKutta } from './explicit-rk.js';

/**
 * The explicit Euler scheme (`'euler'`), order 1, not adaptive.
 *
 * @example
 * ```ts
 * const sol = await integrate(term, euler, y0, { steps: 100 });
 * ```
 */
export const euler = explicitRungeKutta({
  name: 'euler',
  order: 1,
  description: 'explicit Euler, order 1, 1 drift evaluation per step',
  tableau: { a: [[]], b: [1], c: [0] },
});
