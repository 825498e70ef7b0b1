import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { parseCsv } from '../../src/data/csv.js';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'si-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tiny = ['--hidden', '16', '--layers', '1', '--batch', '64'];

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await main(argv), out, err };
  } finally {
    vi.restoreAllMocks();
  }
}

const lastJson = (lines: string[]) => JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;

describe('si train / si sample', () => {
  afterEach(() => vi.restoreAllMocks());

  it('trains, then samples to CSV and JSON with a PNG, each ending with one JSON line', async () => {
    const runDir = join(dir, 'run');
    const train = await run(['train', ...tiny, '--steps', '40', '--out', runDir, '--objective', 'b', '--png', '--json']);
    expect(train.code).toBe(0);
    const t = lastJson(train.out);
    expect(t).toMatchObject({ steps: 40, backend: 'wasm', out: runDir });
    expect(typeof t.secondsPerStep).toBe('number');
    expect(Number.isFinite(t.finalLoss)).toBe(true);
    expect((await sharp(join(runDir, 'samples.png')).metadata()).width).toBe(640);

    const csv = join(dir, 'samples.csv');
    const s = await run(['sample', '--model', runDir, '--n', '300', '--sampler', 'rk4', '--nfe', '40', '--out', csv, '--png', '--json']);
    expect(s.code).toBe(0);
    expect(lastJson(s.out)).toMatchObject({ n: 300, nfe: 40, out: csv, sampler: 'rk4' });
    const parsed = parseCsv(readFileSync(csv, 'utf8'));
    expect(parsed.header).toEqual(['x1', 'x2']);
    expect(parsed.shape).toEqual([300, 2]);
    expect((await sharp(join(dir, 'samples.png')).metadata()).height).toBeGreaterThan(300);

    const jsonOut = join(dir, 'samples.json');
    const sde = await run(['sample', '--model', runDir, '--n', '200', '--nfe', '20', '--eps', 'bump:1', '--out', jsonOut, '--json']);
    expect(sde.code).toBe(0);
    expect(lastJson(sde.out)).toMatchObject({ sampler: 'euler-maruyama', nfe: 20 });
    const data = JSON.parse(readFileSync(jsonOut, 'utf8')) as { columns: string[]; data: number[][] };
    expect(data.data).toHaveLength(200);
  });

  it('trains on a CSV file (a data-to-data bridge from another CSV) and samples the run from elsewhere', async () => {
    const rows = (f: (i: number) => [number, number]) => ['a,b', ...Array.from({ length: 200 }, (_, i) => f(i).join(','))].join('\n');
    writeFileSync(join(dir, 'target.csv'), rows((i) => [Math.cos(i), Math.sin(i) + 3]));
    writeFileSync(join(dir, 'source.csv'), rows((i) => [(i % 20) / 10 - 1, Math.floor(i / 20) / 10 - 1]));
    const runDir = join(dir, 'csv-run');
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const t = await run(['train', ...tiny, '--steps', '20', '--dataset', 'target.csv', '--base', 'source.csv', '--interpolant', 'linear', '--out', runDir, '--json']);
      expect(t.code).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    const config = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')).config as { dataset: string; base: string };
    expect(config.dataset).toBe(join(dir, 'target.csv'));
    expect(config.base).toBe(join(dir, 'source.csv'));
    const s = await run(['sample', '--model', runDir, '--n', '50', '--nfe', '10', '--out', join(dir, 'csv-samples.csv'), '--png', '--json']);
    expect(s.code).toBe(0);
    const two = await run(['train', ...tiny, '--steps', '5', '--interpolant', 'linear', '--objective', 'b,s', '--towers', 'separate', '--out', join(dir, 'towers'), '--json']);
    expect(two.code).toBe(0);
    const sde = await run(['sample', '--model', join(dir, 'towers'), '--n', '20', '--nfe', '10', '--eps', '0.5', '--out', join(dir, 'towers.csv')]);
    expect(sde.code).toBe(0);
    const bad = await run(['train', '--out', join(dir, 'x'), '--dataset', join(dir, 'nope.csv')]);
    expect(bad.code).toBe(2);
    expect(bad.err.filter((l) => !l.startsWith('si: backend'))[0]).toMatch(/csvDataset: argument 'path' must be a readable file/);
  });

  it('a mirror run starts its samplers from the data (ρ0 = ρ1) and samples through η_z', async () => {
    const runDir = join(dir, 'mirror');
    expect((await run(['train', ...tiny, '--steps', '3', '--interpolant', 'mirror', '--objective', 'mirror', '--out', runDir, '--json'])).code).toBe(0);
    const { loadTrainedModel } = await import('../../src/train/trained-model.js');
    const loaded = await loadTrainedModel(runDir);
    expect(loaded.base).not.toBe('gaussian');
    expect(loaded.base === 'gaussian' ? '' : loaded.base.name).toBe('checkerboard');
    expect(typeof loaded.velocity).toBe('function');
    loaded.dispose();
    expect((await run(['sample', '--model', runDir, '--n', '20', '--nfe', '10', '--out', join(dir, 'mirror.csv')])).code).toBe(0);
  });

  it('a killed run resumes from its checkpoint to the same final loss as an uninterrupted one', async () => {
    const args = [...tiny, '--steps', '300', '--log-every', '50', '--checkpoint-every', '50', '--seed', '4'];
    const straight = await run(['train', ...args, '--out', join(dir, 'straight'), '--json']);
    const expected = lastJson(straight.out).finalLoss;

    const killed = join(dir, 'killed');
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), 'train', ...args, '--out', killed, '--backend', 'wasm'], { cwd: root, stdio: 'ignore' });
    await new Promise<void>((done, fail) => {
      const poll = setInterval(() => {
        if (existsSync(join(killed, 'manifest.json'))) {
          clearInterval(poll);
          child.kill('SIGKILL');
          done();
        }
      }, 20);
      child.on('exit', () => {
        clearInterval(poll);
        if (!existsSync(join(killed, 'manifest.json'))) fail(new Error('training exited before its first checkpoint'));
        else done();
      });
    });
    await new Promise((r) => child.on('close', r));
    const step = JSON.parse(readFileSync(join(killed, 'manifest.json'), 'utf8')).step as number;
    expect(step).toBeLessThan(300);
    const resumed = await run(['train', ...args, '--out', killed, '--resume', '--json']);
    expect(resumed.code).toBe(0);
    expect(lastJson(resumed.out).finalLoss).toBe(expected);
    expect(lastJson(resumed.out).steps).toBe(300);
  });

  it('rejects bad input with a one-line error and exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['train', '--out', join(dir, 'x'), '--interpolant', 'cubic'], /^si train: argument '--interpolant' must be one of 'linear'/],
      [['train', '--out', join(dir, 'x'), '--objective', 'score'], /--objective' must be one of 'b', 'v', 's', 'eta-z', 'eta-0', 'eta-1', 'mirror'/],
      [['train', '--out', join(dir, 'x'), '--dataset', 'swissroll'], /^si train: argument '--dataset' must be one of/],
      [['train', '--out', join(dir, 'x'), '--optimizer', 'lion'], /^si train: argument '--optimizer' must be one of 'adam', 'adabelief', 'diffgrad', 'sgd'/],
      [['train', '--out', join(dir, 'x'), '--interpolant', 'linear', '--gamma', 'zero', '--objective', 's'], /γ ≡ 0, so there is no z to denoise/],
      [['train', '--steps', '5'], /'--out' must be a run directory/],
      [['train', '--out', join(dir, 'x'), '--objective', 'b,s', '--interpolant', 'linear', '--towers', 'many'], /'--towers' must be one of 'shared', 'separate'/],
      [['train', '--out', join(dir, 'none'), '--resume'], /'--resume' must be a run directory with a checkpoint/],
      [['sample', '--model', join(dir, 'missing'), '--out', join(dir, 'a.csv')], /missing/],
      [['sample', '--model', dir, '--out', join(dir, 'a.txt')], /'--out' must be a path ending in .csv or .json/],
      [['sample', '--model', join(dir, 'run'), '--out', join(dir, 'a.csv'), '--sampler', 'rk5'], /si sample: argument '--sampler' must be .*'euler', .*got "rk5"/],
      [['sample', '--model', join(dir, 'run'), '--out', join(dir, 'a.csv'), '--eps', '-1'], /'--eps' must be a number >= 0/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      expect(r.code, argv.join(' ')).toBe(2);
      const errors = r.err.filter((l) => !l.startsWith('si: backend'));
      expect(errors, argv.join(' ')).toHaveLength(1);
      expect(errors[0], argv.join(' ')).toMatch(message);
    }
  });

  it('refuses an unreadable or mismatched checkpoint', async () => {
    const broken = join(dir, 'broken');
    mkdirSync(broken, { recursive: true });
    writeFileSync(join(broken, 'manifest.json'), '{ not json');
    const r = await run(['sample', '--model', broken, '--out', join(dir, 'b.csv')]);
    expect(r.code).toBe(2);
    expect(r.err.filter((l) => !l.startsWith('si: backend'))).toEqual([expect.stringMatching(/^si sample: loadCheckpoint: corrupted manifest .*broken/)]);
    // a checkpoint that is not an si train run
    const { saveCheckpoint } = await import('../../src/train/checkpoint.js');
    const { timeConditionedMlp } = await import('../../models/mlp.js');
    const other = join(dir, 'other');
    await saveCheckpoint(other, { model: timeConditionedMlp({ dim: 2, hidden: 4, layers: 1 }), config: { something: 'else' }, step: 1 });
    const m = await run(['sample', '--model', other, '--out', join(dir, 'b.csv')]);
    expect(m.code).toBe(2);
    expect(m.err.filter((l) => !l.startsWith('si: backend'))[0]).toMatch(/is a checkpoint but not of an 'si train' run/);
  });
});
