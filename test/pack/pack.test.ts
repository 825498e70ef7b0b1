/**
 * The packed tarball installs into a fresh ESM project, its three entry points import from plain Node,
 * their types resolve for TypeScript users, and `npx si` runs. Run by `npm run test:pack` (after
 * `npm run build`), part of CI, not of `npm test`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'si-pack-'));
const project = join(work, 'project');

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, SI_BACKEND: '' } });
}

describe('packed tarball', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist/src/index.js'))) run('npm', ['run', 'build'], root);
    run('npm', ['pack', '--pack-destination', work], root);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error('npm pack produced no tarball');
    run('mkdir', ['-p', project], work);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, tarball)], project);
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('imports the three entry points from a plain ESM script and computes with them', () => {
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
    const out = JSON.parse(run('node', ['main.mjs'], project).trim().split('\n').pop()!);
    expect(out.backend).toBe('wasm');
    expect(out.shape).toEqual([3, 2]);
    expect(out.samplerExports).toBeGreaterThan(0);
  });

  it('ships type declarations that resolve through the exports map', () => {
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
    run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project);
  });

  it('runs `npx si --help`, `--version` and `si backend`', () => {
    expect(run('npx', ['--no-install', 'si', '--help'], project)).toMatch(/Usage: si <command>/);
    expect(run('npx', ['--no-install', 'si', '--version'], project).trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(run('npx', ['--no-install', 'si', 'backend'], project)).toMatch(/backend: +wasm/);
  });
});
