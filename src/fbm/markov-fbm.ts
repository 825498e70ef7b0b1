/**
 * Markov-approximate fractional Brownian motion as a noise process of the solver core: K OU factors
 * driven by one Brownian motion, advanced by their exact Gaussian transitions (MATH.md §2.3).
 */
import * as tf from '@tensorflow/tfjs-core';
import { streamSeedAt } from '../solver/seed-hash.js';
import type { NoiseInit } from '../solver/types.js';
import { initialFactors, stationaryFactorTranspose, transpose } from './factor-tensors.js';
import { markovFbmPath } from './markov-fbm-path.js';
import { checkSpeedStep, resolveMarkovFbm } from './markov-fbm-options.js';
import type { MarkovFbm, MarkovFbmOptions } from './markov-fbm-options.js';
import { ouTransition } from './ou-factors.js';

/** State of the stream form of {@link markovFbm}. */
export interface MarkovFbmState {
  readonly batch: number;
  readonly dim: number;
  /** The OU factors, one row per state entry: `[batch·dim, K]` float32. */
  readonly y: tf.Tensor2D;
  /** Base seed drawn from the solve's stream at `init`: draw k is seeded by `streamSeedAt(base, k)`. */
  readonly base: number;
  /** Index of the next draw (0 was the initial factors). Immutable state: any step can be recomputed. */
  readonly index: number;
}

/** Per-step-size constants, float64 (uploaded per step inside the core's tidy: no long-lived tensors). */
interface StepConstants {
  decay: Float32Array;
  factorT: Float32Array;
  /** `ω_k (e^{−γ_k h} − 1)`: the factors' deterministic contribution to the increment. */
  u: Float32Array;
  /** `Fᵀω`: the noise contribution to the increment, combined in float64. */
  v: Float32Array;
}

const CACHE_LIMIT = 64;

/**
 * Fractional noise for any SDE: the Markov approximation `B̂_H = Σ_k ω_k Y_k` of fractional Brownian
 * motion (type I or II, MATH.md §2), with `dY_k = −γ_k Y_k dt + dW` for ONE Brownian W per state entry,
 * the speeds on the geometric grid and the weights from `optimalOmega`. Pass it as `options.noise`
 * of `integrate`/`integrateSync` (or `term.noise`); every state entry gets its own independent copy of
 * the process, and `dW` of the scheme becomes `dB̂_H`.
 *
 * Sampling is exact in law for any step: over `h = |t1 − t0|` the factors move by their exact transition
 * `Y ← e^{−γh} Y + F z`, `F Fᵀ = S(h)_ij = (1 − e^{−(γ_i+γ_j)h})/(γ_i+γ_j)`, z ~ N(0, I_K), and the
 * increment is `Σ_k ω_k (e^{−γ_k h} − 1) Y_k + (Fᵀω)·z` (the noise part combined in float64 before it
 * meets float32). F comes from a float64 eigendecomposition per step size (cached). Type II factors start
 * at 0 at the solve's t0; type I ones from the stationary law. Backward solves (t1 < t0) run the process
 * in reversed time τ = t0 − t.
 *
 * Two forms:
 * - default: a stream of exact transitions (fixed steps; not queryable, like `brownianMotion`);
 * - `queryable: true`: a seeded path evaluable at any time, built from exact OU bridges on a dyadic tree
 *   (like `brownianPath`) — required by adaptive SDE steps.
 *
 * With H = ½, K = 1 and γ → 0 (`gammaMin = gammaMax = 1e-8`) the weight is 1 and the increments are
 * Brownian. Large cancelling weights (K ≥ 8) lose digits in float32; prefer K ≤ 7 or a larger
 * `options.ridge`.
 *
 * @throws ArgumentError for H outside (0, 1), K < 1, speed bounds ≤ 0 or unordered, horizon ≤ 0 (at
 *   construction), and for a step with `γ_max·|dt| > maxSpeedStep` (at that step, naming both numbers).
 * @example
 * ```ts
 * const noise = markovFbm({ hurst: 0.3, type: 'II', K: 5, gammaMax: 20, horizon: 1 });
 * const term = { drift: (_t, x) => tf.mul(x, -1), diffusion: () => tf.scalar(0.5) }; // fOU
 * const sol = await integrate(term, 'euler-maruyama', x0, { steps: 100, seed: 1, noise });
 * ```
 */
export function markovFbm(options: MarkovFbmOptions): MarkovFbm {
  const fn = 'markovFbm';
  const setup = resolveMarkovFbm(fn, options);
  if (options.queryable === true) return markovFbmPath(setup, options) as MarkovFbm;
  const K = setup.gammas.length;
  const omega = setup.omega;
  const stationaryT = stationaryFactorTranspose(setup);
  const cache = new Map<number, StepConstants>();
  const constants = (h: number): StepConstants => {
    let c = cache.get(h);
    if (c === undefined) {
      const { decay, factor } = ouTransition(setup.gammas, h);
      const v = new Float32Array(K);
      for (let j = 0; j < K; j++) {
        let s = 0;
        for (let i = 0; i < K; i++) s += factor[i * K + j]! * omega[i]!;
        v[j] = s;
      }
      c = {
        decay: Float32Array.from(decay),
        factorT: transpose(factor, K),
        u: Float32Array.from(decay, (d, k) => omega[k]! * (d - 1)),
        v,
      };
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(h, c);
    }
    return c;
  };
  const process: MarkovFbm<MarkovFbmState> = {
    name: 'fbm-markov',
    queryable: false,
    hurst: setup.hurst,
    type: setup.type,
    gammas: setup.gammas,
    omega: setup.omega,
    relativeError: setup.relativeError,
    init({ batch, dim, seeds }: NoiseInit): MarkovFbmState {
      // Same draws as splitting the stream and drawing from the split (SeedStream.split takes one seed).
      const base = seeds.next();
      return { batch, dim, base, index: 1, y: initialFactors(setup, batch * dim, streamSeedAt(base, 0), stationaryT) };
    },
    increment(state: MarkovFbmState, t0: number, t1: number) {
      checkSpeedStep(fn, setup, t0, t1);
      const c = constants(Math.abs(t1 - t0));
      const z = tf.randomNormal([state.batch * state.dim, K], 0, 1, 'float32', streamSeedAt(state.base, state.index)) as tf.Tensor2D;
      const y = tf.add(tf.mul(state.y, tf.tensor2d(c.decay, [1, K])), tf.matMul(z, tf.tensor2d(c.factorT, [K, K]))) as tf.Tensor2D;
      const db = tf.add(tf.matMul(state.y, tf.tensor2d(c.u, [K, 1])), tf.matMul(z, tf.tensor2d(c.v, [K, 1])));
      return { dW: tf.reshape(db, [state.batch, state.dim]) as tf.Tensor2D, state: { ...state, y, index: state.index + 1 } };
    },
    tensors(state: MarkovFbmState): tf.Tensor[] {
      return [state.y];
    },
  };
  return process as MarkovFbm;
}
