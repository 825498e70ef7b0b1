/**
 * One field's term of the quadratic objective, mean over rows of Σ_event (½ f̂² − target·f̂), as a single
 * node of the gradient tape.
 *
 * As plain ops the term is six taped kernels (square, two products, difference, event sum, mean) whose
 * registered gradients launch about seventeen more (reshapes, `ones`, broadcasts) and copy five inputs
 * for the tape. The node runs the same six forward kernels and computes the gradient with the same float32
 * operations the registered gradients perform, element for element:
 *
 *   g = dy / rows,  ∂/∂f̂ = (g·½)·(2 f̂) + (−g)·target,  ∂/∂target = (−g)·f̂
 *
 * (tfjs's Mean gradient divides dy by the row count, Sum and Sub pass it on or negate it, Mul by ½ scales
 * it, Square multiplies by 2 f̂, and the product target·f̂ multiplies by the other factor), with g a scalar
 * broadcast instead of a tensor of copies. Values, losses and gradients are bit for bit those of the
 * plain ops (tested on wasm and cpu) when f̂ enters the loss only through this term, as in the objective;
 * if f̂ also fed other terms, its gradient's parts would be summed in another order (equal to float32
 * accuracy).
 */
import * as tf from '@tensorflow/tfjs-core';
import { sumEvent } from '../shapes.js';
import { gradientTapeRecording, tapeNode } from '../tape-node.js';

/** The term's forward ops, exactly as the objective has always written them. */
function plainTerm(pred: tf.Tensor, target: tf.Tensor): tf.Scalar {
  return tf.mean(sumEvent(tf.sub(tf.mul(tf.square(pred), 0.5), tf.mul(target, pred)))) as tf.Scalar;
}

/**
 * `mean_rows Σ_event (½ pred² − target·pred)` for `pred`, `target`: `[batch, ...event]` (same shape,
 * float32), as one tape node when a gradient tape records (see the file comment), else the plain ops.
 * Call inside `tf.tidy`.
 *
 * @example
 * ```ts
 * const term = quadraticTerm(net(xt, t), target); // a scalar, differentiable in pred (and target)
 * ```
 */
export function quadraticTerm(pred: tf.Tensor, target: tf.Tensor): tf.Scalar {
  const same = pred.rank >= 2 && pred.dtype === 'float32' && target.dtype === 'float32' && pred.shape.length === target.shape.length && pred.shape.every((s, i) => s === target.shape[i]);
  if (!gradientTapeRecording() || !same) return plainTerm(pred, target);
  const rows = pred.shape[0]!;
  return tapeNode({
    inputs: { pred, target },
    forwardFunc: (_backend, save) => {
      save([pred, target]);
      return plainTerm(pred, target);
    },
    backwardsFunc: (dy, saved) => {
      const [p, y] = saved as [tf.Tensor, tf.Tensor];
      const g = tf.div(dy, rows);
      const negG = tf.neg(g);
      return {
        pred: () => tf.add(tf.mul(tf.mul(g, 0.5), tf.mul(p, 2)), tf.mul(negG, y)),
        target: () => tf.mul(negG, p),
      };
    },
  }) as tf.Scalar;
}
