import { describe, expect, it } from 'vitest';
import { runOnThreads } from '../helpers/threads-child.js';

/** Runs the child on `threads` wasm threads (a fresh process: the pool is fixed when wasm starts). */
const childRun = (threads: number) => runOnThreads<{ threads: number; shared: boolean; ran: boolean; differ: number }>(new URL('./simd-swish-threads-child.ts', import.meta.url), threads);

describe('the SIMD sigmoid / swish forward in the threaded wasm build', () => {
  it('runs on shared memory (the shared-import module) with the bits of the backend\'s Sigmoid and Multiply', async () => {
    const r = await childRun(2);
    expect(r).toEqual({ threads: 2, shared: true, ran: true, differ: 0 });
  });
});
