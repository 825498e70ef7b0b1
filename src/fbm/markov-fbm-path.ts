/**
 * The queryable form of `markovFbm`: a seeded path of the K OU factors evaluable at any time — a virtual
 * tree of exact OU bridges, the factor-valued analogue of `brownianPath`'s Brownian tree.
 *
 * On the span [a, b] (T = b − a, position s = (t − a)/T): Y(a) = Y0 (zeros for type II, a stationary draw
 * for type I), Y(b) = E(T) Y0 + F_T z_root, and the midpoint of every dyadic interval [l, r] at level k is
 * drawn from the exact bridge of the factors between Y(l) and Y(r) (see `ouBridge`):
 *   Y(m) = L_k Y(l) + R_k Y(r) + F_k z_(k, index),
 * with z seeded by a hash of (path seed, level, index) — so Y at a dyadic time is a deterministic function
 * of the time, however it is reached. Below the depth `ceil(log2(1/tol))` a time is placed by one more
 * bridge draw seeded by the time itself. Increments are `Σ_k ω_k (Y_k(t1) − Y_k(t0))`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { hashSeed } from '../solver/seed-hash.js';
import type { NoiseInit } from '../solver/types.js';
import { initialFactors, stationaryFactorTranspose, transpose } from './factor-tensors.js';
import { checkSpeedStep } from './markov-fbm-options.js';
import type { MarkovFbm, MarkovFbmOptions, MarkovFbmSetup } from './markov-fbm-options.js';
import { ouBridge, ouTransition } from './ou-factors.js';

interface PathNode {
  readonly level: number;
  readonly index: number;
  /** Factors at the left and right ends: `[batch·dim, K]`. */
  readonly yl: tf.Tensor2D;
  readonly yr: tf.Tensor2D;
}

/** State of the queryable `markovFbm`: span, seed, and the factors along the last queried chain. */
export interface MarkovFbmPathState {
  readonly batch: number;
  readonly dim: number;
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
  /** The last two evaluated times (as positions) and factor values. */
  readonly memo: readonly { readonly s: number; readonly y: tf.Tensor2D }[];
}

/** The queryable `markovFbm`: a {@link MarkovFbm} that also evaluates the factors at any time. */
export interface MarkovFbmPath extends MarkovFbm<MarkovFbmPathState> {
  /** The factors `Y(t)`: `[batch·dim, K]` (row = state entry), and the new state. Call inside `tf.tidy`. */
  evaluate(state: MarkovFbmPathState, t: number): { y: tf.Tensor2D; state: MarkovFbmPathState };
}

const EPS = 1e-12;

/** The library's one seed hash, with a leading tag word so these nodes never share seeds with the Brownian tree's. */
const FBM_PATH_TAG = 0x2545f491;
function hashWords(...words: number[]): number {
  return hashSeed(FBM_PATH_TAG, ...words);
}

const bits = new Float64Array(1);
const bitWords = new Uint32Array(bits.buffer);

function nodeSeed(seed: number, level: number, index: number): number {
  return hashWords(seed, level + 1, index % 4294967296, Math.floor(index / 4294967296));
}

/** Float32 bridge matrices stacked for row-vector use: `Y(m) = [yl, yr, z] · [leftᵀ; rightᵀ; Fᵀ]` (3K×K). */
interface BridgeT {
  stacked: Float32Array;
}

/**
 * Builds the queryable form from a resolved setup (called by `markovFbm({ queryable: true })`).
 *
 * @example
 * ```ts
 * const noise = markovFbm({ hurst: 0.7, type: 'II', queryable: true });
 * await integrate(term, 'stochastic-heun', x0, { adaptive: { maxStep: 0.02 }, seed: 1, noise });
 * ```
 */
export function markovFbmPath(setup: MarkovFbmSetup, options: MarkovFbmOptions): MarkovFbmPath {
  const fn = 'markovFbm';
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
  const K = setup.gammas.length;
  const stationaryT = stationaryFactorTranspose(setup);
  const omegaColumn = Float32Array.from(setup.omega);
  const levelCache = new Map<string, BridgeT>();
  const bridgeT = (h1: number, h2: number, cacheable: boolean): BridgeT => {
    const key = `${h1},${h2}`;
    const hit = cacheable ? levelCache.get(key) : undefined;
    if (hit !== undefined) return hit;
    const br = ouBridge(setup.gammas, h1, h2);
    const stacked = new Float32Array(3 * K * K);
    stacked.set(transpose(br.left, K), 0);
    stacked.set(transpose(br.right, K), K * K);
    stacked.set(transpose(br.factor, K), 2 * K * K);
    const out = { stacked };
    if (cacheable) {
      if (levelCache.size >= 256) levelCache.clear();
      levelCache.set(key, out);
    }
    return out;
  };
  const normal = (rows: number, seed: number) => tf.randomNormal([rows, K], 0, 1, 'float32', seed) as tf.Tensor2D;
  const applyBridge = (br: BridgeT, yl: tf.Tensor2D, yr: tf.Tensor2D, seed: number): tf.Tensor2D =>
    tf.matMul(tf.concat([yl, yr, normal(yl.shape[0], seed)], 1), tf.tensor2d(br.stacked, [3 * K, K]));

  const evaluate = (state: MarkovFbmPathState, t: number): { y: tf.Tensor2D; state: MarkovFbmPathState } => {
    const T = state.b - state.a;
    let s = (t - state.a) / T;
    if (!(s >= -EPS && s <= 1 + EPS)) {
      throw new ArgumentError(fn, 't', `a time within the path's span [${state.a}, ${state.b}] (pass options.span)`, describeValue(t));
    }
    s = Math.min(Math.max(s, 0), 1);
    for (const m of state.memo) if (Math.abs(m.s - s) <= EPS) return { y: m.y, state };

    let i = state.path.length - 1;
    const contains = (n: PathNode) => {
      const scale = Math.pow(2, -n.level);
      return s >= n.index * scale - EPS && s <= (n.index + 1) * scale + EPS;
    };
    while (i > 0 && !contains(state.path[i]!)) i--;
    const path = state.path.slice(0, i + 1);
    let node = path[i]!;
    let y: tf.Tensor2D;
    for (;;) {
      const scale = Math.pow(2, -node.level);
      const l = node.index * scale;
      const r = l + scale;
      if (Math.abs(s - l) <= EPS) {
        y = node.yl;
        break;
      }
      if (Math.abs(s - r) <= EPS) {
        y = node.yr;
        break;
      }
      if (node.level >= state.depth) {
        // Below the tree's resolution: one bridge draw between the leaf's ends, seeded by the time.
        bits[0] = s;
        const seed = hashWords(nodeSeed(state.seed, node.level, node.index), bitWords[0]!, bitWords[1]!);
        y = applyBridge(bridgeT((s - l) * T, (r - s) * T, false), node.yl, node.yr, seed);
        break;
      }
      const half = (scale * T) / 2;
      const ym = applyBridge(bridgeT(half, half, true), node.yl, node.yr, nodeSeed(state.seed, node.level, node.index));
      const m = (l + r) / 2;
      const hit = Math.abs(s - m) <= EPS;
      const goLeft = hit ? !state.forward : s < m;
      node = goLeft
        ? { level: node.level + 1, index: 2 * node.index, yl: node.yl, yr: ym }
        : { level: node.level + 1, index: 2 * node.index + 1, yl: ym, yr: node.yr };
      path.push(node);
      if (hit) {
        y = ym;
        break;
      }
    }
    const memo = [...state.memo.slice(-1), { s, y }];
    return { y, state: { ...state, path, memo } };
  };

  const process: MarkovFbmPath = {
    name: 'fbm-markov-path',
    queryable: true,
    hurst: setup.hurst,
    type: setup.type,
    gammas: setup.gammas,
    omega: setup.omega,
    relativeError: setup.relativeError,
    init({ batch, dim, t0, t1, seeds }: NoiseInit): MarkovFbmPathState {
      const [a, b] = fixedSpan ?? [Math.min(t0, t1), Math.max(t0, t1)];
      const seed = seeds.next();
      const rows = batch * dim;
      const y0 = initialFactors(setup, rows, hashWords(seed, 0xfffffffe), stationaryT);
      const { decay, factor } = ouTransition(setup.gammas, b - a);
      const yb = tf.add(
        tf.mul(y0, tf.tensor2d(Float32Array.from(decay), [1, K])),
        tf.matMul(normal(rows, hashWords(seed, 0xffffffff)), tf.tensor2d(transpose(factor, K), [K, K])),
      ) as tf.Tensor2D;
      const root: PathNode = { level: 0, index: 0, yl: y0, yr: yb };
      return { batch, dim, a, b, seed, depth, forward: t1 >= t0, path: [root], memo: [] };
    },
    increment(state: MarkovFbmPathState, t0: number, t1: number) {
      checkSpeedStep(fn, setup, t0, t1);
      const first = evaluate(state, t0);
      const second = evaluate(first.state, t1);
      const db = tf.matMul(tf.sub(second.y, first.y), tf.tensor2d(omegaColumn, [K, 1]));
      return { dW: tf.reshape(db, [state.batch, state.dim]) as tf.Tensor2D, state: second.state };
    },
    evaluate,
    tensors(state: MarkovFbmPathState): tf.Tensor[] {
      const set = new Set<tf.Tensor>();
      for (const n of state.path) {
        set.add(n.yl);
        set.add(n.yr);
      }
      for (const m of state.memo) set.add(m.y);
      return [...set];
    },
  };
  return process;
}
