/**
 * Dormand–Prince 5(4) (Dormand & Prince 1980; `ode45`, `DOPRI5`, diffrax `Dopri5`): a fifth-order solution
 * with an embedded fourth-order one for the error estimate; seven stages, the last evaluated at (t1, y1)
 * and reused as the next step's first (FSAL), so six drift evaluations per accepted step.
 */
import { explicitRungeKutta } from './explicit-rk.js';

/**
 * Dormand–Prince 5(4) (`'dopri5'`), order 5, error order 4, FSAL; the adaptive ODE default.
 *
 * @example
 * ```ts
 * const sol = await integrate(term, 'dopri5', y0, { t0: 0, t1: 1, adaptive: { rtol: 1e-5, atol: 1e-7 } });
 * sol.stats; // { nfe, acceptedSteps, rejectedSteps, ... }
 * ```
 */
export const dopri5 = explicitRungeKutta({
  name: 'dopri5',
  order: 5,
  errorOrder: 4,
  description: 'Dormand–Prince 5(4), order 5, FSAL (6 drift evaluations per step), embedded error estimate for adaptive steps',
  tableau: {
    a: [
      [],
      [1 / 5],
      [3 / 40, 9 / 40],
      [44 / 45, -56 / 15, 32 / 9],
      [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
      [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
      [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
    ],
    b: [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0],
    c: [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1],
    bHat: [5179 / 57600, 0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40],
    fsal: true,
  },
});
