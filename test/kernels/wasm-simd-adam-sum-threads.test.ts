import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./simd-adam-sum-threads-child.ts', import.meta.url));
const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs the child on `threads` wasm threads (a fresh process: the pool is fixed when wasm starts). */
async function childRun(threads: number): Promise<{ pool: number; shared: boolean; ran: boolean; compared: number; differing: number }> {
  const env = { ...process.env };
  delete env.SI_THREADS;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', child, String(threads)], { cwd: root, env });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as never;
}

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
