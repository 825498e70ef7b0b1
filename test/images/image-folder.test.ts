import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { loadImageFolder } from '../../src/images/image-folder.js';
import { SeedStream } from '../../src/random.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';

const rawPng = (data: number[], width: number, height: number, channels: 1 | 2 | 3 | 4) =>
  sharp(Buffer.from(data), { raw: { width, height, channels } }).png().toBuffer();
const solid = (rgb: number[], w: number, h: number) => Array.from({ length: w * h }, () => rgb).flat();
const byte = (b: number) => b / 127.5 - 1;

let root: string;
let cache: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'si-folder-'));
  cache = mkdtempSync(join(tmpdir(), 'si-folder-cache-'));
  // 'reds': a solid RGB PNG, a JPEG, a WebP, a corrupt file, a non-image file.
  mkdirSync(join(root, 'reds'));
  writeFileSync(join(root, 'reds', 'a.png'), await rawPng(solid([200, 50, 10], 8, 8), 8, 8, 3));
  writeFileSync(join(root, 'reds', 'b.jpg'), await sharp(Buffer.from(solid([200, 50, 10], 8, 8)), { raw: { width: 8, height: 8, channels: 3 } }).jpeg({ quality: 100 }).toBuffer());
  writeFileSync(join(root, 'reds', 'c.webp'), await sharp(Buffer.from(solid([200, 50, 10], 8, 8)), { raw: { width: 8, height: 8, channels: 3 } }).webp({ lossless: true }).toBuffer());
  writeFileSync(join(root, 'reds', 'broken.png'), Buffer.from('this is not a PNG at all'));
  writeFileSync(join(root, 'reds', 'notes.txt'), 'ignored');
  // 'mixed': grey, grey + alpha, RGBA (fully transparent) and a wide RGB picture for the centre crop.
  mkdirSync(join(root, 'mixed'));
  writeFileSync(join(root, 'mixed', 'grey.png'), await rawPng(new Array(16).fill(100), 4, 4, 1));
  writeFileSync(join(root, 'mixed', 'grey-alpha.png'), await rawPng(solid([100, 255], 4, 4), 4, 4, 2));
  writeFileSync(join(root, 'mixed', 'transparent.png'), await rawPng(solid([255, 255, 255, 0], 4, 4), 4, 4, 4));
  // 8 wide × 4 high: columns 0–1 red, 2–5 green, 6–7 blue. Covering 4×4 keeps the middle 4 columns: all green.
  const wide: number[] = [];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 8; j++) wide.push(...(j < 2 ? [255, 0, 0] : j < 6 ? [0, 255, 0] : [0, 0, 255]));
  writeFileSync(join(root, 'mixed', 'wide.png'), await rawPng(wide, 8, 4, 3));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(cache, { recursive: true, force: true });
});

describe('loadImageFolder', () => {
  it('labels by sub-folder, skips a corrupt picture with a warning, converts channels, crops the centre', async () => {
    const warnings: string[] = [];
    const data = await loadImageFolder(root, { size: 4, channels: 3, cacheDir: cache, onWarning: (m) => warnings.push(m) });
    expect(data.classNames).toEqual(['mixed', 'reds']);
    expect(data.numClasses).toBe(2);
    expect(data.eventShape).toEqual([4, 4, 3]);
    expect(data.files).toEqual(['mixed/grey-alpha.png', 'mixed/grey.png', 'mixed/transparent.png', 'mixed/wide.png', 'reds/a.png', 'reds/b.jpg', 'reds/c.webp']);
    expect(data.skipped).toEqual(['reds/broken.png']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(join(root, 'reds', 'broken.png'));
    expect(data.fromCache).toBe(false);
    expect(Array.from(data.labelArray())).toEqual([0, 0, 0, 0, 1, 1, 1]);

    const { x: images } = data.gather([0, 1, 2, 3, 4, 5, 6]);
    const v = images.dataSync();
    const pixel = (k: number): number[] => Array.from(v.subarray(k * 48, k * 48 + 3));
    expectAllClose(pixel(0), [byte(100), byte(100), byte(100)], { atol: 1e-6, label: 'grey + alpha → RGB' });
    expectAllClose(pixel(1), [byte(100), byte(100), byte(100)], { atol: 1e-6, label: 'grey → RGB' });
    expectAllClose(pixel(2), [-1, -1, -1], { atol: 1e-6, label: 'transparent → black' });
    expectAllClose(v.subarray(3 * 48, 4 * 48), solid([byte(0), byte(255), byte(0)], 4, 4), { atol: 1e-6, label: 'centre crop' });
    expectAllClose(v.subarray(4 * 48, 5 * 48), solid([byte(200), byte(50), byte(10)], 4, 4), { atol: 1e-6, label: 'PNG' });
    expectAllClose(v.subarray(5 * 48, 6 * 48), solid([byte(200), byte(50), byte(10)], 4, 4), { atol: 6 / 127.5, label: 'JPEG' });
    expectAllClose(v.subarray(6 * 48, 7 * 48), solid([byte(200), byte(50), byte(10)], 4, 4), { atol: 1e-6, label: 'WebP (lossless)' });
    images.dispose();
  });

  it('converts RGB to grey by Rec. 601 luma for channels: 1', async () => {
    const data = await loadImageFolder(join(root, 'reds'), { size: [2, 3], channels: 1, cacheDir: cache, onWarning: () => {} });
    expect(data.eventShape).toEqual([2, 3, 1]);
    expect(data.classNames).toEqual(['reds']);
    const { x: images } = data.gather([0]);
    expectAllClose(images.dataSync(), new Array(6).fill(byte(Math.round(0.299 * 200 + 0.587 * 50 + 0.114 * 10))), { atol: 1e-6 });
    images.dispose();
  });

  it('caches outside the folder, reuses the cache (same warning, same data), and notices a changed file', async () => {
    const before = readdirSync(root, { recursive: true }).sort();
    const warnings: string[] = [];
    const first = await loadImageFolder(root, { size: 4, cacheDir: cache, onWarning: (m) => warnings.push(m) });
    const second = await loadImageFolder(root, { size: 4, cacheDir: cache, onWarning: (m) => warnings.push(m) });
    expect(second.fromCache).toBe(true);
    expect(second.cachePath.startsWith(cache)).toBe(true);
    expect(warnings.length).toBe(2);
    expect(warnings[0]).toBe(warnings[1]);
    const a = first.sampleLabelled(5, new SeedStream(3));
    const b = second.sampleLabelled(5, new SeedStream(3));
    expectAllClose(a.x, b.x, { atol: 0 });
    expectAllClose(a.labels, b.labels, { atol: 0 });
    await expectNoLeaks(() => second.sample(4, new SeedStream(1)));
    expect(readdirSync(root, { recursive: true }).sort()).toEqual(before);
    utimesSync(join(root, 'reds', 'a.png'), new Date(), new Date(Date.now() + 5000));
    const third = await loadImageFolder(root, { size: 4, cacheDir: cache, onWarning: () => {} });
    expect(third.fromCache).toBe(false);
    expect((await loadImageFolder(root, { size: 4, cacheDir: cache, refresh: true, onWarning: () => {} })).fromCache).toBe(false);
    for (const t of [a.x, a.labels, b.x, b.labels]) t.dispose();
  });

  it('rejects a missing, empty or ambiguous folder, one where nothing decodes, and bad options', async () => {
    const opts = { size: 4, cacheDir: cache, onWarning: () => {} };
    await expect(loadImageFolder(join(root, 'nope'), opts)).rejects.toThrow(/loadImageFolder: argument 'dir' must be a readable folder of pictures, got .*nope/);
    await expect(loadImageFolder(join(root, 'reds', 'a.png'), opts)).rejects.toThrow(/not a directory/);
    const empty = mkdtempSync(join(tmpdir(), 'si-empty-'));
    writeFileSync(join(empty, 'readme.txt'), 'no pictures');
    await expect(loadImageFolder(empty, opts)).rejects.toThrow(/holding pictures .* which holds none/);
    writeFileSync(join(empty, 'bad.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0x00, 1, 2, 3]));
    await expect(loadImageFolder(empty, opts)).rejects.toThrow(/all 1 picture\(s\) failed to decode/);
    mkdirSync(join(empty, 'cls'));
    writeFileSync(join(empty, 'cls', 'x.png'), await rawPng([1, 2, 3, 4], 2, 2, 1));
    await expect(loadImageFolder(empty, opts)).rejects.toThrow(/not both/);
    rmSync(empty, { recursive: true, force: true });
    await expect(loadImageFolder(root, { ...opts, channels: 2 as never })).rejects.toThrow(/options.channels' must be 1 or 3/);
    await expect(loadImageFolder(root, { ...opts, size: 0 })).rejects.toThrow(ArgumentError);
    await expect(loadImageFolder(root, { ...opts, sise: 4 } as never)).rejects.toThrow(/unknown key 'sise'/);
  });
});
