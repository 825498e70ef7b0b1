/**
 * The energy-based examples run end to end at a tiny size and report JSON; bad flags are one line and exit 2.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'si-ebm-examples-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const run = promisify(execFile);

// asynchronous child processes, so the test worker keeps answering the runner while an example runs
async function runJson(script: string, args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(root, 'examples', script), ...args, '--json'], { cwd: root, encoding: 'utf8' });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

describe('energy-based examples', () => {
  it('ebm-ood: AUROC per out set with the exact-density ceiling of the in-law; bad components are refused', async () => {
    const r = await runJson('ebm-ood.ts', ['--steps', '20', '--n', '200', '--test', '100']);
    const results = r.results as { out: string; auroc: number; ceiling: number | null; gaussianAuroc: number }[];
    expect(results.map((x) => x.out)).toEqual(['rest', 'gaussian']);
    for (const x of results) {
      for (const v of [x.auroc, x.ceiling!, x.gaussianAuroc]) expect(v >= 0 && v <= 1).toBe(true);
    }
    // the exact density separates the even components from the odd ones almost perfectly
    expect(results[0]!.ceiling!).toBeGreaterThan(0.99);
    expect(r.minimumAuroc).toBe(Math.min(...results.map((x) => x.auroc)));
    const bad = await run(process.execPath, ['--import', 'tsx', join(root, 'examples', 'ebm-ood.ts'), '--in', 'moons', '--components', '0,1'], { cwd: root, encoding: 'utf8' }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^ebm-ood: argument '--components' must be 'all' for moons, which is not a Gaussian mixture/);
  }, 240_000); // a few CPU seconds each; the wall clock of a loaded machine is much longer

  it('ebm-density-2d: both noise laws give a held-out log-likelihood with a standard error of log Z, and a PNG', async () => {
    const r = await runJson('ebm-density-2d.ts', ['--toys', 'moons', '--steps', '5', '--flow-steps', '5', '--flow-ode-steps', '2', '--bank', '100', '--n', '100', '--is-samples', '100', '--chains', '10', '--mala-steps', '2', '--out', out]);
    const row = (r.results as Record<string, { heldOutLogLikelihood: number; logZStandardError: number; standardError: number }>[])[0]!;
    for (const label of ['gaussian', 'flow']) {
      expect(Number.isFinite(row[label]!.heldOutLogLikelihood)).toBe(true);
      expect(row[label]!.logZStandardError).toBeGreaterThan(0);
      expect(row[label]!.standardError).toBeGreaterThan(row[label]!.logZStandardError);
    }
    expect((row as unknown as { flowMinusGaussianStandardError: number }).flowMinusGaussianStandardError).toBeGreaterThan(0);
    expect(existsSync(r.png as string)).toBe(true);
  }, 240_000); // a few CPU seconds each; the wall clock of a loaded machine is much longer
});
