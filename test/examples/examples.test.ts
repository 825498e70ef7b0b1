/**
 * Every example runs end to end at a tiny size, accepts --json and prints one JSON object as its last
 * stdout line, and writes its PNG.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const out = mkdtempSync(join(tmpdir(), 'si-examples-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function runExample(script: string, args: string[]): Record<string, unknown> {
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'examples', script), ...args, '--json', '--out', out], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

describe('examples', () => {
  it.each([
    ['demo-2d.ts', ['--steps', '30', '--n', '300'], 'demo-2d.png'],
    ['bridge-2d.ts', ['--steps', '30', '--n', '300'], 'bridge-2d.png'],
    ['checkerboard-sde.ts', ['--steps', '30', '--n', '300', '--eps', '0,1'], 'checkerboard-sde.png'],
  ])('%s runs and reports JSON', async (script, args, png) => {
    const result = runExample(script, args);
    expect(result.steps).toBe(30);
    expect(typeof result.backend).toBe('string');
    expect(result.png).toBe(`${out}/${png}`);
    expect(existsSync(result.png as string)).toBe(true);
    const meta = await sharp(result.png as string).metadata();
    expect(meta.width).toBeGreaterThan(300);
  });
});
