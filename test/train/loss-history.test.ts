import { promises as fs } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendLossHistory, readLossHistory, truncateLossHistory } from '../../src/train/loss-history.js';

const dir = mkdtempSync(join(tmpdir(), 'si-loss-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const line = (step: number) => ({ step, loss: 1 / step, terms: { b: 1 / step }, learningRate: 0.1, seconds: step / 10 });

describe('loss history (JSON lines)', () => {
  it('appends lines, reads them back, skips a torn last line, and truncates to a step atomically', async () => {
    const file = join(dir, 'run', 'history.jsonl');
    expect(await readLossHistory(file)).toEqual([]);
    for (const s of [1, 2, 3, 4]) await appendLossHistory(file, line(s));
    await fs.appendFile(file, '{"step":5,"lo'); // a writer killed mid-line
    expect((await readLossHistory(file)).map((l) => l.step)).toEqual([1, 2, 3, 4]);
    expect((await readLossHistory(file))[1]).toEqual(line(2));
    await truncateLossHistory(file, 2);
    expect(await fs.readFile(file, 'utf8')).toBe(`${JSON.stringify(line(1))}\n${JSON.stringify(line(2))}\n`);
    expect(await fs.readdir(join(dir, 'run'))).toEqual(['history.jsonl']);
    await truncateLossHistory(join(dir, 'none.jsonl'), 0); // no file: nothing happens
    expect(await fs.readdir(dir)).toEqual(['run']);
  });
});
