/**
 * The data of a sampler comparison: the grid's cells, one row of results per cell, the floor, and the
 * report that `si compare` prints, writes as JSON and `si merge` joins.
 */

/** How a cell steps: on a uniform grid of `round(nfe / stagesPerStep)` steps, or adaptively with a tolerance. */
export type StepMode = 'fixed' | 'adaptive';

/** The metrics a comparison can compute per cell. */
export const COMPARE_METRICS = ['sw2', 'sinkhorn', 'nll'] as const;

/** One of {@link COMPARE_METRICS}: sliced W2, the Sinkhorn divergence, the model NLL (once per target). */
export type CompareMetric = (typeof COMPARE_METRICS)[number];

/** One cell of the grid: a sampler at one NFE budget and one noise level. */
export interface CompareCell {
  /** Stable identity `sampler[:mode]|eps|nfe`: seeds, shards and merges key on it, never on the cell's position. */
  id: string;
  /** Position in the canonical grid order (samplers as given, then ε, then NFE). */
  index: number;
  /** Registered scheme name (aliases resolved). */
  sampler: string;
  /** `'ode'` or `'sde'`. */
  kind: 'ode' | 'sde';
  mode: StepMode;
  /** Requested function evaluations. */
  nfe: number;
  /** ε: a number (constant) or a schedule label such as `'bump:1'`; 0 for ODE samplers. */
  eps: number | string;
}

/** Mean and standard error over repeats (the SE is absent with one repeat). */
export interface MeanSE {
  mean: number;
  se?: number;
}

/**
 * One row of the results: a cell's metrics, averaged over the repeats. `…SE` fields are the standard errors
 * of the means (present with `repeats > 1`); absent metrics were not requested (or not available).
 */
export interface CompareResult {
  /** Registered scheme name. */
  sampler: string;
  /** `'ode'` or `'sde'`. */
  kind: 'ode' | 'sde';
  mode: StepMode;
  /** Requested NFE. */
  nfe: number;
  /** ε (0 for ODE samplers). */
  eps: number | string;
  /** Wall seconds of the sampling (mean over repeats; metrics excluded). */
  seconds: number;
  secondsSE?: number;
  /** Sliced 2-Wasserstein distance to the reference samples. */
  slicedW2?: number;
  slicedW2SE?: number;
  /** Debiased Sinkhorn divergence to the reference samples. */
  sinkhorn?: number;
  sinkhornSE?: number;
  /**
   * The model's NLL `−mean log ρ̂1(reference)` by the ODE likelihood. It does not depend on the sampler: the
   * same number (computed once per target) on every row.
   */
  nll?: number;
  /** Function evaluations actually used (mean over repeats; adaptive runs vary). */
  nfeUsed: number;
  /** Fixed steps taken (fixed mode). */
  steps?: number;
  /** rtol = atol used (adaptive mode), chosen so that `nfeUsed ≈ nfe`. */
  tolerance?: number;
  /** Repeats averaged. */
  repeats: number;
  /** The cell's id. */
  id: string;
}

/**
 * The floor: the metrics between two independent reference sets of the same size n, i.e. what an exact
 * sampler scores at this n (Monte-Carlo noise of the metric itself).
 */
export interface CompareFloor {
  /** Size of each of the two sets (less than n only for a small `--reference` file). */
  n: number;
  slicedW2?: number;
  slicedW2SE?: number;
  sinkhorn?: number;
  sinkhornSE?: number;
  /** The exact `−mean log ρ1(reference)` where ρ1's density is known (oracles, some datasets): the best NLL. */
  nll?: number;
  nllSE?: number;
}

/** What was compared against. */
export interface CompareTargetInfo {
  /** `gmm2d`, `gmm:mix.json`, `model:runs/x`, … */
  name: string;
  /** `'oracle'` (exact fields: pure sampler error) or `'model'` (a trained network). */
  kind: 'oracle' | 'model';
  dim: number;
  /** Where the reference samples come from. */
  reference: string;
  /** The model NLL (see {@link CompareResult.nll}) and its standard error over the reference points. */
  nll?: number;
  nllSE?: number;
}

/** The settings that define a grid; two reports can be merged only when these agree. */
export interface CompareConfig {
  target: string;
  /** Sampler specs after alias resolution (`dopri5`, `heun:adaptive`, …), in order. */
  samplers: string[];
  nfe: number[];
  /** ε labels in order (numbers, or `bump:1`-style schedules). */
  eps: (number | string)[];
  n: number;
  seed: number;
  repeats: number;
  /** Independent reference sets per repeat behind the floor. */
  floorDraws: number;
  metrics: CompareMetric[];
  /** Absolute Sinkhorn ε (cost units), fixed for the whole grid. */
  sinkhornEpsilon?: number;
  /** Interpolant of an oracle target (`linear`, …) with its γ option. */
  interpolant?: string;
  gamma?: string;
}

/** The part of the grid a report covers. */
export interface ShardSpec {
  /** 1-based shard number k. */
  index: number;
  /** Number of shards n. */
  count: number;
}

/** What {@link compareSamplers} returns and `si compare --json` prints (as its last stdout line). */
export interface CompareReport {
  format: 'si-compare';
  version: 1;
  config: CompareConfig;
  target: CompareTargetInfo;
  /** Rows in canonical grid order. */
  results: CompareResult[];
  /** The floor (computed by the unsharded run or by shard 1; `null` in other shards). */
  floor: CompareFloor | null;
  /** Present in a shard's report; absent when the report covers the whole grid. */
  shard?: ShardSpec;
  /** Total number of cells in the (whole) grid. */
  cells: number;
  /** Wall seconds of the whole run (sampling, metrics, NLL, floor). */
  totalSeconds: number;
}
