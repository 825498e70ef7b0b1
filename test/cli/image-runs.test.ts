import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { expectNoLeaks } from '../helpers/index.js';

const dir = mkdtempSync(join(tmpdir(), 'si-image-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

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

const lastJson = (lines: string[]) => JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
/** Tiny U-Net on 8×8 shapes: widths [4, 8]. */
const tiny = ['--model', 'unet', '--dataset', 'shapes', '--size', '8', '--width', '4', '--batch', '8'];
const img = join(dir, 'img');
/** Grid size of `columns × rows` tiles of `side`-pixel images scaled by `scale`, 2 px of padding (tileImages' layout). */
const gridSize = (columns: number, rows: number, side: number, scale: number) => ({ width: columns * (side * scale + 2) + 2, height: rows * (side * scale + 2) + 2 });
const historyLoss = (runDir: string, step: number) =>
  readFileSync(join(runDir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { step: number; loss: number }).find((e) => e.step === step)?.loss;

/** Runs `argv` expecting exit code 2 and a one-line ArgumentError naming `flag`. */
async function expectFlagError(argv: string[], flag: string): Promise<void> {
  const r = await run(argv);
  expect(r.code, r.err.join('\n')).toBe(2);
  expect(r.err.join('\n')).toMatch(new RegExp(`^si \\w+: argument '${flag}' must be`));
}

describe('si train --model unet / si sample --grid', () => {
  it('trains on 8×8 shapes, then writes a grid of the right pixel size (one row per class, or one label)', async () => {
    const t = await run(['train', ...tiny, '--log-every', '3', '--steps', '6', '--out', img, '--json']);
    expect(t.code, t.err.join('\n')).toBe(0);
    expect(lastJson(t.out)).toMatchObject({ steps: 6, out: img, model: 'unet' });
    const config = JSON.parse(readFileSync(join(img, 'manifest.json'), 'utf8')).config as Record<string, unknown>;
    expect(config).toMatchObject({ task: 'labelled-image', dataset: 'shapes', eventShape: [8, 8, 3], numClasses: 3, labelDropout: 0.1, batchSize: 8 });

    const grid = join(dir, 'grid.png');
    const s = await run(['sample', '--model', img, '--grid', grid, '--n', '3', '--nfe', '4', '--guidance', '1', '--json']);
    expect(s.code, s.err.join('\n')).toBe(0);
    // 3 classes × 3 columns of 8×8 images at the default scale round(64 / 8) = 8.
    const expected = gridSize(3, 3, 8, 8);
    expect(lastJson(s.out)).toMatchObject({ n: 9, rows: 3, columns: 3, finite: true, ...expected });
    const meta = await sharp(grid).metadata();
    expect({ width: meta.width, height: meta.height, channels: meta.channels }).toEqual({ ...expected, channels: 3 });

    const one = join(dir, 'one.png');
    const l = await run(['sample', '--model', img, '--grid', one, '--label', '2', '--n', '2', '--scale', '2', '--nfe', '2', '--sampler', 'euler']);
    expect(l.code, l.err.join('\n')).toBe(0);
    const m = await sharp(one).metadata();
    expect({ width: m.width, height: m.height }).toEqual(gridSize(2, 1, 8, 2));
    // The same call again replaces the grid it wrote.
    expect((await run(['sample', '--model', img, '--grid', one, '--label', '2', '--n', '2', '--nfe', '2', '--sampler', 'euler'])).code).toBe(0);
  });

  it('training and sampling leave no tensor behind', async () => {
    await expectNoLeaks(async () => {
      const r = await run(['sample', '--model', img, '--grid', join(dir, 'leak.png'), '--n', '1', '--nfe', '2', '--sampler', 'euler']);
      expect(r.code).toBe(0);
    });
    await expectNoLeaks(async () => {
      const r = await run(['train', ...tiny, '--steps', '1', '--out', join(dir, 'leak-run'), '--force']);
      expect(r.code).toBe(0);
    });
  });

  it('SIGINT checkpoints the step and prints the resume command; --resume then gives the losses of a straight run', async () => {
    const half = join(dir, 'half');
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
      const line = a.join(' ');
      out.push(line);
      if (/^step 2 /.test(line)) process.emit('SIGINT');
    });
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    let code: number;
    try {
      code = await main(['train', ...tiny, '--log-every', '1', '--steps', '6', '--out', half]);
    } finally {
      vi.restoreAllMocks();
    }
    expect(code).toBe(130);
    expect(err.join('\n')).toContain(`si train: interrupted at step 2; resume with: si train --out ${half} --resume`);
    expect(JSON.parse(readFileSync(join(half, 'manifest.json'), 'utf8')).step).toBe(2);
    const again = await run(['train', ...tiny, '--steps', '6', '--out', half]);
    expect(again.code).toBe(2);
    expect(again.err.join('\n')).toMatch(/already holds a run \(at step 2\); add --resume/);
    // Flags that fix what the run learns are refused on --resume, by name; so is another --model.
    const bad = await run(['train', '--out', half, '--resume', '--width', '8']);
    expect(bad.code).toBe(2);
    expect(bad.err.join('\n')).toMatch(/cannot change --width 8 \(the run has 4\)/);
    expect(await run(['train', '--out', half, '--resume', '--model', 'energy']).then((x) => x.err.join('\n'))).toMatch(/argument '--model' must be unet/);
    const r = await run(['train', '--out', half, '--resume', '--log-every', '3', '--json']);
    expect(r.code, r.err.join('\n')).toBe(0);
    expect(r.err.join('\n')).toMatch(/resuming .* at step 2 of 6; linear schedule/);
    expect(lastJson(r.out)).toMatchObject({ steps: 6 });
    expect(historyLoss(half, 6)).toBe(historyLoss(img, 6));
    expect(historyLoss(half, 6)).toBeGreaterThan(0);
    const done = await run(['train', '--out', half, '--resume']);
    expect(done.err.join('\n')).toMatch(/already at step 6 of 6: give --steps above 6/);
    // --force starts over.
    expect((await run(['train', ...tiny, '--steps', '3', '--out', half, '--force'])).code).toBe(0);
  });

  it('an unconditional folder run: guidance and labels are refused by name', async () => {
    const pics = join(dir, 'pics');
    mkdirSync(pics);
    for (let k = 0; k < 4; k++) {
      const raw = Buffer.alloc(8 * 8, 40 * k);
      await sharp(raw, { raw: { width: 8, height: 8, channels: 1 } }).png().toFile(join(pics, `p${k}.png`));
    }
    const folder = join(dir, 'folder-run');
    const t = await run(['train', '--model', 'unet', '--dataset', `folder:${pics}`, '--size', '8', '--channels', '1', '--width', '4', '--batch', '4', '--steps', '2', '--out', folder, '--json']);
    expect(t.code, t.err.join('\n')).toBe(0);
    const config = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')).config as Record<string, unknown>;
    expect(config).toMatchObject({ numClasses: 0, eventShape: [8, 8, 1], dataset: `folder:${pics}` });
    await expectFlagError(['sample', '--model', folder, '--grid', join(dir, 'u.png'), '--guidance', '2'], '--guidance');
    await expectFlagError(['sample', '--model', folder, '--grid', join(dir, 'u.png'), '--label', '0'], '--label');
    const u = await run(['sample', '--model', folder, '--grid', join(dir, 'u.png'), '--n', '4', '--nfe', '2', '--scale', '1']);
    expect(u.code, u.err.join('\n')).toBe(0);
    const meta = await sharp(join(dir, 'u.png')).metadata();
    expect({ width: meta.width, height: meta.height, channels: meta.channels }).toEqual({ ...gridSize(4, 1, 8, 1), channels: 1 });
  });

  it('every bad input is an ArgumentError naming its flag', async () => {
    const grid = join(dir, 'bad.png');
    await expectFlagError(['train', ...tiny, '--hidden', '8', '--out', join(dir, 'x1')], '--hidden');
    await expectFlagError(['train', ...tiny, '--png', '--out', join(dir, 'x1')], '--png');
    await expectFlagError(['train', '--width', '8', '--out', join(dir, 'x2')], '--width');
    await expectFlagError(['train', '--model', 'energy', '--size', '8', '--out', join(dir, 'x3')], '--size');
    await expectFlagError(['train', '--model', 'unet', '--dataset', 'moons', '--out', join(dir, 'x4')], '--dataset');
    await expectFlagError(['train', '--model', 'unet', '--dataset', 'mnist', '--size', '16', '--out', join(dir, 'x4')], '--size');
    await expectFlagError(['train', '--model', 'unet', '--channels', '1', '--out', join(dir, 'x4')], '--channels');
    await expectFlagError(['train', '--model', 'unet', '--objective', 's', '--out', join(dir, 'x4')], '--objective');
    await expectFlagError(['train', '--model', 'cnn', '--out', join(dir, 'x4')], '--model');
    expect(existsSync(join(dir, 'x1')) || existsSync(join(dir, 'x4'))).toBe(false);
    await expectFlagError(['sample', '--model', img, '--grid', grid, '--label', '3'], '--label');
    await expectFlagError(['sample', '--model', img, '--grid', grid, '--label', '-1'], '--label');
    await expectFlagError(['sample', '--model', img, '--grid', grid, '--guidance', '-1'], '--guidance');
    await expectFlagError(['sample', '--model', img, '--out', join(dir, 's.csv')], '--out');
    await expectFlagError(['sample', '--model', img, '--grid', grid, '--png'], '--png');
    await expectFlagError(['sample', '--model', img], '--grid');
    await expectFlagError(['sample', '--model', img, '--grid', join(dir, 'g.jpg')], '--grid');
    await expectFlagError(['sample', '--model', img, '--grid', grid, '--sampler', 'mala'], '--sampler');
    await expectFlagError(['sample', '--model', img, '--grid', grid, '--step-size', '0.1'], '--step-size');
    await expectFlagError(['compare', '--model', img], '--model');
    // A file the library did not write is never replaced.
    const mine = join(dir, 'mine.png');
    writeFileSync(mine, 'not a png of the library');
    await expectFlagError(['sample', '--model', img, '--grid', mine, '--n', '1', '--nfe', '2'], '--grid');
    expect(readFileSync(mine, 'utf8')).toBe('not a png of the library');
    // --grid on a 2-D (vector) run.
    const mlp = join(dir, 'mlp');
    expect((await run(['train', '--hidden', '8', '--layers', '1', '--batch', '16', '--steps', '2', '--out', mlp])).code).toBe(0);
    await expectFlagError(['sample', '--model', mlp, '--grid', grid], '--grid');
    await expectFlagError(['sample', '--model', mlp, '--out', join(dir, 'm.csv'), '--guidance', '1'], '--guidance');
  });

  it('help lists the new flags, and a mistyped one gets a did-you-mean', async () => {
    const train = await run(['train', '--help']);
    expect(train.out.join('\n')).toMatch(/--model <value> .*'unet'/);
    for (const f of ['width', 'label-dropout', 'size', 'channels', 'method', 'nu', 'confinement']) expect(train.out.join('\n')).toContain(`--${f} <value>`);
    const sample = await run(['sample', '--help']);
    for (const f of ['grid', 'label', 'guidance', 'scale', 'step-size']) expect(sample.out.join('\n')).toContain(`--${f} <value>`);
    const typo = await run(['sample', '--model', img, '--gird', 'x.png']);
    expect(typo.code).toBe(2);
    expect(typo.err.join('\n')).toMatch(/unknown flag --gird \(did you mean --grid\?\)/);
    const typo2 = await run(['train', '--model', 'unet', '--widht', '8']);
    expect(typo2.err.join('\n')).toMatch(/did you mean --width/);
  });
});
