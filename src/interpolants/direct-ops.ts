/**
 * Internal: the arithmetic vocabulary of ops.ts on the wasm backend's `TensorInfo`s without the tfjs engine,
 * so the closed-form coefficients of an interpolant can be evaluated for a training batch without the
 * engine's per-op bookkeeping. The basic arithmetic runs as JavaScript loops on the backend's memory (the
 * float32 results of the kernels, bit for bit), the transcendental functions as direct kernel calls (the
 * kernels `tensorOps` would run, on the same inputs), so the values are `tensorOps`' bit for bit.
 * (`one-sided-linear`'s sample of [512, 2]: 74 → 63 µs against the kernels, CPU time, 1 thread.) Not part of the public API.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { WasmKernelScope } from '../kernels/wasm-direct.js';
import type { Ops } from './ops.js';

/** Thrown by a direct op with no simple kernel-for-kernel equivalent; the caller falls back to the engine. */
export class DirectOpUnsupported extends Error {
  constructor(op: string) {
    super(`direct wasm ops: '${op}' is not available; use the tensor ops`);
    this.name = 'DirectOpUnsupported';
  }
}

/** The operations {@link elementwise} runs as loops. */
type BinaryOp = 'Add' | 'Sub' | 'Multiply' | 'RealDiv';

/**
 * `o[i] = x[i] op y[j]` for i over `o`, with `j = i` or `0` (a scalar): one monomorphic loop per operation
 * (a callback per element would not be inlined once several operations share the call site).
 */
function binaryLoop(op: BinaryOp, x: Float32Array, y: Float32Array, o: Float32Array): void {
  const n = o.length;
  const sx = x.length === n ? 1 : 0;
  const sy = y.length === n ? 1 : 0;
  switch (op) {
    case 'Add':
      for (let i = 0; i < n; i++) o[i] = x[i * sx]! + y[i * sy]!;
      break;
    case 'Sub':
      for (let i = 0; i < n; i++) o[i] = x[i * sx]! - y[i * sy]!;
      break;
    case 'Multiply':
      for (let i = 0; i < n; i++) o[i] = x[i * sx]! * y[i * sy]!;
      break;
    default:
      for (let i = 0; i < n; i++) o[i] = x[i * sx]! / y[i * sy]!;
  }
}

/**
 * The elementwise float32 operation `op` of `a` and `b` as one JavaScript loop over the backend's memory,
 * when both are float32 and of one shape or one of them a scalar (rank 0); else the kernel `op`. Each
 * result is the float64 result of two float32 numbers (+, −, ×, ÷, √ of one) rounded to float32 by the
 * store, which is the float32 operation bit for bit, so the same values as the kernel.
 */
function elementwise(k: WasmKernelScope, op: BinaryOp, a: TensorInfo, b: TensorInfo): TensorInfo {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return k.run(op, { a, b });
  const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  if (!same && a.shape.length !== 0 && b.shape.length !== 0) return k.run(op, { a, b });
  const out = k.output([...(a.shape.length === 0 ? b.shape : a.shape)], 'float32');
  // Views only after the allocation (it may grow the heap and detach older views).
  const view = (x: TensorInfo) => k.backend.typedArrayFromHeap(x) as Float32Array;
  binaryLoop(op, view(a), view(b), view(out));
  return out;
}

/** `−x` or `√x` of the float32 `x` as one loop (see {@link elementwise}); else the kernel. */
function unary(k: WasmKernelScope, op: 'Neg' | 'Sqrt', x: TensorInfo): TensorInfo {
  if (x.dtype !== 'float32') return k.run(op, { x });
  const out = k.output([...x.shape], 'float32');
  const v = k.backend.typedArrayFromHeap(x) as Float32Array;
  const o = k.backend.typedArrayFromHeap(out) as Float32Array;
  if (op === 'Neg') for (let i = 0; i < o.length; i++) o[i] = -v[i]!;
  else for (let i = 0; i < o.length; i++) o[i] = Math.sqrt(v[i]!);
  return out;
}

/**
 * `tensorOps` (ops.ts) as direct computations in the scope `k`; every output is owned by `k`. `add`, `sub`,
 * `mul`, `div`, `neg` and `sqrt` of float32 operands of one shape (or with a scalar) run as JavaScript
 * loops on the backend's memory, bit for bit the kernels' float32 results (see `elementwise`); `sin`,
 * `cos` and `sigmoid` (whose kernels round differently from JavaScript's functions) and other shapes run
 * the kernel `tensorOps` would run, on the same inputs. `ifLess` (a broadcasting `tf.where`) is not
 * offered: it throws {@link DirectOpUnsupported}.
 *
 * @example
 * ```ts
 * const o = directOps(k);
 * const alpha = o.sub(o.c(1), t); // float32 1 − t, as tf.sub(tf.scalar(1), t)
 * ```
 */
export function directOps(k: WasmKernelScope): Ops<TensorInfo> {
  return {
    c: (v) => k.tensor([v], []),
    add: (a, b) => elementwise(k, 'Add', a, b),
    sub: (a, b) => elementwise(k, 'Sub', a, b),
    mul: (a, b) => elementwise(k, 'Multiply', a, b),
    div: (a, b) => elementwise(k, 'RealDiv', a, b),
    neg: (x) => unary(k, 'Neg', x),
    sqrt: (x) => unary(k, 'Sqrt', x),
    sin: (x) => k.run('Sin', { x }),
    cos: (x) => k.run('Cos', { x }),
    sigmoid: (x) => k.run('Sigmoid', { x }),
    ifLess: () => {
      throw new DirectOpUnsupported('ifLess');
    },
  };
}

/**
 * `asBatch` (ops.ts) on `TensorInfo`s: `value` broadcast to `t`'s `[batch]` shape, with the values of the
 * kernels `asBatch` runs (Identity, a copy, when `value` is `t`; ZerosLike then Add, i.e. 0 + v, for a
 * scalar) written by JavaScript. Throws {@link DirectOpUnsupported} for a non-float32 value.
 */
export function directAsBatch(k: WasmKernelScope, value: TensorInfo, t: TensorInfo): TensorInfo {
  if (value === t) {
    const copy = k.output([...t.shape], t.dtype);
    k.backend.typedArrayFromHeap(copy).set(k.backend.typedArrayFromHeap(t));
    return copy;
  }
  if (value.dtype !== 'float32') throw new DirectOpUnsupported('asBatch of a non-float32 value');
  if (value.shape.length === 1 && value.shape[0] === t.shape[0]) return value;
  const size = value.shape.reduce((a, b) => a * b, 1);
  if (size !== 1) {
    // tf.add(zerosLike(t), value) with a value of another shape: the kernels broadcast (or refuse) it
    return k.run('Add', { a: k.run('ZerosLike', { x: t }), b: k.reshape(value, value.shape) });
  }
  const out = k.output([...t.shape], 'float32');
  const v = (k.backend.typedArrayFromHeap(value) as Float32Array)[0]!;
  (k.backend.typedArrayFromHeap(out) as Float32Array).fill(0 + v); // ZerosLike then Add: 0 + v (−0 becomes +0)
  return out;
}
