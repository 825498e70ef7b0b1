import { describe, expect, it } from 'vitest';
import { runOnThreads } from '../helpers/threads-child.js';

/** Runs the child on `threads` wasm threads (a fresh process: the pool is fixed when wasm starts). */
const childRun = (threads: number) => runOnThreads<{ threads: number; pool: number; shared: boolean; ran: boolean; gradErr: number; convErr: number }>(new URL('./simd-threads-child.ts', import.meta.url), threads);

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
