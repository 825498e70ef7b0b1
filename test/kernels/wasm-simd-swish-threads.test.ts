import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./simd-swish-threads-child.ts', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the child on `threads` wasm threads (a fresh process: the pool is fixed when wasm starts). */
async function childRun(threads: number): Promise<{ threads: number; shared: boolean; ran: boolean; differ: number }> {
  const env = { ...process.env };
  delete env.SI_THREADS;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', child, String(threads)], { cwd: root, env });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as never;
}

describe('the SIMD sigmoid / swish forward in the threaded wasm build', () => {
  it('runs on shared memory (the shared-import module) with the bits of the backend\'s Sigmoid and Multiply', async () => {
    const r = await childRun(2);
    expect(r).toEqual({ threads: 2, shared: true, ran: true, differ: 0 });
  });
});
