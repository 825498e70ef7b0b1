/**
 * A trained flow as a distribution with an exact log density: samples are pushed from the base ρ0 through the
 * ODE `dX = b(t, X) dt` with the log density carried in the state, and `log q(x)` is the ODE likelihood
 * pulled back from x, with the divergence ∇·b computed exactly (one vector–Jacobian product per coordinate).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import type { SeedStream } from '../random.js';
import { integrateSync } from '../solver/integrate.js';
import type { Term } from '../solver/types.js';
import { checkBatch, checkCount, checkOptions, checkSeeds } from '../validate.js';
import { checkDistribution } from './check.js';
import type { Distribution } from './types.js';

/** A velocity field `(x: [batch, d], t: [batch]) → [batch, d]`, differentiable in x. */
export type FlowVelocity = (x: tf.Tensor2D, t: tf.Tensor1D) => tf.Tensor2D;

/** Options of {@link flowDistribution}. */
export interface FlowDistributionOptions {
  /** The learned velocity b(t, x) of a flow from ρ0 at t = 0 to the data at t = 1. */
  velocity: FlowVelocity;
  /** ρ0 with an exact `logProb` on events `[d]` (e.g. `standardNormal([d])`). */
  base: Distribution;
  /** Fixed steps of the ODE solve. @default 16 */
  steps?: number;
  /** A fixed-step ODE scheme name. @default 'rk4' */
  scheme?: string;
  /** Integrate on `[tMin, 1 − tMin]` (for fields trained on that range). @default 0 */
  tMin?: number;
  /** Rows per solve (larger batches are split). @default 2048 */
  chunk?: number;
}

/** The law returned by {@link flowDistribution}. */
export interface FlowDistribution extends Distribution {
  readonly description: string;
  sample(n: number, seeds: SeedStream): tf.Tensor2D;
  logProb(x: tf.Tensor): tf.Tensor1D;
  /** Draws `n` samples with their exact log densities in one forward solve of `[x, log q]`. */
  sampleWithLogProb(n: number, seeds: SeedStream): { x: tf.Tensor2D; logq: tf.Tensor1D };
}

/**
 * The flow as a distribution on vectors `[d]` (exact divergence: intended for small d).
 *
 * The augmented state `[X, ℓ]` solves `dX/dt = b(t, X)`, `dℓ/dt = −∇·b(t, X)`:
 * - sampling: `X(0) = z ~ ρ0`, `ℓ(0) = log ρ0(z)`, integrated forward, gives `x = X(1)` and `log q(x) = ℓ(1)`;
 * - `logProb(x)`: `X(1) = x`, `ℓ(1) = 0`, integrated backward, gives `log q(x) = log ρ0(X(0)) − ℓ(0)`.
 *
 * Both run outside any gradient tape (the results are constants for training), synchronously.
 *
 * @throws ArgumentError for a velocity that is not a function, a base without `logProb` or not on vectors, bad counts
 * @example
 * ```ts
 * const { b } = modelFields(model, ['b']);                 // a flow trained with the Trainer
 * const q = flowDistribution({ velocity: b, base: standardNormal([2]), steps: 20 });
 * const { x, logq } = q.sampleWithLogProb(1000, new SeedStream(1));
 * ```
 */
export function flowDistribution(options: FlowDistributionOptions): FlowDistribution {
  const fn = 'flowDistribution';
  const o = checkOptions(fn, options, ['velocity', 'base', 'steps', 'scheme', 'tMin', 'chunk']);
  if (typeof o.velocity !== 'function') throw new ArgumentError(fn, 'options.velocity', 'a function (x: [batch, d], t: [batch]) => [batch, d]', describeValue(o.velocity));
  const velocity = o.velocity;
  const base = checkDistribution(fn, 'options.base', o.base);
  if (typeof base.logProb !== 'function' || base.eventShape.length !== 1) {
    throw new ArgumentError(fn, 'options.base', 'a law on vectors [d] with an exact logProb', base.description ?? describeValue(base));
  }
  const baseLogProb = base.logProb.bind(base);
  const d = base.eventShape[0]!;
  const steps = checkNumber(fn, 'options.steps', o.steps ?? 16, { min: 1, integer: true });
  const scheme = o.scheme ?? 'rk4';
  const tMin = checkNumber(fn, 'options.tMin', o.tMin ?? 0, { min: 0, max: 0.49 });
  const chunk = checkNumber(fn, 'options.chunk', o.chunk ?? 2048, { min: 1, integer: true });
  const units = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (__, j) => (i === j ? 1 : 0)));
  const term: Term = {
    drift(t, s) {
      const batch = s.shape[0]!;
      const x = tf.slice(s, [0, 0], [batch, d]) as tf.Tensor2D;
      const tt = tf.fill([batch], t) as tf.Tensor1D;
      const b = velocity(x, tt);
      const parts: tf.Tensor[] = [];
      for (let i = 0; i < d; i++) {
        const unit = tf.tensor2d([units[i]!], [1, d]);
        const row = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(velocity(xx as tf.Tensor2D, tt), unit)))(x);
        parts.push(tf.sum(tf.mul(row, unit), 1));
      }
      const div = tf.addN(parts);
      return tf.concat([b, tf.reshape(tf.neg(div), [batch, 1])], 1);
    },
  };
  const solve = (s0: tf.Tensor2D, forward: boolean): tf.Tensor2D => {
    const [a, b] = forward ? [tMin, 1 - tMin] : [1 - tMin, tMin];
    const sol = integrateSync(term, scheme, s0, { t0: a, t1: b, steps, checkFinite: false });
    return sol.y as tf.Tensor2D;
  };
  const chunked = (n: number, run: (start: number, size: number) => tf.Tensor[]): tf.Tensor[] => {
    const pieces: tf.Tensor[][] = [];
    for (let start = 0; start < n; start += chunk) pieces.push(run(start, Math.min(chunk, n - start)));
    const out = pieces[0]!.map((_, k) => (pieces.length === 1 ? pieces[0]![k]! : tf.concat(pieces.map((p) => p[k]!))));
    if (pieces.length > 1) tf.dispose(pieces.flat());
    return out;
  };
  const sampleWithLogProb = (n: number, seeds: SeedStream) => {
    checkCount(`${fn}.sample`, 'n', n);
    checkSeeds(`${fn}.sample`, seeds);
    const z = base.sample(n, seeds) as tf.Tensor2D;
    const [x, logq] = chunked(n, (start, size) =>
      tf.tidy(() => {
        const zc = tf.slice(z, [start, 0], [size, d]) as tf.Tensor2D;
        const s1 = solve(tf.concat([zc, tf.reshape(baseLogProb(zc), [size, 1])], 1) as tf.Tensor2D, true);
        return [tf.slice(s1, [0, 0], [size, d]), tf.reshape(tf.slice(s1, [0, d], [size, 1]), [size])];
      }),
    );
    z.dispose();
    return { x: x as tf.Tensor2D, logq: logq as tf.Tensor1D };
  };
  return {
    eventShape: [d],
    description: `a flow (${scheme}, ${steps} steps) from ${base.description ?? 'its base'} with exact log density`,
    sampleWithLogProb,
    sample(n, seeds) {
      const { x, logq } = sampleWithLogProb(n, seeds);
      logq.dispose();
      return x;
    },
    logProb(x) {
      checkBatch(`${fn}.logProb`, 'x', x, [d]);
      const n = x.shape[0]!;
      return chunked(n, (start, size) =>
        tf.tidy(() => {
          const xc = tf.slice(x, [start, 0], [size, d]) as tf.Tensor2D;
          const s0 = solve(tf.concat([xc, tf.zeros([size, 1])], 1) as tf.Tensor2D, false);
          const x0 = tf.slice(s0, [0, 0], [size, d]) as tf.Tensor2D;
          return [tf.sub(baseLogProb(x0), tf.reshape(tf.slice(s0, [0, d], [size, 1]), [size]))];
        }),
      )[0] as tf.Tensor1D;
    },
  };
}
