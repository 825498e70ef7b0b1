import { describe, expect, it } from 'vitest';
import { formatFlags, inFlagTermsOf, parseArgs, pointCount, threadsFor } from '../../src/cli/args.js';
import { defaultWasmThreads } from '../../src/wasm-threads.js';

const specs = {
  steps: { type: 'number' as const, help: 'training steps', default: 100 },
  out: { help: 'output directory' },
  png: { type: 'boolean' as const, help: 'write a PNG' },
};

describe('parseArgs', () => {
  it('reads --name value, --name=value, booleans, defaults and positionals', () => {
    const { flags, positional } = parseArgs('si x', ['run', '--steps', '5', '--out=dir', '--png', '--backend', 'cpu'], specs);
    expect(flags).toMatchObject({ steps: 5, out: 'dir', png: true, backend: 'cpu' });
    expect(positional).toEqual(['run']);
    expect(parseArgs('si x', [], specs).flags.steps).toBe(100);
    expect(parseArgs('si x', ['--png=false'], specs).flags.png).toBe(false);
    expect(parseArgs('si x', ['--steps', '-3'], specs).flags.steps).toBe(-3);
  });

  it('threadsFor: --threads first, then SI_THREADS (left to initBackend), then the default for the workload and point count', () => {
    const saved = process.env.SI_THREADS;
    try {
      delete process.env.SI_THREADS;
      expect(threadsFor({ threads: 3 }, 'sampling', 200)).toBe(3);
      expect(threadsFor({}, 'sampling', 200)).toBe(1);
      expect(threadsFor({}, 'sampling', 20000)).toBe(defaultWasmThreads('sampling'));
      expect(threadsFor({}, 'training')).toBe(1);
      process.env.SI_THREADS = '2';
      expect(threadsFor({}, 'sampling', 200)).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.SI_THREADS;
      else process.env.SI_THREADS = saved;
    }
    expect([pointCount(4000), pointCount(0), pointCount(2.5), pointCount('9')]).toEqual([4000, undefined, undefined, undefined]);
  });

  it('checks --threads, which every command accepts, before any backend starts', () => {
    expect(parseArgs('si x', ['--threads', '2'], specs).flags.threads).toBe(2);
    expect(() => parseArgs('si x', ['--threads', '9'], specs)).toThrow("si x: argument '--threads' must be a finite integer >= 1 <= 8, got 9");
    expect(() => parseArgs('si x', ['--threads=1.5'], specs)).toThrow(/argument '--threads' must be a finite integer/);
  });

  it('rejects unknown flags with the closest known ones and a pointer to --help', () => {
    expect(() => parseArgs('si x', ['--stpes', '3'], specs)).toThrow('si x: unknown flag --stpes (did you mean --steps?); si x --help lists the flags');
    expect(() => parseArgs('si x', ['--zzzzzz'], specs)).toThrow('si x: unknown flag --zzzzzz; si x --help lists the flags');
    expect(() => parseArgs('si x', ['--steps', '3'], specs, { common: ['help'] })).not.toThrow();
    expect(() => parseArgs('si x', ['--backend', 'cpu'], specs, { common: ['help'] })).toThrow(/unknown flag --backend/);
  });

  it('rejects a flag given twice and reports which flags were given', () => {
    expect(() => parseArgs('si x', ['--steps', '3', '--steps=4'], specs)).toThrow('si x: --steps is given twice');
    expect(parseArgs('si x', ['--out', 'd', '--steps', '3'], specs).given).toEqual(['out', 'steps']);
    expect(parseArgs('si x', [], specs).given).toEqual([]);
  });

  it('checks number ranges declared in the spec, naming the flag', () => {
    const ranged = { steps: { type: 'number' as const, help: 'steps', min: 1, integer: true } };
    expect(parseArgs('demo', ['--steps', '7'], ranged).flags.steps).toBe(7);
    expect(() => parseArgs('demo', ['--steps', '-5'], ranged)).toThrow("demo: argument '--steps' must be a finite integer >= 1, got -5");
    expect(() => parseArgs('demo', ['--steps', '2.5'], ranged)).toThrow("demo: argument '--steps' must be a finite integer >= 1, got 2.5");
  });

  it('rewrites library argument names as flags', () => {
    expect(inFlagTermsOf("Trainer: argument 'options.batchSize' must be a finite integer >= 1, got 0", 'si train', { 'options.batchSize': '--batch' })).toBe(
      "si train: argument '--batch' must be a finite integer >= 1, got 0",
    );
    expect(inFlagTermsOf(`initBackend: argument 'name' must be one of 'cpu', got "x"`, 'demo', {})).toBe(`demo: argument '--backend' must be one of 'cpu', got "x"`);
    expect(inFlagTermsOf("f: argument 'other' must be 1, got 2", 'si x', {})).toBe("f: argument 'other' must be 1, got 2");
  });

  it('rejects a missing or non-numeric value', () => {
    expect(() => parseArgs('si x', ['--steps'], specs)).toThrow("si x: argument '--steps' must be followed by a number, got nothing");
    expect(() => parseArgs('si x', ['--steps', 'many'], specs)).toThrow(`si x: argument '--steps' must be a number, got "many"`);
    expect(() => parseArgs('si x', ['--out', '--png'], specs)).toThrow(/'--out' must be followed by a value/);
    expect(() => parseArgs('si x', ['--png=yes'], specs)).toThrow(/'--png' must be true or false/);
  });

  it('formats a help table with defaults', () => {
    const text = formatFlags(specs);
    expect(text).toMatch(/--steps <value> +training steps \(default: 100\)/);
    expect(text).toMatch(/--png +write a PNG/);
    expect(text).toMatch(/--json/);
  });
});
