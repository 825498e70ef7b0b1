/**
 * The README is real: its ```ts blocks run against the sources (the package name is aliased to them in
 * vitest.config.ts) and must finish without throwing; every command line of its "Command line" section runs
 * as written (through bash, in a fresh directory, with `npm run si --` / `npx si` pointing at this clone's
 * `si`) at small sizes; and `npm run si` works from a clone, with paths relative to where it is run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const snippets = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const dir = join(root, 'test/.readme-snippets');
mkdirSync(dir, { recursive: true });
const work = mkdtempSync(join(tmpdir(), 'si-readme-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('README API examples', () => {
  it('has examples', () => expect(snippets.length).toBeGreaterThanOrEqual(3));
  snippets.forEach((code, i) => {
    it(`example ${i + 1} runs`, async () => {
      const file = join(dir, `snippet-${i + 1}.ts`);
      writeFileSync(file, code);
      await import(/* @vite-ignore */ file);
    });
  });
});

/**
 * The command lines of the first ```sh block after the "Command line" heading of `markdown`, with `\`
 * continuations joined.
 */
export function commandLines(markdown: string): string[] {
  const section = /^##[^\n]*Command line[^\n]*\n([\s\S]*?)```sh\n([\s\S]*?)```/m.exec(markdown);
  if (!section) return [];
  return section[2]!
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Shrinks a command's sizes so it runs in seconds: --steps ÷ 100 (≥ 20), --n 200, --batch 64, --hidden 16. */
export function smallSizes(line: string): string {
  let out = line
    .replace(/--steps (\d+)/g, (_, v: string) => `--steps ${Math.max(20, Math.round(Number(v) / 100))}`)
    .replace(/--n \d+/g, '--n 200')
    .replace(/--batch \d+/g, '--batch 64')
    .replace(/--hidden \d+/g, '--hidden 16');
  if (/^(npm run si --|npx si) (compare|sample)\b/.test(out) && !/--n \d/.test(out)) out = out.replace(/(\s#.*)?$/, ' --n 200$1');
  return out;
}

describe('README command lines', () => {
  // SI_README_COMMANDS=<file> reads the block from another markdown file (a proposed README section).
  const lines = commandLines(process.env.SI_README_COMMANDS ? readFileSync(process.env.SI_README_COMMANDS, 'utf8') : readme);
  const bin = join(root, 'src/cli/bin.ts');
  const loader = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
  const si = `"${process.execPath}" --import "${loader}" "${bin}"`;

  it('the section has the commands a new user runs first, through npm from a clone', () => {
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const l of lines) expect(l, l).toMatch(/^(npm run si --|npx si)( |$)/);
    expect(lines.some((l) => / train /.test(l))).toBe(true);
    expect(lines.some((l) => / sample /.test(l))).toBe(true);
  });

  // In order: later lines use what earlier ones wrote (runs/checker, the shards of a sweep).
  lines.forEach((line, i) => {
    it(`line ${i + 1} runs: ${line.slice(0, 90)}`, async () => {
      const command = smallSizes(line).replace(/^(npm run si --|npx si)/, si);
      const child = spawn('bash', ['-c', command], { cwd: work, env: { ...process.env, SI_BACKEND: 'wasm' }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
      const status = await new Promise<number | null>((done) => child.on('close', done));
      expect(status, `${command}\n${stderr}`).toBe(0);
    }, 600_000);
  });
});

describe('npm run si from a clone', () => {
  it('runs the CLI, and paths are relative to where npm was run', () => {
    const help = spawnSync('npm', ['run', '--silent', 'si', '--', '--help'], { cwd: root, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^si — stochastic interpolants/m);
    const here = mkdtempSync(join(work, 'cwd-'));
    const r = spawnSync('npm', ['--prefix', root, 'run', '--silent', 'si', '--', 'train', '--steps', '2', '--hidden', '8', '--layers', '1', '--batch', '16', '--out', 'rel-run'], {
      cwd: here,
      encoding: 'utf8',
      env: { ...process.env, SI_BACKEND: 'wasm' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(here, 'rel-run', 'manifest.json'))).toBe(true);
    expect(existsSync(join(root, 'rel-run'))).toBe(false);
  });
});
