/**
 * The MLP step of `bench/mlp-train.ts` in PyTorch (`bench/torch_mlp.py`) with 1 and 2 threads, run as a
 * child process, and the ratio of our wasm+fixes time to PyTorch's. PyTorch is looked for in `python3`
 * on PATH and then `/usr/bin/python3` (the first that can `import torch`); without it the benchmark says
 * so and returns no numbers.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Benchmark, BenchResult } from './lib.js';
import { fmt } from './lib.js';
import { type MlpCell, mlpConfigs } from './mlp-train.js';

/** Python interpreters tried, in order. */
export const PYTHON_CANDIDATES = ['python3', '/usr/bin/python3'];

/** One PyTorch measurement as printed by `torch_mlp.py`. */
export interface TorchCell {
  threads: number;
  hidden: number;
  batch: number;
  ms_per_step: number;
  samples: number[];
}

/** The first candidate that can import torch, with its torch version; `null` when none can. */
export function findTorchPython(candidates: readonly string[] = PYTHON_CANDIDATES): { python: string; torch: string } | null {
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
    if (probe.status === 0 && probe.stdout.trim() !== '') return { python, torch: probe.stdout.trim() };
  }
  return null;
}

export const torchMlpBenchmark: Benchmark = {
  name: 'torch-mlp',
  description: 'the same MLP step in PyTorch (1 and 2 threads) and the ratio ours/PyTorch',
  async run(ctx): Promise<BenchResult> {
    const found = findTorchPython();
    if (found === null) {
      return {
        tables: [],
        notes: [`PyTorch not available (tried ${PYTHON_CANDIDATES.join(', ')})`],
        data: { available: false },
      };
    }
    ctx.progress(`torch-mlp: ${found.python} (torch ${found.torch})`);
    const script = fileURLToPath(new URL('./torch_mlp.py', import.meta.url));
    const configs = mlpConfigs();
    const cells: TorchCell[] = [];
    let blas = 'unknown';
    let torchVersion = found.torch;
    // One process per thread count: the BLAS library sizes its own thread pool from the environment when
    // it loads, so torch.set_num_threads alone would leave OpenBLAS/MKL on every core.
    for (const threads of [1, 2]) {
      const args = [script, '--threads', String(threads), '--configs', configs.map((c) => `${c.hidden}x${c.batch}`).join(',')];
      if (ctx.quick) args.push('--quick');
      const t = String(threads);
      const env = { ...process.env, OMP_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t, MKL_NUM_THREADS: t };
      ctx.progress(`torch-mlp: ${threads} thread(s)`);
      const run = spawnSync(found.python, args, { encoding: 'utf8', timeout: 1_800_000, maxBuffer: 16 << 20, env });
      if (run.status !== 0) {
        return {
          tables: [],
          notes: [`PyTorch run failed (exit ${run.status}): ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}`],
          data: { available: true, python: found.python, torch: found.torch, failed: true },
        };
      }
      const parsed = JSON.parse(run.stdout.trim().split('\n').pop()!) as { torch: string; blas: string; results: TorchCell[] };
      cells.push(...parsed.results);
      blas = parsed.blas;
      torchVersion = parsed.torch;
    }
    const ours = (ctx.results['mlp-train']?.data as { cells?: MlpCell[] } | undefined)?.cells ?? [];
    const oursFor = (hidden: number, batch: number) =>
      ours.find((c) => c.backend === 'wasm' && c.hidden === hidden && c.batch === batch)?.msPerStep;
    const torchFor = (threads: number, hidden: number, batch: number) =>
      cells.find((r) => r.threads === threads && r.hidden === hidden && r.batch === batch)?.ms_per_step;
    const rows = [['hidden', 'batch', 'torch 1T ms', 'torch 2T ms', 'wasm+fixes ms', 'ours/torch 1T', 'ours/torch 2T']];
    const ratios: { hidden: number; batch: number; vs1: number | null; vs2: number | null }[] = [];
    for (const { hidden, batch } of configs) {
      const t1 = torchFor(1, hidden, batch);
      const t2 = torchFor(2, hidden, batch);
      const o = oursFor(hidden, batch);
      const vs1 = o !== undefined && t1 !== undefined ? o / t1 : null;
      const vs2 = o !== undefined && t2 !== undefined ? o / t2 : null;
      ratios.push({ hidden, batch, vs1, vs2 });
      rows.push([String(hidden), String(batch), fmt(t1), fmt(t2), fmt(o), vs1 === null ? '-' : `${fmt(vs1)}×`, vs2 === null ? '-' : `${fmt(vs2)}×`]);
    }
    const notes = [
      `PyTorch ${torchVersion} via ${found.python}, BLAS: ${blas}; threads set with torch.set_num_threads and ` +
        'OMP/OPENBLAS/MKL_NUM_THREADS',
    ];
    if (/\/blas\/libblas/.test(blas)) {
      notes.push('this PyTorch resolves to the reference (netlib) BLAS; with OpenBLAS or MKL it is several times faster');
    }
    if (ours.length === 0) notes.push("ratios need 'mlp-train' in the same run (e.g. --only mlp-train,torch-mlp)");
    return {
      tables: [{ title: 'MLP training step: PyTorch (CPU) vs ours (wasm+fixes)', rows }],
      notes,
      data: { available: true, python: found.python, torch: torchVersion, blas, cells, ratios },
    };
  },
};
