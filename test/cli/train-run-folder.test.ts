/**
 * `si train` owns its run folder: an existing run is never replaced without --force, --resume keeps what the
 * run learns (each conflicting flag named) and applies the learning-rate flags and --steps, output flags are
 * checked before any work, and SIGINT checkpoints the step it stopped at so that a resume gives exactly the
 * losses of an uninterrupted run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { learningRateSchedule } from '../../src/train/schedules.js';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'si-run-folder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tiny = ['--hidden', '16', '--layers', '1', '--batch', '32'];

async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await main(argv), out, err: err.filter((l) => !l.startsWith('si: backend')) };
  } finally {
    vi.restoreAllMocks();
  }
}

const manifest = (runDir: string) => JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8')) as { step: number; config: { training: Record<string, unknown> } };
const lastJson = (lines: string[]) => JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;

describe('si train run folders', () => {
  const runDir = join(dir, 'owned');

  it('refuses a folder holding a run without --resume or --force, leaving it intact; --force starts over', async () => {
    expect((await run(['train', ...tiny, '--steps', '20', '--out', runDir, '--json'])).code).toBe(0);
    writeFileSync(join(runDir, 'notes.txt'), 'mine');
    const before = readFileSync(join(runDir, 'manifest.json'), 'utf8');
    const again = await run(['train', ...tiny, '--steps', '10', '--out', runDir]);
    expect(again.code).toBe(2);
    expect(again.err).toEqual([`si train: ${runDir} already holds a run (at step 20); add --resume to continue it or --force to start over (replacing it)`]);
    expect(readFileSync(join(runDir, 'manifest.json'), 'utf8')).toBe(before);
    expect(readFileSync(join(runDir, 'notes.txt'), 'utf8')).toBe('mine');

    const both = await run(['train', '--out', runDir, '--resume', '--force']);
    expect(both.code).toBe(2);
    expect(both.err[0]).toMatch(/--resume continues the run .* and --force replaces it: give one/);

    const forced = join(dir, 'forced');
    expect((await run(['train', ...tiny, '--steps', '20', '--out', forced, '--json'])).code).toBe(0);
    writeFileSync(join(forced, 'notes.txt'), 'mine');
    const f = await run(['train', ...tiny, '--steps', '10', '--out', forced, '--force', '--json']);
    expect(f.code).toBe(0);
    expect(f.err[0]).toMatch(/--force: starting a new run in .*forced, replacing the run that was there \(at step 20\)/);
    expect(manifest(forced).step).toBe(10);
    expect(readFileSync(join(forced, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('--resume names every flag that would change what the run learns, and accepts the same values', async () => {
    const cases: [string[], string][] = [
      [['--hidden', '32'], '--hidden 32 (the run has 16)'],
      [['--layers', '2'], '--layers 2 (the run has 1)'],
      [['--activation', 'tanh'], '--activation tanh'],
      [['--time-frequencies', '0'], '--time-frequencies 0 (the run has 8)'],
      [['--dataset', 'moons'], '--dataset moons (the run has checkerboard)'],
      [['--base', 'moons'], '--base moons (the run has gaussian)'],
      [['--interpolant', 'linear'], '--interpolant linear (the run has one-sided-linear)'],
      [['--objective', 'v'], '--objective v (the run has b)'],
      [['--seed', '9'], '--seed 9 (the run has 0)'],
      [['--batch', '64'], '--batch 64 (the run has 32)'],
      [['--optimizer', 'sgd'], '--optimizer sgd (the run has adam)'],
      [['--gamma', 'sqrt'], '--gamma sqrt (the run has none)'],
    ];
    for (const [flags, named] of cases) {
      const r = await run(['train', '--out', runDir, '--resume', '--steps', '30', ...flags]);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.err, flags.join(' ')).toHaveLength(1);
      expect(r.err[0], flags.join(' ')).toContain(named);
      expect(r.err[0]).toMatch(/^si train: --resume keeps what the run in .* learns; it cannot change /);
    }
    const several = await run(['train', '--out', runDir, '--resume', '--hidden', '32', '--dataset', 'moons']);
    expect(several.err[0]).toMatch(/cannot change --hidden 32 \(the run has 16\), --dataset moons \(the run has checkerboard\): drop these flags/);
    const ema = await run(['train', '--out', runDir, '--resume', '--steps', '30', '--ema', '0.9']);
    expect(ema.code).toBe(2);
    expect(ema.err[0]).toMatch(/--resume cannot switch the EMA on \(the run has --ema 0\)/);
    expect(manifest(runDir).step).toBe(20);
    // The same values as the run's are not a change.
    const same = await run(['train', ...tiny, '--out', runDir, '--resume', '--steps', '25', '--dataset', 'checkerboard', '--objective', 'b', '--json']);
    expect(same.code).toBe(0);
    expect(lastJson(same.out).steps).toBe(25);
  });

  it('--steps at or below the current step says so', async () => {
    for (const steps of ['25', '10']) {
      const r = await run(['train', '--out', runDir, '--resume', '--steps', steps]);
      expect(r.code).toBe(2);
      expect(r.err).toEqual([`si train: the run in ${runDir} is already at step 25; --steps ${steps} is not beyond it: give --steps above 25 to train more`]);
    }
    const r = await run(['train', '--out', runDir, '--resume']);
    expect(r.code).toBe(2);
    expect(r.err[0]).toBe(`si train: the run in ${runDir} is already at step 25 of 25: give --steps above 25 to train more`);
  });

  it('--resume applies --lr and --steps, prints them and the schedule over the new total, and saves them', async () => {
    const r = await run(['train', '--out', runDir, '--resume', '--steps', '40', '--lr', '1e-3', '--log-every', '1']);
    expect(r.code).toBe(0);
    const rate = learningRateSchedule({ kind: 'linear', peak: 1e-3, totalSteps: 40 });
    expect(r.out[0]).toBe(`resuming ${runDir} at step 25 of 40; changed: --steps 25 → 40, --lr 0.002 → 0.001; linear schedule over steps 0…40, learning rate ${rate(25).toExponential(2)} at step 25`);
    // The first logged step (26) used the printed rate: the trainer follows the same rule.
    expect(r.out.find((l) => l.startsWith('step 26 '))).toContain(`lr ${rate(25).toExponential(2)}`);
    expect(manifest(runDir).config.training).toMatchObject({ lr: 1e-3, steps: 40 });
    expect(manifest(runDir).step).toBe(40);
  });

  it('checks --png before any work: a 3-D dataset or fields without a velocity fail at once and write nothing', async () => {
    const csv = join(dir, 'three.csv');
    writeFileSync(csv, ['a,b,c', ...Array.from({ length: 50 }, (_, i) => `${i % 7},${i % 5},${i % 3}`)].join('\n'));
    const out3 = join(dir, 'three');
    const r = await run(['train', ...tiny, '--dataset', csv, '--out', out3, '--png']);
    expect(r.code).toBe(2);
    expect(r.err).toEqual(["si train: argument '--png' must be used with a 2-D dataset (it draws a scatter plot), got a dataset of dimension 3"]);
    expect(existsSync(out3)).toBe(false);
    const s = await run(['train', ...tiny, '--objective', 's', '--out', join(dir, 's-only'), '--png']);
    expect(s.err).toEqual(["si train: argument '--png' must be used with fields that give a velocity (b; v and s; or η_z one-sided), got --objective s"]);
    expect(existsSync(join(dir, 's-only'))).toBe(false);
  });

  it('checks output paths before any work', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const t = await run(['train', ...tiny, '--out', file]);
    expect(t.err).toEqual([`si train: argument '--out' must be a folder path, got "${file}", which is a file`]);
    const s = await run(['sample', '--model', runDir, '--out', join(file, 'samples.csv')]);
    expect(s.code).toBe(2);
    expect(s.err).toEqual([`si sample: argument '--out' must be a path inside a folder, got "${join(file, 'samples.csv')}", under ${file}, which is a file`]);
    const c = await run(['compare', '--target', 'gmm2d', '--samplers', 'heun', '--nfe', '4', '--n', '50', '--png', file]);
    expect(c.code).toBe(2);
    expect(c.err.at(-1)).toMatch(/si compare: argument '--png' must be a folder path, got .*a-file", which is a file/);
  });

  it('names flags, not library options, with did-you-mean for names', async () => {
    const cases: [string[], string][] = [
      [['--batch', '0'], "si train: argument '--batch' must be a finite integer >= 1, got 0"],
      [['--lr', '-1'], "si train: argument '--lr' must be a finite number > 0, got -1"],
      [['--dataset', 'chekerboard'], `si train: argument '--dataset' must be one of`],
      [['--interpolant', 'one-sided-lineer'], `got "one-sided-lineer" (did you mean 'one-sided-linear'?)`],
      [['--activation', 'rleu'], `got "rleu" (did you mean 'relu'?)`],
      [['--schedule', 'cosin'], `got "cosin" (did you mean 'cosine'?)`],
      [['--stpes', '3'], 'si train: unknown flag --stpes (did you mean --steps?); si train --help lists the flags'],
    ];
    for (const [flags, message] of cases) {
      const r = await run(['train', '--out', join(dir, 'never'), ...flags]);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.err, flags.join(' ')).toHaveLength(1);
      expect(r.err[0], flags.join(' ')).toContain(message);
    }
    expect((await run(['train', '--out', join(dir, 'never'), '--dataset', 'chekerboard'])).err[0]).toMatch(/got "chekerboard" \(did you mean 'checkerboard'\?\)$/);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('SIGINT finishes the step, checkpoints, prints the exact resume command and exits 130; resuming equals an uninterrupted run', async () => {
    const args = [...tiny, '--schedule', 'constant', '--log-every', '10', '--checkpoint-every', '100000', '--seed', '3'];
    const interrupted = join(dir, 'interrupted');
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), 'train', ...args, '--steps', '100000', '--out', interrupted, '--backend', 'wasm'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, npm_lifecycle_event: '' },
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (/^step 20 /m.test(stdout) && !child.killed) child.kill('SIGINT');
      });
      child.on('close', (c) => done(c));
    });
    expect(code).toBe(130);
    const step = manifest(interrupted).step;
    expect(step).toBeGreaterThanOrEqual(20);
    expect(step).toBeLessThan(100000);
    expect(stderr).toContain(`si train: interrupted at step ${step}; resume with: si train --out ${interrupted} --resume --backend wasm\n`);

    const to = step + 20;
    const resumed = await run(['train', '--out', interrupted, '--resume', '--steps', String(to), '--log-every', '10', '--json']);
    expect(resumed.code).toBe(0);
    const straight = await run(['train', ...args, '--steps', String(to), '--out', join(dir, 'straight'), '--json']);
    expect(lastJson(resumed.out).steps).toBe(to);
    expect(lastJson(resumed.out).finalLoss).toBe(lastJson(straight.out).finalLoss);
  });
});
