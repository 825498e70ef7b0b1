/**
 * A seeded Brownian path whose value can be queried at any time: a virtual Brownian tree (Gaines & Lyons
 * 1997; the `BrownianTree` of torchsde) built by Brownian-bridge bisection on dyadic intervals.
 *
 * On the span [a, b] (T = b − a, position s = (t − a)/T): W(a) = 0, W(b) = √T·Z_root, and the midpoint of
 * every dyadic interval [l, r] at level k is
 *   W(m) = (W(l) + W(r))/2 + √(T·2^−k / 4) · Z_(k, index),
 * where each Z is drawn with a seed hashed from (path seed, level, index) — so W at a dyadic time is a
 * deterministic function of the time, however it is reached. Below the depth `ceil(log2(1/tol))` a time is
 * placed by one more bridge draw seeded by the time itself. Increments are W(t1) − W(t0): for a fixed path
 * the increments over [t0, tm] and [tm, t1] sum to the one over [t0, t1] up to float32 rounding, and times
 * on a uniform grid with a power-of-two number of steps are nodes of the tree (exact Brownian values).
 *
 * The state caches the last root-to-leaf chain and the last two values, so sequential queries cost about
 * two normal draws of the increment's shape each for dyadic grids (up to depth − log2(steps) for other grids).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { hashSeed as hashWords } from './seed-hash.js';
import type { NoiseInit, NoiseProcess } from './types.js';

/** Options of {@link brownianPath}. */
export interface BrownianPathOptions {
  /**
   * Resolution of the tree relative to the span: times closer than `tol·T` to a dyadic node are not
   * bisected further. In [1e-9, 0.5].
   * @default 1e-6
   */
  tol?: number;
  /**
   * The interval `[a, b]` (a < b) the path lives on; queries must stay inside. Fix it to reuse one path
   * across solves over different spans.
   * @default the solve's [min(t0, t1), max(t0, t1)]
   */
  span?: readonly [number, number];
}

interface PathNode {
  readonly level: number;
  readonly index: number;
  readonly wl: tf.Tensor;
  readonly wr: tf.Tensor;
}

/** State of {@link brownianPath}: span, seed, and a cache of tensors along the last queried chain. */
export interface BrownianPathState {
  readonly batch: number;
  /** Entries per row of an increment. */
  readonly dim: number;
  /** Shape of every value and increment, `[batch, ...noiseShape]`. */
  readonly shape: readonly number[];
  /** Span start. */
  readonly a: number;
  /** Span end. */
  readonly b: number;
  /** Seed of the whole path. */
  readonly seed: number;
  /** Bisection depth. */
  readonly depth: number;
  /** Whether the solve runs forward (decides which side of a hit midpoint is cached). */
  readonly forward: boolean;
  /** Root-to-leaf chain of the last query (the root covers [a, b]). */
  readonly path: readonly PathNode[];
  /** The last two evaluated times (as positions) and values. */
  readonly memo: readonly { readonly s: number; readonly w: tf.Tensor }[];
}

/** A {@link NoiseProcess} that also evaluates the path itself. */
export interface BrownianPath extends NoiseProcess<BrownianPathState> {
  /** `W(t) − W(a)`: the increment's shape `[batch, ...noiseShape]`, and the new state. Call inside `tf.tidy`. */
  evaluate(state: BrownianPathState, t: number): { w: tf.Tensor; state: BrownianPathState };
}

const EPS = 1e-12;

const bits = new Float64Array(1);
const bitWords = new Uint32Array(bits.buffer);

function nodeSeed(seed: number, level: number, index: number): number {
  return hashWords(seed, level + 1, index % 4294967296, Math.floor(index / 4294967296));
}

function normal(shape: readonly number[], seed: number): tf.Tensor {
  return tf.randomNormal([...shape], 0, 1, 'float32', seed);
}

/**
 * A Brownian path on a span, queryable at any time, reproducible from the solve's seed: the noise for
 * adaptive SDE stepping and for convergence studies that reuse one path at several step sizes. The path
 * is determined by the first seed drawn from the solve's stream at `init` (and by the span).
 *
 * @returns a queryable {@link NoiseProcess} (`queryable: true`) with an extra `evaluate(state, t)`.
 * @example
 * ```ts
 * const path = brownianPath();
 * // The same seed gives the same path at every step count:
 * const coarse = await integrate(term, 'euler-maruyama', x0, { steps: 16, seed: 3, noise: path });
 * const fine = await integrate(term, 'euler-maruyama', x0, { steps: 256, seed: 3, noise: path });
 * ```
 */
export function brownianPath(options: BrownianPathOptions = {}): BrownianPath {
  const fn = 'brownianPath';
  const tol = checkNumber(fn, 'options.tol', options.tol ?? 1e-6, { min: 1e-9, max: 0.5 });
  const depth = Math.ceil(Math.log2(1 / tol));
  let fixedSpan: [number, number] | undefined;
  if (options.span !== undefined) {
    const span = options.span;
    if (!Array.isArray(span) || span.length !== 2) {
      throw new ArgumentError(fn, 'options.span', 'a pair [a, b] with a < b', describeValue(span));
    }
    const a = checkNumber(fn, 'options.span[0]', span[0]);
    const b = checkNumber(fn, 'options.span[1]', span[1]);
    if (!(a < b)) throw new ArgumentError(fn, 'options.span', 'a pair [a, b] with a < b', describeValue(span));
    fixedSpan = [a, b];
  }

  const midpoint = (state: BrownianPathState, node: PathNode): tf.Tensor => {
    const width = (state.b - state.a) * Math.pow(2, -node.level);
    const z = normal(state.shape, nodeSeed(state.seed, node.level, node.index));
    return tf.add(tf.mul(tf.add(node.wl, node.wr), 0.5), tf.mul(z, Math.sqrt(width / 4)));
  };

  const evaluate = (state: BrownianPathState, t: number): { w: tf.Tensor; state: BrownianPathState } => {
    const T = state.b - state.a;
    let s = (t - state.a) / T;
    if (!(s >= -EPS && s <= 1 + EPS)) {
      throw new ArgumentError(fn, 't', `a time within the path's span [${state.a}, ${state.b}] (pass options.span)`, describeValue(t));
    }
    s = Math.min(Math.max(s, 0), 1);
    for (const m of state.memo) if (Math.abs(m.s - s) <= EPS) return { w: m.w, state };

    let i = state.path.length - 1;
    const contains = (n: PathNode) => {
      const scale = Math.pow(2, -n.level);
      return s >= n.index * scale - EPS && s <= (n.index + 1) * scale + EPS;
    };
    while (i > 0 && !contains(state.path[i]!)) i--;
    const path = state.path.slice(0, i + 1);
    let node = path[i]!;
    let w: tf.Tensor;
    for (;;) {
      const scale = Math.pow(2, -node.level);
      const l = node.index * scale;
      const r = l + scale;
      if (Math.abs(s - l) <= EPS) {
        w = node.wl;
        break;
      }
      if (Math.abs(s - r) <= EPS) {
        w = node.wr;
        break;
      }
      if (node.level >= state.depth) {
        // Below the tree's resolution: one bridge draw between the leaf's ends, seeded by the time.
        bits[0] = s;
        const seed = hashWords(nodeSeed(state.seed, node.level, node.index), bitWords[0]!, bitWords[1]!);
        const frac = (s - l) / scale;
        const sd = Math.sqrt((T * (s - l) * (r - s)) / scale);
        w = tf.add(tf.add(node.wl, tf.mul(tf.sub(node.wr, node.wl), frac)), tf.mul(normal(state.shape, seed), sd));
        break;
      }
      const wm = midpoint(state, node);
      const m = (l + r) / 2;
      const hit = Math.abs(s - m) <= EPS;
      const goLeft = hit ? !state.forward : s < m;
      node = goLeft
        ? { level: node.level + 1, index: 2 * node.index, wl: node.wl, wr: wm }
        : { level: node.level + 1, index: 2 * node.index + 1, wl: wm, wr: node.wr };
      path.push(node);
      if (hit) {
        w = wm;
        break;
      }
    }
    const memo = [...state.memo.slice(-1), { s, w }];
    return { w, state: { ...state, path, memo } };
  };

  return {
    name: 'brownian-path',
    queryable: true,
    init({ batch, dim, shape = [batch, dim], t0, t1, seeds }: NoiseInit): BrownianPathState {
      const [a, b] = fixedSpan ?? [Math.min(t0, t1), Math.max(t0, t1)];
      const seed = seeds.next();
      const wr = tf.mul(normal(shape, hashWords(seed, 0xffffffff)), Math.sqrt(b - a));
      const root: PathNode = { level: 0, index: 0, wl: tf.zeros([...shape]), wr };
      return { batch, dim, shape, a, b, seed, depth, forward: t1 >= t0, path: [root], memo: [] };
    },
    increment(state: BrownianPathState, t0: number, t1: number) {
      const first = evaluate(state, t0);
      const second = evaluate(first.state, t1);
      return { dW: tf.sub(second.w, first.w), state: second.state };
    },
    evaluate,
    tensors(state: BrownianPathState): tf.Tensor[] {
      const set = new Set<tf.Tensor>();
      for (const n of state.path) {
        set.add(n.wl);
        set.add(n.wr);
      }
      for (const m of state.memo) set.add(m.w);
      return [...set];
    },
  };
}
