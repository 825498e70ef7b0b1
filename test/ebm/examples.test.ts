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

  it('ebm-density-2d: every run (plain and base-measure, Gaussian and flow) gives a held-out log-likelihood with the SE of log Z, paired differences, and a PNG', async () => {
    const runs = ['gaussian', 'flow', 'gaussian-base', 'flow-base'];
    const r = await runJson('ebm-density-2d.ts', ['--toys', 'moons', '--runs', runs.join(','), '--steps', '5', '--flow-steps', '5', '--flow-batch', '64', '--flow-hidden', '16', '--flow-layers', '2', '--flow-ode-steps', '2', '--bank', '100', '--n', '100', '--is-samples', '100', '--grid', '8', '--chains', '10', '--mala-steps', '2', '--out', out]);
    expect(r.runs).toEqual(runs);
    const row = (r.results as Record<string, unknown>[])[0]!;
    expect(row.trainingPoints).toBe(100); // every model, the flow included, learns from these --n points
    for (const label of runs) {
      const x = row[label] as { heldOutLogLikelihood: number; logZStandardError: number; standardError: number };
      expect(Number.isFinite(x.heldOutLogLikelihood)).toBe(true);
      expect(x.logZStandardError).toBeGreaterThan(0);
      expect(x.standardError).toBeGreaterThan(x.logZStandardError);
    }
    const diffs = row.differences as { a: string; b: string; difference: number; standardError: number }[];
    expect(diffs.map((d) => `${d.a}−${d.b}`)).toEqual(['flow−gaussian', 'flow-base−gaussian-base', 'flow-base−gaussian', 'gaussian-base−gaussian']);
    for (const d of diffs) {
      const ra = row[d.a] as { heldOutLogLikelihood: number };
      const rb = row[d.b] as { heldOutLogLikelihood: number };
      expect(d.difference).toBeCloseTo(ra.heldOutLogLikelihood - rb.heldOutLogLikelihood, 10);
      expect(d.standardError).toBeGreaterThan(0);
    }
    // the headline compares the same energy form: the plain runs first (flow − gaussian) when both are present
    expect(r.flowAhead).toBe(diffs[0]!.difference > 0 ? 1 : 0);
    expect(r.flowBetter).toBe(diffs[0]!.difference > 2 * diffs[0]!.standardError ? 1 : 0);
    expect(r.betterBy2SE).toEqual(Object.fromEntries(diffs.map((d) => [`${d.a} − ${d.b}`, d.difference > 2 * d.standardError ? 1 : 0])));
    expect(Number.isFinite((row.flowLogNormalization as { logZ: number }).logZ)).toBe(true);
    expect(existsSync(r.png as string)).toBe(true);
    const bad = await run(process.execPath, ['--import', 'tsx', join(root, 'examples', 'ebm-density-2d.ts'), '--runs', 'gaussian,unknown'], { cwd: root, encoding: 'utf8' }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^ebm-density-2d: argument '--runs' must be distinct comma-separated names among gaussian, flow, gaussian-base, flow-base/);
  }, 240_000); // a few CPU seconds each; the wall clock of a loaded machine is much longer
});
