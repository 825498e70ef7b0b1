import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  return { out, err };
}

describe('si', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints usage for --help (stdout, exit 0) and for no command (stderr, exit 2)', async () => {
    const { out, err } = capture();
    expect(await main(['--help'])).toBe(0);
    expect(out.join('\n')).toMatch(/Usage: si <command>/);
    expect(out.join('\n')).toMatch(/backend +show the active tfjs backend/);
    expect(err).toEqual([]);
    expect(await main([])).toBe(2);
    expect(err.join('\n')).toMatch(/Usage: si <command>/);
  });

  it('prints the package version', async () => {
    const { out } = capture();
    expect(await main(['--version'])).toBe(0);
    expect(out[0]).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects an unknown command with exit 2, listing the commands', async () => {
    const { err } = capture();
    expect(await main(['trian'])).toBe(2);
    expect(err[0]).toBe("si: unknown command 'trian' (did you mean 'train'?); valid commands: train, sample, compare, merge, backend");
  });

  it('si backend reports the backend, and --json ends with one JSON line', async () => {
    const { out } = capture();
    expect(await main(['backend', '--backend', 'cpu', '--json'])).toBe(0);
    expect(out[0]).toMatch(/^backend: +cpu/);
    const last = JSON.parse(out[out.length - 1] as string);
    expect(last).toMatchObject({ name: 'cpu', requested: 'cpu', kernelFixes: [] });
  });

  it('si backend with a bad name exits 2 with a one-line error', async () => {
    const { err } = capture();
    expect(await main(['backend', '--backend', 'metal'])).toBe(2);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/must be one of 'auto', 'tensorflow', 'wasm', 'cpu', got "metal"/);
  });

  it('si merge --help lists only its flags (no --backend or --threads: it runs no tensors)', async () => {
    const { out } = capture();
    expect(await main(['merge', '--help'])).toBe(0);
    const text = out.join('\n');
    const flags = [...text.matchAll(/^ {2}(--[\w-]+)/gm)].map((m) => m[1]);
    expect(flags).toEqual(['--out', '--csv', '--png', '--json', '--help']);
    const { err } = capture();
    expect(await main(['merge', 'a.json', '--threads', '2'])).toBe(2);
    expect(err.at(-1)).toMatch(/^si merge: unknown flag --threads; si merge --help lists the flags$/);
  });

  it('reports library errors under the flag that caused them', async () => {
    const { err } = capture();
    expect(await main(['backend', '--backend', 'wsam'])).toBe(2);
    expect(err.at(-1)).toMatch(/^si backend: argument '--backend' must be one of 'auto', 'tensorflow', 'wasm', 'cpu', got "wsam"$/);
  });

  it('per-command --help lists flags', async () => {
    const { out } = capture();
    expect(await main(['backend', '--help'])).toBe(0);
    expect(out.join('\n')).toMatch(/Usage: si backend/);
    expect(out.join('\n')).toMatch(/--backend <value>/);
  });
});
