/**
 * tfjs-layers' `'swish'` activation, `y = x·σ(α·x)`, with a one-pass backward on the wasm backend.
 *
 * tfjs-layers computes swish as `mul(sigmoid(mul(x, α)), x)`; under a gradient tape its backward pass is
 * seven elementwise kernels (the gradients tfjs-core registers for Multiply twice, Sigmoid, and the add
 * of x's two contributions), which on the U-Net's activations is a large share of a training step outside
 * the convolutions. This class keeps the same forward ops and, on the wasm backend with α = 1, records
 * them as one tape node whose gradient is the SIMD kernel of `src/kernels/wasm-swish-grad.ts`:
 *
 *     dx = dy·s + (dy·x)·(s·(1 − s)),   s = σ(x)
 *
 * — the same float32 operations in the same order, so values and gradients are bit-identical to
 * tfjs-layers' own Swish. Everywhere else (other backends, α ≠ 1, no tape recording, no SIMD) it runs
 * tfjs-layers' original class unchanged.
 *
 * Importing this file registers the class under tfjs-layers' name `'swish'` (replacing the original in
 * the serialization map, which is where `tfl.layers.activation({ activation: 'swish' })` and
 * `dense({ activation: 'swish' })` look the name up, at layer construction). Saved models are unchanged:
 * the activation serialises as the string `'swish'`. `models/register.ts` imports it.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-layers';
import { simdSwishGrad, swishGradAvailable } from '../src/kernels/wasm-swish-grad.js';
import type { WasmBackendLike } from '../src/kernels/wasm-common.js';
import { gradientTapeRecording, tapeNode, trackedTensorFromInfo } from '../src/tape-node.js';

/** The part of tfjs-layers' (unexported) activation classes used here. */
interface ActivationLike {
  apply(x: tf.Tensor, alpha?: number): tf.Tensor;
  getClassName(): string;
}

/** An activation class as the serialization map holds it. */
type ActivationClass = (new () => ActivationLike) & tf.serialization.SerializableConstructor<tf.serialization.Serializable>;

/** Marks the class defined here, so a second evaluation of this module finds the real original. */
const ORIGINAL = Symbol.for('stochastic-interpolants.swish-activation.original');

/** tfjs-layers' own Swish, looked up in the serialization map before this file replaces it. */
function lookUpOriginalSwish(): ActivationClass {
  const entry = tf.serialization.SerializationMap.getMap().classNameMap['swish'] as [ActivationClass, unknown] | undefined;
  if (entry === undefined) throw new Error('swish-activation: tfjs-layers did not register a "swish" activation');
  const cls = entry[0] as ActivationClass & { [ORIGINAL]?: ActivationClass };
  return cls[ORIGINAL] ?? cls;
}

/**
 * tfjs-layers' `'swish'` activation class as tfjs-layers defines it (before {@link FastSwish} replaced
 * it in the serialization map); for comparisons and tests.
 *
 * @example
 * ```ts
 * const y = new OriginalSwish().apply(x); // x·σ(x) through tfjs's own ops and gradients
 * ```
 */
export const OriginalSwish: ActivationClass = lookUpOriginalSwish();

/**
 * The `'swish'` activation, `y = x·σ(α·x)` elementwise (any shape), `α` @default 1: tfjs-layers' Swish
 * with the backward pass as one SIMD kernel on the wasm backend when α = 1 (bit-identical results; see the
 * file comment).
 *
 * @example
 * ```ts
 * import './models/swish-activation.js';
 * const layer = tfl.layers.activation({ activation: 'swish' }); // uses FastSwish
 * ```
 */
export class FastSwish extends (OriginalSwish as new () => ActivationLike) {
  /** The serialization name: tfjs-layers' own, so saved models keep `'swish'`. */
  static className = 'swish';
  static [ORIGINAL]: ActivationClass = OriginalSwish;

  /** `x·σ(α·x)`; `x` any float32 tensor, same shape out. */
  override apply(x: tf.Tensor, alpha = 1): tf.Tensor {
    if (alpha !== 1 || x.dtype !== 'float32' || !gradientTapeRecording()) return super.apply(x, alpha);
    const backend = tf.backend() as unknown as WasmBackendLike;
    if (!swishGradAvailable(backend)) return super.apply(x, alpha);
    return tapeNode({
      inputs: { x },
      forwardFunc: (_backend, save) => {
        // tfjs-layers' ops, in its order: mul(sigmoid(mul(x, α)), x).
        const s = tf.sigmoid(tf.mul(x, alpha));
        save([x, s]);
        return tf.mul(s, x);
      },
      backwardsFunc: (dy, [xs, s]) => ({ x: () => swishGrad(dy, xs!, s!) }),
    });
  }
}

/** dx of swish (α = 1) from dy, x and s = σ(x): the SIMD kernel, or tfjs's gradient ops in their order. */
function swishGrad(dy: tf.Tensor, x: tf.Tensor, s: tf.Tensor): tf.Tensor {
  const backend = tf.backend() as unknown as WasmBackendLike;
  const info = simdSwishGrad(backend, dy, x, s);
  if (info !== null) return trackedTensorFromInfo(info, backend);
  return tf.add(tf.mul(dy, s), tf.mul(tf.mul(dy, x), tf.mul(s, tf.sub(tf.scalar(1), s))));
}

tf.serialization.registerClass(FastSwish as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
