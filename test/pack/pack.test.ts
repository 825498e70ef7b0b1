/**
 * The packed tarball installs into a fresh ESM project, its three entry points import from plain Node,
 * their types resolve for TypeScript users, `npx si` runs, and every ```ts snippet of the README runs
 * against it in a clean process (no test setup registers a backend there: a snippet must call
 * `initBackend()` itself, as a user's script must). `npm pack` builds first (`prepack`), so the tarball
 * always holds `dist/`. Run by `npm run test:pack`, part of CI, not of `npm test`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'si-pack-'));
const project = join(work, 'project');

/** Runs a command without blocking the worker (a long build would starve vitest's own messages); returns stdout. */
async function runAsync(cmd: string, args: string[], cwd: string): Promise<string> {
  const { stdout } = await promisify(execFile)(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, SI_BACKEND: '' } });
  return stdout;
}


describe('packed tarball', () => {
  let listing = '';
  beforeAll(async () => {
    // No build first: `prepack` must make the tarball complete on its own.
    listing = await runAsync('npm', ['pack', '--pack-destination', work], root);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack produced no tarball');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await runAsync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, tarball)], project);
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('contains the compiled package (prepack builds it)', async () => {
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    const files = (await runAsync('tar', ['-tzf', join(work, tarball)], work)).split('\n');
    for (const f of ['package/dist/src/index.js', 'package/dist/src/index.d.ts', 'package/dist/src/cli/bin.js', 'package/dist/models/index.js', 'package/dist/samplers/index.js']) {
      expect(files, `${f} in the tarball (npm pack said: ${listing.slice(-200)})`).toContain(f);
    }
  });

  const snippets = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  it('the README has ts snippets', () => expect(snippets.length).toBeGreaterThanOrEqual(3));
  snippets.forEach((code, i) => {
    it(`README snippet ${i + 1} runs against the installed package in a clean process`, async () => {
      const file = join(project, `readme-${i + 1}.ts`);
      writeFileSync(file, code);
      const loader = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;
      try {
        await runAsync(process.execPath, ['--import', loader, file], project);
      } catch (err) {
        const e = err as { stderr?: string };
        const hint = /No backend found in registry/.test(e.stderr ?? '') ? ' (the snippet never calls initBackend())' : '';
        throw new Error(`README snippet ${i + 1} failed${hint}:\n${code.slice(0, 300)}\n${(e.stderr ?? '').slice(-1500)}`);
      }
    });
  });

  it('imports the three entry points from a plain ESM script and computes with them', async () => {
    writeFileSync(
      join(project, 'main.mjs'),
      `
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, SeedStream } from 'stochastic-interpolants';
import { timeConditionedMlp, modelField } from 'stochastic-interpolants/models';
import * as samplers from 'stochastic-interpolants/samplers';
const info = await initBackend('wasm', { log: null });
const seeds = new SeedStream(7);
const field = modelField(timeConditionedMlp({ dim: 2, hidden: 8, layers: 2, seed: seeds.next() }));
const y = field(tf.ones([3, 2]), tf.fill([3], 0.5));
console.log(JSON.stringify({ backend: info.name, fixes: info.kernelFixes.length, shape: y.shape, samplerExports: Object.keys(samplers).length }));
`,
    );
    const out = JSON.parse((await runAsync('node', ['main.mjs'], project)).trim().split('\n').pop()!);
    expect(out.backend).toBe('wasm');
    expect(out.shape).toEqual([3, 2]);
    expect(out.samplerExports).toBeGreaterThan(0);
  });

  it('ships type declarations that resolve through the exports map', async () => {
    writeFileSync(
      join(project, 'check.ts'),
      `
import { initBackend, type BackendInfo } from 'stochastic-interpolants';
import { timeConditionedMlp } from 'stochastic-interpolants/models';
const p: Promise<BackendInfo> = initBackend('cpu');
const m = timeConditionedMlp({ dim: 2 });
// @ts-expect-error: dim must be a number
timeConditionedMlp({ dim: 'two' });
export { p, m };
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: true }, files: ['check.ts'] }),
    );
    await runAsync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
  });

  it('runs `npx si --help`, `--version` and `si backend`', async () => {
    expect(await runAsync('npx', ['--no-install', 'si', '--help'], project)).toMatch(/Usage: si <command>/);
    expect((await runAsync('npx', ['--no-install', 'si', '--version'], project)).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(await runAsync('npx', ['--no-install', 'si', 'backend'], project)).toMatch(/backend: +wasm/);
  });
});
