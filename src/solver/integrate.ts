/**
 * `integrate` and `integrateSync`: the two drivers of the one step loop ({@link solveLoop}).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { AbortError } from './errors.js';
import { solveLoop } from './loop.js';
import type { SolveLoop } from './loop.js';
import { preparePlan } from './options.js';
import type { IntegrateOptions, Plan } from './options.js';
import type { Scheme, Solution, SolverProgress, Term } from './types.js';

/** How long the async driver computes before yielding to the event loop (milliseconds). */
const YIELD_INTERVAL_MS = 20;

const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => {
    const immediate = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;
    if (immediate !== undefined) immediate(resolve);
    else setTimeout(resolve, 0);
  });

function abortError(plan: Plan, last: SolverProgress | undefined): AbortError {
  const detail =
    last === undefined
      ? `before the first step (t0 = ${plan.t0})`
      : `at t = ${last.t} after ${last.acceptedSteps} accepted steps (${Math.round(last.fraction * 100)}% of [${plan.t0}, ${plan.t1}])`;
  return new AbortError(plan.fn, last?.t ?? plan.t0, detail, plan.signal?.reason);
}

/**
 * Integrates `dY = drift(t, Y) dt + g(t, Y)·dW` from `t0` to `t1` starting at `y0`: the one solver loop
 * every sampler in the library runs. The state is `[batch, ...event]` of any rank ≥ 2; the noise is
 * diagonal (`term.diffusion`, `g ⊙ dW`) or general (`term.diffusionProd` with `term.noiseShape`).
 *
 * - Fixed steps: `options.steps` (uniform grid) or `options.grid` (user grid; see {@link uniformGrid}).
 * - Adaptive steps: `options.adaptive` with an error-estimating scheme (`'dopri5'`, `'heun'`, `'midpoint'`,
 *   `'stochastic-heun'`); PI step-size control, see {@link AdaptiveOptions}.
 * - Backward in time when `t1 < t0` (steps have `dt < 0`; noise increments have variance `|dt|`).
 * - `saveAt` returns intermediate states; `progress` reports each accepted step; `signal` cancels.
 *
 * Checks before computing anything: every argument (ArgumentError naming it) and that the scheme fits
 * the term (what the scheme requires — no diffusion, a diffusion, an energy, a calculus — against what the
 * term offers; see `compatibilityProblem`). Reads back only at
 * boundaries: `y0` and the final state once each (finiteness; `checkFinite: false` skips) and, adaptive,
 * one scalar error norm per step.
 *
 * @param term - drift, optional diffusion and noise
 * @param scheme - a {@link Scheme} or a registered name (`'euler'`, `'heun'`, `'midpoint'`, `'rk4'`,
 *   `'dopri5'`, `'euler-maruyama'`, `'stochastic-heun'`, or your own from `registerScheme`)
 * @param y0 - initial state, a float32 `[batch, ...event]` tensor (borrowed: not disposed)
 * @param options - see {@link IntegrateOptions}
 * @returns the final state (the shape and type of `y0`), saved states and statistics (`stats.scheme`: the
 *   scheme's summed step summaries); the caller owns its tensors (`dispose()`).
 * @throws ArgumentError for bad arguments or an incompatible scheme; SolverError when adaptive steps
 *   underflow `minStep`, exceed `maxSteps`, or the state becomes non-finite; AbortError when aborted.
 * @example
 * ```ts
 * // y' = −y from t = 0 to 1 with RK4: y(1) = y0·e^−1
 * const sol = await integrate({ drift: (_t, y) => tf.neg(y) }, 'rk4', tf.ones([4, 2]), { steps: 20 });
 * sol.y.print(); // ≈ 0.3679 everywhere
 * sol.dispose();
 * ```
 */
export async function integrate<T extends tf.Tensor = tf.Tensor>(
  term: Term,
  scheme: Scheme | string,
  y0: T,
  options: IntegrateOptions = {},
): Promise<Solution<T>> {
  const plan = preparePlan('integrate', term, scheme, y0, options);
  const { signal, progress } = plan;
  if (signal?.aborted) throw abortError(plan, undefined);
  const loop: SolveLoop = solveLoop(plan);
  let last: SolverProgress | undefined;
  let lastYield = performance.now();
  try {
    let r = loop.next();
    while (!r.done) {
      const request = r.value;
      if (request.kind === 'read') {
        r = loop.next(await request.tensor.data());
        continue;
      }
      if (request.accepted) {
        last = request.progress;
        progress?.(request.progress);
      }
      if (performance.now() - lastYield >= YIELD_INTERVAL_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
      if (signal?.aborted) throw abortError(plan, last);
      r = loop.next();
    }
    return r.value as unknown as Solution<T>;
  } catch (error) {
    loop.return(undefined as unknown as Solution);
    throw error;
  }
}

/**
 * The synchronous driver of the same loop as {@link integrate}: for code that cannot await, above all
 * gradient tapes (`tf.grad`, `tf.variableGrads`) that differentiate through the solve (the fBM neural SDE
 * backpropagates through it). Same options; `progress` is called and a signal that is already aborted (or
 * gets aborted from inside `progress` or a field) stops the solve with an AbortError.
 *
 * Read-backs use `dataSync()` (adaptive: one scalar per step); pass `checkFinite: false` to skip the two
 * finiteness reads in hot loops.
 *
 * @returns the same {@link Solution}; under a tape its tensors are differentiable functions of `y0` and
 *   of the variables the term uses.
 * @example
 * ```ts
 * const theta = tf.variable(tf.scalar(0.5));
 * const { value, grads } = tf.variableGrads(() => {
 *   const sol = integrateSync({ drift: (_t, y) => tf.mul(y, theta) }, 'rk4', y0, { steps: 10, checkFinite: false });
 *   return tf.sum(sol.y) as tf.Scalar; // d/dθ of Σ y0·e^θ
 * });
 * ```
 */
export function integrateSync<T extends tf.Tensor = tf.Tensor>(term: Term, scheme: Scheme | string, y0: T, options: IntegrateOptions = {}): Solution<T> {
  const plan = preparePlan('integrateSync', term, scheme, y0, options);
  const { signal, progress } = plan;
  if (signal?.aborted) throw abortError(plan, undefined);
  const loop: SolveLoop = solveLoop(plan);
  let last: SolverProgress | undefined;
  try {
    let r = loop.next();
    while (!r.done) {
      const request = r.value;
      if (request.kind === 'read') {
        r = loop.next(request.tensor.dataSync());
        continue;
      }
      if (request.accepted) {
        last = request.progress;
        progress?.(request.progress);
      }
      if (signal?.aborted) throw abortError(plan, last);
      r = loop.next();
    }
    return r.value as unknown as Solution<T>;
  } catch (error) {
    loop.return(undefined as unknown as Solution);
    throw error;
  }
}
