/**
 * The checkerboard of the stochastic-interpolants paper (Albergo, Boffi, Vanden-Eijnden).
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../errors.js';
import { fillTfjsUniform } from './tfjs-uniform.js';
import type { Dataset } from './types.js';
import { checkCount, checkOptions, checkPoints, checkSeeds } from './validate.js';

/** Options of {@link checkerboard}. */
export interface CheckerboardOptions {
  /**
   * Side s of each square; the support is 8 of the 16 squares of side s tiling [−2s, 2s]².
   * @default 2 (the paper's: squares of side 2 on [−4, 4]²)
   */
  scale?: number;
}

/**
 * The checkerboard exactly as in the stochastic-interpolants paper, with `scale` s (default 2):
 * `x1 ~ U[−2, 2]`, `x2 = U[0, 1] − 2·Bernoulli(½) + (⌊x1⌋ mod 2)` (mathematical mod: ⌊−1.5⌋ = −2 → 0),
 * then both coordinates times s.
 *
 * The support is the union of the closed squares `[i·s, (i+1)·s] × [j·s, (j+1)·s]` with `i, j ∈ {−2, …, 1}`
 * and `i + j` even; the density is uniform, `1/(8 s²)` on the support (1/32 for s = 2) and 0 elsewhere, so
 * `logDensity` is `−log(8 s²)` inside and `−Infinity` outside. Points on the squares' edges count as inside.
 *
 * @example
 * ```ts
 * const board = checkerboard();
 * const x = board.sample(1000, new SeedStream(1));  // float32 [1000, 2] in [−4, 4]²
 * board.logDensity!(tf.tensor2d([[1, 1], [1, -1]])); // [−log 32, −Infinity]
 * ```
 */
export function checkerboard(options?: CheckerboardOptions): Dataset {
  const fn = 'checkerboard';
  const opts = checkOptions(fn, options, ['scale']);
  const scale = checkNumber(fn, 'options.scale', opts.scale ?? 2, { min: 0, exclusiveMin: true });
  const logInside = -Math.log(8 * scale * scale);
  const logDensity = (x: tf.Tensor2D): tf.Tensor1D => {
    checkPoints(`${fn}.logDensity`, 'x', x, 2);
    return tf.tidy(() => {
      const q = tf.div(x, scale); // coordinates in units of squares, support inside [−2, 2]²
      const inBox = tf.all(tf.lessEqual(tf.abs(q), 2), 1);
      const cell = tf.minimum(tf.floor(q), 1); // the cell index i, j ∈ {−2, …, 1} (the edge 2 joins cell 1)
      const sum = tf.sum(cell, 1);
      const even = tf.equal(tf.sub(sum, tf.mul(2, tf.floor(tf.div(sum, 2)))), 0);
      // closed squares: a point on an interior grid line borders cells of both parities, so it is inside
      const onInnerLine = tf.any(tf.logicalAnd(tf.equal(q, tf.floor(q)), tf.less(tf.abs(q), 2)), 1);
      const inside = tf.logicalAnd(inBox, tf.logicalOr(even, onInnerLine));
      return tf.where(inside, tf.fill([x.shape[0]], logInside), tf.fill([x.shape[0]], -Infinity)) as tf.Tensor1D;
    });
  };
  return {
    name: 'checkerboard',
    dim: 2,
    eventShape: [2],
    description: `checkerboard: 8 squares of side ${scale} on [${-2 * scale}, ${2 * scale}]², uniform density 1/${8 * scale * scale}`,
    sample(n: number, seeds) {
      checkCount(`${fn}.sample`, 'n', n);
      checkSeeds(`${fn}.sample`, seeds);
      return tf.tensor2d(checkerboardPoints(n, scale, seeds.next(), seeds.next(), seeds.next()), [n, 2], 'float32');
    },
    logDensity,
    logProb: logDensity,
  };
}

/** The three draws of {@link checkerboardPoints}, reused between calls (grown as needed). */
let scratch = new Float32Array(0);

/**
 * The samples of {@link checkerboard} as row-major `[n, 2]` float32 values, from three uniform draws of n
 * values seeded `seedX1`, `seedU`, `seedFlip` (tfjs's `randomUniform` draws, computed in JavaScript by
 * {@link fillTfjsUniform}). Each step is the float32 operation of the original tensor formulation
 *
 *     x1 = min(U[−2, 2), 2 − 2^−22);  flip = (U[0, 1) < ½);  p = ⌊x1⌋ − 2·⌊⌊x1⌋/2⌋;
 *     x2 = ((u − 2·flip) + p);  out = [x1, x2]·float32(s)
 *
 * with every float32 rounding made explicit (`Math.fround`; ⌊x1⌋, p and 2·flip are small integers, exact),
 * so the numbers are bit for bit those of the tfjs ops on any backend whose float32 arithmetic is IEEE
 * (cpu, wasm) — and one upload instead of three draws and a dozen small kernels.
 */
function checkerboardPoints(n: number, scale: number, seedX1: number, seedU: number, seedFlip: number): Float32Array {
  if (scratch.length < 3 * n) scratch = new Float32Array(3 * n);
  const x1 = scratch.subarray(0, n);
  const u = scratch.subarray(n, 2 * n);
  const flipDraw = scratch.subarray(2 * n, 3 * n);
  fillTfjsUniform(x1, -2, 2, seedX1);
  fillTfjsUniform(u, 0, 1, seedU);
  fillTfjsUniform(flipDraw, 0, 1, seedFlip);
  const s = Math.fround(scale);
  // float32 rounding can turn a draw just below 2 into 2; keep x1 < 2 so ⌊x1⌋ ≤ 1 as in exact arithmetic
  const below2 = 2 - 2 ** -22;
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const a = Math.min(x1[i]!, below2);
    const f = Math.floor(a);
    const parity = f - 2 * Math.floor(f / 2); // ⌊x1⌋ mod 2 ∈ {0, 1}
    const twoFlip = flipDraw[i]! < 0.5 ? 2 : 0;
    const b = Math.fround(Math.fround(u[i]! - twoFlip) + parity);
    out[2 * i] = a * s;
    out[2 * i + 1] = b * s;
  }
  return out;
}
