/**
 * The SIMD sigmoid / swish forward (src/kernels/wasm-simd-swish.ts) against the wasm backend's own
 * kernels, one wasm thread, CPU time:
 *
 *   npx tsx bench/simd-swish.ts          the kernels alone on [512,128]: SIMD swish (s and h in one pass)
 *                                        against the backend's Sigmoid then Multiply, µs per call (medians
 *                                        of 7 interleaved rounds of N calls)
 *   STEP=1 npx tsx bench/simd-swish.ts   the checkerboard training step, SIMD swish on against off, through
 *                                        checkerboardStepComparison (bench/checkerboard.ts; ROUNDS rounds,
 *                                        default 9, block 30), and the median of the per-round differences
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend.js';
import { runWasmKernel, type WasmBackendLike } from '../src/kernels/wasm-common.js';
import { setSimdSwish, simdSigmoid, simdSwish } from '../src/kernels/wasm-simd-swish.js';
import { checkerboardStepComparison } from './checkerboard.js';

await initBackend('wasm', { log: null, threads: 1 });

if (process.env.STEP === '1') {
  const rows = await checkerboardStepComparison(
    [
      { label: 'SIMD swish on', apply: () => setSimdSwish(true) },
      { label: 'off (Sigmoid + Multiply)', apply: () => setSimdSwish(false) },
    ],
    { rounds: Number(process.env.ROUNDS ?? 9), block: 30, cpu: true },
  );
  setSimdSwish(true);
  for (const r of rows) console.log(`${r.label}: ${r.ms.toFixed(3)} ms/step (rounds: ${r.samples.map((x) => x.toFixed(2)).join(' ')})`);
  // Each round ran both variants back to back: the per-round difference cancels most of the load's drift.
  const diffs = rows[0]!.samples.map((v, i) => v - rows[1]!.samples[i]!).sort((a, b) => a - b);
  const q = (f: number) => diffs[Math.floor(f * (diffs.length - 1))]!.toFixed(3);
  console.log(`paired difference on − off: median ${q(0.5)} ms (quartiles ${q(0.25)} … ${q(0.75)})`);
  process.exit(0);
}

const N = Number(process.env.N ?? 500);
const backend = tf.backend() as unknown as WasmBackendLike;
const z = tf.randomNormal([512, 128], 0, 3, 'float32', 1);
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e3;
};
const variants: { label: string; run: () => void }[] = [
  {
    label: 'SIMD swish (s, h)',
    run: () => {
      const [s, h] = simdSwish(backend, z)!;
      backend.disposeData(s.dataId);
      backend.disposeData(h.dataId);
    },
  },
  {
    label: 'SIMD sigmoid alone',
    run: () => backend.disposeData(simdSigmoid(backend, z)!.dataId),
  },
  {
    label: 'backend Sigmoid + Multiply',
    run: () => {
      const s = runWasmKernel(backend, 'Sigmoid', { x: z });
      const h = runWasmKernel(backend, 'Multiply', { a: s, b: z });
      backend.disposeData(s.dataId);
      backend.disposeData(h.dataId);
    },
  },
  {
    label: 'backend Sigmoid alone',
    run: () => backend.disposeData(runWasmKernel(backend, 'Sigmoid', { x: z }).dataId),
  },
];
const samples = variants.map(() => [] as number[]);
for (let round = 0; round < 7; round++) {
  variants.forEach((v, i) => {
    for (let k = 0; k < 20; k++) v.run();
    const t0 = cpuMs();
    for (let k = 0; k < N; k++) v.run();
    samples[i]!.push(((cpuMs() - t0) / N) * 1e3);
  });
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
variants.forEach((v, i) => console.log(`${v.label}: ${median(samples[i]!).toFixed(1)} µs/call (rounds: ${samples[i]!.map((x) => x.toFixed(0)).join(' ')})`));
z.dispose();
