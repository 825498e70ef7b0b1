import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../src/atomic-write.js';

const dir = mkdtempSync(join(tmpdir(), 'si-atomic-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('creates directories, replaces the old content, and leaves no temporary file', () => {
    const path = join(dir, 'a/b/c.txt');
    writeFileAtomic(path, 'one');
    writeFileAtomic(path, new TextEncoder().encode('two'));
    expect(readFileSync(path, 'utf8')).toBe('two');
    expect(readdirSync(join(dir, 'a/b'))).toEqual(['c.txt']);
  });

  it('keeps the previous file and removes the temporary one when the write fails', () => {
    const path = join(dir, 'keep.txt');
    writeFileSync(path, 'old');
    // A directory in the way of the rename makes it fail after the temporary file was written.
    const blocked = join(dir, 'blocked');
    writeFileAtomic(join(blocked, 'x'), 'inside');
    expect(() => writeFileAtomic(blocked, 'new')).toThrow();
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(existsSync(join(blocked, 'x'))).toBe(true);
  });
});
