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
 * On the wasm backend, for `[batch, d]` operands, the node hands its two saved tensors to the tape without
 * copies and computes forward and backward as one JavaScript loop each on the backend's memory instead of
 * eleven small kernels: the kernels' own float32 arithmetic, operation for operation (each product,
 * difference and quotient of float32 numbers rounded to float32 by `Math.fround` is the float32 operation
 * bit for bit; the wasm `Sum` over the last axis and `Mean` add in float32 from 0 in index order, and `Mean`
 * then divides by the count), so the same bits; the kernels, called directly (src/kernels/wasm-direct.ts),
 * remain for a gradient `dy` the loop cannot read.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { sumEvent } from '../shapes.js';
import { engineState, gradientTapeRecording, tapeNode, tapeNodeOwningSaved } from '../tape-node.js';
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

const f32 = Math.fround;

/**
 * `mean_rows Σ_cols (½ p² − y·p)` of two `[rows, cols]` float32 arrays, with the float32 operations and
 * summation order of the kernels `Multiply(Square(p), 0.5)`, `Multiply(y, p)`, `Sub`, `Sum(axis 1)`, `Mean`.
 */
function termValue(p: Float32Array, y: Float32Array, rows: number): number {
  const cols = p.length / rows;
  let total = 0;
  for (let r = 0, i = 0; r < rows; r++) {
    let row = 0;
    for (const end = i + cols; i < end; i++) {
      const pi = p[i]!;
      row = f32(row + f32(f32(f32(pi * pi) * 0.5) - f32(y[i]! * pi)));
    }
    total = f32(total + row);
  }
  return f32(total / rows);
}

/**
 * The node's gradients into `dPred`, `dTarget` for the scalar upstream gradient `dy`, as the kernels of
 * {@link quadraticTerm}'s backward: g = dy / rows, ∂pred = (g·½)·(2p) + (−g)·y, ∂target = (−g)·p.
 */
function termGradients(dy: number, p: Float32Array, y: Float32Array, rows: number, dPred: Float32Array, dTarget: Float32Array): void {
  const g = f32(dy / rows);
  const negG = -g;
  const halfG = f32(g * 0.5);
  for (let i = 0; i < p.length; i++) {
    const pi = p[i]!;
    dPred[i] = f32(halfG * f32(pi * 2)) + f32(negG * y[i]!); // the Float32Array store rounds the sum
    dTarget[i] = negG * pi;
  }
}

/** Whether `x` is a float32 tensor held by the wasm backend `backend` (so its memory can be read in place). */
function onHeap(x: TensorInfo, backend: unknown): boolean {
  return x.dtype === 'float32' && engineState().tensorInfo.get(x.dataId)?.backend === backend;
}

/** {@link quadraticTerm}'s node on the wasm backend (see the file comment). */
function wasmTermNode(pred: tf.Tensor, target: tf.Tensor, rows: number): tf.Scalar {
  return tapeNodeOwningSaved({
    inputs: { pred, target },
    forward: (backend) => {
      const wasm = backend as WasmBackendLike;
      if (!onHeap(pred, backend) || !onHeap(target, backend)) return kernelForward(wasm, pred, target);
      const k = new WasmKernelScope(wasm);
      try {
        const value = k.output([], 'float32');
        // Views only after the allocation (it may grow the heap and detach older views).
        (wasm.typedArrayFromHeap(value) as Float32Array)[0] = termValue(wasm.typedArrayFromHeap(pred) as Float32Array, wasm.typedArrayFromHeap(target) as Float32Array, rows);
        return { value: k.track(value), saved: [tf.keep(k.track(pred)), tf.keep(k.track(target))] };
      } finally {
        k.dispose();
      }
    },
    backwardsFunc: (dy, saved) => {
      const [p, y] = saved as [tf.Tensor, tf.Tensor];
      const backend = tf.backend();
      if (dy.size !== 1 || !onHeap(dy, backend) || !onHeap(p, backend) || !onHeap(y, backend)) return kernelBackward(dy, p, y, rows);
      const wasm = backend as unknown as WasmBackendLike;
      const k = new WasmKernelScope(wasm);
      let dPred: tf.Tensor;
      let dTarget: tf.Tensor;
      try {
        const dp = k.output([...p.shape], 'float32');
        const dt = k.output([...p.shape], 'float32');
        const view = (x: TensorInfo) => wasm.typedArrayFromHeap(x) as Float32Array;
        termGradients(view(dy)[0]!, view(p), view(y), rows, view(dp), view(dt));
        dPred = k.track(dp);
        dTarget = k.track(dt);
      } finally {
        k.dispose();
      }
      return { pred: () => dPred, target: () => dTarget };
    },
  }) as tf.Scalar;
}

/** The node's forward as the wasm kernels, called directly (each call names the tf op it stands for). */
function kernelForward(backend: WasmBackendLike, pred: tf.Tensor, target: tf.Tensor): { value: tf.Tensor; saved: tf.Tensor[] } {
  const k = new WasmKernelScope(backend);
  try {
    const half = k.run('Multiply', { a: k.run('Square', { x: pred }), b: k.tensor([0.5], []) }); // mul(square(pred), 0.5)
    const diff = k.run('Sub', { a: half, b: k.run('Multiply', { a: target, b: pred }) }); // sub(·, mul(target, pred))
    const perRow = k.run('Sum', { x: diff }, { axis: 1, keepDims: false }); // sumEvent: sum(·, 1)
    const value = k.run('Mean', { x: perRow }, { axis: null as unknown as number, keepDims: false }); // mean(·): axis null, every axis
    return { value: k.track(value), saved: [tf.keep(k.track(pred)), tf.keep(k.track(target))] };
  } finally {
    k.dispose();
  }
}

/** The node's backward as the wasm kernels, called directly. */
function kernelBackward(dy: tf.Tensor, p: tf.Tensor, y: tf.Tensor, rows: number): { pred: () => tf.Tensor; target: () => tf.Tensor } {
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
}
