/**
 * Runs `bench/torch_recipes.py` (PyTorch references of the sampling and checkerboard recipes) as a child
 * process with the interpreter found by `findTorchPython`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findTorchPython } from './torch-mlp.js';

/**
 * Runs one PyTorch recipe on `threads` threads; returns its JSON result, or a reason it could not run.
 * The BLAS and OpenMP pools are sized through the environment as well, since they read it when they load:
 * `torch.set_num_threads(1)` alone leaves OpenBLAS on every core (measured here: its 512×128·128×128
 * product then takes 113 µs against 175 µs on one thread).
 */
export function runTorchRecipe(threads: number, args: string[]): { ok: true; result: Record<string, unknown> } | { ok: false; reason: string } {
  const found = findTorchPython();
  if (found === null) return { ok: false, reason: 'PyTorch not available (apt-get install -y python3-torch libopenblas0-pthread)' };
  const script = fileURLToPath(new URL('./torch_recipes.py', import.meta.url));
  const t = String(threads);
  const env = { ...process.env, OMP_NUM_THREADS: t, OPENBLAS_NUM_THREADS: t, MKL_NUM_THREADS: t };
  const run = spawnSync(found.python, [script, ...args, '--threads', t], { encoding: 'utf8', timeout: 3_600_000, maxBuffer: 64 << 20, env });
  if (run.status !== 0) return { ok: false, reason: `PyTorch run failed (exit ${run.status}): ${(run.stderr || '').trim().split('\n').pop()}` };
  return { ok: true, result: JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, unknown> };
}
