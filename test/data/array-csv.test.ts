import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayDataset } from '../../src/data/array.js';
import { csvDataset, parseCsv } from '../../src/data/csv.js';
import { ArgumentError } from '../../src/errors.js';
import { SeedStream } from '../../src/random.js';
import { expectNoLeaks } from '../helpers/index.js';

describe('arrayDataset', () => {
  const rows = [
    [0, 10],
    [1, 11],
    [2, 12],
    [3, 13],
  ];

  it('samples stored rows uniformly with replacement, reproducibly', async () => {
    const data = arrayDataset(rows);
    expect(data.dim).toBe(2);
    expect(data.size).toBe(4);
    const n = 8000;
    const x = data.sample(n, new SeedStream(1));
    const v = await x.data();
    x.dispose();
    const counts = [0, 0, 0, 0];
    let bad = 0;
    for (let i = 0; i < n; i++) {
      const r = v[2 * i]!;
      if (v[2 * i + 1] !== r + 10 || !Number.isInteger(r)) bad++;
      else counts[r]!++;
    }
    expect(bad).toBe(0);
    const se = Math.sqrt((0.25 * 0.75) / n);
    for (const c of counts) expect(Math.abs(c / n - 0.25)).toBeLessThan(3.5 * se);
    const a = data.sample(10, new SeedStream(4));
    const b = data.sample(10, new SeedStream(4));
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    tf.dispose([a, b]);
    await expectNoLeaks(() => data.sample(5, new SeedStream(0)));
  });

  it('accepts a flat typed array with shape and a Tensor2D', async () => {
    const flat = arrayDataset(new Float64Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2], name: 'flat' });
    expect(flat.name).toBe('flat');
    const t = flat.toTensor();
    expect(t.arraySync()).toEqual([[1, 2], [3, 4], [5, 6]]);
    const fromTensor = arrayDataset(t);
    t.dispose();
    expect(fromTensor.size).toBe(3);
    const s = fromTensor.sample(3, new SeedStream(0));
    expect(s.shape).toEqual([3, 2]);
    s.dispose();
  });

  it('rejects bad data, naming the argument', () => {
    expect(() => arrayDataset([[1, 2], [3]])).toThrow("arrayDataset: argument 'data[1]' must be a row of 2 numbers (the width of data[0]), got [3]");
    expect(() => arrayDataset([[1, Number.NaN]])).toThrow(/'data' must be finite numbers, got NaN at row 0, column 1/);
    expect(() => arrayDataset(new Float32Array(5), { shape: [2, 2] })).toThrow(/'data' must be a typed array of length 2 × 2 = 4/);
    expect(() => arrayDataset(new Float32Array(4))).toThrow(/'options.shape' must be \[rows, dim\]/);
    expect(() => arrayDataset([])).toThrow(ArgumentError);
  });
});

describe('csvDataset', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'si-csv-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips a numeric CSV with an optional header', async () => {
    const rows = [
      [0.5, -1.25, 3],
      [1e-3, 2, -7.5],
      [4, 5, 6],
    ];
    const withHeader = join(dir, 'points.csv');
    await writeFile(withHeader, `a, b, c\r\n${rows.map((r) => r.join(',')).join('\r\n')}\r\n\r\n`);
    const data = await csvDataset(withHeader);
    expect(data.name).toBe('points.csv');
    expect(data.dim).toBe(3);
    expect(data.size).toBe(3);
    const t = data.toTensor();
    const back = t.arraySync();
    t.dispose();
    back.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(rows[i]![j]!, 6)));

    const noHeader = join(dir, 'plain.tsv');
    await writeFile(noHeader, rows.map((r) => r.join('\t')).join('\n'));
    const plain = await csvDataset(noHeader, { delimiter: '\t', name: 'plain' });
    expect(plain.size).toBe(3);
    expect(parseCsv('x,y\n1,2\n3,4\n')).toEqual({ values: new Float32Array([1, 2, 3, 4]), shape: [2, 2], header: ['x', 'y'] });
    expect(parseCsv('1,2\n3,4', { header: true }).shape).toEqual([1, 2]);
  });

  it('names the file, line and column of a bad value, and unequal rows', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'x,y\n1,2\n3,abc\n');
    await expect(csvDataset(bad)).rejects.toThrow(ArgumentError);
    await expect(csvDataset(bad)).rejects.toThrow(`csvDataset: argument 'path' must be a CSV of finite numbers, got "abc" at line 3, column 2 of ${bad}`);
    const empty = join(dir, 'hole.csv');
    await writeFile(empty, '1,2\n3,\n');
    await expect(csvDataset(empty)).rejects.toThrow(/got "" at line 2, column 2/);
    const ragged = join(dir, 'ragged.csv');
    await writeFile(ragged, '1,2\n3,4\n5,6,7\n');
    await expect(csvDataset(ragged)).rejects.toThrow(/rows of equal width \(line 1 has 2 columns\), got 3 columns at line 3 of .*ragged.csv/);
    await expect(csvDataset(join(dir, 'missing.csv'))).rejects.toThrow(/'path' must be a readable file, got .*missing.csv.*ENOENT/);
    const headerOnly = join(dir, 'header.csv');
    await writeFile(headerOnly, 'x,y\n');
    await expect(csvDataset(headerOnly)).rejects.toThrow(/at least one data row, got no data rows in .*header.csv/);
  });
});
