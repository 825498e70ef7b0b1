import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./simd-threads-child.ts', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the child on `threads` wasm threads (a fresh process: the pool is fixed when wasm starts). */
async function childRun(threads: number): Promise<{ threads: number; pool: number; shared: boolean; ran: boolean; gradErr: number; convErr: number }> {
  const env = { ...process.env };
  delete env.SI_THREADS;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', child, String(threads)], { cwd: root, env });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as never;
}

describe('the SIMD kernels on 1 and 2 wasm threads', () => {
  it('run in the single-threaded build (plain memory) and match cpu', async () => {
    const r = await childRun(1);
    expect(r).toMatchObject({ threads: 1, pool: 1, shared: false, ran: true });
    expect(r.gradErr).toBeLessThan(1e-4);
    expect(r.convErr).toBeLessThan(1e-4);
  });

  it('run in the threaded build (shared memory, the shared-import module) and match cpu; the pool size is read', async () => {
    const r = await childRun(2);
    expect(r).toMatchObject({ threads: 2, pool: 2, shared: true, ran: true });
    expect(r.gradErr).toBeLessThan(1e-4);
    expect(r.convErr).toBeLessThan(1e-4);
  });
});
