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
 *
 * On the wasm backend, for `[batch, d]` operands, the node calls the same kernels directly on the backend
 * (src/kernels/wasm-direct.ts: no engine bookkeeping per op) and hands its two saved tensors to the tape
 * without copies; same kernels on the same inputs, so the same bits.
 */
import * as tf from '@tensorflow/tfjs-core';
import { sumEvent } from '../shapes.js';
import { gradientTapeRecording, tapeNode, tapeNodeOwningSaved } from '../tape-node.js';
import { directWasmKernels, WasmKernelScope } from '../kernels/wasm-direct.js';
import type { WasmBackendLike } from '../kernels/wasm-common.js';

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
  if (pred.rank === 2 && directWasmKernels()) return wasmTermNode(pred, target, rows);
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

/** {@link quadraticTerm}'s node with the wasm kernels called directly (each call names the tf op it stands for). */
function wasmTermNode(pred: tf.Tensor, target: tf.Tensor, rows: number): tf.Scalar {
  return tapeNodeOwningSaved({
    inputs: { pred, target },
    forward: (backend) => {
      const k = new WasmKernelScope(backend as WasmBackendLike);
      try {
        const half = k.run('Multiply', { a: k.run('Square', { x: pred }), b: k.tensor([0.5], []) }); // mul(square(pred), 0.5)
        const diff = k.run('Sub', { a: half, b: k.run('Multiply', { a: target, b: pred }) }); // sub(·, mul(target, pred))
        const perRow = k.run('Sum', { x: diff }, { axis: 1, keepDims: false }); // sumEvent: sum(·, 1)
        const value = k.run('Mean', { x: perRow }, { axis: null as unknown as number, keepDims: false }); // mean(·): axis null, every axis
        return { value: k.track(value), saved: [tf.keep(k.track(pred)), tf.keep(k.track(target))] };
      } finally {
        k.dispose();
      }
    },
    backwardsFunc: (dy, saved) => {
      const [p, y] = saved as [tf.Tensor, tf.Tensor];
      const k = new WasmKernelScope(tf.backend() as unknown as WasmBackendLike);
      let dPred: tf.Tensor;
      let dTarget: tf.Tensor;
      try {
        const g = k.run('RealDiv', { a: dy, b: k.tensor([rows], []) }); // div(dy, rows)
        const negG = k.run('Neg', { x: g }); // neg(g)
        // add(mul(mul(g, 0.5), mul(p, 2)), mul(negG, y))
        const scaled = k.run('Multiply', { a: k.run('Multiply', { a: g, b: k.tensor([0.5], []) }), b: k.run('Multiply', { a: p, b: k.tensor([2], []) }) });
        dPred = k.track(k.run('Add', { a: scaled, b: k.run('Multiply', { a: negG, b: y }) }));
        dTarget = k.track(k.run('Multiply', { a: negG, b: p })); // mul(negG, p)
      } finally {
        k.dispose();
      }
      return { pred: () => dPred, target: () => dTarget };
    },
  }) as tf.Scalar;
}
