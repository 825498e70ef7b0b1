import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { lineChartSvg } from '../../src/plot/lines.js';
import { scatterSvg } from '../../src/plot/scatter.js';
import { isLibraryPng } from '../../src/library-png.js';
import { niceNumber, writePng } from '../../src/plot/svg.js';

const dir = mkdtempSync(join(tmpdir(), 'si-plot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scatterSvg + writePng', () => {
  it('renders panels side by side to a PNG of the expected size, with dots where the points are', async () => {
    // A single point at the centre of range [-1, 1] must darken the centre pixel of the panel.
    const svg = scatterSvg(
      [
        { title: 'a', points: [[0, 0]], caption: 'one point' },
        { title: 'b <&>', points: [0.9, -0.9, 5, 5] },
      ],
      { panelSize: 200, range: [-1, 1], radius: 4 },
    );
    expect(svg).toContain('b &lt;&amp;&gt;');
    const path = join(dir, 'scatter.png');
    const size = await writePng(svg, path);
    expect(size).toEqual({ width: 400, height: 244 });
    const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
    const pixel = (x: number, y: number) => data[(y * info.width + x) * info.channels] as number;
    // Panel a: header 44, plot side 184 starting at 8 → centre at (100, 44 + 100).
    expect(pixel(100, 144)).toBeLessThan(200);
    expect(pixel(60, 100)).toBe(255);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('rejects bad input', () => {
    expect(() => scatterSvg([])).toThrow(/'panels' must be a non-empty array/);
    expect(() => scatterSvg([{ title: 'x', points: [1, 2, 3] }])).toThrow(/'panels\[0\].points' must be pairs of coordinates, got 3 numbers/);
    expect(() => scatterSvg([{ title: 'x', points: [[0, 0]] }], { range: [1, 1] })).toThrow(/'options.range'/);
  });
});

describe('writePng and the user\'s files', () => {
  const svg = scatterSvg([{ title: 'a', points: [[0, 0]] }], { panelSize: 64 });

  it('stamps its PNGs and replaces only its own', async () => {
    const path = join(dir, 'ours.png');
    await writePng(svg, path);
    expect(await isLibraryPng(path)).toBe(true);
    await writePng(svg, path); // its own file: replaced without asking
    expect(await isLibraryPng(path)).toBe(true);
  });

  it('refuses to replace a file it did not write, byte for byte untouched, unless overwrite', async () => {
    const theirs = join(dir, 'theirs.png');
    const foreign = await sharp({ create: { width: 3, height: 2, channels: 3, background: '#123456' } }).png().toBuffer();
    writeFileSync(theirs, foreign);
    await expect(writePng(svg, theirs)).rejects.toThrow(/writePng: argument 'path' must be a new file or a PNG written by this library .*theirs\.png/);
    expect(readFileSync(theirs).equals(foreign)).toBe(true);
    const notes = join(dir, 'notes.png');
    writeFileSync(notes, 'not a png at all');
    await expect(writePng(svg, notes)).rejects.toThrow(/an existing file it did not write/);
    expect(readFileSync(notes, 'utf8')).toBe('not a png at all');
    await writePng(svg, theirs, { overwrite: true });
    expect(await isLibraryPng(theirs)).toBe(true);
    await expect(writePng(svg, theirs, { overwrite: 'yes' as unknown as boolean })).rejects.toThrow(/options.overwrite/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('lineChartSvg', () => {
  it('renders log axes with decade ticks, a legend and a reference line', async () => {
    const svg = lineChartSvg(
      [
        { label: 'euler', points: [[8, 0.5], [16, 0.25], [32, 0.12], [64, 0.06]] },
        { label: 'heun', points: [[8, 0.2], [16, 0.05], [32, 0.013], [64, -1]] },
      ],
      { logX: true, logY: true, xLabel: 'NFE', yLabel: 'sliced W2', title: 'gmm2d', reference: { y: 0.01, label: 'floor' } },
    );
    for (const label of ['>10<', '>0.1<', '>euler<', '>heun<', '>floor<', '>NFE<']) expect(svg).toContain(label);
    const size = await writePng(svg, join(dir, 'lines.png'));
    expect(size).toEqual({ width: 720, height: 440 });
  });

  it('rejects empty series', () => {
    expect(() => lineChartSvg([])).toThrow(/'series'/);
    expect(() => lineChartSvg([{ label: 'a', points: [[-1, 1]] }], { logX: true })).toThrow(/at least one finite point/);
  });

  it('formats numbers compactly', () => {
    expect(niceNumber(0.012345)).toBe('0.0123');
    expect(niceNumber(123456)).toBe('1.2e5');
    expect(niceNumber(0)).toBe('0');
  });
});
