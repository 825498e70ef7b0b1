import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isCsvPath, loadDataset } from '../../src/data/load-dataset.js';
import { SeedStream } from '../../src/random.js';

const dir = mkdtempSync(join(tmpdir(), 'si-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadDataset', () => {
  it('loads registered names and CSV files', async () => {
    expect((await loadDataset('moons')).dim).toBe(2);
    const path = join(dir, 'p.csv');
    writeFileSync(path, 'x,y,z\n1,2,3\n4,5,6\n');
    const d = await loadDataset(path);
    expect(d.dim).toBe(3);
    const rows = Array.from(d.sample(50, new SeedStream(1)).dataSync());
    for (let i = 0; i < rows.length; i += 3) expect([[1, 2, 3], [4, 5, 6]]).toContainEqual(rows.slice(i, i + 3));
    expect(isCsvPath('a/b.CSV')).toBe(true);
    expect(isCsvPath('checkerboard')).toBe(false);
  });

  it('fails clearly for unknown names and unreadable files', async () => {
    await expect(loadDataset('swissroll')).rejects.toThrow(/getDataset: argument 'name' must be one of/);
    await expect(loadDataset(join(dir, 'missing.csv'))).rejects.toThrow(/csvDataset: argument 'path' must be a readable file/);
  });
});
