/**
 * The checkerboard of the stochastic-interpolants paper (Albergo, Boffi, Vanden-Eijnden).
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkNumber } from '../errors.js';
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
      return tf.tidy(() => {
        // float32 rounding can turn a draw just below 2 into 2; keep x1 < 2 so ⌊x1⌋ ≤ 1 as in exact arithmetic
        const x1 = tf.minimum(tf.randomUniform([n], -2, 2, 'float32', seeds.next()), 2 - 2 ** -22);
        const u = tf.randomUniform([n], 0, 1, 'float32', seeds.next());
        const flip = tf.cast(tf.less(tf.randomUniform([n], 0, 1, 'float32', seeds.next()), 0.5), 'float32');
        const f = tf.floor(x1);
        const parity = tf.sub(f, tf.mul(2, tf.floor(tf.div(f, 2)))); // ⌊x1⌋ mod 2 ∈ {0, 1}
        const x2 = tf.add(tf.sub(u, tf.mul(2, flip)), parity);
        return tf.mul(tf.stack([x1, x2], 1), scale) as tf.Tensor2D;
      });
    },
    logDensity,
    logProb: logDensity,
  };
}
