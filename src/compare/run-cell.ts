/**
 * Running one cell: sampling with a scheme at an NFE budget — fixed steps, or adaptive steps with the
 * tolerance that makes the solver use about that many function evaluations.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sampleSde } from '../../samplers/generative-sde.js';
import { sampleOde } from '../../samplers/probability-flow.js';
import type { Epsilon } from '../../samplers/epsilon.js';
import type { GenerativeSteppingOptions } from '../../samplers/time-span.js';
import { getScheme, stepsForNfe } from '../../samplers/registry.js';
import { brownianPath } from '../solver/brownian-path.js';
import type { Solution } from '../solver/types.js';
import type { CompareTarget } from './target.js';
import type { CompareCell } from './types.js';

/** The samples of a cell and what they cost. */
export interface CellRun {
  /** `[n, dim]`, owned by the caller. */
  samples: tf.Tensor2D;
  /** Drift evaluations used. */
  nfeUsed: number;
  /** Wall seconds of the sampling (including the read-back of the samples). */
  seconds: number;
  /** Fixed steps taken. */
  steps?: number;
  /** rtol = atol of an adaptive run. */
  tolerance?: number;
}

/** Tolerance bounds of the NFE → tolerance search (float32 states cannot honour much below 1e-7). */
export const TOLERANCE_RANGE: readonly [number, number] = [1e-7, 1];
/** First tolerance tried by the search. */
export const INITIAL_TOLERANCE = 1e-3;
/** Most solves of the search per cell. */
export const MAX_TOLERANCE_TRIALS = 5;

async function solve(target: CompareTarget, cell: Pick<CompareCell, 'sampler' | 'kind'> & { epsilon: Epsilon }, x0: tf.Tensor2D, noiseSeed: number, stepping: GenerativeSteppingOptions): Promise<{ sol: Solution; seconds: number }> {
  const started = performance.now();
  const sol =
    cell.kind === 'ode'
      ? await sampleOde(x0, { velocity: target.velocity, scheme: cell.sampler, tMin: target.tMin, ...stepping })
      : await sampleSde(x0, {
          velocity: target.velocity,
          // sampleSde does not evaluate the score when ε ≡ 0; compareSamplers checks it exists otherwise.
          score: target.score ?? target.velocity,
          epsilon: cell.epsilon,
          scheme: cell.sampler,
          tMin: target.sdeTMin,
          seed: noiseSeed,
          // One Brownian path for every SDE cell (same seed, same span): cells at different NFE and ε integrate
          // the same noise, so their differences show the sampler's error rather than fresh noise.
          noise: brownianPath(),
          ...stepping,
        });
  await sol.y.data();
  return { sol, seconds: (performance.now() - started) / 1000 };
}

function take(sol: Solution): tf.Tensor2D {
  const y = tf.clone(sol.y);
  sol.dispose();
  return y;
}

/**
 * Samples one cell from `x0` (borrowed). Fixed mode takes `stepsForNfe` steps. Adaptive mode runs with
 * rtol = atol = `tolerance` when given; otherwise it searches the tolerance whose NFE is closest to the
 * budget: starting at {@link INITIAL_TOLERANCE}, each trial rescales it by `(nfeUsed / nfe)^(q+1)` (q the
 * error order: NFE ∝ tol^(−1/(q+1))), for up to {@link MAX_TOLERANCE_TRIALS} solves, stopping within 10% of the
 * budget or at the bounds {@link TOLERANCE_RANGE}; the closest trial is kept and its time reported. Budgets
 * below what one adaptive step costs come back with a larger `nfeUsed`.
 */
export async function runCell(
  target: CompareTarget,
  cell: Pick<CompareCell, 'sampler' | 'kind' | 'mode' | 'nfe'> & { epsilon: Epsilon },
  x0: tf.Tensor2D,
  noiseSeed: number,
  tolerance?: number,
): Promise<CellRun> {
  const scheme = getScheme(cell.sampler);
  if (cell.mode === 'fixed') {
    const steps = stepsForNfe(cell.nfe, scheme.stagesPerStep);
    const { sol, seconds } = await solve(target, cell, x0, noiseSeed, { steps });
    const nfeUsed = sol.stats.nfe;
    return { samples: take(sol), nfeUsed, seconds, steps };
  }
  const run = async (tol: number) => {
    const { sol, seconds } = await solve(target, cell, x0, noiseSeed, { adaptive: { rtol: tol, atol: tol } });
    return { sol, seconds, tol, nfe: sol.stats.nfe };
  };
  if (tolerance !== undefined) {
    const r = await run(tolerance);
    return { samples: take(r.sol), nfeUsed: r.nfe, seconds: r.seconds, tolerance };
  }
  const q = (scheme.errorOrder ?? scheme.order - 1) + 1;
  const distance = (nfe: number) => Math.abs(Math.log(nfe / cell.nfe));
  let best: Awaited<ReturnType<typeof run>> | undefined;
  let tol = INITIAL_TOLERANCE;
  try {
    for (let trial = 0; trial < MAX_TOLERANCE_TRIALS; trial++) {
      const r = await run(tol);
      if (best === undefined || distance(r.nfe) < distance(best.nfe)) {
        best?.sol.dispose();
        best = r;
      } else {
        r.sol.dispose();
      }
      if (Math.abs(r.nfe - cell.nfe) <= 0.1 * cell.nfe) break;
      const next = Math.min(TOLERANCE_RANGE[1], Math.max(TOLERANCE_RANGE[0], tol * (r.nfe / cell.nfe) ** q));
      if (next === tol) break;
      tol = next;
    }
  } catch (err) {
    best?.sol.dispose();
    throw err;
  }
  const chosen = best!;
  return { samples: take(chosen.sol), nfeUsed: chosen.nfe, seconds: chosen.seconds, tolerance: chosen.tol };
}
