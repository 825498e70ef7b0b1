/**
 * Matmul throughput (GFLOP/s) per backend: cpu, wasm without and with this library's kernel fixes; plain,
 * `transposeA` and `transposeB` products of square n×n matrices.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type BackendConfig, type Benchmark, type BenchResult, fmt, timeMedian, useBackend } from './lib.js';

type Op = 'plain' | 'transposeA' | 'transposeB';

/** One measured cell. */
export interface MatmulCell {
  backend: BackendConfig;
  op: Op;
  n: number;
  msPerProduct: number;
  gflops: number;
}

const OPS: Op[] = ['plain', 'transposeA', 'transposeB'];
const BACKENDS: BackendConfig[] = ['cpu', 'wasm-nofix', 'wasm'];

/** Times one configuration; the number of products per timed block adapts to the speed. */
function measure(n: number, op: Op, quick: boolean): { ms: number; samples: number[] } {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  const product = () => tf.matMul(a, b, op === 'transposeA', op === 'transposeB');
  const t0 = performance.now();
  const first = product();
  first.dataSync();
  first.dispose();
  const estimate = Math.max(performance.now() - t0, 0.01);
  const target = quick ? 40 : 150;
  const inner = Math.max(1, Math.min(200, Math.ceil(target / estimate)));
  const repeats = estimate > 400 ? 3 : quick ? 3 : 7;
  const result = timeMedian(product, { warmup: 1, repeats, inner });
  tf.dispose([a, b]);
  return result;
}

export const matmulBenchmark: Benchmark = {
  name: 'matmul',
  description: 'matmul GFLOP/s on cpu, wasm without fixes and wasm with fixes (plain, transposeA, transposeB)',
  async run(ctx): Promise<BenchResult> {
    const sizes = ctx.quick ? [256, 512] : [256, 512, 1024];
    const cells: MatmulCell[] = [];
    for (const backend of BACKENDS) {
      await useBackend(backend);
      for (const op of OPS) {
        for (const n of sizes) {
          ctx.progress(`matmul: ${backend} ${op} ${n}`);
          const { ms } = measure(n, op, ctx.quick);
          cells.push({ backend, op, n, msPerProduct: ms, gflops: (2 * n ** 3) / (ms * 1e6) });
        }
      }
    }
    await useBackend('wasm');
    const header = ['backend', 'product', ...sizes.map((n) => `n=${n} GFLOP/s`)];
    const rows = [header];
    for (const backend of BACKENDS) {
      for (const op of OPS) {
        rows.push([
          backend === 'wasm' ? 'wasm+fixes' : backend,
          op,
          ...sizes.map((n) => fmt(cells.find((c) => c.backend === backend && c.op === op && c.n === n)?.gflops)),
        ]);
      }
    }
    const notes: string[] = [];
    const biggest = sizes[sizes.length - 1]!;
    for (const op of ['transposeA', 'transposeB'] as const) {
      const off = cells.find((c) => c.backend === 'wasm-nofix' && c.op === op && c.n === biggest);
      const on = cells.find((c) => c.backend === 'wasm' && c.op === op && c.n === biggest);
      if (off && on) notes.push(`wasm ${op} n=${biggest}: fixes ${fmt(off.msPerProduct / on.msPerProduct, 1)}× faster`);
    }
    return { tables: [{ title: 'matmul (n×n · n×n)', rows }], notes, data: { sizes, cells } };
  },
};
