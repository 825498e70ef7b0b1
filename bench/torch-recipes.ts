/**
 * Runs `bench/torch_recipes.py` (PyTorch references of the sampling and checkerboard recipes) as a child
 * process with the interpreter found by `findTorchPython`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findTorchPython } from './torch-mlp.js';

/** Runs one PyTorch recipe; returns its JSON result, or a reason it could not run. */
export function runTorchRecipe(args: string[]): { ok: true; result: Record<string, unknown> } | { ok: false; reason: string } {
  const found = findTorchPython();
  if (found === null) return { ok: false, reason: 'PyTorch not available (apt-get install -y python3-torch libopenblas0-pthread)' };
  const script = fileURLToPath(new URL('./torch_recipes.py', import.meta.url));
  const run = spawnSync(found.python, [script, ...args], { encoding: 'utf8', timeout: 3_600_000, maxBuffer: 64 << 20 });
  if (run.status !== 0) return { ok: false, reason: `PyTorch run failed (exit ${run.status}): ${(run.stderr || '').trim().split('\n').pop()}` };
  return { ok: true, result: JSON.parse(run.stdout.trim().split('\n').pop()!) as Record<string, unknown> };
}
