/**
 * A/B timing of the wasm backend's matrix products with this library's SIMD GEMM (src/kernels/wasm-simd-gemm.ts)
 * on and off (XNNPACK), for the products of one checkerboard training step (MLP 19→128→128→128→2, batch 512):
 * forward `h·W` (NN), weight gradients `inᵀ·dz` (TN) and input gradients `dz·Wᵀ` (NT). XNNPACK is timed
 * with a fresh right operand per call (what training does: new weights, a new dz, so it repacks) and with
 * a reused one (packed once). CPU time of this process over `N` calls (one wasm thread), GFLOP/s = 2·m·k·n / time.
 *
 *   npx tsx bench/simd-gemm.ts            (env N = calls per measurement, default 300; T = wasm threads, default 1)
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend.js';
import { setSimdGemm } from '../src/kernels/wasm-simd-gemm.js';

await initBackend('wasm', { log: null, threads: Number(process.env.T ?? 1) });
const N = Number(process.env.N ?? 300);

interface Case { label: string; a: number[]; b: number[]; tA: boolean; tB: boolean; bias: boolean }
const B = 512;
const CASES: Case[] = [
  { label: 'NN [512,19]·[19,128] +bias', a: [B, 19], b: [19, 128], tA: false, tB: false, bias: true },
  { label: 'NN [512,128]·[128,128]', a: [B, 128], b: [128, 128], tA: false, tB: false, bias: false },
  { label: 'NN [512,128]·[128,2] +bias', a: [B, 128], b: [128, 2], tA: false, tB: false, bias: true },
  { label: 'TN [512,19]ᵀ·[512,128]', a: [B, 19], b: [B, 128], tA: true, tB: false, bias: false },
  { label: 'TN [512,128]ᵀ·[512,128]', a: [B, 128], b: [B, 128], tA: true, tB: false, bias: false },
  { label: 'TN [512,128]ᵀ·[512,2]', a: [B, 128], b: [B, 2], tA: true, tB: false, bias: false },
  { label: 'NT [512,128]·[128,128]ᵀ', a: [B, 128], b: [128, 128], tA: false, tB: true, bias: false },
  { label: 'NT [512,2]·[128,2]ᵀ', a: [B, 2], b: [128, 2], tA: false, tB: true, bias: false },
];

const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; };

/** Milliseconds per product; `fresh`: a new right operand (a copy made outside the timed part) per call. */
function time(c: Case, fresh: boolean): number {
  const a = tf.randomNormal(c.a, 0, 1, 'float32', 1);
  const b = tf.randomNormal(c.b, 0, 1, 'float32', 2);
  const n = c.tB ? c.b[0]! : c.b[1]!;
  const bias = c.bias ? tf.randomNormal([n], 0, 1, 'float32', 3) : undefined;
  let total = 0;
  for (let i = 0; i < N + 10; i++) {
    const bi = fresh ? tf.tensor(b.dataSync(), c.b) : b;
    const t0 = cpuMs();
    const y = tf.fused.matMul({ a, b: bi, bias, transposeA: c.tA, transposeB: c.tB });
    if (i >= 10) total += cpuMs() - t0;
    y.dispose();
    if (fresh) bi.dispose();
  }
  tf.dispose([a, b]);
  bias?.dispose();
  return total / N;
}

console.log(`wasm threads ${process.env.T ?? 1}, ${N} calls each, CPU ms per product (GFLOP/s)`);
console.log('product | SIMD GEMM, fresh | XNNPACK, fresh | XNNPACK, reused');
let sums = [0, 0, 0];
for (const c of CASES) {
  const m = c.tA ? c.a[1]! : c.a[0]!;
  const k = c.tA ? c.a[0]! : c.a[1]!;
  const n = c.tB ? c.b[0]! : c.b[1]!;
  const flop = 2 * m * k * n;
  setSimdGemm(true);
  const ours = time(c, true);
  setSimdGemm(false);
  const xf = time(c, true);
  const xr = time(c, false);
  setSimdGemm(true);
  sums = [sums[0]! + ours, sums[1]! + xf, sums[2]! + xr];
  const f = (ms: number) => `${ms.toFixed(3)} (${(flop / ms / 1e6).toFixed(1)})`;
  console.log(`${c.label} | ${f(ours)} | ${f(xf)} | ${f(xr)}`);
}
console.log(`sum | ${sums.map((s) => s.toFixed(3)).join(' | ')}`);
