/**
 * Exact samplers of fractional Brownian motion on a time grid, for reference data: Cholesky of the exact
 * covariance (any grid, both types) and Davies–Harte circulant embedding (long regular grids, type I).
 * All arithmetic is float64 in JavaScript; normals come from the caller's seed; the result is a float32
 * tensor.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, checkOneOf, describeValue } from '../errors.js';
import { SeedStream } from '../random.js';
import { cholesky } from '../fields/linalg.js';
import { fbmCovarianceMatrix } from './covariance.js';
import { psdFactor } from './dense.js';
import { checkHurst, FBM_TYPES, mvnScale } from './optimal-omega.js';
import type { FbmType } from './optimal-omega.js';

/** A seed: an integer or a {@link SeedStream}. */
export type Seed = number | SeedStream;

function seedStream(fn: string, seed: Seed): SeedStream {
  if (seed instanceof SeedStream) return seed;
  return new SeedStream(checkNumber(fn, 'options.seed', seed, { integer: true }));
}

/** A standard normal in float64 from two uniforms of the stream (Box–Muller). */
function normals(seeds: SeedStream, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const u1 = (seeds.next() + 0.5) / 4294967296;
    const u2 = seeds.next() / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

/** Options of {@link sampleGaussianPaths}. */
export interface GaussianPathsOptions {
  /** Number of independent paths (rows), an integer ≥ 1. */
  samples: number;
  /** Integer seed or seed stream. */
  seed: Seed;
}

/**
 * Independent draws from `N(0, cov)` for an n×n covariance (row-major Float64Array): `x = L z` with the
 * Cholesky factor L computed in float64 (falling back to an eigenvalue square root when the matrix is only
 * positive semi-definite to rounding, e.g. very fine grids).
 *
 * @returns `[samples, n]` float32 tensor (the caller owns it).
 * @example
 * ```ts
 * const x = sampleGaussianPaths(fbmCovarianceMatrix({ hurst: 0.3, type: 'II' }, times), times.length, { samples: 100, seed: 1 });
 * ```
 */
export function sampleGaussianPaths(cov: Float64Array, n: number, options: GaussianPathsOptions): tf.Tensor2D {
  const fn = 'sampleGaussianPaths';
  checkNumber(fn, 'n', n, { integer: true, min: 1 });
  if (!(cov instanceof Float64Array) || cov.length !== n * n) {
    throw new ArgumentError(fn, 'cov', `a Float64Array of length n² = ${n * n}`, describeValue(cov));
  }
  const samples = checkNumber(fn, 'options.samples', options?.samples, { integer: true, min: 1 });
  const seeds = seedStream(fn, options.seed);
  const chol = cholesky(cov, n);
  const l = chol ?? psdFactor(cov, n);
  const lower = chol !== null;
  const out = new Float32Array(samples * n);
  for (let r = 0; r < samples; r++) {
    const z = normals(seeds, n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0, end = lower ? i + 1 : n; k < end; k++) s += l[i * n + k]! * z[k]!;
      out[r * n + i] = s;
    }
  }
  return tf.tensor2d(out, [samples, n]);
}

/** In-place radix-2 complex FFT (length a power of two). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a]! += xr;
        im[a]! += xi;
      }
    }
  }
}

/** Options of {@link sampleFbmPaths}. */
export interface FbmPathsOptions {
  /** Hurst index in (0, 1). */
  hurst: number;
  /** `'I'` (Mandelbrot–van Ness with the V_H normalisation of MATH.md §2.1) or `'II'` (Riemann–Liouville). */
  type: FbmType;
  /** Number of paths, an integer ≥ 1. */
  samples: number;
  /** Integer seed or seed stream. */
  seed: Seed;
  /** Strictly increasing times > 0 (give either `times` or `steps`). */
  times?: readonly number[];
  /** Regular grid `t_k = k·horizon/steps`, k = 1…steps (give either `times` or `steps`). */
  steps?: number;
  /**
   * End of the regular grid.
   * @default 1
   */
  horizon?: number;
  /**
   * `'cholesky'` (any grid and type; O(n³) once, O(n²) per path), `'davies-harte'` (regular grid, type I:
   * the stationary increments are embedded in a circulant matrix of size 2^⌈log2 n⌉·2 and sampled by FFT,
   * O(n log n) per pair of paths), or `'auto'` (Davies–Harte for type I regular grids longer than 256).
   * @default 'auto'
   */
  method?: 'auto' | 'cholesky' | 'davies-harte';
}

/**
 * Exact samples of type I or type II fBM on a grid (values at the grid times; B_H(0) = 0 is not
 * included).
 *
 * @returns `[samples, n]` float32 tensor.
 * @throws ArgumentError for bad options (H outside (0, 1), no grid, non-increasing times, Davies–Harte
 *   asked for type II or an irregular grid).
 * @example
 * ```ts
 * const paths = sampleFbmPaths({ hurst: 0.7, type: 'I', steps: 1024, samples: 64, seed: 3 });
 * ```
 */
export function sampleFbmPaths(options: FbmPathsOptions): tf.Tensor2D {
  const fn = 'sampleFbmPaths';
  const hurst = checkHurst(fn, 'options.hurst', options?.hurst);
  const type = checkOneOf(fn, 'options.type', options.type, FBM_TYPES);
  const samples = checkNumber(fn, 'options.samples', options.samples, { integer: true, min: 1 });
  const method = checkOneOf(fn, 'options.method', options.method ?? 'auto', ['auto', 'cholesky', 'davies-harte'] as const);
  let times: number[];
  let regular = false;
  if ((options.times === undefined) === (options.steps === undefined)) {
    throw new ArgumentError(fn, 'options', 'exactly one of options.times or options.steps', options.times === undefined ? 'neither' : 'both');
  }
  if (options.steps !== undefined) {
    const steps = checkNumber(fn, 'options.steps', options.steps, { integer: true, min: 1 });
    const horizon = checkNumber(fn, 'options.horizon', options.horizon ?? 1, { min: 0, exclusiveMin: true });
    times = Array.from({ length: steps }, (_, k) => ((k + 1) * horizon) / steps);
    regular = true;
  } else {
    const given = options.times!;
    if (!Array.isArray(given) || given.length < 1 || given.some((t, i) => !(typeof t === 'number' && Number.isFinite(t) && t > (i === 0 ? 0 : given[i - 1]!)))) {
      throw new ArgumentError(fn, 'options.times', 'a non-empty array of strictly increasing finite times > 0', describeValue(given));
    }
    times = [...given];
  }
  const useDh = method === 'davies-harte' || (method === 'auto' && type === 'I' && regular && times.length > 256);
  if (!useDh) return sampleGaussianPaths(fbmCovarianceMatrix({ hurst, type }, times), times.length, { samples, seed: options.seed });
  if (type !== 'I' || !regular) {
    throw new ArgumentError(fn, 'options.method', "'davies-harte' only for type 'I' on a regular grid (options.steps)", `'davies-harte' with type '${type}'${regular ? '' : ' and options.times'}`);
  }
  const seeds = seedStream(fn, options.seed);
  const n = times.length;
  const dt = times[0]!;
  const twoH = 2 * hurst;
  const scale = mvnScale(hurst) * Math.pow(dt, twoH) * 0.5;
  const rho = (k: number) => scale * (Math.pow(k + 1, twoH) - 2 * Math.pow(k, twoH) + Math.pow(Math.abs(k - 1), twoH));
  let N = 1;
  while (N < n) N <<= 1;
  const M = 2 * N;
  const lre = new Float64Array(M);
  const lim = new Float64Array(M);
  for (let k = 0; k <= N; k++) lre[k] = rho(k);
  for (let k = N + 1; k < M; k++) lre[k] = rho(M - k);
  fft(lre, lim);
  let top = 0;
  for (const v of lre) top = Math.max(top, Math.abs(v));
  const sqrtLambda = new Float64Array(M);
  for (let k = 0; k < M; k++) {
    if (lre[k]! < -1e-10 * top) throw new Error(`${fn}: circulant embedding is not non-negative (eigenvalue ${lre[k]}); use method 'cholesky'`);
    sqrtLambda[k] = Math.sqrt(Math.max(lre[k]!, 0) / M);
  }
  const out = new Float32Array(samples * n);
  const re = new Float64Array(M);
  const im = new Float64Array(M);
  for (let r = 0; r < samples; r += 2) {
    const z = normals(seeds, 2 * M);
    for (let k = 0; k < M; k++) {
      re[k] = sqrtLambda[k]! * z[2 * k]!;
      im[k] = sqrtLambda[k]! * z[2 * k + 1]!;
    }
    fft(re, im);
    for (const [row, part] of [
      [r, re],
      [r + 1, im],
    ] as const) {
      if (row >= samples) break;
      let sum = 0;
      for (let i = 0; i < n; i++) {
        sum += part[i]!;
        out[row * n + i] = sum;
      }
    }
  }
  return tf.tensor2d(out, [samples, n]);
}
