/**
 * A/B timing of the wasm backend's matrix products with this library's SIMD GEMM (src/kernels/wasm-simd-gemm.ts)
 * on and off (XNNPACK), for the products of one checkerboard training step (MLP 19→128→128→128→2, batch 512):
 * forward `h·W` (NN), weight gradients `inᵀ·dz` (TN) and input gradients `dz·Wᵀ` (NT). XNNPACK is timed
 * with a fresh right operand per call (what training does: new weights, a new dz, so it repacks) and with
 * a reused one (packed once). CPU time of this process over `N` calls (one wasm thread), the median of 5 interleaved rounds after a
 * warm-up of every case; GFLOP/s = 2·m·k·n / time.
 *
 *   npx tsx bench/simd-gemm.ts            (env N = calls per measurement, default 100; T = wasm threads, default 1;
 *                                          on T > 1 the SIMD column runs on the calling thread alone;
 *                                          WALL=1 times wall clock instead of CPU time)
 *   STEP=1 npx tsx bench/simd-gemm.ts     the whole training step instead, SIMD GEMM on against off, through
 *                                          checkerboardStepComparison (bench/checkerboard.ts; rounds 7, block 30,
 *                                          CPU time unless WALL=1)
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend.js';
import { setSimdGemm } from '../src/kernels/wasm-simd-gemm.js';
import { checkerboardStepComparison } from './checkerboard.js';

await initBackend('wasm', { log: null, threads: Number(process.env.T ?? 1) });
const N = Number(process.env.N ?? 100);

if (process.env.STEP === '1') {
  const anyThreadCount = Number(process.env.T ?? 1) > 1;
  const rows = await checkerboardStepComparison(
    [
      { label: 'SIMD GEMM on', apply: () => setSimdGemm(true, { anyThreadCount }) },
      { label: 'off (XNNPACK)', apply: () => setSimdGemm(false) },
    ],
    { rounds: 7, block: 30, cpu: process.env.WALL !== '1' },
  );
  setSimdGemm(true);
  for (const r of rows) console.log(`${r.label}: ${r.ms.toFixed(3)} ms/step (rounds: ${r.samples.map((x) => x.toFixed(2)).join(' ')})`);
  process.exit(0);
}

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

// CPU time of the process (WALL=1: wall time, the meaningful one on several threads, whose pool threads
// spin while they wait and so add CPU time).
const WALL = process.env.WALL === '1';
const cpuMs = WALL ? () => performance.now() : () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e3; };

/**
 * Milliseconds per product over `N` calls (after 10 untimed ones); `fresh`: each call gets its own copy
 * of the right operand (all made before the timed loop), so XNNPACK packs it anew every time.
 */
function time(c: Case, fresh: boolean): number {
  const a = tf.randomNormal(c.a, 0, 1, 'float32', 1);
  const b = tf.randomNormal(c.b, 0, 1, 'float32', 2);
  const n = c.tB ? c.b[0]! : c.b[1]!;
  const bias = c.bias ? tf.randomNormal([n], 0, 1, 'float32', 3) : undefined;
  const run = (bi: tf.Tensor) => tf.fused.matMul({ a, b: bi, bias, transposeA: c.tA, transposeB: c.tB }).dispose();
  for (let i = 0; i < 10; i++) run(b);
  const values = b.dataSync();
  const operands = Array.from({ length: N }, () => (fresh ? tf.tensor(values, c.b) : b));
  const t0 = cpuMs();
  for (const bi of operands) run(bi);
  const ms = (cpuMs() - t0) / N;
  if (fresh) tf.dispose(operands);
  tf.dispose([a, b]);
  bias?.dispose();
  return ms;
}

const ROUNDS = 5;
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1]!;
const variants = [
  { on: true, fresh: true },
  { on: false, fresh: true },
  { on: false, fresh: false },
];
// On a pool of several threads the SIMD products run on the calling thread alone (anyThreadCount).
const measure = (c: Case, v: (typeof variants)[number]) => {
  setSimdGemm(v.on, { anyThreadCount: true });
  const ms = time(c, v.fresh);
  setSimdGemm(true);
  return ms;
};
// Warm-up: every case and variant once (wasm tier-up, XNNPACK set-up), then ROUNDS interleaved rounds.
for (const c of CASES) for (const v of variants) measure(c, v);
const samples = CASES.map(() => variants.map(() => [] as number[]));
for (let r = 0; r < ROUNDS; r++) CASES.forEach((c, i) => variants.forEach((v, j) => samples[i]![j]!.push(measure(c, v))));

console.log(`wasm threads ${process.env.T ?? 1}, median of ${ROUNDS} rounds of ${N} calls, ${WALL ? 'wall' : 'CPU'} ms per product (GFLOP/s)`);
console.log('product | SIMD GEMM, fresh | XNNPACK, fresh | XNNPACK, reused');
const sums = [0, 0, 0];
CASES.forEach((c, i) => {
  const m = c.tA ? c.a[1]! : c.a[0]!;
  const k = c.tA ? c.a[0]! : c.a[1]!;
  const n = c.tB ? c.b[0]! : c.b[1]!;
  const flop = 2 * m * k * n;
  const ms = samples[i]!.map(median);
  ms.forEach((x, j) => (sums[j]! += x));
  const f = (x: number) => `${x.toFixed(3)} (${(flop / x / 1e6).toFixed(1)})`;
  console.log(`${c.label} | ${ms.map(f).join(' | ')}`);
});
console.log(`sum | ${sums.map((s) => s.toFixed(3)).join(' | ')}`);
