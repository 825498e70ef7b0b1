/**
 * Runs a test's child script in a fresh Node process with a given wasm thread count (the pool size is fixed
 * when wasm starts, so 1- and 2-thread runs need processes of their own) and returns the JSON object it
 * prints on its last line. SI_THREADS is cleared so the child's own argument decides.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));

/** `node --import tsx <child> <threads>` from the repository root; the child's last stdout line, parsed. */
export async function runOnThreads<T>(child: URL, threads: number): Promise<T> {
  const env = { ...process.env };
  delete env.SI_THREADS;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', fileURLToPath(child), String(threads)], { cwd: root, env });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}
