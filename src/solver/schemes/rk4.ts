/**
 * The classical fourth-order Runge–Kutta method. Order 4, four drift evaluations per step, no error
 * estimate (use `'dopri5'` for adaptive steps).
 */
import { explicitRungeKutta } from './explicit-rk.js';

/**
 * Classical RK4 (`'rk4'`), order 4, fixed steps only.
 *
 * @example
 * ```ts
 * const sol = await integrate(term, 'rk4', y0, { t0: 0, t1: 1, steps: 20 });
 * ```
 */
export const rk4 = explicitRungeKutta({
  name: 'rk4',
  order: 4,
  description: 'classical Runge–Kutta, order 4, 4 drift evaluations per step',
  tableau: {
    a: [[], [0.5], [0, 0.5], [0, 0, 1]],
    b: [1 / 6, 1 / 3, 1 / 3, 1 / 6],
    c: [0, 0.5, 0.5, 1],
  },
});
