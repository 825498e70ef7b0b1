import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { imageGridPng, isLibraryPng, writeImageGrid } from '../../src/images/png-grid.js';
import { frameIndices, writeTrajectoryStrip } from '../../src/images/trajectory-strip.js';

const dir = mkdtempSync(join(tmpdir(), 'si-grid-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Decoded pixels and the file's own channel count (sharp hands grey PNGs back as RGB; keep the first channel of those). */
async function readRaw(path: string | Buffer) {
  const channels = (await sharp(path).metadata()).channels!;
  const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
  const keep = channels === 1 ? data.filter((_, i) => i % info.channels === 0) : data;
  return { data: keep, info: { width: info.width, height: info.height, channels } };
}

describe('image grids', () => {
  it('tiles [n, h, w, c] row-major with padding, mapping [−1, 1] to 0…255', async () => {
    // Five 2×2 grey images of constant values −1, −0.5, 0, 0.5, 1; 3 per row, padding 1, background −1 (black).
    const values = [-1, -0.5, 0, 0.5, 1];
    const images = tf.tensor4d(values.flatMap((v) => [v, v, v, v]), [5, 2, 2, 1]);
    const png = await imageGridPng(images, { columns: 3, padding: 1, background: -1 });
    const { data, info } = await readRaw(png);
    expect([info.width, info.height, info.channels]).toEqual([3 * 3 + 1, 2 * 3 + 1, 1]);
    const at = (x: number, y: number) => data[y * info.width + x];
    const expected = values.map((v) => Math.round((v + 1) * 127.5));
    values.forEach((_, k) => {
      const x = 1 + (k % 3) * 3;
      const y = 1 + Math.floor(k / 3) * 3;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) expect(at(x + dx!, y + dy!)).toBe(expected[k]);
    });
    expect(at(0, 0)).toBe(0);
    expect(at(7, 4)).toBe(0); // the empty sixth slot keeps the background
    images.dispose();
  });

  it('defaults to an n×n grid, scales RGB pixels and clamps out-of-range values', async () => {
    const images = tf.tidy(() => tf.concat([tf.fill([4, 1, 1, 1], 2), tf.fill([4, 1, 1, 1], -1), tf.fill([4, 1, 1, 1], 0)], 3)) as tf.Tensor4D;
    const path = join(dir, 'rgb.png');
    const size = await writeImageGrid(images, path, { scale: 3, padding: 0 });
    expect(size).toEqual({ width: 6, height: 6 });
    const { data, info } = await readRaw(path);
    expect(info.channels).toBe(3);
    expect(Array.from(data.subarray(0, 3))).toEqual([255, 0, 128]);
    expect(await isLibraryPng(path)).toBe(true);
    images.dispose();
  });

  it('replaces its own PNG but not a file it did not write, unless told', async () => {
    const images = tf.zeros([1, 2, 2, 1]) as tf.Tensor4D;
    const ours = join(dir, 'ours.png');
    await writeImageGrid(images, ours);
    await writeImageGrid(images, ours); // ours: replaced silently
    const theirs = join(dir, 'theirs.png');
    writeFileSync(theirs, await sharp({ create: { width: 2, height: 2, channels: 3, background: '#123456' } }).png().toBuffer());
    await expect(writeImageGrid(images, theirs)).rejects.toThrow(/writeImageGrid: argument 'path' must be a new file or a PNG written by this library/);
    const text = join(dir, 'notes.png');
    writeFileSync(text, 'precious');
    await expect(writeImageGrid(images, text)).rejects.toThrow(ArgumentError);
    await writeImageGrid(images, theirs, { overwrite: true });
    expect(await isLibraryPng(theirs)).toBe(true);
    await expect(imageGridPng(tf.zeros([2, 2, 2, 2]) as tf.Tensor4D)).rejects.toThrow(/1 or 3/);
    await expect(imageGridPng(images, { columns: 0 })).rejects.toThrow(/options.columns/);
    images.dispose();
  });
});

describe('writeTrajectoryStrip', () => {
  it('picks evenly spaced frames, first and last kept', () => {
    expect(frameIndices(11, 6)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(frameIndices(3, 10)).toEqual([0, 1, 2]);
    expect(frameIndices(5, 2)).toEqual([0, 4]);
  });

  it('lays one sample’s frames in a row, from a list of batches or a stacked tensor', async () => {
    // 5 steps of a batch of 2 images 1×1 grey; sample 1 has value −1 + 0.5·k at step k.
    const steps = [0, 1, 2, 3, 4].map((k) => tf.tensor4d([0, -1 + 0.5 * k], [2, 1, 1, 1]));
    const path = join(dir, 'strip.png');
    const out = await writeTrajectoryStrip(steps, path, { sample: 1, maxFrames: 3, padding: 1 });
    expect(out.frames).toEqual([0, 2, 4]);
    const { data, info } = await readRaw(path);
    expect([info.width, info.height]).toEqual([3 * 2 + 1, 3]);
    expect([data[info.width + 1], data[info.width + 3], data[info.width + 5]]).toEqual([0, 128, 255]);
    const stacked = tf.stack(steps) as tf.Tensor5D;
    const before = tf.memory().numTensors;
    const again = await writeTrajectoryStrip(stacked, join(dir, 'strip2.png'), { sample: 1, maxFrames: 3, padding: 1 });
    expect(tf.memory().numTensors).toBe(before);
    expect(again.frames).toEqual([0, 2, 4]);
    const data2 = (await readRaw(join(dir, 'strip2.png'))).data;
    expect(Buffer.compare(data, data2)).toBe(0);
    await expect(writeTrajectoryStrip(steps, path, { sample: 2 })).rejects.toThrow(/options.sample' must be a sample index in 0 … 1/);
    await expect(writeTrajectoryStrip([], path)).rejects.toThrow(/frames/);
    tf.dispose([...steps, stacked]);
  });
});
