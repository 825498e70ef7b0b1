/**
 * Internal: the arithmetic vocabulary of ops.ts as direct wasm kernel calls on `TensorInfo`s (no tfjs
 * engine), so the closed-form coefficients of an interpolant can be evaluated for a training batch without
 * the engine's per-op bookkeeping. Each op runs the kernel `tensorOps` would run, on the same inputs in the
 * same order, so the values are `tensorOps`' bit for bit. Not part of the public API.
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

/**
 * `tensorOps` (ops.ts) as direct kernel calls in the scope `k`; every output is owned by `k`.
 * `ifLess` (a broadcasting `tf.where`) is not offered: it throws {@link DirectOpUnsupported}.
 *
 * @example
 * ```ts
 * const o = directOps(k);
 * const alpha = o.sub(o.c(1), t); // the Sub kernel on a float32 scalar 1 and t, as tf.sub(tf.scalar(1), t)
 * ```
 */
export function directOps(k: WasmKernelScope): Ops<TensorInfo> {
  return {
    c: (v) => k.tensor([v], []),
    add: (a, b) => k.run('Add', { a, b }),
    sub: (a, b) => k.run('Sub', { a, b }),
    mul: (a, b) => k.run('Multiply', { a, b }),
    div: (a, b) => k.run('RealDiv', { a, b }),
    neg: (x) => k.run('Neg', { x }),
    sqrt: (x) => k.run('Sqrt', { x }),
    sin: (x) => k.run('Sin', { x }),
    cos: (x) => k.run('Cos', { x }),
    sigmoid: (x) => k.run('Sigmoid', { x }),
    ifLess: () => {
      throw new DirectOpUnsupported('ifLess');
    },
  };
}

/**
 * `asBatch` (ops.ts) on `TensorInfo`s: `value` broadcast to `t`'s `[batch]` shape with the same kernels
 * (Identity when `value` is `t`; ZerosLike then Add for a scalar). Throws {@link DirectOpUnsupported} for a
 * non-float32 value.
 */
export function directAsBatch(k: WasmKernelScope, value: TensorInfo, t: TensorInfo): TensorInfo {
  if (value === t) return k.run('Identity', { x: t });
  if (value.dtype !== 'float32') throw new DirectOpUnsupported('asBatch of a non-float32 value');
  if (value.shape.length === 1 && value.shape[0] === t.shape[0]) return value;
  const size = value.shape.reduce((a, b) => a * b, 1);
  const v = size === 1 ? (value.shape.length === 0 ? value : k.reshape(value, [])) : k.reshape(value, value.shape);
  return k.run('Add', { a: k.run('ZerosLike', { x: t }), b: v });
}
