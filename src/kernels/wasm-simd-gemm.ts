/**
 * Matrix products on the wasm backend in this library's own WebAssembly SIMD code (`simd/gemm.wat`), run
 * inside the backend's memory (`wasm-simd-module.ts`):
 *
 *     C[i, j] = bias[j] + Σ_k A(i, k) · B[k, j]     (k = 0, 1, …, K − 1 in order; bias 0 when absent)
 *
 * with A = `a` or `aᵀ`, B = `b` or `bᵀ`, each term a separate float32 multiply and add from an accumulator
 * that starts at the bias: the operations of XNNPACK's f32 GEMM in its order, so every element is
 * bit-identical to the wasm backend's XNNPACK product (test/kernels/wasm-simd-gemm.test.ts compares them).
 *
 * Why: XNNPACK packs the right operand into its own layout before each product, and training hands it a
 * fresh right operand on every call (new weights after each optimizer step, a new `dz`): measured, one
 * `[512,128]ᵀ·[512,128]` weight gradient with a fresh `dz` takes 1.05 ms against 0.53 ms for the same
 * product with a reused, already packed operand. This kernel reads B's rows where they lie (no packing;
 * large products copy each 8-column block of B to a contiguous panel, a plain copy) and reads a transposed
 * left operand through strides (no transpose); only a transposed right operand is transposed first (a
 * SIMD copy of the size of B). Measured on the checkerboard step's products, one thread, CPU time
 * (`npx tsx bench/simd-gemm.ts` on the loaded 2-core machine): `[512,128]·[128,128]` 0.40 ms (42 GFLOP/s)
 * against XNNPACK's 0.56 with a fresh operand / 0.49 reused, `[512,128]ᵀ·[512,128]` 0.40 ms against
 * 0.79 / 0.54, `[512,128]·[128,128]ᵀ` 0.39 ms against 0.56 / 0.57; the step's products together 2.6 ms
 * against 4.4. Larger products also at or above XNNPACK with a reused operand (`[256,1024]·[1024,1024]`
 * 12 ms against 16 reused and 41 fresh).
 *
 * Used by the `BatchMatMul` and `_FusedMatMul` overrides when the switch is on (the default), the backend's
 * thread pool has one thread (on more, XNNPACK splits a product across the pool) and the engine runs
 * WebAssembly SIMD; otherwise {@link simdGemmKernels} returns null and the callers keep XNNPACK.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { PLAIN_WASM_BASE64, SHARED_WASM_BASE64 } from './simd/gemm-wasm.js';
import { disposeInfos, type WasmBackendLike } from './wasm-common.js';
import { backendThreadCount, heapAddress, simdKernelExports } from './wasm-simd-module.js';

/**
 * An exported function of `simd/gemm.wat` (addresses and strides in bytes): `C = bias + A·B` for the
 * columns the function covers, with `A(i, k)` at `a + i·ars + k·aks`, B's and C's rows `ldb` and `ldc`
 * bytes apart, `bias` 0 for none.
 */
type GemmFunction = (
  a: number, b: number, bias: number, c: number, m: number, k: number,
  ars: number, aks: number, ldb: number, ldc: number, post: number,
) => void;

/**
 * The exports of `simd/gemm.wat`: `gemm8` covers `8·blocks` columns, `gemmW` (W = 1 … 4) W columns;
 * `post` is the address of a bias added after the sum (0 for none).
 */
export interface GemmKernels {
  gemm8: (
    a: number, b: number, bias: number, c: number, m: number, k: number,
    ars: number, aks: number, ldb: number, ldc: number, post: number, blocks: number, panel: number,
  ) => void;
  gemm4: GemmFunction;
  gemm3: GemmFunction;
  gemm2: GemmFunction;
  gemm1: GemmFunction;
  /** `dst[j, i] = src[i, j]` for a row-major `rows × cols` float32 matrix (addresses in bytes). */
  transpose: (src: number, dst: number, rows: number, cols: number) => void;
}

/**
 * When the kernel first copies each 8-column block of B to a contiguous scratch panel (`gemm8`'s `panel`):
 * at least this many rows of C (the row blocks that reuse a panel) and this many multiply-adds (`m·k·n`;
 * below, allocating the panel costs more than it saves). Measured, interleaved, one thread
 * (CPU time): `[128,512]ᵀ·[512,128]` 0.45 → 0.40 ms, `[512,128]·[128,128]` 0.42 → 0.40,
 * `[256,1024]·[1024,1024]` 30 → 14 ms (B's rows 4 KB apart share few cache sets), `[1024,512]·[512,512]`
 * 13.0 → 11.5 ms; `[512,19]·[19,128]` 0.063 → 0.075 ms (too small), `[19,512]ᵀ·[512,128]` 0.066 → 0.077.
 */
const PANEL_MIN_ROWS = 64;
const PANEL_MIN_PRODUCT = 1 << 22;

/** The narrow kernels by width. */
const NARROW = ['gemm1', 'gemm2', 'gemm3', 'gemm4'] as const;

let enabled = true;
let anyPool = false;
let calls = 0;

/** Options of {@link setSimdGemm}. */
export interface SimdGemmSwitchOptions {
  /**
   * Use the SIMD products on a thread pool of any size too (they run on the calling thread alone); for
   * measurements only: on two threads XNNPACK splits each product across the pool. @default false
   */
  anyThreadCount?: boolean;
}

/**
 * Turns the SIMD products on or off for this process (on by default); off, the overrides use XNNPACK as
 * before. Internal (for A/B timings and the bit-identity tests), not part of the package API.
 *
 * @example
 * ```ts
 * setSimdGemm(false); // XNNPACK for every product
 * ```
 */
export function setSimdGemm(on: boolean, { anyThreadCount = false }: SimdGemmSwitchOptions = {}): void {
  enabled = on;
  anyPool = anyThreadCount;
}

/** How many products {@link simdGemm} has computed in this process (lets tests see which path ran). */
export function simdGemmCallCount(): number {
  return calls;
}

/** Whether the SIMD products are switched on ({@link setSimdGemm}). */
export function simdGemmEnabled(): boolean {
  return enabled;
}

/**
 * The kernels when the SIMD products apply on `backend`: switched on, one thread in the backend's pool
 * (unless {@link SimdGemmSwitchOptions.anyThreadCount}), SIMD available. Null otherwise.
 */
export function simdGemmKernels(backend: WasmBackendLike): GemmKernels | null {
  if (!enabled || (!anyPool && backendThreadCount(backend) !== 1)) return null;
  return simdKernelExports<GemmKernels>(backend, PLAIN_WASM_BASE64, SHARED_WASM_BASE64);
}

/** What {@link simdGemm} computes: `C_t = biasAfter + (bias + A_t·B_t)` for each result matrix `t`. */
export interface SimdGemmOptions {
  /** Rows of A (and C), shared dimension (≥ 1), columns of B (and C). */
  m: number;
  k: number;
  n: number;
  /** `a` holds its matrices as `[k, m]` (read transposed through strides). @default false */
  transposeA?: boolean;
  /** `b` holds its matrices as `[n, k]` (transposed into a scratch tensor first). @default false */
  transposeB?: boolean;
  /** Float32 `[n]`, the accumulators' start (XNNPACK's fused bias). @default null */
  bias?: TensorInfo | null;
  /** Float32 `[n]` added after the sum (what a separate broadcast `Add` computes). @default null */
  biasAfter?: TensorInfo | null;
  /** For each result matrix, the matrix of `a` and of `b` it uses. @default [0] and [0] */
  aIndex?: ArrayLike<number>;
  bIndex?: ArrayLike<number>;
  /** Shape of the result, whose matrices are the `[m, n]` results in order. @default [m, n] */
  outShape?: number[];
}

/**
 * Float32 products by the SIMD kernels into a new tensor: for `t = 0 … aIndex.length − 1`,
 * `C_t = biasAfter + (bias + A_t·B_t)` where `A_t` is matrix `aIndex[t]` of `a` (each `[m, k]`, or `[k, m]`
 * read transposed) and `B_t` matrix `bIndex[t]` of `b` (each `[k, n]`, or `[n, k]` transposed first).
 * Each sum runs over k in order from the bias (or 0), a float32 multiply then add per term.
 *
 * @example
 * ```ts
 * const kernels = simdGemmKernels(backend);
 * if (kernels !== null) y = simdGemm(backend, kernels, x, w, { m: 512, k: 128, n: 128, biasAfter: b });
 * ```
 */
export function simdGemm(
  backend: WasmBackendLike,
  kernels: GemmKernels,
  a: TensorInfo,
  b: TensorInfo,
  options: SimdGemmOptions,
): TensorInfo {
  const { m, k, n, transposeA = false, transposeB = false, bias = null, biasAfter = null } = options;
  const { aIndex = [0], bIndex = [0], outShape = [m, n] } = options;
  calls++;
  const bRows = transposeB ? transposeMatrices(backend, kernels, b, n, k) : b;
  const out = backend.makeOutput(outShape, 'float32');
  const n8 = n - (n % 8);
  const usePanel = n8 > 0 && m >= PANEL_MIN_ROWS && m * k * n >= PANEL_MIN_PRODUCT;
  const panel = usePanel ? backend.makeOutput([8 * k], 'float32') : null;
  const panelAddr = panel === null ? 0 : heapAddress(backend, panel);
  // Addresses after the allocations (they are offsets, stable under heap growth anyway).
  const aAddr = heapAddress(backend, a);
  const bAddr = heapAddress(backend, bRows);
  const cAddr = heapAddress(backend, out);
  const biasAddr = bias === null ? 0 : heapAddress(backend, bias);
  const postAddr = biasAfter === null ? 0 : heapAddress(backend, biasAfter);
  const ars = transposeA ? 4 : 4 * k;
  const aks = transposeA ? 4 * m : 4;
  const ldb = 4 * n;
  const at = (address: number, j: number) => (address === 0 ? 0 : address + 4 * j);
  for (let t = 0; t < aIndex.length; t++) {
    const pa = aAddr + aIndex[t]! * m * k * 4;
    const pb = bAddr + bIndex[t]! * k * n * 4;
    const pc = cAddr + t * m * n * 4;
    if (n8 > 0) kernels.gemm8(pa, pb, biasAddr, pc, m, k, ars, aks, ldb, ldb, postAddr, n8 / 8, panelAddr);
    for (let j = n8; j < n; j += 4) {
      const narrow = kernels[NARROW[Math.min(4, n - j) - 1]!];
      narrow(pa, pb + 4 * j, at(biasAddr, j), pc + 4 * j, m, k, ars, aks, ldb, ldb, at(postAddr, j));
    }
  }
  if (bRows !== b) disposeInfos(backend, bRows);
  disposeInfos(backend, panel);
  return out;
}

/** The `[rows, cols]` matrices of `x` (consecutive) transposed into a new tensor by the kernel. */
function transposeMatrices(backend: WasmBackendLike, kernels: GemmKernels, x: TensorInfo, rows: number, cols: number): TensorInfo {
  const out = backend.makeOutput([...x.shape.slice(0, -2), cols, rows], 'float32');
  const src = heapAddress(backend, x);
  const dst = heapAddress(backend, out);
  const count = rows * cols === 0 ? 0 : tf.util.sizeFromShape(x.shape) / (rows * cols);
  for (let t = 0; t < count; t++) kernels.transpose(src + 4 * t * rows * cols, dst + 4 * t * rows * cols, rows, cols);
  return out;
}

/**
 * A dense layer's pre-activation `x·W + b` as the wasm backend computes `add(matMul(x, W), b)` (the
 * product's sums as XNNPACK's, then one float32 add of the bias), in one pass of the SIMD kernels: no
 * product tensor, no broadcast `Add` kernel. `x: [m, k]`, `w: [k, n]`, `b: [n]`, all float32, k ≥ 1.
 * Null when the kernels do not apply ({@link simdGemmKernels}) or the operands do not fit.
 *
 * @example
 * ```ts
 * const z = simdDenseBiasAfter(backend, h, w, b) ?? slowPath();
 * ```
 */
export function simdDenseBiasAfter(backend: WasmBackendLike, x: TensorInfo, w: TensorInfo, b: TensorInfo): TensorInfo | null {
  if (x.shape.length !== 2 || w.shape.length !== 2 || b.shape.length !== 1) return null;
  const [m, k] = x.shape as [number, number];
  const [kw, n] = w.shape as [number, number];
  if (k !== kw || b.shape[0] !== n || k < 1 || m < 1 || n < 1) return null;
  if (x.dtype !== 'float32' || w.dtype !== 'float32' || b.dtype !== 'float32') return null;
  const kernels = simdGemmKernels(backend);
  return kernels === null ? null : simdGemm(backend, kernels, x, w, { m, k, n, biasAfter: b });
}
