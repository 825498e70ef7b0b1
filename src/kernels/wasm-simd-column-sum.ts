/**
 * Column sums of a row-major float32 matrix as this library's own WebAssembly SIMD code
 * (`simd/column-sum.wat`), run inside the wasm backend's memory (`wasm-simd-module.ts`). It performs the
 * float64 additions of `wasmSumLeadingAxes`'s JavaScript loop (`wasm-sum.ts`) in the same order for every
 * column — four rows summed, then added to the accumulator; the rows left over one by one; the total
 * rounded to float32 — so its sums are bit for bit the loop's, two columns per instruction.
 *
 * The loop stays as the reference and the fallback (int32 input, no SIMD, or the switch
 * {@link setSimdColumnSum} off).
 */
import { PLAIN_WASM_BASE64, SHARED_WASM_BASE64 } from './simd/column-sum-wasm.js';
import type { WasmBackendLike } from './wasm-common.js';
import { simdKernelExports } from './wasm-simd-module.js';

/** The exports of `simd/column-sum.wat` (addresses in bytes). */
export interface ColumnSumExports {
  /** `out[c] = Σ_r src[r·cols + c]` for c < cols, float32 in and out, float64 accumulation. */
  columnSums: (src: number, out: number, rows: number, cols: number) => void;
}

let enabled = true;

/**
 * Turns the SIMD column sums on or off (on by default; internal, for A/B timings and tests in one
 * process). Off, the `Sum` override runs its JavaScript loop; the numbers are the same.
 *
 * @example
 * ```ts
 * setSimdColumnSum(false); // JavaScript loop from now on
 * ```
 */
export function setSimdColumnSum(on: boolean): void {
  enabled = on;
}

/**
 * The kernel's exports for `backend` when the switch is on and the SIMD module runs in the backend's
 * memory, else null (the caller keeps its JavaScript loop).
 *
 * @example
 * ```ts
 * const k = simdColumnSumKernel(backend);
 * if (k !== null) k.columnSums(srcAddress, outAddress, rows, cols);
 * ```
 */
export function simdColumnSumKernel(backend: WasmBackendLike): ColumnSumExports | null {
  if (!enabled) return null;
  return simdKernelExports<ColumnSumExports>(backend, PLAIN_WASM_BASE64, SHARED_WASM_BASE64);
}
