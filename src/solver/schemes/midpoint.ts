/**
 * Explicit midpoint: `k1 = f(t0, y0)`, `k2 = f(t0 + h/2, y0 + h k1/2)`, `y1 = y0 + h k2`. Order 2; the
 * embedded Euler solution gives the error estimate `h (k2 − k1)`.
 */
import { explicitRungeKutta } from './explicit-rk.js';

/**
 * The explicit midpoint scheme (`'midpoint'`), order 2, adaptive through its embedded Euler step.
 *
 * @example
 * ```ts
 * const sol = await integrate(term, 'midpoint', y0, { steps: 50 });
 * ```
 */
export const midpoint = explicitRungeKutta({
  name: 'midpoint',
  order: 2,
  errorOrder: 1,
  description: 'explicit midpoint, order 2, 2 drift evaluations per step (embedded Euler error estimate)',
  tableau: { a: [[], [0.5]], b: [0, 1], c: [0, 0.5], bHat: [1, 0] },
});
