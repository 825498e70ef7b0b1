/**
 * Heun's method (explicit trapezoid): `k1 = f(t0, y0)`, `k2 = f(t1, y0 + h k1)`, `y1 = y0 + h (k1 + k2)/2`.
 * Order 2; the embedded Euler solution gives the error estimate `h (k2 − k1)/2`.
 */
import { explicitRungeKutta } from './explicit-rk.js';

/**
 * Heun's scheme (`'heun'`), order 2, adaptive through its embedded Euler step.
 *
 * @example
 * ```ts
 * const sol = await integrate(term, 'heun', y0, { steps: 50 });
 * ```
 */
export const heun = explicitRungeKutta({
  name: 'heun',
  order: 2,
  errorOrder: 1,
  description: "Heun's method (explicit trapezoid), order 2, 2 drift evaluations per step (embedded Euler error estimate)",
  tableau: { a: [[], [1]], b: [0.5, 0.5], c: [0, 1], bHat: [1, 0] },
});
