import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseCsv } from '../../src/data/csv.js';
import { expectNoLeaks } from '../helpers/index.js';

const dir = mkdtempSync(join(tmpdir(), 'si-energy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(...a.join(' ').split('\n')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await main(argv), out, err: err.filter((l) => !l.startsWith('si: backend')) };
  } finally {
    vi.restoreAllMocks();
  }
}

const lastJson = (lines: string[]) => JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
const tiny = ['--model', 'energy', '--dataset', 'moons', '--hidden', '16', '--layers', '2', '--batch', '128', '--seed', '0'];
const ebm = join(dir, 'ebm');
const historyLoss = (runDir: string, step: number) =>
  readFileSync(join(runDir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number; loss: number }).find((e) => e.step === step)?.loss;

async function expectFlagError(argv: string[], flag: string): Promise<void> {
  const r = await run(argv);
  expect(r.code, r.err.join('\n')).toBe(2);
  expect(r.err.join('\n')).toMatch(new RegExp(`^si \\w+: argument '${flag}' must be`));
}

describe('si train --model energy / si sample / si compare on an energy run', () => {
  it('trains by NCE into a run folder whose config rebuilds the run', async () => {
    const t = await run(['train', ...tiny, '--steps', '40', '--log-every', '10', '--out', ebm, '--json']);
    expect(t.code, t.err.join('\n')).toBe(0);
    expect(lastJson(t.out)).toMatchObject({ steps: 40, model: 'energy', method: 'nce' });
    expect(Number.isFinite(lastJson(t.out).finalLoss)).toBe(true);
    const config = JSON.parse(readFileSync(join(ebm, 'manifest.json'), 'utf8')).config as { noise: { covariance: number[][] }; model: Record<string, unknown> } & Record<string, unknown>;
    expect(config).toMatchObject({ task: 'energy', format: 'si-energy-run', method: 'nce', dataset: 'moons', dim: 2, nu: 2, batchSize: 128 });
    expect(config.model).toMatchObject({ dim: 2, hidden: 16, layers: 2, activation: 'swish', confinement: 0.01 });
    // The noise law is a Gaussian fitted to the data: a symmetric covariance with a positive diagonal.
    const cov = config.noise.covariance as number[][];
    expect(cov[0]![1]).toBeCloseTo(cov[1]![0]!, 12);
    expect(cov[0]![0]).toBeGreaterThan(0);
  });

  it('si sample: mala gives finite samples and an acceptance rate in (0, 1); langevin and annealed give finite samples', async () => {
    const csv = join(dir, 'mala.csv');
    const s = await run(['sample', '--model', ebm, '--sampler', 'mala', '--n', '200', '--nfe', '40', '--out', csv, '--json']);
    expect(s.code, s.err.join('\n')).toBe(0);
    const j = lastJson(s.out);
    expect(j).toMatchObject({ n: 200, nfe: 40, sampler: 'mala', finite: true });
    expect(j.acceptanceRate as number).toBeGreaterThan(0);
    expect(j.acceptanceRate as number).toBeLessThan(1);
    const parsed = parseCsv(readFileSync(csv, 'utf8'));
    expect(parsed.shape).toEqual([200, 2]);
    expect(Array.from(parsed.values).every(Number.isFinite)).toBe(true);
    // Same seed, same samples.
    const again = join(dir, 'mala-again.csv');
    expect((await run(['sample', '--model', ebm, '--sampler', 'mala', '--n', '200', '--nfe', '40', '--out', again])).code).toBe(0);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(csv, 'utf8'));
    for (const sampler of ['langevin', 'annealed']) {
      const r = await run(['sample', '--model', ebm, '--sampler', sampler, '--n', '100', '--nfe', '20', '--out', join(dir, `${sampler}.json`), '--json']);
      expect(r.code, r.err.join('\n')).toBe(0);
      expect(lastJson(r.out)).toMatchObject({ sampler, finite: true });
      expect(lastJson(r.out).acceptanceRate).toBeUndefined();
    }
  });

  it('training, sampling and comparing leave no tensor behind', async () => {
    await expectNoLeaks(async () => {
      const r = await run(['sample', '--model', ebm, '--sampler', 'mala', '--n', '20', '--nfe', '6', '--out', join(dir, 'leak.csv')]);
      expect(r.code).toBe(0);
    });
    await expectNoLeaks(async () => {
      const r = await run(['compare', '--model', ebm, '--n', '30', '--nfe', '4', '--metrics', 'sw2']);
      expect(r.code).toBe(0);
    });
    // --method compositional: nceTask itself leaves one tensor per task (tf.variable(tf.scalar(c0)) keeps the
    // scalar; reported for src/ebm/nce-task.ts, not a file of the CLI).
    await expectNoLeaks(async () => {
      const r = await run(['train', ...tiny, '--method', 'compositional', '--steps', '3', '--out', join(dir, 'leak-run'), '--force']);
      expect(r.code).toBe(0);
    });
  });

  it('si compare prints a row per scheme and budget, with the floor; --json has MALA acceptance only', async () => {
    const c = await run(['compare', '--model', ebm, '--n', '150', '--nfe', '8,16', '--step-size', '0.3', '--metrics', 'sw2', '--json']);
    expect(c.code, c.err.join('\n')).toBe(0);
    for (const s of ['langevin', 'mala', 'annealed']) expect(c.out.filter((l) => l.startsWith(`${s} `))).toHaveLength(2);
    expect(c.out.some((l) => l.startsWith('floor '))).toBe(true);
    const report = lastJson(c.out) as { results: { sampler: string; steps: number; acceptanceRate?: number; slicedW2?: number; sinkhorn?: number }[]; floor: { slicedW2: number } };
    expect(report.results.map((r) => `${r.sampler}:${r.steps}`)).toEqual(['langevin:8', 'langevin:16', 'mala:8', 'mala:16', 'annealed:8', 'annealed:16']);
    for (const r of report.results) {
      expect(Number.isFinite(r.slicedW2)).toBe(true);
      expect(r.sinkhorn).toBeUndefined();
      if (r.sampler === 'mala') expect(r.acceptanceRate! > 0 && r.acceptanceRate! < 1).toBe(true);
      else expect(r.acceptanceRate).toBeUndefined();
    }
    expect(report.floor.slicedW2).toBeGreaterThan(0);
  });

  it('SIGINT checkpoints the step; --resume then gives exactly the losses of an uninterrupted run', async () => {
    const straight = join(dir, 'straight');
    expect((await run(['train', ...tiny, '--steps', '40', '--log-every', '10', '--out', straight])).code).toBe(0);
    const stopped = join(dir, 'stopped');
    const err: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
      if (/^step 20 /.test(a.join(' '))) process.emit('SIGINT');
    });
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    let code: number;
    try {
      code = await main(['train', ...tiny, '--steps', '40', '--log-every', '10', '--out', stopped]);
    } finally {
      vi.restoreAllMocks();
    }
    expect(code).toBe(130);
    expect(err.join('\n')).toContain(`si train: interrupted at step 20; resume with: si train --out ${stopped} --resume`);
    const bad = await run(['train', '--out', stopped, '--resume', '--method', 'compositional']);
    expect(bad.code).toBe(2);
    expect(bad.err.join('\n')).toMatch(/cannot change --method compositional \(the run has nce\)/);
    const r = await run(['train', '--out', stopped, '--resume', '--log-every', '10']);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(r.out.join('\n')).toMatch(/resuming .* at step 20 of 40; linear schedule/);
    for (const step of [10, 20, 30, 40]) expect(historyLoss(stopped, step), `step ${step}`).toBe(historyLoss(straight, step));
  });

  it('the compositional method trains too', async () => {
    const comp = join(dir, 'comp');
    const t = await run(['train', ...tiny, '--method', 'compositional', '--steps', '10', '--out', comp, '--json']);
    expect(t.code, t.err.join('\n')).toBe(0);
    expect(lastJson(t.out)).toMatchObject({ method: 'compositional' });
    const s = await run(['sample', '--model', comp, '--n', '50', '--nfe', '10', '--out', join(dir, 'comp.csv'), '--json']);
    expect(lastJson(s.out)).toMatchObject({ finite: true, sampler: 'mala' });
  });

  it('every bad input is an ArgumentError naming its flag', async () => {
    const out = join(dir, 'bad.csv');
    await expectFlagError(['train', '--model', 'energy', '--width', '4', '--out', join(dir, 'x')], '--width');
    await expectFlagError(['train', '--model', 'energy', '--objective', 'b', '--out', join(dir, 'x')], '--objective');
    await expectFlagError(['train', '--model', 'energy', '--method', 'mle', '--out', join(dir, 'x')], '--method');
    await expectFlagError(['train', '--model', 'energy', '--activation', 'relu', '--out', join(dir, 'x')], '--activation');
    await expectFlagError(['train', '--model', 'energy', '--nu', '0', '--out', join(dir, 'x')], '--nu');
    await expectFlagError(['train', '--nu', '2', '--out', join(dir, 'x')], '--nu');
    await expectFlagError(['sample', '--model', ebm, '--eps', '1', '--out', out], '--eps');
    await expectFlagError(['sample', '--model', ebm, '--sampler', 'heun', '--out', out], '--sampler');
    await expectFlagError(['sample', '--model', ebm, '--grid', join(dir, 'g.png')], '--grid');
    await expectFlagError(['sample', '--model', ebm, '--guidance', '1', '--out', out], '--guidance');
    await expectFlagError(['sample', '--model', ebm, '--step-size', '0', '--out', out], '--step-size');
    await expectFlagError(['sample', '--model', ebm], '--out');
    await expectFlagError(['compare', '--model', ebm, '--eps', '0.5'], '--eps');
    await expectFlagError(['compare', '--model', ebm, '--metrics', 'nll'], '--metrics');
    await expectFlagError(['compare', '--model', ebm, '--samplers', 'heun'], '--samplers');
    await expectFlagError(['compare', '--model', ebm, '--target', 'moons'], '--target');
    await expectFlagError(['compare', '--step-size', '0.1'], '--step-size');
  });
});
