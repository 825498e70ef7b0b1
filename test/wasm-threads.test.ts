import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveThreads } from '../src/backend.js';
import { MAX_WASM_THREADS, registerThreadedWasm } from '../src/wasm-threads.js';

const root = new URL('..', import.meta.url).pathname;
const run = promisify(execFile);

/** Runs the `si` CLI in a fresh process (the thread count is fixed when wasm starts) and parses its JSON line. */
async function si(args: string[]): Promise<Record<string, unknown>> {
  const env = { ...process.env };
  delete env.SI_THREADS;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), ...args, '--json'], { cwd: root, env });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

describe('wasm threads', () => {
  const saved = process.env.SI_THREADS;
  afterAll(() => {
    if (saved === undefined) delete process.env.SI_THREADS;
    else process.env.SI_THREADS = saved;
  });

  it('resolves the count: the option, else SI_THREADS, else 1; anything outside 1–8 is rejected', () => {
    delete process.env.SI_THREADS;
    expect(resolveThreads()).toBe(1);
    process.env.SI_THREADS = '3';
    expect(resolveThreads()).toBe(3);
    expect(resolveThreads(2)).toBe(2);
    process.env.SI_THREADS = 'many';
    expect(() => resolveThreads()).toThrow(`argument 'SI_THREADS' must be an integer from 1 to ${MAX_WASM_THREADS}, got "many"`);
    delete process.env.SI_THREADS;
    for (const bad of [0, 9, 1.5, Number.NaN]) expect(() => resolveThreads(bad)).toThrow(/argument 'options.threads' must be an integer from 1 to 8/);
  });

  it('does not replace a wasm backend that is already running', async () => {
    // test/setup.ts started wasm in this process.
    expect(await registerThreadedWasm(2)).toBe(false);
    await expect(registerThreadedWasm(0)).rejects.toThrow(/registerThreadedWasm: argument 'threads' must be .*got 0/);
  });

  it('si backend --threads 2 starts the threaded build with a pool of 2', async () => {
    const info = await si(['backend', '--backend', 'wasm', '--threads', '2']);
    expect(info.name).toBe('wasm');
    expect(info.threads).toBe(2);
  });

  it('training gives bit-identical losses with 1 and 2 threads (the pool splits tiles, not sums)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'si-threads-'));
    try {
      const args = (threads: number) => [
        'train', '--dataset', 'checkerboard', '--interpolant', 'linear', '--objective', 'b', '--steps', '40', '--batch', '256',
        '--hidden', '64', '--layers', '2', '--backend', 'wasm', '--threads', String(threads), '--out', join(dir, `t${threads}`),
      ];
      const [one, two] = [await si(args(1)), await si(args(2))];
      expect(one.steps).toBe(40);
      expect(two.finalLoss).toBe(one.finalLoss);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
