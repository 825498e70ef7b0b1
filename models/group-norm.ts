/**
 * Group normalisation (Wu & He 2018) for channels-last images, as one differentiable node with a
 * hand-written backward pass, and as a serialisable tfjs-layers layer.
 *
 * For `x: [B, …, C]` with channels split into G groups of `Cg = C/G`, and `n = S·Cg` values per (image,
 * group) (`S` the spatial size):
 *
 *     μ = (1/n) Σ x,   σ² = (1/n) Σ (x − μ)²,   r = 1/√(σ² + ε),
 *     x̂ = (x − μ)·r,   y = γ_c·x̂ + β_c.
 *
 * Backward, with per-(image, channel) sums `A_c = Σ_S dy`, `D_c = Σ_S dy·(x − μ)`:
 *
 *     dβ_c = Σ_images A_c,   dγ_c = Σ_images r·D_c,
 *     m1 = (1/n) Σ_{c∈g} γ_c A_c,   m2 = (1/n)·r·Σ_{c∈g} γ_c D_c,
 *     dx = dy·(r γ_c) − (x − μ)·(r² m2) − r·m1.
 *
 * Why fused: from ordinary ops the backward pass of the 4-D reshape/moments formula costs ~25 kernels,
 * several of them 4-D broadcasts that run 10× slower than same-shape ones on wasm. Here every pass over
 * the image is a same-shape op or a broadcast of one `[B, 1, C]` row of per-channel factors.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, checkNumber, describeValue } from '../src/errors.js';

/** Options of {@link groupNorm}. */
export interface GroupNormOptions {
  /** Number of groups G; must divide the channel count. @default 8 */
  groups?: number;
  /** ε added to the variance. @default 1e-5 */
  epsilon?: number;
}

function checkGroupNormInputs(fn: string, x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, groups: number): void {
  if (x.rank < 2) throw new ArgumentError(fn, 'x', 'a tensor of rank >= 2 ([batch, …, channels])', describeValue(x));
  const c = x.shape[x.rank - 1]!;
  if (c % groups !== 0) throw new ArgumentError(fn, 'options.groups', `a divisor of the channel count ${c}`, String(groups));
  for (const [name, p] of [['gamma', gamma], ['beta', beta]] as const) {
    if (p.rank !== 1 || p.shape[0] !== c) throw new ArgumentError(fn, name, `a [${c}] tensor`, describeValue(p));
  }
}

/** Sums `v: [B, C]` over each group's channels and repeats the sum on every channel of the group. */
function groupSum(v: tf.Tensor2D, groups: number): tf.Tensor2D {
  const [b, c] = v.shape;
  const s = tf.sum(tf.reshape(v, [b, groups, c / groups]), 2, true);
  return tf.reshape(tf.broadcastTo(s, [b, groups, c / groups]), [b, c]);
}

/**
 * Group normalisation of `x: [B, …, C]` (channels last) with per-channel scale `gamma: [C]` and shift
 * `beta: [C]`, as one tape node (`tf.customGrad`) whose gradient is the closed form in the file comment.
 * Any backend; float32.
 *
 * @example
 * ```ts
 * const y = groupNorm(x, tf.ones([32]), tf.zeros([32]), { groups: 8 }); // x: [64, 28, 28, 32]
 * ```
 */
export function groupNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, options: GroupNormOptions = {}): tf.Tensor {
  const fn = 'groupNorm';
  const groups = checkNumber(fn, 'options.groups', options.groups ?? 8, { min: 1, integer: true });
  const epsilon = checkNumber(fn, 'options.epsilon', options.epsilon ?? 1e-5, { min: 0, exclusiveMin: true });
  checkGroupNormInputs(fn, x, gamma, beta, groups);
  const shape = x.shape;
  const b = shape[0]!;
  const c = shape[shape.length - 1]!;
  const s = x.size / (b * c);
  const n = s * (c / groups);
  const forward = (xs: tf.Tensor, g: tf.Tensor, be: tf.Tensor, save: tf.GradSaveFunc) => {
    const x3 = tf.reshape(xs, [b, s, c]);
    const mean = tf.div(groupSum(tf.sum(x3, 1), groups), n); // [b, c]
    const xc = tf.sub(x3, tf.reshape(mean, [b, 1, c]));
    const variance = tf.div(groupSum(tf.sum(tf.square(xc), 1), groups), n);
    const r = tf.rsqrt(tf.add(variance, epsilon)); // [b, c], constant within a group
    const scale = tf.mul(r, g); // r·γ per (image, channel)
    const y = tf.add(tf.mul(xc, tf.reshape(scale, [b, 1, c])), be);
    save([xc, r, g]);
    return {
      value: tf.reshape(y, shape),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xcS, rS, gS] = saved as [tf.Tensor3D, tf.Tensor2D, tf.Tensor1D];
        const dy3 = tf.reshape(dy, [b, s, c]);
        const a = tf.sum(dy3, 1) as tf.Tensor2D; // A_c
        const d = tf.sum(tf.mul(dy3, xcS), 1) as tf.Tensor2D; // D_c
        const dBeta = tf.sum(a, 0);
        const dGamma = tf.sum(tf.mul(d, rS), 0);
        const m1 = tf.div(groupSum(tf.mul(a, gS), groups), n);
        const m2 = tf.div(tf.mul(groupSum(tf.mul(d, gS), groups), rS), n);
        const p = tf.reshape(tf.mul(rS, gS), [b, 1, c]);
        const q = tf.reshape(tf.neg(tf.mul(tf.square(rS), m2)), [b, 1, c]);
        const rr = tf.reshape(tf.neg(tf.mul(rS, m1)), [b, 1, c]);
        const dx = tf.add(tf.add(tf.mul(dy3, p), tf.mul(xcS, q)), rr);
        return [tf.reshape(dx, shape), dGamma, dBeta];
      },
    };
  };
  const op = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(x, gamma, beta);
}

/**
 * The same group normalisation from ordinary ops (reshape to `[B, S, G, Cg]`, `tf.moments`, broadcast),
 * differentiated by autodiff: the reference that {@link groupNorm}'s gradient is checked against, and the
 * "before" of the U-Net benchmark.
 */
export function groupNormPlain(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, options: GroupNormOptions = {}): tf.Tensor {
  const fn = 'groupNormPlain';
  const groups = checkNumber(fn, 'options.groups', options.groups ?? 8, { min: 1, integer: true });
  const epsilon = checkNumber(fn, 'options.epsilon', options.epsilon ?? 1e-5, { min: 0, exclusiveMin: true });
  checkGroupNormInputs(fn, x, gamma, beta, groups);
  return tf.tidy(() => {
    const b = x.shape[0]!;
    const c = x.shape[x.rank - 1]!;
    const xr = tf.reshape(x, [b, -1, groups, c / groups]);
    const { mean, variance } = tf.moments(xr, [1, 3], true);
    const xhat = tf.reshape(tf.mul(tf.sub(xr, mean), tf.rsqrt(tf.add(variance, epsilon))), x.shape);
    return tf.add(tf.mul(xhat, gamma), beta);
  });
}

/** Options of the {@link GroupNormalization} layer. */
export interface GroupNormalizationArgs extends GroupNormOptions {
  /** Use the plain-op formula ({@link groupNormPlain}) instead of the fused node (benchmarks). @default false */
  plain?: boolean;
  /** Layer name (tfjs-layers). */
  name?: string;
  /** Whether the scale γ and shift β train. @default true */
  trainable?: boolean;
}

/**
 * Group normalisation as a tfjs-layers layer over channels-last inputs `[batch, …, C]`, with trainable
 * `gamma` (ones) and `beta` (zeros) of shape `[C]`; saves and reloads by `className` (`SiGroupNormalization`).
 * The forward and backward passes are one node ({@link groupNorm}).
 *
 * @example
 * ```ts
 * const h = new GroupNormalization({ groups: 8 }).apply(features) as tfl.SymbolicTensor;
 * ```
 */
export class GroupNormalization extends tfl.layers.Layer {
  /** tfjs-layers serialisation name. */
  static readonly className = 'SiGroupNormalization';
  readonly groups: number;
  readonly epsilon: number;
  readonly plain: boolean;
  private gamma: tfl.LayerVariable | null = null;
  private beta: tfl.LayerVariable | null = null;

  constructor(args: GroupNormalizationArgs = {}) {
    super({ name: args.name, trainable: args.trainable ?? true });
    this.groups = checkNumber('GroupNormalization', 'groups', args.groups ?? 8, { min: 1, integer: true });
    this.epsilon = checkNumber('GroupNormalization', 'epsilon', args.epsilon ?? 1e-5, { min: 0, exclusiveMin: true });
    this.plain = args.plain ?? false;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const c = shape[shape.length - 1];
    if (typeof c !== 'number' || c % this.groups !== 0) {
      throw new ArgumentError('GroupNormalization', 'groups', `a divisor of the channel count ${String(c)}`, String(this.groups));
    }
    this.gamma = this.addWeight('gamma', [c], 'float32', tfl.initializers.ones());
    this.beta = this.addWeight('beta', [c], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const f = this.plain ? groupNormPlain : groupNorm;
    return f(x, this.gamma!.read(), this.beta!.read(), { groups: this.groups, epsilon: this.epsilon });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { ...super.getConfig(), groups: this.groups, epsilon: this.epsilon };
    if (this.plain) config['plain'] = true;
    return config;
  }
}
tf.serialization.registerClass(GroupNormalization);
