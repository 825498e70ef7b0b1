/**
 * The fused Adam-family update of one variable as this library's own WebAssembly SIMD code
 * (`simd/adam.wat`), run inside the wasm backend's memory (`wasm-simd-module.ts`): the same float32
 * operations, in the same order, as the JavaScript loops of `wasm-fused-adam.ts` (each of which rounds
 * every operation to float32), so the new value, m and s are bit for bit the loops' — four elements per
 * instruction and no float64 round trips.
 *
 * The loops stay as the reference and the fallback: when the SIMD module cannot run (another backend, an
 * engine without SIMD) or the switch {@link setSimdAdamKernel} is off, {@link simdFusedAdamUpdate}
 * returns false and the caller runs them.
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { PLAIN_WASM_BASE64, SHARED_WASM_BASE64 } from './simd/adam-wasm.js';
import type { WasmBackendLike } from './wasm-common.js';
import type { FusedAdamAttrs } from './wasm-fused-adam.js';
import { heapAddress, simdKernelExports } from './wasm-simd-module.js';

/** The exports of `simd/adam.wat` (addresses in bytes, `n` in elements, scalars float32). */
export interface AdamExports {
  adam: (
    value: number, grad: number, m: number, s: number, outValue: number, outM: number, outS: number, n: number,
    beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number,
    c1: number, c2: number, epsilon: number, negLearningRate: number, decay: number, decays: number,
  ) => void;
  adaBelief: (
    value: number, grad: number, m: number, s: number, outValue: number, outM: number, outS: number, n: number,
    beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number,
    c1: number, c2: number, epsilon: number, decay: number, decays: number,
  ) => void;
}

let enabled = true;

/**
 * Turns the SIMD update on or off (on by default; internal, for A/B timings and tests in one process).
 * Off, the fused Adam kernel runs its JavaScript loops; the numbers are the same.
 *
 * @example
 * ```ts
 * setSimdAdamKernel(false); // JavaScript loops from now on
 * ```
 */
export function setSimdAdamKernel(on: boolean): void {
  enabled = on;
}

/** Whether `x` is a float32 value (the kernel takes its scalars as f32; the loops' arithmetic assumes them). */
function isFloat32(x: number): boolean {
  return Math.fround(x) === x || Number.isNaN(x);
}

/** The scalars of `a`, all float32 values (else the SIMD path declines and the loops run). */
function float32Attrs(a: FusedAdamAttrs): boolean {
  return (
    isFloat32(a.beta1) && isFloat32(a.oneMinusBeta1) && isFloat32(a.beta2) && isFloat32(a.oneMinusBeta2) &&
    isFloat32(a.c1) && isFloat32(a.c2) && isFloat32(a.epsilon) && isFloat32(a.negLearningRate) && isFloat32(a.decay)
  );
}

/**
 * The kernel's exports for `backend` when the SIMD update can run with attributes `a` (switch on, SIMD
 * module instantiated in the backend's memory, every scalar a float32 value), else null.
 *
 * @example
 * ```ts
 * const k = simdAdamKernel(backend, attrs); // then simdFusedAdamUpdate(k, …) per variable
 * ```
 */
export function simdAdamKernel(backend: WasmBackendLike, a: FusedAdamAttrs): AdamExports | null {
  if (!enabled || !float32Attrs(a)) return null;
  return simdKernelExports<AdamExports>(backend, PLAIN_WASM_BASE64, SHARED_WASM_BASE64);
}

/**
 * One variable's update by the SIMD kernel `kernels` (from {@link simdAdamKernel}): reads `value`, `grad`,
 * `m`, `s` and writes `outValue`, `outM`, `outS` (float32 tensor infos held by `backend`, all of `n`
 * elements; the outputs distinct from the inputs). The rules are those of {@link FusedAdamAttrs}.
 *
 * @example
 * ```ts
 * simdFusedAdamUpdate(k, backend, attrs, value, grad, m, s, newValue, newM, newS, n);
 * ```
 */
export function simdFusedAdamUpdate(
  kernels: AdamExports,
  backend: WasmBackendLike,
  a: FusedAdamAttrs,
  value: TensorInfo,
  grad: TensorInfo,
  m: TensorInfo,
  s: TensorInfo,
  outValue: TensorInfo,
  outM: TensorInfo,
  outS: TensorInfo,
  n: number,
): void {
  if (n === 0) return;
  const at = (t: TensorInfo) => heapAddress(backend, t);
  const decays = a.decay === 1 ? 0 : 1;
  if (a.rule === 'adam') {
    kernels.adam(
      at(value), at(grad), at(m), at(s), at(outValue), at(outM), at(outS), n,
      a.beta1, a.oneMinusBeta1, a.beta2, a.oneMinusBeta2, a.c1, a.c2, a.epsilon, a.negLearningRate, a.decay, decays,
    );
  } else {
    kernels.adaBelief(
      at(value), at(grad), at(m), at(s), at(outValue), at(outM), at(outS), n,
      a.beta1, a.oneMinusBeta1, a.beta2, a.oneMinusBeta2, a.c1, a.c2, a.epsilon, a.decay, decays,
    );
  }
}
