/**
 * The image examples end to end at a tiny size: `mnist.ts --quick` trains, samples, measures and writes its
 * grid, and resumes; `image-folder.ts` trains on a temporary folder of generated pictures (the shapes dataset
 * written as PNGs in class sub-folders, and loose for an unconditional run). Bad input is one line on stderr
 * and exit code 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeImageGrid } from '../../src/images/png-grid.js';
import { SHAPE_CLASSES, shapesDataset } from '../../src/images/shapes-dataset.js';
import { SeedStream } from '../../src/random.js';

const root = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'si-image-examples-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(script: string, args: string[]): { code: number | null; stdout: string; stderr: string; json?: Record<string, unknown> } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'examples', script), ...args], { cwd: root, encoding: 'utf8', timeout: 110_000 });
  const lines = r.stdout.trim().split('\n');
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

/** The error is one line naming the script (after the backend line, if the backend had started), no stack. */
function expectOneLineError(stderr: string, script: string): void {
  const lines = stderr.trim().split('\n').filter((l) => !l.startsWith('si: backend'));
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^${script}: `));
  expect(stderr).not.toMatch(/\n\s+at /);
}

const labelled = join(tmp, 'labelled');
const loose = join(tmp, 'loose');
beforeAll(async () => {
  // 4 pictures per class, 16×16, in class sub-folders; and 4 loose ones.
  const data = shapesDataset({ size: 16 });
  const { x, labels } = data.sampleLabelled(24, new SeedStream(2));
  const y = labels.dataSync();
  const count = [0, 0, 0];
  mkdirSync(loose, { recursive: true });
  for (let i = 0; i < 24; i++) {
    const k = y[i]!;
    const one = tf.slice(x, [i, 0, 0, 0], [1, -1, -1, -1]) as tf.Tensor4D;
    if (count[k]! < 4) {
      mkdirSync(join(labelled, SHAPE_CLASSES[k]!), { recursive: true });
      await writeImageGrid(one, join(labelled, SHAPE_CLASSES[k]!, `${count[k]}.png`), { padding: 0 });
      count[k]!++;
    }
    if (i < 4) await writeImageGrid(one, join(loose, `${i}.png`), { padding: 0 });
    one.dispose();
  }
  tf.dispose([x, labels]);
  expect(count).toEqual([4, 4, 4]);
});

describe('examples/mnist.ts', () => {
  const out = join(tmp, 'mnist');
  it('--quick trains, samples, measures and writes the grid; --json is the last line', async () => {
    const r = run('mnist.ts', ['--quick', '--steps', '3', '--per-class', '1', '--nfe', '2', '--out', out, '--json']);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const j = r.json!;
    expect(j.steps).toBe(3);
    expect(j.samples).toBe(10);
    const acc = j.accuracy as { guided: number; unguided: number };
    expect(acc.guided).toBeGreaterThanOrEqual(0);
    expect(acc.guided).toBeLessThanOrEqual(1);
    const fd = j.frechet as { guided: number; unguided: number; floor: number };
    expect(Number.isFinite(fd.guided) && Number.isFinite(fd.floor)).toBe(true);
    const meta = await sharp(j.grid as string).metadata();
    expect(meta.width).toBeGreaterThan(28);
    expect(existsSync(j.trajectory as string)).toBe(true);
    expect(existsSync(join(out, 'manifest.json'))).toBe(true);
  });

  it('--resume continues the run to --steps', () => {
    const r = run('mnist.ts', ['--quick', '--steps', '5', '--per-class', '1', '--nfe', '2', '--out', out, '--resume', '--json']);
    expect(r.code).toBe(0);
    expect(r.json!.steps).toBe(5);
  });

  it('refuses a run folder holding a run without --resume or --overwrite, and bad flags (exit 2, one line)', () => {
    for (const args of [
      ['--quick', '--steps', '3', '--out', out],
      ['--width', '12'],
      ['--sampler', 'leapfrog'],
      ['--guidance', '-1'],
    ]) {
      const r = run('mnist.ts', args);
      expect(r.code, args.join(' ')).toBe(2);
      expectOneLineError(r.stderr, 'mnist');
    }
  });
});

describe('examples/image-folder.ts', () => {
  it('trains a class-conditional model on class sub-folders and writes a grid of finite samples', async () => {
    const out = join(tmp, 'folder-run');
    const r = run('image-folder.ts', ['--dir', labelled, '--size', '8', '--steps', '3', '--batch', '4', '--width', '8', '--per-class', '2', '--nfe', '2', '--cache-dir', join(tmp, 'cache'), '--out', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = r.json!;
    expect(j).toMatchObject({ images: 12, classes: ['circle', 'square', 'triangle'], conditional: true, steps: 3, guidance: 2, samples: 6, finite: true });
    const meta = await sharp(j.grid as string).metadata();
    expect(meta.channels).toBe(3);
  });

  it('trains an unconditional model on loose pictures (grey), and refuses a guidance weight for it', () => {
    const out = join(tmp, 'loose-run');
    const ok = run('image-folder.ts', ['--dir', loose, '--size', '8', '--channels', '1', '--steps', '2', '--batch', '4', '--width', '8', '--per-class', '2', '--nfe', '2', '--cache-dir', join(tmp, 'cache'), '--out', out, '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json).toMatchObject({ images: 4, conditional: false, classes: [], guidance: 0, samples: 2, finite: true });
    const bad = run('image-folder.ts', ['--dir', loose, '--size', '8', '--guidance', '2', '--out', join(tmp, 'never')]);
    expect(bad.code).toBe(2);
    expectOneLineError(bad.stderr, 'image-folder');
    expect(bad.stderr.trim().split('\n').pop()).toMatch(/^image-folder: .*--guidance.*unconditional/);
    expect(existsSync(join(tmp, 'never'))).toBe(false);
  });

  it('bad input: an empty folder, no --dir, 2 channels (exit 2, one line)', () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty, { recursive: true });
    for (const args of [['--dir', empty], [], ['--dir', labelled, '--channels', '2']]) {
      const r = run('image-folder.ts', [...args, '--out', join(tmp, 'never')]);
      expect(r.code, args.join(' ')).toBe(2);
      expectOneLineError(r.stderr, 'image-folder');
    }
  });
});
