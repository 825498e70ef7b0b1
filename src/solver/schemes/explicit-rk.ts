/**
 * Explicit Runge–Kutta schemes from a Butcher tableau: the shared machinery behind `euler`, `midpoint`,
 * `heun`, `rk4` and `dopri5`, exported so users can add their own tableaus.
 *
 * For a tableau (a, b, c) and step h = t1 − t0 (negative backward):
 *   k_i = f(t0 + c_i h, y0 + h Σ_{j<i} a_ij k_j),   y1 = y0 + h Σ_i b_i k_i,
 * and with embedded weights b̂ the error estimate is h Σ_i (b_i − b̂_i) k_i. With FSAL ("first same as
 * last": the last stage is evaluated at (t1, y1)) the last derivative is carried to the next step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, describeValue } from '../../errors.js';
import type { Scheme, StepResult, Term } from '../types.js';

/** A Butcher tableau. */
export interface ButcherTableau {
  /** Stage coefficients: row i holds a_i0 … a_i(i−1) (row 0 is empty). */
  a: readonly (readonly number[])[];
  /** Weights b_i of the solution. */
  b: readonly number[];
  /** Nodes c_i (c_0 = 0). */
  c: readonly number[];
  /** Weights b̂_i of the embedded solution; gives the scheme an error estimate (adaptive). */
  bHat?: readonly number[];
  /**
   * First same as last: the last stage is evaluated at (t1, y1) (its row of a equals b, c = 1); its
   * derivative is reused as the next step's first stage.
   * @default false
   */
  fsal?: boolean;
}

/** What {@link explicitRungeKutta} needs besides the tableau. */
export interface ExplicitRungeKuttaOptions {
  /** Registry name. */
  name: string;
  /** Order of the solution (global error O(h^order)). */
  order: number;
  /**
   * Order of the embedded solution (with `bHat`).
   * @default order − 1
   */
  errorOrder?: number;
  /** One-line description. */
  description: string;
  tableau: ButcherTableau;
}

/** Scheme state of FSAL tableaus: the derivative at the end of the last accepted step. */
export interface FsalState {
  /** f(t1, y1) of the previous step: the state's shape. */
  k: tf.Tensor;
}

/** `base + h Σ coeffs_j · ks_j`, skipping zero coefficients (`base` omitted: just the sum). */
function combine(base: tf.Tensor | undefined, h: number, coeffs: readonly number[], ks: readonly tf.Tensor[]): tf.Tensor {
  const terms: tf.Tensor[] = [];
  coeffs.forEach((c, j) => {
    if (c !== 0) terms.push(tf.mul(ks[j]!, h * c));
  });
  if (terms.length === 0) return base ?? (tf.zerosLike(ks[0]!));
  const sum = terms.length === 1 ? terms[0]! : (tf.addN(terms));
  return base === undefined ? sum : (tf.add(base, sum));
}

const close = (x: number, y: number) => Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(y));

function checkTableau(name: string, t: ButcherTableau): void {
  const fn = 'explicitRungeKutta';
  const s = t.b.length;
  const bad = (what: string, got: unknown) => new ArgumentError(fn, `tableau of '${name}'`, what, describeValue(got));
  if (s < 1) throw bad('at least one stage (b non-empty)', t.b);
  if (t.c.length !== s || t.a.length !== s) throw bad(`a, b and c with ${s} stages`, { a: t.a.length, c: t.c.length });
  t.a.forEach((row, i) => {
    if (row.length !== i) throw bad(`row ${i} of a with ${i} entries (explicit, lower-triangular)`, row);
  });
  if (t.c[0] !== 0) throw bad('c[0] = 0', t.c[0]);
  if (t.bHat !== undefined && t.bHat.length !== s) throw bad(`bHat with ${s} entries`, t.bHat);
  if (t.fsal) {
    const last = t.a[s - 1]!;
    if (!close(t.c[s - 1]!, 1) || t.b[s - 1] !== 0 || !last.every((v, j) => close(v, t.b[j]!))) {
      throw bad('an FSAL tableau (last row of a equal to b, c_last = 1, b_last = 0)', t.a[s - 1]);
    }
  }
  for (const v of [...t.b, ...t.c, ...t.a.flat(), ...(t.bHat ?? [])]) {
    if (!Number.isFinite(v)) throw bad('finite coefficients', v);
  }
}

/**
 * Builds an ODE {@link Scheme} from a Butcher tableau.
 *
 * @returns a scheme of kind `'ode'`, adaptive when `bHat` is given; with `fsal` its state is
 *   {@link FsalState}.
 * @example
 * ```ts
 * const ralston = explicitRungeKutta({
 *   name: 'ralston', order: 2, description: "Ralston's second-order method",
 *   tableau: { a: [[], [2 / 3]], b: [1 / 4, 3 / 4], c: [0, 2 / 3] },
 * });
 * registerScheme(ralston);
 * ```
 */
export function explicitRungeKutta(options: ExplicitRungeKuttaOptions): Scheme<FsalState> {
  const { name, order, description, tableau } = options;
  checkTableau(name, tableau);
  const { a, b, c, bHat, fsal = false } = tableau;
  const s = b.length;
  const errorWeights = bHat?.map((v, i) => b[i]! - v);
  return {
    name,
    kind: 'ode',
    requires: { diffusion: 'none' },
    order,
    errorOrder: bHat === undefined ? undefined : (options.errorOrder ?? order - 1),
    stagesPerStep: fsal ? s - 1 : s,
    adaptive: bHat !== undefined,
    description,
    step(term: Term, t0: number, t1: number, y: tf.Tensor, _dW: tf.Tensor | undefined, state: FsalState | undefined): StepResult<FsalState> {
      const h = t1 - t0;
      const ks: tf.Tensor[] = [fsal && state !== undefined ? state.k : term.drift(t0, y)];
      let y1: tf.Tensor | undefined;
      for (let i = 1; i < s; i++) {
        const yi = combine(y, h, a[i]!, ks);
        const last = fsal && i === s - 1;
        if (last) y1 = yi;
        ks.push(term.drift(last ? t1 : t0 + c[i]! * h, yi));
      }
      if (y1 === undefined) y1 = combine(y, h, b, ks);
      const error = errorWeights === undefined ? undefined : combine(undefined, h, errorWeights, ks);
      return { y1, error, state: fsal ? { k: ks[s - 1]! } : undefined };
    },
    tensors: (state: FsalState) => [state.k],
  };
}
