/**
 * Multi-head self-attention over the pixels of a channels-last feature map, as a serialisable
 * tfjs-layers layer (the attention block a U-Net places at its lowest resolution).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, checkNumber } from '../src/errors.js';

/** Arguments of {@link SpatialSelfAttention}. */
export interface SpatialSelfAttentionArgs {
  /** Attention heads; must divide the channel count. @default 1 */
  heads?: number;
  /** Seed of the query/key/value projection's initial weights. @default 0 */
  seed?: number;
  /** Layer name (tfjs-layers). */
  name?: string;
}

/**
 * Self-attention among the `P = h·w` pixels of `x: [b, h, w, c]`, with `H` heads of width `d = c/H`:
 *
 *     [q, k, v] = x·W_qkv + b_qkv                      (per pixel, each [P, c], split into H heads of d)
 *     a_head    = softmax(q·kᵀ / √d) · v               ([P, P] weights per image and head)
 *     y         = concat(a_1 … a_H)·W_o + b_o          (per pixel, [b, h, w, c])
 *
 * The output projection `W_o` starts at zero, so `x + attention(norm(x))` is the identity at
 * initialisation and training turns the block on gradually. The layer returns `y` only: the U-Net adds
 * the normalisation before and the residual after it. Cost: O(b·H·P²·d) — meant for the lowest
 * resolution (7×7 for 28×28 digits with two levels). Serialisable (`SiSpatialSelfAttention`).
 *
 * @example
 * ```ts
 * const attention = new SpatialSelfAttention({ heads: 4 });
 * const y = attention.apply(tf.randomNormal([2, 7, 7, 64])) as tf.Tensor4D; // [2, 7, 7, 64]
 * ```
 */
export class SpatialSelfAttention extends tfl.layers.Layer {
  /** tfjs-layers serialisation name. */
  static readonly className = 'SiSpatialSelfAttention';
  readonly heads: number;
  readonly seed: number;
  private qkvKernel?: tfl.LayerVariable;
  private qkvBias?: tfl.LayerVariable;
  private outKernel?: tfl.LayerVariable;
  private outBias?: tfl.LayerVariable;

  constructor(args: SpatialSelfAttentionArgs = {}) {
    super({ name: args.name });
    this.heads = checkNumber('SpatialSelfAttention', 'heads', args.heads ?? 1, { min: 1, integer: true });
    this.seed = checkNumber('SpatialSelfAttention', 'seed', args.seed ?? 0, { integer: true });
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    if (shape.length !== 4) {
      throw new ArgumentError('SpatialSelfAttention', 'input', 'a [batch, height, width, channels] feature map', `shape [${shape.join(', ')}]`);
    }
    const c = shape[3];
    if (typeof c !== 'number' || c % this.heads !== 0) {
      throw new ArgumentError('SpatialSelfAttention', 'heads', `a divisor of the channel count ${String(c)}`, String(this.heads));
    }
    const init = tfl.initializers.glorotUniform({ seed: this.seed });
    this.qkvKernel = this.addWeight('qkv_kernel', [c, 3 * c], 'float32', init);
    this.qkvBias = this.addWeight('qkv_bias', [3 * c], 'float32', tfl.initializers.zeros());
    this.outKernel = this.addWeight('out_kernel', [c, c], 'float32', tfl.initializers.zeros());
    this.outBias = this.addWeight('out_bias', [c], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [b, h, w, c] = x.shape;
      const p = h * w;
      const heads = this.heads;
      const d = c / heads;
      const rows = tf.reshape(x, [b * p, c]);
      const qkv = tf.add(tf.matMul(rows, this.qkvKernel!.read()), this.qkvBias!.read()); // [b·P, 3c]
      // [b·P, 3, H, d] → three [b·H, P, d] stacks of per-head rows.
      const split = tf.transpose(tf.reshape(qkv, [b, p, 3, heads, d]), [2, 0, 3, 1, 4]); // [3, b, H, P, d]
      const [q, k, v] = tf.unstack(split, 0).map((m) => tf.reshape(m, [b * heads, p, d])) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(d)); // [b·H, P, P]
      const attended = tf.matMul(tf.softmax(scores), v); // [b·H, P, d]
      const merged = tf.reshape(tf.transpose(tf.reshape(attended, [b, heads, p, d]), [0, 2, 1, 3]), [b * p, c]);
      const y = tf.add(tf.matMul(merged, this.outKernel!.read()), this.outBias!.read());
      return tf.reshape(y, [b, h, w, c]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), heads: this.heads, seed: this.seed };
  }
}
tf.serialization.registerClass(SpatialSelfAttention);
