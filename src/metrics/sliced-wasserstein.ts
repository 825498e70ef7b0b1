/**
 * Sliced 2-Wasserstein distance between two sample sets.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber, checkOneOf } from '../errors.js';
import type { SeedStream } from '../random.js';
import { checkOptions } from '../data/validate.js';
import { asFloat, centrePooled, checkSampleSets, finiteFlag, seedStreamFrom, throwIfNotFinite } from './validate.js';

/** How the projection directions are drawn. */
export const SLICING_DIRECTIONS = ['orthogonal', 'independent'] as const;

/** Options of {@link slicedWasserstein2}. */
export interface SlicedWassersteinOptions {
  /** Number P of projection directions. @default 128 */
  projections?: number;
  /**
   * Seed of the directions: a number, or a {@link SeedStream} from which one seed is taken. The directions are
   * drawn in JavaScript from it, so they are the same on every backend.
   * @default 0 (the metric is deterministic unless you vary the seed)
   */
  seed?: number | SeedStream;
  /**
   * `'orthogonal'`: the P directions come in blocks of d mutually orthogonal unit vectors (Gram–Schmidt of
   * Gaussian vectors: each block is a Haar-random frame), which keeps every direction uniform on the sphere,
   * leaves the estimate unbiased and lowers its variance (a pure shift is then measured exactly when P is a
   * multiple of d). `'independent'`: P independent uniform directions.
   * @default 'orthogonal'
   */
  directions?: (typeof SLICING_DIRECTIONS)[number];
}

/** Unit directions, `d × P` row-major (column p is direction p), drawn in float64 JavaScript. */
function drawDirections(d: number, projections: number, rng: SeedStream, orthogonal: boolean): Float32Array {
  const normal = () => {
    const u1 = 1 - rng.uniform(); // (0, 1]
    const u2 = rng.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  };
  const out = new Float32Array(d * projections);
  const block: Float64Array[] = [];
  for (let p = 0; p < projections; p++) {
    if (!orthogonal || block.length === d) block.length = 0;
    let v = new Float64Array(d);
    for (;;) {
      for (let i = 0; i < d; i++) v[i] = normal();
      // modified Gram–Schmidt against the block so far (twice, for float64 orthogonality)
      for (let pass = 0; pass < 2; pass++) {
        for (const q of block) {
          let dot = 0;
          for (let i = 0; i < d; i++) dot += v[i]! * q[i]!;
          for (let i = 0; i < d; i++) v[i]! -= dot * q[i]!;
        }
      }
      let norm = 0;
      for (let i = 0; i < d; i++) norm += v[i]! * v[i]!;
      norm = Math.sqrt(norm);
      if (norm > 1e-8) {
        for (let i = 0; i < d; i++) v[i]! /= norm;
        break;
      }
      v = new Float64Array(d); // a degenerate draw (probability 0): draw again
    }
    if (orthogonal) block.push(v);
    for (let i = 0; i < d; i++) out[i * projections + p] = v[i]!;
  }
  return out;
}

interface QuantileGrid {
  ia: Int32Array;
  ib: Int32Array;
  w: Float32Array;
}
const gridCache = new Map<string, QuantileGrid>();

/**
 * The merged grid of the quantile levels i/n and j/m: on each piece (t_k, t_{k+1}) both empirical quantile
 * functions are constant, with ascending ranks ia_k, ib_k; w_k = t_{k+1} − t_k. Returned as indices into the
 * descending order produced by topk.
 */
function quantileGrid(n: number, m: number): QuantileGrid {
  const key = `${n},${m}`;
  const cached = gridCache.get(key);
  if (cached) return cached;
  const ia: number[] = [];
  const ib: number[] = [];
  const w: number[] = [];
  let i = 0;
  let j = 0;
  let t = 0;
  while (i < n && j < m) {
    // next breakpoints (i+1)/n and (j+1)/m, compared exactly in integers
    const ai = (i + 1) * m;
    const bj = (j + 1) * n;
    const next = ai <= bj ? (i + 1) / n : (j + 1) / m;
    ia.push(n - 1 - i);
    ib.push(m - 1 - j);
    w.push(next - t);
    t = next;
    if (ai <= bj) i++;
    if (bj <= ai) j++;
  }
  const grid = { ia: Int32Array.from(ia), ib: Int32Array.from(ib), w: Float32Array.from(w) };
  if (gridCache.size > 32) gridCache.clear();
  gridCache.set(key, grid);
  return grid;
}

/**
 * The sliced 2-Wasserstein distance
 * `SW2(a, b) = ( (1/P) Σ_p W2²(θ_p·a, θ_p·b) )^{1/2}` — the square root of the mean over P unit directions θ_p
 * of the squared 1-D W2 between the projected empirical measures (uniform weights). Its square estimates
 * `E_θ W2²(θ·a, θ·b)` over θ uniform on the sphere; for a pure shift by μ that is `|μ|²/d`.
 *
 * Each 1-D W2² is exact for the empirical measures, for any n and m: both sides are sorted (topk) and their
 * step quantile functions are compared on the merged grid of levels i/n and j/m,
 * `W2² = Σ_k (t_{k+1} − t_k) (A_(i_k) − B_(j_k))²` (for n = m, the mean squared difference of the sorted
 * values). With d = 1 and one projection the result is the exact W2 of the two empirical distributions.
 *
 * Shapes: `a` `[n, d]`, `b` `[m, d]` (float32; `[n, ...event]` inputs are flattened to `[n, d]`). Cost: two `[n or m, d] × [d, P]` products and P sorts; one
 * read-back at the end (which also checks the inputs are finite). Returns a plain number.
 *
 * @throws ArgumentError for mismatched dimensions, empty or non-finite sets, bad options
 * @example
 * ```ts
 * const a = tf.randomNormal([2000, 2], 0, 1, 'float32', 1) as tf.Tensor2D;
 * const b = tf.add(tf.randomNormal([2000, 2], 0, 1, 'float32', 2), [2, 0]) as tf.Tensor2D;
 * await slicedWasserstein2(a, b); // ≈ √(|μ|²/d) = √2 ≈ 1.41
 * ```
 */
export async function slicedWasserstein2(a: tf.Tensor, b: tf.Tensor, options?: SlicedWassersteinOptions): Promise<number> {
  const fn = 'slicedWasserstein2';
  const { n, m, d } = checkSampleSets(fn, a, b);
  const opts = checkOptions(fn, options, ['projections', 'seed', 'directions']);
  const projections = checkNumber(fn, 'options.projections', opts.projections ?? 128, { integer: true, min: 1 });
  const directions = checkOneOf(fn, 'options.directions', opts.directions ?? 'orthogonal', SLICING_DIRECTIONS);
  const rng = seedStreamFrom(fn, opts.seed, 0);
  const theta = drawDirections(d, projections, rng, directions === 'orthogonal');

  const out = tf.tidy(() => {
    const [ac, bc] = centrePooled(asFloat(a), asFloat(b));
    const dirs = tf.tensor2d(theta, [d, projections], 'float32');
    const pa = tf.transpose(tf.matMul(ac, dirs)); // [P, n]
    const pb = tf.transpose(tf.matMul(bc, dirs)); // [P, m]
    const sa = tf.topk(pa, n).values; // descending along the last axis
    const sb = tf.topk(pb, m).values;
    let w2sq: tf.Tensor1D;
    if (n === m) {
      w2sq = tf.mean(tf.squaredDifference(sa, sb), 1) as tf.Tensor1D;
    } else {
      const grid = quantileGrid(n, m);
      const ga = tf.gather(sa, tf.tensor1d(grid.ia, 'int32'), 1);
      const gb = tf.gather(sb, tf.tensor1d(grid.ib, 'int32'), 1);
      w2sq = tf.sum(tf.mul(tf.squaredDifference(ga, gb), tf.tensor2d(grid.w, [1, grid.w.length])), 1) as tf.Tensor1D;
    }
    return tf.stack([tf.sqrt(tf.mean(w2sq)), finiteFlag(a), finiteFlag(b)]);
  });
  const [value, finiteA, finiteB] = await out.data();
  out.dispose();
  throwIfNotFinite(fn, a, b, finiteA!, finiteB!);
  return value!;
}
