import { describe, expect, it } from 'vitest';
import { runOnThreads } from '../helpers/threads-child.js';

/** Runs the child on `threads` wasm threads (a fresh process: the pool is fixed when wasm starts). */
const childRun = (threads: number) => runOnThreads<{ pool: number; shared: boolean; ran: boolean; compared: number; differing: number }>(new URL('./simd-adam-sum-threads-child.ts', import.meta.url), threads);

describe('the SIMD Adam update and column sums on 1 and 2 wasm threads', () => {
  for (const [threads, shared] of [[1, false], [2, true]] as const) {
    it(`run on ${threads} thread(s) (${shared ? 'shared' : 'plain'} memory) with the JavaScript loops' bits`, async () => {
      const r = await childRun(threads);
      expect(r).toMatchObject({ pool: threads, shared, ran: true, differing: 0 });
      // value, m, s of 129·37 and 131 parameters, and 131 column sums
      expect(r.compared).toBe(3 * (129 * 37 + 131) + 131);
    });
  }
});
