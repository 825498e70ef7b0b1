/**
 * Matmul throughput (GFLOP/s) per backend: cpu, wasm without and with this library's kernel fixes; plain,
 * `transposeA` and `transposeB` products of square n×n matrices. The two wasm variants are timed in
 * alternating blocks on the same operands.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type BackendConfig, type Benchmark, type BenchResult, fmt, median, timeBlock, timeMedian, useBackend } from './lib.js';

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

/** Products per timed block and number of blocks, adapted to a first timing of one product. */
function plan(estimateMs: number, quick: boolean): { inner: number; repeats: number } {
  const target = quick ? 40 : 150;
  const inner = Math.max(1, Math.min(200, Math.ceil(target / Math.max(estimateMs, 0.01))));
  const repeats = estimateMs > 400 ? 3 : quick ? 3 : 7;
  return { inner, repeats };
}

function operands(n: number): [tf.Tensor, tf.Tensor] {
  return [tf.randomNormal([n, n], 0, 1, 'float32', 1), tf.randomNormal([n, n], 0, 1, 'float32', 2)];
}

function productOf(a: tf.Tensor, b: tf.Tensor, op: Op): () => tf.Tensor {
  return () => tf.matMul(a, b, op === 'transposeA', op === 'transposeB');
}

/** Milliseconds of one call of `fn` (read back), the estimate {@link plan} works from. */
function estimate(fn: () => tf.Tensor): number {
  const t0 = performance.now();
  const out = fn();
  out.dataSync();
  out.dispose();
  return performance.now() - t0;
}

/** Times one configuration on the active backend. */
function measure(n: number, op: Op, quick: boolean): { ms: number; samples: number[] } {
  const [a, b] = operands(n);
  const product = productOf(a, b, op);
  const result = timeMedian(product, { warmup: 1, ...plan(estimate(product), quick) });
  tf.dispose([a, b]);
  return result;
}

/**
 * wasm without and with the kernel fixes on the same operands, in alternating timed blocks (the order
 * flips every repeat), so that both see the same background load on a shared machine.
 */
async function measureWasmPaired(n: number, op: Op, quick: boolean): Promise<Record<'off' | 'on', number>> {
  await useBackend('wasm');
  const [a, b] = operands(n);
  const product = productOf(a, b, op);
  const samples: Record<'off' | 'on', number[]> = { off: [], on: [] };
  const set = (mode: 'off' | 'on') => useBackend(mode === 'on' ? 'wasm' : 'wasm-nofix');
  const plans: Record<'off' | 'on', { inner: number; repeats: number }> = {
    off: { inner: 1, repeats: 1 },
    on: { inner: 1, repeats: 1 },
  };
  for (const mode of ['off', 'on'] as const) {
    await set(mode);
    estimate(product);
    plans[mode] = plan(estimate(product), quick);
  }
  const repeats = Math.min(plans.off.repeats, plans.on.repeats);
  for (let r = 0; r < repeats; r++) {
    for (const mode of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
      await set(mode);
      samples[mode].push(timeBlock(product, plans[mode].inner));
    }
  }
  await set('on');
  tf.dispose([a, b]);
  return { off: median(samples.off), on: median(samples.on) };
}

export const matmulBenchmark: Benchmark = {
  name: 'matmul',
  description: 'matmul GFLOP/s on cpu, wasm without fixes and wasm with fixes (plain, transposeA, transposeB)',
  async run(ctx): Promise<BenchResult> {
    const sizes = ctx.quick ? [256, 512] : [256, 512, 1024];
    const cells: MatmulCell[] = [];
    const push = (backend: BackendConfig, op: Op, n: number, ms: number) =>
      cells.push({ backend, op, n, msPerProduct: ms, gflops: (2 * n ** 3) / (ms * 1e6) });
    await useBackend('cpu');
    for (const op of OPS) {
      for (const n of sizes) {
        ctx.progress(`matmul: cpu ${op} ${n}`);
        push('cpu', op, n, measure(n, op, ctx.quick).ms);
      }
    }
    for (const op of OPS) {
      for (const n of sizes) {
        ctx.progress(`matmul: wasm without/with fixes ${op} ${n}`);
        const { off, on } = await measureWasmPaired(n, op, ctx.quick);
        push('wasm-nofix', op, n, off);
        push('wasm', op, n, on);
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
