/**
 * Sinusoidal (Fourier) features of time, as a serialisable tfjs-layers layer.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { checkNumber } from '../src/errors.js';

/** Options of {@link TimeFeatures}. */
export interface TimeFeaturesArgs {
  /**
   * Number of frequencies F; the layer outputs `1 + 2F` features: t, sin(2π f_k t), cos(2π f_k t).
   * @default 8
   */
  frequencies?: number;
  /**
   * Highest frequency f_max; frequencies are geometric from 1/2 to f_max, so features resolve time
   * differences down to about 1/(2 f_max).
   * @default 32
   */
  maxFrequency?: number;
  /** Layer name (tfjs-layers). */
  name?: string;
}

/**
 * Maps times `t: [batch, 1]` to `[batch, 1 + 2F]` features
 * `[t, sin(2π f_1 t), …, sin(2π f_F t), cos(2π f_1 t), …, cos(2π f_F t)]`, with
 * `f_k = ½ (2 f_max)^((k−1)/(F−1))`. No trainable weights; saves and reloads by `className`.
 *
 * @example
 * ```ts
 * const layer = new TimeFeatures({ frequencies: 4 });
 * const features = layer.apply(tf.tensor2d([[0.5]])) as tf.Tensor2D; // shape [1, 9]
 * ```
 */
export class TimeFeatures extends tfl.layers.Layer {
  /** tfjs-layers serialisation name. */
  static readonly className = 'SiTimeFeatures';
  readonly frequencies: number;
  readonly maxFrequency: number;
  private readonly omegas: number[];

  /** The angular frequencies ω_k = 2π f_k of the features, in feature order (a copy). */
  get angularFrequencies(): number[] {
    return [...this.omegas];
  }

  constructor(args: TimeFeaturesArgs = {}) {
    super({ name: args.name });
    this.frequencies = checkNumber('TimeFeatures', 'frequencies', args.frequencies ?? 8, { min: 1, integer: true });
    this.maxFrequency = checkNumber('TimeFeatures', 'maxFrequency', args.maxFrequency ?? 32, { min: 0.5 });
    const F = this.frequencies;
    this.omegas = Array.from({ length: F }, (_, k) => {
      const f = F === 1 ? 0.5 : 0.5 * Math.pow(2 * this.maxFrequency, k / (F - 1));
      return 2 * Math.PI * f;
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [shape[0] ?? null, 1 + 2 * this.frequencies];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const t = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      const angles = tf.mul(t, tf.tensor2d(this.omegas, [1, this.frequencies]));
      return tf.concat([t, tf.sin(angles), tf.cos(angles)], 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), frequencies: this.frequencies, maxFrequency: this.maxFrequency };
  }
}
tf.serialization.registerClass(TimeFeatures);
