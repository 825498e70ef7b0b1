/**
 * Internal: float64 checks of user-supplied coefficient functions (boundary values, derivatives against
 * finite differences, finiteness of the products at the ends).
 */
import { ArgumentError, describeValue } from '../errors.js';

/** Interior points where derivatives are checked (irregular, so no kink sits on one by accident). */
const CHECK_POINTS = [0.113, 0.237, 0.389, 0.461, 0.547, 0.683, 0.821, 0.907] as const;

/** Default relative tolerance of the derivative check. */
export const DEFAULT_DERIVATIVE_TOLERANCE = 1e-6;

/** Central difference with one Richardson step: error O(h⁴). */
function finiteDifference(f: (t: number) => number, t: number, h = 1e-3): number {
  const d = (k: number) => (f(t + k) - f(t - k)) / (2 * k);
  return (4 * d(h / 2) - d(h)) / 3;
}

/** Throws unless `value` is a function. */
export function checkFunction(fn: string, arg: string, value: unknown): asserts value is (t: number) => number {
  if (typeof value !== 'function') throw new ArgumentError(fn, arg, 'a function (t: number) => number', describeValue(value));
}

/** Calls `f(t)` and throws unless it returns a finite number. */
export function finiteValue(fn: string, arg: string, label: string, f: (t: number) => number, t: number): number {
  const v = f(t);
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ArgumentError(fn, arg, `a function returning finite numbers on [0, 1]`, `${label}(${t}) = ${describeValue(v)}`);
  }
  return v;
}

/** Throws unless `f(t) = expected` within `atol`. */
export function checkBoundary(
  fn: string,
  arg: string,
  label: string,
  f: (t: number) => number,
  t: number,
  expected: number,
  atol = 1e-9,
): void {
  const v = f(t);
  if (!(Math.abs(v - expected) <= atol)) {
    throw new ArgumentError(fn, arg, `a function with ${label}(${t}) = ${expected} (boundary condition)`, `${label}(${t}) = ${describeValue(v)}`);
  }
}

/** Throws unless `df` agrees with a finite difference of `f` at every check point. */
export function checkDerivative(
  fn: string,
  arg: string,
  label: string,
  f: (t: number) => number,
  df: (t: number) => number,
  tolerance: number,
): void {
  for (const t of CHECK_POINTS) {
    const fd = finiteDifference(f, t);
    const given = df(t);
    if (!(Math.abs(given - fd) <= tolerance * (1 + Math.abs(fd)))) {
      throw new ArgumentError(
        fn,
        arg,
        `the derivative of ${label} (checked against a central finite difference, relative tolerance ${tolerance})`,
        `d${label}(${t}) = ${describeValue(given)} but the finite difference gives ${fd}`,
      );
    }
  }
}

/** Throws unless `product(t) = f(t)·df(t)` at the check points. */
export function checkProduct(
  fn: string,
  arg: string,
  label: string,
  product: (t: number) => number,
  f: (t: number) => number,
  df: (t: number) => number,
  tolerance: number,
): void {
  for (const t of CHECK_POINTS) {
    const expected = f(t) * df(t);
    const given = product(t);
    if (!(Math.abs(given - expected) <= tolerance * (1 + Math.abs(expected)))) {
      throw new ArgumentError(fn, arg, `the product ${label} in closed form`, `${describeValue(given)} at t = ${t}, but the product is ${expected}`);
    }
  }
}
