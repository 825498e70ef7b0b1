import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKEND_NAMES, backendFlag, initBackend, resolveBackendName } from '../src/backend.js';
import { isBackendAvailable } from './helpers/index.js';

describe('initBackend', () => {
  const original = tf.getBackend();
  const savedEnv = process.env.SI_BACKEND;
  afterAll(async () => {
    if (savedEnv === undefined) delete process.env.SI_BACKEND;
    else process.env.SI_BACKEND = savedEnv;
    await initBackend(original, { log: null });
  });

  it('rejects an unknown backend name, listing the valid names', async () => {
    await expect(initBackend('gpu', { log: null })).rejects.toThrow(
      "initBackend: argument 'name' must be one of 'auto', 'tensorflow', 'wasm', 'cpu', got \"gpu\"",
    );
  });

  it('rejects an unknown SI_BACKEND value and says where it came from', () => {
    process.env.SI_BACKEND = 'webgl';
    expect(() => resolveBackendName()).toThrow(/argument 'SI_BACKEND' must be one of/);
    delete process.env.SI_BACKEND;
  });

  it('lets an explicit name win over SI_BACKEND, and SI_BACKEND over auto', () => {
    process.env.SI_BACKEND = 'cpu';
    expect(resolveBackendName()).toBe('cpu');
    expect(resolveBackendName('wasm')).toBe('wasm');
    process.env.SI_BACKEND = '';
    expect(resolveBackendName()).toBe('auto');
    delete process.env.SI_BACKEND;
    expect(resolveBackendName()).toBe('auto');
  });

  it.skipIf(isBackendAvailable('tensorflow'))(
    "fails clearly for 'tensorflow' without tfjs-node, saying how to install it",
    async () => {
      await expect(initBackend('tensorflow', { log: null })).rejects.toThrow(
        /not available .*not installed.*npm install @tensorflow\/tfjs-node-gpu.*npm install @tensorflow\/tfjs-node/,
      );
    },
  );

  it.skipIf(isBackendAvailable('tensorflow'))('auto falls through to wasm with exactly one info line', async () => {
    const lines: string[] = [];
    const info = await initBackend('auto', { log: (l) => lines.push(l) });
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^si: backend wasm, 1 thread \(@tensorflow\/tfjs-node-gpu not installed, @tensorflow\/tfjs-node not installed\)$/);
    expect(info.skipped.map((s) => s.name)).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
  });

  it('activates cpu and wasm on request, silently', async () => {
    const lines: string[] = [];
    for (const name of ['cpu', 'wasm'] as const) {
      const info = await initBackend(name, { log: (l) => lines.push(l) });
      expect(info.name).toBe(name);
      expect(tf.getBackend()).toBe(name);
    }
    expect(lines).toEqual([]);
  });

  it('exports the valid names', () => {
    expect([...BACKEND_NAMES]).toEqual(['auto', 'tensorflow', 'wasm', 'cpu']);
  });
});

describe('backendFlag', () => {
  it('reads --backend NAME and --backend=NAME, and is undefined when absent', () => {
    expect(backendFlag(['--steps', '3', '--backend', 'cpu'])).toBe('cpu');
    expect(backendFlag(['--backend=wasm'])).toBe('wasm');
    expect(backendFlag(['--steps', '3'])).toBeUndefined();
  });

  it('rejects a --backend flag with no value', () => {
    expect(() => backendFlag(['--backend'])).toThrow(/--backend.*got nothing/);
    expect(() => backendFlag(['--backend', '--json'])).toThrow(/--backend/);
  });
});

describe('initBackend kernel fixes', () => {
  it('registers the wasm fixes, and kernelFixes: false restores the stock kernels', async () => {
    const original = tf.getBackend();
    const fixed = await initBackend('wasm', { log: null });
    expect(fixed.kernelFixes).toContain('BatchMatMul');
    const fixedKernel = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
    const stock = await initBackend('wasm', { log: null, kernelFixes: false });
    expect(stock.kernelFixes).toEqual([]);
    const stockKernel = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
    expect(stockKernel).not.toBe(fixedKernel);
    const again = await initBackend('wasm', { log: null });
    expect(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc).not.toBe(stockKernel);
    expect(again.kernelFixes).toEqual(fixed.kernelFixes);
    await initBackend(original, { log: null });
  });
});

describe('initBackend leaves uncaught errors readable', () => {
  it('an uncaught error after initBackend("wasm") prints its own message, not the wasm module, in a fresh process', async () => {
    const { execFile } = await import('node:child_process');
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const root = new URL('..', import.meta.url).pathname;
    const dir = mkdtempSync(join(tmpdir(), 'si-backend-'));
    try {
      const script = join(dir, 'throw.mts');
      writeFileSync(
        script,
        `import { initBackend } from ${JSON.stringify(join(root, 'src/index.ts'))};\n` +
          `await initBackend('wasm', { log: null });\n` +
          `setTimeout(() => { throw new Error('my own failure'); }, 0);\n`,
      );
      const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile(process.execPath, ['--import', 'tsx', script], { cwd: root, timeout: 60_000 }, (err, _stdout, stderr) =>
          resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stderr }),
        );
      });
      expect(result.stderr).toContain('my own failure');
      expect(result.stderr.length).toBeLessThan(4000); // the wasm glue line alone is ~40 KB
      expect(result.code).toBe(1); // Node's own exit code for an uncaught error (the wasm handler exits 7)
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
