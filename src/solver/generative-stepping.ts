/**
 * The time-stepping options every generative sampler shares (`sampleOde`, `sampleSde`, the likelihood,
 * `run.sample`): which of `steps`, a user `grid` or adaptive steps, the span `[tMin, 1 − tMin]`, states to
 * save, progress and cancellation.
 */
import type { IntegrateOptions } from './options.js';

/** Time-stepping options common to every generative sampler. Give one of `steps`, `grid`, `adaptive`. */
export interface GenerativeSteppingOptions {
  /** Uniform steps over `[tMin, 1 − tMin]`. */
  steps?: number;
  /** A user time grid (within [0, 1], monotone in the sampler's direction); overrides `tMin`. */
  grid?: ArrayLike<number>;
  /** Adaptive steps (`'dopri5'`, `'heun'`, …): `true` or `{ rtol, atol, … }`. */
  adaptive?: IntegrateOptions['adaptive'];
  /**
   * Integrate over `[tMin, 1 − tMin]` instead of [0, 1], for fields that are singular at the ends
   * (one-sided score and denoiser at t = 0 or 1, γ̇ of the √ γ).
   * @default 0
   */
  tMin?: number;
  /** States to return at these times (see `integrate`). */
  saveAt?: ArrayLike<number>;
  /** Called after every accepted step. */
  progress?: IntegrateOptions['progress'];
  /** Cancels the run between steps. */
  signal?: AbortSignal;
}
