/**
 * Benchmark runner: `npm run bench` (= `tsx bench/run.ts`).
 *
 *   --only a,b   run only the named benchmarks (in registry order)
 *   --quick      fewer sizes and repeats (a smoke run)
 *   --list       print the registry and exit
 *
 * Prints one table per benchmark on stdout (progress goes to stderr) and writes everything to
 * `bench/results/latest.json`. To add a benchmark, write `bench/<name>.ts` exporting a `Benchmark` (see
 * `bench/lib.ts`) and append it to `BENCHMARKS` below.
 */
import '@tensorflow/tfjs-layers'; // registers the gradient functions (see ARCHITECTURE.md, tfjs convention 10)
import * as tf from '@tensorflow/tfjs-core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { type Benchmark, type BenchContext, type BenchResult, formatTable } from './lib.js';
import { checkerboardBenchmark } from './checkerboard.js';
import { convTrainBenchmark } from './conv-train.js';
import { matmulBenchmark } from './matmul.js';
import { mlpTrainBenchmark } from './mlp-train.js';
import { samplingBenchmark } from './sampling.js';
import { torchMlpBenchmark } from './torch-mlp.js';

/** Every benchmark, in run order (later ones may read earlier results, e.g. torch-mlp reads mlp-train). */
export const BENCHMARKS: readonly Benchmark[] = [
  matmulBenchmark,
  mlpTrainBenchmark,
  torchMlpBenchmark,
  convTrainBenchmark,
  samplingBenchmark,
  checkerboardBenchmark,
  (await import('./unet.js')).unetBenchmark, // U-Net training step vs PyTorch (bench/unet.ts)
  (await import('./default-recipe-sweep.js')).defaultRecipeBenchmark, // si train defaults vs the plain PyTorch recipe (bench/default-recipe-sweep.ts)
];

interface Args {
  only: string[] | null;
  quick: boolean;
  list: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { only: null, quick: false, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') args.quick = true;
    else if (a === '--list') args.list = true;
    else if (a === '--only' || a.startsWith('--only=')) {
      const value = a === '--only' ? argv[++i] : a.slice('--only='.length);
      if (!value) throw new Error('bench: --only needs a comma-separated list of benchmark names');
      args.only = value.split(',').map((s) => s.trim()).filter(Boolean);
    } else {
      throw new Error(`bench: unknown argument '${a}' (expected --only <names>, --quick, --list)`);
    }
  }
  if (args.only) {
    const known = BENCHMARKS.map((b) => b.name);
    const unknown = args.only.filter((n) => !known.includes(n));
    if (unknown.length > 0) throw new Error(`bench: unknown benchmark(s) ${unknown.join(', ')}; known: ${known.join(', ')}`);
  }
  return args;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.list) {
    for (const b of BENCHMARKS) console.log(`${b.name.padEnd(12)} ${b.description}`);
    return;
  }
  const selected = BENCHMARKS.filter((b) => args.only === null || args.only.includes(b.name));
  const results: Record<string, BenchResult> = {};
  const ctx: BenchContext = { quick: args.quick, results, progress: (line) => console.error(`[bench] ${line}`) };
  const require = createRequire(import.meta.url);
  const tfjsVersion = (require('@tensorflow/tfjs-core/package.json') as { version: string }).version;
  console.log(
    `bench: ${selected.map((b) => b.name).join(', ')}${args.quick ? ' (quick)' : ''} — node ${process.version}, ` +
      `tfjs ${tfjsVersion}, ${os.cpus().length}× ${os.cpus()[0]?.model ?? 'unknown cpu'}; times are medians`,
  );
  const started = new Date();
  for (const bench of selected) {
    const t0 = performance.now();
    const result = await bench.run(ctx);
    results[bench.name] = result;
    for (const table of result.tables) console.log(`\n## ${table.title}\n${formatTable(table.rows)}`);
    for (const note of result.notes) console.log(`- ${note}`);
    // A benchmark that only runs PyTorch never starts a tfjs backend; there are no tensors to count then.
    const alive = Object.keys((tf.engine() as unknown as { registry: object }).registry).length > 0 ? String(tf.memory().numTensors) : 'no backend started';
    ctx.progress(`${bench.name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s (tensors alive: ${alive})`);
  }
  const out = {
    date: started.toISOString(),
    quick: args.quick,
    node: process.version,
    tfjs: tfjsVersion,
    cpus: { count: os.cpus().length, model: os.cpus()[0]?.model ?? null },
    loadavg: os.loadavg(),
    benchmarks: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { notes: v.notes, data: v.data }])),
  };
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}latest.json`;
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}

main().catch((err: unknown) => {
  console.error((err as Error).stack ?? String(err));
  process.exitCode = 1;
});
