import { describe, expect, it } from 'vitest';
import { runOnThreads } from '../helpers/threads-child.js';

/** Runs the child on `threads` wasm threads (a fresh process: the pool is fixed when wasm starts). */
const childRun = (threads: number) => runOnThreads<{ threads: number; shared: boolean; available: boolean; differ: number; n: number }>(new URL('./swish-threads-child.ts', import.meta.url), threads);

describe('the swish activation\'s SIMD backward pass on 1 and 2 wasm threads', () => {
  it('runs in the single-threaded build (plain memory) and the threaded one (shared memory, the shared-import module), bit-identical to tfjs-layers\' Swish', async () => {
    // Both children at once (each is mostly start-up).
    const [one, two] = await Promise.all([childRun(1), childRun(2)]);
    expect(one).toEqual({ threads: 1, shared: false, available: true, differ: 0, n: 5 * 9 * 9 * 7 });
    expect(two).toEqual({ threads: 2, shared: true, available: true, differ: 0, n: 5 * 9 * 9 * 7 });
  });
});
