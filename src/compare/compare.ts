/**
 * `compareSamplers`: quality against NFE and time for a grid of samplers, NFE budgets and noise levels, all
 * from the same base noise, with the floor that shows what "as good as possible" means at this n.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Epsilon, NamedEpsilon } from '../../samplers/epsilon.js';
import { logLikelihood } from '../../samplers/likelihood.js';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { SeedStream } from '../random.js';
import { expandGrid, parseEpsilonList, parseNfeList } from './grid.js';
import { measure, sinkhornEpsilonFor } from './metrics.js';
import type { MetricSettings } from './metrics.js';
import { runCell } from './run-cell.js';
import { parseSamplerList } from './samplers.js';
import { derivedSeed, repeatSeeds } from './seeds.js';
import { parseShard, shardCells } from './shard.js';
import { meanSE } from './statistics.js';
import type { CompareTarget } from './target.js';
import { COMPARE_METRICS } from './types.js';
import type { CompareCell, CompareConfig, CompareFloor, CompareMetric, CompareReport, CompareResult, MeanSE, ShardSpec } from './types.js';

/** Progress of {@link compareSamplers}: `done` of `total` units (one unit per cell and repeat, plus NLL and floor). */
export interface CompareProgress {
  done: number;
  total: number;
  /** What just finished (`heun|eps=0|nfe=16 (repeat 1)`, `nll`, `floor`). */
  label: string;
}

/** Options of {@link compareSamplers}. */
export interface CompareOptions {
  /** What to sample: {@link oracleTarget} (exact fields) or {@link modelTarget} (a trained run). */
  target: CompareTarget;
  /** Registered sampler names or aliases (`em`, `sde-heun`), optionally `name:fixed` / `name:adaptive`. */
  samplers: string | readonly string[];
  /** NFE budgets (integers ≥ 1). */
  nfe: string | readonly number[];
  /**
   * Noise levels of the SDE samplers: numbers ≥ 0 and named schedules (`'bump:1'`, `'decay:0.5'`, or
   * `{ schedule, scale }`). ODE samplers ignore ε and run once per NFE with ε = 0.
   * @default [0.5, 1]
   */
  eps?: string | readonly (number | string | NamedEpsilon)[];
  /** Samples per cell (and size of each reference set). @default 1000 */
  n?: number;
  /** Seed of everything: the base noise (the same for every cell), references, SDE noise. @default 0 */
  seed?: number;
  /** Repeats with seeds derived from `seed`; metrics are reported as mean ± SE. @default 1 */
  repeats?: number;
  /** Metrics to compute. @default ['sw2', 'sinkhorn', 'nll'] */
  metrics?: readonly CompareMetric[];
  /** Absolute Sinkhorn ε. @default 0.01 × the trace of the covariance of the first repeat's reference */
  sinkhornEpsilon?: number;
  /**
   * Independent reference sets drawn per repeat for the floor, each measured against the repeat's reference
   * (the floor's SE then shows its own Monte-Carlo noise even with one repeat).
   * @default ceil(5 / repeats)
   */
  floorDraws?: number;
  /** Reference points used for the NLL (the first ones of the first repeat's reference). @default min(n, 2000) */
  nllPoints?: number;
  /** Run only shard k of n (`'k/n'` or `{ index, count }`); the floor and NLL are computed by shard 1. */
  shard?: string | ShardSpec;
  /** Called after every unit of work. */
  onProgress?: (progress: CompareProgress) => void;
  /**
   * Receives the samples of every cell (`key` = the cell id) and the reference (`key` = `'reference'`) of
   * every repeat, row-major `[n, dim]`, e.g. for scatter plots.
   */
  onSamples?: (key: string, repeat: number, data: Float32Array) => void;
}

const FN = 'compareSamplers';

function checkMetrics(value: unknown): CompareMetric[] {
  if (!Array.isArray(value) || value.length === 0 || value.some((m) => !(COMPARE_METRICS as readonly string[]).includes(m))) {
    throw new ArgumentError(FN, 'options.metrics', `a non-empty list of ${COMPARE_METRICS.map((m) => `'${m}'`).join(', ')}`, describeValue(value));
  }
  return COMPARE_METRICS.filter((m) => value.includes(m));
}

function withSE<K extends string>(key: K, v: MeanSE | undefined): Partial<Record<K | `${K}SE`, number>> {
  if (v === undefined || !Number.isFinite(v.mean)) return {};
  return { [key]: v.mean, ...(v.se !== undefined ? { [`${key}SE`]: v.se } : {}) } as Partial<Record<K | `${K}SE`, number>>;
}

/** −mean and its SE over points, from per-point log densities. */
async function negativeMean(logDensity: tf.Tensor1D): Promise<MeanSE> {
  return meanSE(Array.from(await logDensity.data(), (v) => -v));
}

/**
 * Compares samplers on a target: every cell of samplers × ε × NFE samples `n` points from the same base
 * noise and is measured against the same reference samples (sliced W2, Sinkhorn divergence), with its wall
 * seconds and the NFE actually used. Also computed, once per target: the model NLL `−mean log ρ̂1(reference)`
 * by the ODE likelihood of the target's velocity (not per cell: it does not depend on the sampler), and the
 * floor — the metrics between two independent reference sets of size n (what an exact sampler scores).
 *
 * Deterministic: every seed derives from `seed`, the repeat and a purpose, never from a cell's position, so
 * a shard reproduces its cells of the unsharded run exactly (wall seconds aside).
 *
 * @returns the report; `results` in canonical grid order (samplers as given, then ε, then NFE)
 * @throws ArgumentError for unknown samplers (listing the registered ones), NFE ≤ 0, ε < 0, a bad shard,
 *   SDE samplers with ε > 0 on a target without a score
 * @example
 * ```ts
 * const report = await compareSamplers({ target: oracleTarget('gmm2d'), samplers: 'euler,heun,rk4,dopri5,em', nfe: [8, 16, 32], eps: [0.5, 1], n: 2000 });
 * console.log(formatCompareTable(report));
 * ```
 */
export async function compareSamplers(options: CompareOptions): Promise<CompareReport> {
  const started = performance.now();
  if (typeof options !== 'object' || options === null) throw new ArgumentError(FN, 'options', 'an options object', describeValue(options));
  const target = options.target;
  if (typeof target !== 'object' || target === null || typeof target.velocity !== 'function' || typeof target.sampleBase !== 'function') {
    throw new ArgumentError(FN, 'options.target', 'a CompareTarget (oracleTarget or modelTarget)', describeValue(target));
  }
  const samplers = parseSamplerList(options.samplers, FN, 'options.samplers');
  const nfe = parseNfeList(options.nfe, FN, 'options.nfe');
  const eps = parseEpsilonList(options.eps ?? [0.5, 1], FN, 'options.eps');
  const n = checkNumber(FN, 'options.n', options.n ?? 1000, { min: 2, integer: true });
  const seed = checkNumber(FN, 'options.seed', options.seed ?? 0, { integer: true });
  const repeats = checkNumber(FN, 'options.repeats', options.repeats ?? 1, { min: 1, integer: true });
  const metrics = checkMetrics(options.metrics ?? [...COMPARE_METRICS]);
  const floorDraws = checkNumber(FN, 'options.floorDraws', options.floorDraws ?? Math.ceil(5 / repeats), { min: 1, integer: true });
  const nllPoints = checkNumber(FN, 'options.nllPoints', options.nllPoints ?? Math.min(n, 2000), { min: 1, integer: true });
  if (options.sinkhornEpsilon !== undefined) checkNumber(FN, 'options.sinkhornEpsilon', options.sinkhornEpsilon, { min: 0, exclusiveMin: true });
  const shard = typeof options.shard === 'string' ? parseShard(options.shard, FN, 'options.shard') : options.shard;
  if (shard !== undefined && typeof options.shard !== 'string') parseShard(`${shard.index}/${shard.count}`, FN, 'options.shard');

  const grid = expandGrid(samplers, nfe, eps);
  const cells = shardCells(grid, shard);
  if (!target.score && grid.some((c) => c.kind === 'sde' && !(c.eps === 0 || (typeof c.epsilon === 'object' && 'scale' in c.epsilon && c.epsilon.scale === 0)))) {
    throw new ArgumentError(FN, 'options.samplers', `ODE samplers (or ε = 0) for target ${target.name}: it has no score for SDE samplers`, describeValue(samplers.filter((s) => s.kind === 'sde').map((s) => s.label).join(',')));
  }
  const global = shard === undefined || shard.index === 1;
  const wantNll = metrics.includes('nll') && global && (target.baseLogDensity !== undefined || target.reference.logDensity !== undefined);
  const settings: MetricSettings = { slicedW2: metrics.includes('sw2'), sinkhorn: metrics.includes('sinkhorn'), sinkhornEpsilon: options.sinkhornEpsilon ?? Number.NaN };
  const total = cells.length * repeats + (wantNll ? 1 : 0) + (global ? repeats * floorDraws : 0);
  let done = 0;
  const tick = (label: string) => options.onProgress?.({ done: ++done, total, label });

  const perCell = new Map<string, { slicedW2: number[]; sinkhorn: number[]; seconds: number[]; nfeUsed: number[]; steps?: number; tolerance?: number }>();
  for (const c of cells) perCell.set(c.id, { slicedW2: [], sinkhorn: [], seconds: [], nfeUsed: [] });
  const floorValues = { slicedW2: [] as number[], sinkhorn: [] as number[], n: n };
  let floorNll: MeanSE | undefined;
  let modelNll: MeanSE | undefined;

  for (let r = 0; r < repeats; r++) {
    const seeds = repeatSeeds(seed, r);
    const x0 = target.sampleBase(n, new SeedStream(seeds.base));
    const reference = target.reference.draw(n, seeds.reference);
    try {
      options.onSamples?.('reference', r, (await reference.data()) as Float32Array);
      if (r === 0 && settings.sinkhorn && !Number.isFinite(settings.sinkhornEpsilon)) settings.sinkhornEpsilon = sinkhornEpsilonFor(reference);
      if (r === 0 && wantNll) {
        const points = tf.slice(reference, [0, 0], [Math.min(nllPoints, n), -1]) as tf.Tensor2D;
        try {
          if (target.baseLogDensity) {
            const lik = await logLikelihood(points, {
              // A fresh tensor per call: a field that caches its last (x, t) (modelFields shares one forward pass
              // between heads) would otherwise hand the divergence's gradient an output computed off the tape.
              velocity: (x, t) => target.velocity(tf.clone(x), t),
              baseLogDensity: target.baseLogDensity,
              scheme: 'dopri5',
              adaptive: { rtol: 1e-5, atol: 1e-5 },
              tMin: target.tMin,
            });
            modelNll = await negativeMean(lik.logDensity);
            lik.dispose();
          }
          if (target.reference.logDensity) {
            const exact = target.reference.logDensity(points);
            floorNll = await negativeMean(exact);
            exact.dispose();
          }
        } finally {
          points.dispose();
        }
        tick('nll');
      }
      for (let k = 0; global && k < floorDraws; k++) {
        const other = target.reference.drawIndependent(n, seeds.reference, derivedSeed(seeds.floor, 'draw', k));
        if (other) {
          try {
            floorValues.n = other.shape[0];
            const m = await measure(other, reference, settings);
            if (m.slicedW2 !== undefined) floorValues.slicedW2.push(m.slicedW2);
            if (m.sinkhorn !== undefined) floorValues.sinkhorn.push(m.sinkhorn);
          } finally {
            other.dispose();
          }
        }
        tick(`floor (repeat ${r + 1}, draw ${k + 1})`);
      }
      if (r === 0) await warmUp(target, cells, x0);
      for (const cell of cells) {
        const acc = perCell.get(cell.id)!;
        const run = await runCell(target, cell, x0, seeds.noise, acc.tolerance);
        try {
          options.onSamples?.(cell.id, r, (await run.samples.data()) as Float32Array);
          const m = await measure(run.samples, reference, settings);
          if (m.slicedW2 !== undefined) acc.slicedW2.push(m.slicedW2);
          if (m.sinkhorn !== undefined) acc.sinkhorn.push(m.sinkhorn);
        } finally {
          run.samples.dispose();
        }
        acc.seconds.push(run.seconds);
        acc.nfeUsed.push(run.nfeUsed);
        acc.steps = run.steps;
        // The tolerance found for the first repeat is reused by the others (same budget, same settings).
        if (run.tolerance !== undefined) acc.tolerance = run.tolerance;
        tick(`${cell.id} (repeat ${r + 1})`);
      }
    } finally {
      x0.dispose();
      reference.dispose();
    }
  }

  const results: CompareResult[] = cells.map((c) => resultRow(c, perCell.get(c.id)!, repeats, modelNll));
  const floor: CompareFloor | null = global
    ? { n: floorValues.n, ...withSE('slicedW2', floorValues.slicedW2.length ? meanSE(floorValues.slicedW2) : undefined), ...withSE('sinkhorn', floorValues.sinkhorn.length ? meanSE(floorValues.sinkhorn) : undefined), ...withSE('nll', floorNll) }
    : null;
  const config: CompareConfig = {
    target: target.name,
    samplers: samplers.map((s) => s.label),
    nfe,
    eps: eps.map((e) => e.key),
    n,
    seed,
    repeats,
    floorDraws,
    metrics,
    ...(settings.sinkhorn ? { sinkhornEpsilon: settings.sinkhornEpsilon } : {}),
    ...(target.interpolant ? { interpolant: target.interpolant } : {}),
    ...(target.gamma ? { gamma: target.gamma } : {}),
  };
  return {
    format: 'si-compare',
    version: 1,
    config,
    target: { name: target.name, kind: target.kind, dim: target.dim, reference: target.reference.description, ...withSE('nll', modelNll) },
    results,
    floor,
    ...(shard ? { shard } : {}),
    cells: grid.length,
    totalSeconds: (performance.now() - started) / 1000,
  };
}

/**
 * Runs one step of every sampler of the grid on a few points, untimed, so that the first timed cell does not
 * pay for kernel set-up (wasm compilation, caches).
 */
async function warmUp(target: CompareTarget, cells: readonly (CompareCell & { epsilon: Epsilon })[], x0: tf.Tensor2D): Promise<void> {
  const seen = new Set<string>();
  const few = tf.slice(x0, [0, 0], [Math.min(16, x0.shape[0]), -1]) as tf.Tensor2D;
  try {
    for (const c of cells) {
      const key = `${c.sampler}|${c.kind === 'sde' ? String(c.eps) : ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const run = await runCell(target, { ...c, mode: 'fixed', nfe: 1 }, few, 0);
      run.samples.dispose();
    }
  } finally {
    few.dispose();
  }
}

function resultRow(
  cell: CompareCell,
  acc: { slicedW2: number[]; sinkhorn: number[]; seconds: number[]; nfeUsed: number[]; steps?: number; tolerance?: number },
  repeats: number,
  nll: MeanSE | undefined,
): CompareResult {
  return {
    sampler: cell.sampler,
    kind: cell.kind,
    mode: cell.mode,
    nfe: cell.nfe,
    eps: cell.eps,
    ...withSE('seconds', meanSE(acc.seconds)),
    ...withSE('slicedW2', acc.slicedW2.length ? meanSE(acc.slicedW2) : undefined),
    ...withSE('sinkhorn', acc.sinkhorn.length ? meanSE(acc.sinkhorn) : undefined),
    ...(nll ? { nll: nll.mean } : {}),
    nfeUsed: meanSE(acc.nfeUsed).mean,
    ...(acc.steps !== undefined ? { steps: acc.steps } : {}),
    ...(acc.tolerance !== undefined ? { tolerance: acc.tolerance } : {}),
    repeats,
    id: cell.id,
  } as CompareResult;
}
