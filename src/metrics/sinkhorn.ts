/**
 * Debiased Sinkhorn divergence (entropic optimal transport) between two sample sets.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber } from '../errors.js';
import { checkOptions } from '../data/validate.js';
import { asFloat, centrePooled, checkSampleSets, finiteFlag, squaredDistances, throwIfNotFinite } from './validate.js';

/** Options of {@link sinkhorn} and {@link sinkhornDivergence}. */
export interface SinkhornOptions {
  /**
   * Entropic regularisation ε, in the units of the cost `|x − y|²` (an absolute value). When omitted,
   * `ε = relativeEpsilon · s²` with `s² = (1/(n+m)) Σ |z − z̄|²` over the pooled samples z (the trace of their
   * covariance), so the default adapts to the data's scale.
   */
  epsilon?: number;
  /** ε relative to the data scale s², used when `epsilon` is not given. @default 0.01 (blur √ε = 0.1 s) */
  relativeEpsilon?: number;
  /** Cap on the Sinkhorn iterations of each of the three problems (annealing stages included). @default 1000 */
  maxIterations?: number;
  /**
   * Stop when the transport plan's marginals are this close to uniform, in total variation: the L1 error
   * `Σ_i |(P 1)_i − 1/n| + Σ_j |(Pᵀ 1)_j − 1/m|` (a mass fraction). float32 round-off floors it near
   * `1e-7 · max C / ε` (1e-5 for ε = 0.01 s², more for smaller ε), so a much smaller tolerance only runs to
   * `maxIterations`. At the default the debiased value is typically accurate to ~1e-5 relative.
   * @default 1e-3
   */
  tolerance?: number;
  /**
   * Over-relaxation ω ∈ [1, 2) of the cross problem OT_ε(a, b) at the target ε: each log-domain potential
   * moves to `(1 − ω) old + ω new` (SOR on the Sinkhorn fixed point; same solution, 2–3× fewer iterations
   * at small ε). It is switched on once the marginal error is below 0.1, and safeguarded: a block of iterations
   * that lowers the dual objective is discarded and ω − 1 is halved. ω = 1 is plain Sinkhorn.
   * @default 1.9
   */
  overrelaxation?: number;
  /**
   * Factor q ∈ (0, 1) of the ε-annealing: the cross problem first runs a few iterations at each
   * ε_k = s² q^k (k = 0, 1, …) above the target ε, which starts the target solve near its solution.
   * @default 0.25
   */
  epsilonScaling?: number;
}

/** What {@link sinkhorn} computed. */
export interface SinkhornResult {
  /** The debiased divergence `S_ε = OT_ε(a,b) − ½ OT_ε(a,a) − ½ OT_ε(b,b)`. */
  divergence: number;
  /** `OT_ε(a, b)`, `OT_ε(a, a)`, `OT_ε(b, b)` (dual values). */
  ot: { ab: number; aa: number; bb: number };
  /** The ε used (absolute, in cost units). */
  epsilon: number;
  /** Iterations used by each problem. */
  iterations: { ab: number; aa: number; bb: number };
  /** Final marginal errors (see {@link SinkhornOptions.tolerance}). */
  marginalError: { ab: number; aa: number; bb: number };
  /** Whether all three problems met the tolerance within `maxIterations`. */
  converged: boolean;
}

interface Settings {
  epsilon: number;
  maxIterations: number;
  tolerance: number;
  /** Over-relaxation factor of the cross problem. */
  omega: number;
  schedule: number[];
}

interface Solved {
  value: number;
  iterations: number;
  error: number;
}

/** Iterations of the cross problem between two convergence checks. */
const BLOCK = 20;
/** Iterations between two kernel rebuilds of the symmetric problems (they converge at rate ≤ ½). */
const SYMMETRIC_BLOCK = 10;
/** Inner iterations per annealing stage. */
const STAGE_ITERATIONS = 3;
/** Over-relaxation starts once the marginal error is below this. */
const RELAX_BELOW = 0.1;
/** The cross problem rebuilds its kernel when a log-scaling exceeds this in magnitude. */
const ABSORB_ABOVE = 10;
/** Guard against dividing by an underflowed kernel product. */
const TINY = 1e-30;

/**
 * The cross problem OT_ε(a, b), uniform weights, cost C `[n, m]`.
 *
 * Log-domain potentials f `[n]`, g `[m]` (plan `P_ij = r_i c_j exp((f_i + g_j − C_ij)/ε)`). At each new ε the
 * first block starts with the log-sum-exp update of MATH.md §4, `f_i ← −ε LSE_j(log c_j + (g_j − C_ij)/ε)`,
 * whose exponentials are kept as the stabilised kernel `K_ij = r_i c_j exp((f_i + g_j − C_ij)/ε)` (rows sum to
 * r_i exactly). Then the potentials move as scalings `f + ε log u`, `g + ε log v`, updated with vector–matrix
 * products (`u ← (r / K v)^ω u^{1−ω}`, `v ← (c / Kᵀu)^ω v^{1−ω}`) instead of a fresh exponential per step;
 * when a scaling leaves [e^−10, e^10] it is absorbed into f, g and K is rebuilt there (its entries are then
 * the current plan's, so nothing overflows). This is the log-stabilised Sinkhorn iteration: the fixed point of
 * the pure log-domain one, without overflow, and about 10× cheaper per iteration.
 * (In MATH.md's notation the potentials there are f + ε log r and g + ε log c.)
 */
async function solveCross(C: tf.Tensor2D, s: Settings): Promise<Solved> {
  const [n, m] = C.shape;
  const logR = -Math.log(n);
  const logC = -Math.log(m);
  // potentials f = f0 + ε log u, g = g0 + ε log v; the kernel K is built at (f0, g0)
  let f0 = tf.zeros([n, 1]) as tf.Tensor2D;
  let g0 = tf.zeros([1, m]) as tf.Tensor2D;
  let logu = tf.zeros([1, n]) as tf.Tensor2D;
  let logv = tf.zeros([1, m]) as tf.Tensor2D;
  let K: tf.Tensor2D | null = null;
  let KT: tf.Tensor2D | null = null;
  let iterations = 0;
  let error = Number.POSITIVE_INFINITY;
  let value = Number.NaN;
  let omega = s.omega;
  let eps = s.schedule[0]!;

  /** Absorbs the scalings into f0, g0 and builds K there: by log-sum-exp (new ε) or directly (same ε). */
  const rebuild = (newEps: number, logSumExp: boolean) => {
    const [f1, g1, K1, KT1] = tf.tidy(() => {
      const f = tf.add(f0, tf.mul(eps, tf.reshape(logu, [n, 1])));
      const g = tf.add(g0, tf.mul(eps, logv));
      const Cs = tf.mul(C, 1 / newEps);
      let k: tf.Tensor;
      let fk: tf.Tensor = f;
      if (logSumExp) {
        // the log-sum-exp update of f; its exponentials are the kernel (rows sum to r exactly)
        const M = tf.sub(tf.add(tf.div(g, newEps), logC), Cs); // [n, m]
        const mx = tf.max(M, 1, true); // [n, 1]
        const E = tf.exp(tf.sub(M, mx));
        const S = tf.sum(E, 1, true); // [n, 1]
        fk = tf.mul(-newEps, tf.add(mx, tf.log(S)));
        k = tf.mul(E, tf.div(Math.exp(logR), S));
      } else {
        // the current plan's entries r_i c_j exp((f_i + g_j − C_ij)/ε): bounded, nothing overflows
        k = tf.exp(tf.sub(tf.add(tf.div(f, newEps), tf.add(tf.div(g, newEps), logR + logC)), Cs));
      }
      return [fk, g, k, tf.transpose(k)]; // row-vector products are the fast ones on every backend
    });
    tf.dispose([f0, g0, logu, logv, K, KT].filter((t): t is tf.Tensor2D => t !== null));
    [f0, g0, K, KT] = [f1, g1, K1, KT1] as tf.Tensor2D[];
    logu = tf.zeros([1, n]);
    logv = tf.zeros([1, m]);
    eps = newEps;
  };

  try {
    for (let stage = 0; stage < s.schedule.length; stage++) {
      const final = stage === s.schedule.length - 1;
      // annealing stages only while they leave room for a reporting block at the target ε
      if (!final && iterations + STAGE_ITERATIONS + BLOCK > s.maxIterations) continue;
      rebuild(s.schedule[stage]!, true);
      do {
        const inner = final ? Math.min(BLOCK, s.maxIterations - iterations) : STAGE_ITERATIONS;
        // over-relaxation only near the solution (far from it, it can diverge); annealing stages are plain
        const w = final && error < RELAX_BELOW ? omega : 1;
        const [lu, lv, report] = tf.tidy(() => {
          let a: tf.Tensor = logu;
          let b: tf.Tensor = logv;
          for (let k = 0; k < inner; k++) {
            const Kv = tf.matMul(tf.exp(b), KT!); // (K v)ᵀ, [1, n]
            a = tf.add(tf.mul(1 - w, a), tf.mul(w, tf.sub(logR, tf.log(tf.maximum(Kv, TINY)))));
            const Ktu = tf.matMul(tf.exp(a), K!); // (Kᵀ u)ᵀ, [1, m]
            b = tf.add(tf.mul(1 - w, b), tf.mul(w, tf.sub(logC, tf.log(tf.maximum(Ktu, TINY)))));
          }
          if (!final) return [a, b];
          const u = tf.exp(a);
          const v = tf.exp(b);
          const rows = tf.mul(u, tf.matMul(v, KT!)); // plan row sums, [1, n]
          const cols = tf.mul(v, tf.matMul(u, K!)); // plan column sums, [1, m]
          const err = tf.add(tf.sum(tf.abs(tf.sub(rows, Math.exp(logR)))), tf.sum(tf.abs(tf.sub(cols, Math.exp(logC)))));
          // dual objective ⟨r, f⟩ + ⟨c, g⟩ − ε (Σ P − 1): a lower bound of OT_ε, tight at convergence
          const potentials = tf.add(tf.add(tf.mean(f0), tf.mean(g0)), tf.mul(eps, tf.add(tf.mean(a), tf.mean(b))));
          const dual = tf.sub(potentials, tf.mul(eps, tf.sub(tf.sum(rows), 1)));
          const drift = tf.maximum(tf.max(tf.abs(a)), tf.max(tf.abs(b)));
          return [a, b, tf.stack([err, dual, drift])];
        });
        iterations += inner;
        let drift = 0;
        if (report !== undefined) {
          const [blockError, blockValue, blockDrift] = await report.data();
          report.dispose();
          // the dual objective is a Lyapunov function of plain Sinkhorn (it never decreases); an over-relaxed
          // block that lowers it overshot: discard it, return to the last accepted potentials and halve ω − 1
          // for the rest of the solve (plain blocks, ω = 1, are always accepted)
          const slack = 1e-6 * Math.max(1, Math.abs(value));
          if (w > 1 && !(Number.isFinite(blockError!) && blockValue! >= value - slack)) {
            tf.dispose([lu!, lv!]);
            omega = 1 + (w - 1) / 2;
            continue;
          }
          error = blockError!;
          value = blockValue!;
          drift = blockDrift!;
        }
        tf.dispose([logu, logv]);
        logu = lu as tf.Tensor2D;
        logv = lv as tf.Tensor2D;
        if (final && !(error > s.tolerance)) break; // converged (a NaN error stops too)
        // scalings far from 1 lose precision: absorb them into the potentials and rebuild the kernel
        if (final && drift > ABSORB_ABOVE) rebuild(eps, false);
      } while (final && iterations < s.maxIterations);
    }
  } finally {
    tf.dispose([f0, g0, logu, logv, K, KT].filter((t): t is tf.Tensor2D => t !== null));
  }
  return { value, iterations, error };
}

/**
 * The symmetric problem OT_ε(a, a), uniform weights, cost C `[n, n]`. One potential f; the averaged update
 * `f ← ½ (f + T(f))` with `T(f)_i = −ε LSE_j(log r_j + (f_j − C_ij)/ε)` converges fast (rate ≤ ½ near the
 * solution, as the Gibbs kernel is positive semi-definite), so it needs no annealing. Same block structure as
 * the cross problem: kernel `K_ij = r_i r_j exp((f_i + f_j − C_ij)/ε)`, scaling `u ← (u · r / K u)^{1/2}`.
 */
async function solveSymmetric(C: tf.Tensor2D, s: Settings): Promise<Solved> {
  const n = C.shape[0];
  const logR = -Math.log(n);
  const eps = s.epsilon;
  let f = tf.zeros([n, 1]) as tf.Tensor2D;
  let iterations = 0;
  let error = Number.POSITIVE_INFINITY;
  let value = Number.NaN;
  const Cs = tf.mul(C, 1 / eps) as tf.Tensor2D;
  try {
    while (iterations < s.maxIterations) {
      const inner = Math.min(SYMMETRIC_BLOCK, s.maxIterations - iterations);
      const block = tf.tidy(() => {
        const fe = tf.div(f, eps); // [n, 1]
        const K = tf.exp(tf.sub(tf.add(tf.add(fe, tf.reshape(fe, [1, n])), 2 * logR), Cs)); // symmetric
        let logu: tf.Tensor = tf.zeros([1, n]);
        for (let k = 0; k < inner; k++) {
          const Ku = tf.matMul(tf.exp(logu), K); // (K u)ᵀ, [1, n]
          logu = tf.mul(0.5, tf.add(logu, tf.sub(logR, tf.log(tf.maximum(Ku, TINY)))));
        }
        const fNew = tf.add(f, tf.mul(eps, tf.reshape(logu, [n, 1]))) as tf.Tensor2D;
        const u = tf.exp(logu);
        const rows = tf.mul(u, tf.matMul(u, K));
        const err = tf.sum(tf.abs(tf.sub(rows, Math.exp(logR))));
        const dual = tf.sub(tf.mul(2, tf.mean(fNew)), tf.mul(eps, tf.sub(tf.sum(rows), 1)));
        return { fNew, report: tf.stack([err, dual]) };
      });
      f.dispose();
      f = block.fNew;
      iterations += inner;
      const [e, v] = await block.report.data();
      block.report.dispose();
      error = e!;
      value = v!;
      if (!(error > s.tolerance)) break;
    }
  } finally {
    Cs.dispose();
    f.dispose();
  }
  return { value, iterations, error };
}

/**
 * Entropic optimal transport between the empirical measures of `a` `[n, d]` and `b` `[m, d]` (uniform weights,
 * cost `C(x, y) = |x − y|²`, so OT_0 = W2²), and the debiased Sinkhorn divergence
 * `S_ε(a, b) = OT_ε(a, b) − ½ OT_ε(a, a) − ½ OT_ε(b, b)`, with
 * `OT_ε(α, β) = min_P ⟨C, P⟩ + ε KL(P ‖ α ⊗ β)` over couplings P of α and β.
 *
 * S_ε is symmetric, ≥ 0 (up to float32 round-off and the stopping tolerance), 0 for identical sets, exactly
 * `|v|²` when b is a translated by v (for every ε), and tends to W2² as ε → 0; its entropic bias is O(ε²) for
 * smooth densities, far below OT_ε's own O(ε log(1/ε)).
 *
 * Algorithm: log-domain Sinkhorn (MATH.md §4) in its log-stabilised form — potentials are kept in the log
 * domain, the Gibbs kernel is built from them with one log-sum-exp pass (and rebuilt whenever the multiplicative
 * corrections drift far from 1), and the iterations in between are vector–matrix products, so a step costs
 * two passes over the kernel instead of an exponential of the whole cost matrix. The cross problem is annealed
 * from ε = s² down to the target (factor `epsilonScaling`) and over-relaxed (`overrelaxation`); the symmetric
 * problems use the averaged update, which needs about ten steps. Memory: the cost matrix, the kernel and its
 * transpose (`[n, m]` each; 4000 × 4000 float32 is 64 MB per matrix).
 *
 * Read-backs: one small read at the start (finiteness and the data scale), then one of three numbers per 20
 * iterations for the convergence test; nothing per iteration.
 *
 * @throws ArgumentError for mismatched dimensions, empty or non-finite sets, bad options
 * @example
 * ```ts
 * const a = tf.randomNormal([1000, 2], 0, 1, 'float32', 1) as tf.Tensor2D;
 * const b = tf.add(a, [1, 0]) as tf.Tensor2D;
 * const r = await sinkhorn(a, b);   // r.divergence ≈ 1 (= |v|²), r.converged === true
 * ```
 */
export async function sinkhorn(a: tf.Tensor, b: tf.Tensor, options?: SinkhornOptions): Promise<SinkhornResult> {
  const fn = 'sinkhorn';
  checkSampleSets(fn, a, b);
  const opts = checkOptions(fn, options, ['epsilon', 'relativeEpsilon', 'maxIterations', 'tolerance', 'overrelaxation', 'epsilonScaling']);
  if (opts.epsilon !== undefined && opts.relativeEpsilon !== undefined) {
    throw new ArgumentError(fn, 'options.relativeEpsilon', 'absent when options.epsilon is given', String(opts.relativeEpsilon));
  }
  const absolute = opts.epsilon === undefined ? undefined : checkNumber(fn, 'options.epsilon', opts.epsilon, { min: 0, exclusiveMin: true });
  const relative = checkNumber(fn, 'options.relativeEpsilon', opts.relativeEpsilon ?? 0.01, { min: 0, exclusiveMin: true });
  const maxIterations = checkNumber(fn, 'options.maxIterations', opts.maxIterations ?? 1000, { integer: true, min: 1 });
  const tolerance = checkNumber(fn, 'options.tolerance', opts.tolerance ?? 1e-3, { min: 0 });
  const omega = checkNumber(fn, 'options.overrelaxation', opts.overrelaxation ?? 1.9, { min: 1, max: 1.99 });
  const q = checkNumber(fn, 'options.epsilonScaling', opts.epsilonScaling ?? 0.25, { min: 0.01, max: 0.99 });

  const [ac, bc] = tf.tidy(() => centrePooled(asFloat(a), asFloat(b)));
  try {
    const head = tf.tidy(() => {
      const s2 = tf.div(tf.add(tf.sum(tf.square(ac)), tf.sum(tf.square(bc))), a.shape[0] + b.shape[0]);
      return tf.stack([finiteFlag(a), finiteFlag(b), s2]);
    });
    const [finiteA, finiteB, s2] = await head.data();
    head.dispose();
    throwIfNotFinite(fn, a, b, finiteA!, finiteB!);
    const epsilon = absolute ?? relative * s2!;
    const zero = { ab: 0, aa: 0, bb: 0 };
    if (!(epsilon > 0)) {
      // every point of a and b coincides: nothing to transport
      return { divergence: 0, ot: zero, epsilon, iterations: zero, marginalError: zero, converged: true };
    }
    const schedule: number[] = [];
    for (let e = s2!; e > epsilon; e *= q) schedule.push(e);
    schedule.push(epsilon);
    const settings: Settings = { epsilon, maxIterations, tolerance, omega, schedule };

    const solveWith = async (x: tf.Tensor2D, y: tf.Tensor2D, symmetric: boolean) => {
      const C = tf.tidy(() => squaredDistances(x, y));
      try {
        return symmetric ? await solveSymmetric(C, settings) : await solveCross(C, settings);
      } finally {
        C.dispose();
      }
    };
    const ab = await solveWith(ac, bc, false);
    const aa = await solveWith(ac, ac, true);
    const bb = await solveWith(bc, bc, true);
    return {
      divergence: ab.value - 0.5 * aa.value - 0.5 * bb.value,
      ot: { ab: ab.value, aa: aa.value, bb: bb.value },
      epsilon,
      iterations: { ab: ab.iterations, aa: aa.iterations, bb: bb.iterations },
      marginalError: { ab: ab.error, aa: aa.error, bb: bb.error },
      converged: ab.error <= tolerance && aa.error <= tolerance && bb.error <= tolerance,
    };
  } finally {
    tf.dispose([ac, bc]);
  }
}

/**
 * The debiased Sinkhorn divergence `S_ε(a, b) = OT_ε(a, b) − ½ OT_ε(a, a) − ½ OT_ε(b, b)` with cost `|x − y|²`
 * (→ W2² as ε → 0), as a plain number; see {@link sinkhorn} for the definition, the algorithm, the options and
 * the convergence report.
 *
 * @example
 * ```ts
 * const s = await sinkhornDivergence(samples, reference);              // ε = 0.01 · s² by default
 * const t = await sinkhornDivergence(samples, reference, { epsilon: 0.05 });
 * ```
 */
export async function sinkhornDivergence(a: tf.Tensor, b: tf.Tensor, options?: SinkhornOptions): Promise<number> {
  return (await sinkhorn(a, b, options)).divergence;
}
