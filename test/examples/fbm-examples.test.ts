/**
 * The three fractional-noise examples (fbm-hurst, fbm-bridge, latent-fbm-sequences) run end to end in their
 * `--quick` mode and print one JSON object with the documented keys and sane values (finite numbers, H in
 * (0, 1), variances > 0, the PNG written). Their default runs are measured in the README, not here.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'si-fbm-examples-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

// asynchronous, so the test worker keeps answering the runner while the example trains
async function runExample(script: string, args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', join(root, 'examples', script), '--quick', '--json', ...args], { cwd: root, encoding: 'utf8' });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

function expectFinite(result: Record<string, unknown>, keys: readonly string[]): void {
  for (const key of keys) {
    expect(typeof result[key], key).toBe('number');
    expect(Number.isFinite(result[key] as number), `${key} = ${String(result[key])}`).toBe(true);
  }
}

describe('fractional-noise examples, --quick', () => {
  it('fbm-hurst prints { trueHurst, learnedHurst, elbo, seconds, … } with H in (0, 1)', async () => {
    const r = await runExample('fbm-hurst.ts', ['--hurst', '0.3']);
    expect(Object.keys(r)).toEqual(['trueHurst', 'learnedHurst', 'initialHurst', 'variogramHurst', 'elbo', 'seconds', 'cpuSeconds', 'sigma', 'theta', 'observationNoise']);
    expectFinite(r, Object.keys(r));
    expect(r.trueHurst).toBe(0.3);
    expect(r.learnedHurst as number).toBeGreaterThan(0);
    expect(r.learnedHurst as number).toBeLessThan(1);
    expect(r.initialHurst).toBe(r.variogramHurst); // the default start is the variogram estimate
    expect(r.variogramHurst as number).toBeGreaterThan(0.05);
    expect(r.variogramHurst as number).toBeLessThan(0.95);
    expect(r.sigma as number).toBeGreaterThan(0);
    expect(r.observationNoise).toBe(0.02); // fixed unless --learn-noise
  }, 120_000); // wall time: a few CPU seconds each, but the shared machine is often loaded

  it('fbm-bridge prints the posterior and exact conditional moments at T/2 and writes its PNG', async () => {
    const png = join(out, 'bridge.png');
    const r = await runExample('fbm-bridge.ts', ['--out', png]);
    const numbers = ['hurst', 'midTime', 'learnedVariance', 'exactVariance', 'relativeVarianceError', 'varianceStandardError', 'exactFouVariance', 'learnedMean', 'exactMean', 'exactFouMean', 'maxMeanError', 'maxRelativeVarianceError', 'trainSeconds', 'seconds', 'cpuSeconds'];
    expect(Object.keys(r).sort()).toEqual([...numbers, 'along', 'png'].sort());
    const along = r.along as Record<string, number>[];
    expect(along.map((p) => p.t)).toEqual([0.5, 1, 1.5, 2]);
    for (const p of along) {
      expectFinite(p, ['learnedMean', 'exactMean', 'learnedVariance', 'exactVariance']);
      expect(p.exactVariance, `t = ${p.t}`).toBeGreaterThan(0);
    }
    expect(along[1]!.exactMean).toBe(r.exactMean);
    expectFinite(r, numbers);
    expect(r.midTime).toBe(1); // T = 2
    for (const key of ['learnedVariance', 'exactVariance', 'exactFouVariance']) expect(r[key] as number, key).toBeGreaterThan(0);
    // the exact conditional variance is below the prior's: Var(X(1)) of the Markov chain is ~0.5–0.7 at H = 0.3
    expect(r.exactVariance as number).toBeLessThan(1);
    expect(r.relativeVarianceError).toBeCloseTo((r.learnedVariance as number) / (r.exactVariance as number) - 1, 2);
    expect(r.png).toBe(png);
    expect(existsSync(png)).toBe(true);
  }, 120_000); // wall time: a few CPU seconds each, but the shared machine is often loaded

  it('latent-fbm-sequences prints reconstruction and forecast errors for the fBM and the Brownian model', async () => {
    const r = await runExample('latent-fbm-sequences.ts', []);
    expect(Object.keys(r)).toEqual(['fbm', 'brownian', 'dataHurst', 'seconds', 'cpuSeconds']);
    expectFinite(r, ['dataHurst', 'seconds', 'cpuSeconds']);
    for (const model of ['fbm', 'brownian'] as const) {
      const m = r[model] as Record<string, unknown>;
      expect(Object.keys(m)).toEqual(['hurst', 'reconstructionMse', 'forecastMse', 'seconds']);
      expectFinite(m, Object.keys(m));
      expect(m.reconstructionMse as number, model).toBeGreaterThan(0);
      expect(m.forecastMse as number, model).toBeGreaterThan(0);
    }
    expect((r.brownian as Record<string, number>).hurst).toBe(0.5); // H fixed for the Brownian model
  }, 120_000); // wall time: a few CPU seconds each, but the shared machine is often loaded
});
