/**
 * Every example runs end to end at a tiny size, accepts --json and prints one JSON object as its last
 * stdout line, and writes its PNG; and behaves like the `si` command through the shared harness: --help
 * lists its flags (with --threads) and exits 0, bad input is one line on stderr and exit code 2.
 */
import { execFileSync, spawnSync } from 'node:child_process';
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

describe('examples behave like the CLI', () => {
  const scripts = ['demo-2d.ts', 'bridge-2d.ts', 'checkerboard-sde.ts'];
  const spawnExample = (script: string, args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', join(root, 'examples', script), ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  it.each(scripts)('%s --help prints its flags (with --threads) and exits 0 without training', (script) => {
    const r = spawnExample(script, ['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: /);
    for (const flag of ['--steps', '--out', '--seed', '--backend', '--threads', '--json', '--help']) expect(r.stdout).toContain(`  ${flag}`);
    expect(r.stdout).not.toMatch(/step +\d+ +loss/);
    expect(r.stderr).toBe('');
  });

  it.each(scripts)('%s with a bad value or an unknown flag prints one line and exits 2', (script) => {
    const name = script.replace('.ts', '');
    const bad = spawnExample(script, ['--steps', '-5']);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(`${name}: argument '--steps' must be a finite integer >= 1, got -5\n`);
    const unknown = spawnExample(script, ['--stesp', '5']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe(`${name}: unknown flag --stesp (did you mean --steps?); ${name} --help lists the flags\n`);
  });

  it('a failure after the wasm backend has started prints its message, never the wasm module source', () => {
    const early = spawnExample('demo-2d.ts', ['--backend', 'metal']);
    expect(early.status).toBe(2);
    expect(early.stderr).toBe(`demo-2d: argument '--backend' must be one of 'auto', 'tensorflow', 'wasm', 'cpu', got "metal"\n`);
    // Trains one step on wasm, then cannot write its PNG under /dev/null: a bug-class error (stack, exit 1).
    const late = spawnExample('checkerboard-sde.ts', ['--steps', '1', '--n', '10', '--eps', '0', '--backend', 'wasm', '--json', '--out', '/dev/null/x']);
    expect(late.status).toBe(1);
    expect(late.stderr).toMatch(/ENOTDIR|not a directory/i);
    expect(late.stderr).not.toContain('var Module');
    expect(late.stderr.length).toBeLessThan(4000);
  });
});
