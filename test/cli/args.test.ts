import { describe, expect, it } from 'vitest';
import { formatFlags, parseArgs } from '../../src/cli/args.js';

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

  it('checks --threads, which every command accepts, before any backend starts', () => {
    expect(parseArgs('si x', ['--threads', '2'], specs).flags.threads).toBe(2);
    expect(() => parseArgs('si x', ['--threads', '9'], specs)).toThrow("si x: argument '--threads' must be a finite integer >= 1 <= 8, got 9");
    expect(() => parseArgs('si x', ['--threads=1.5'], specs)).toThrow(/argument '--threads' must be a finite integer/);
  });

  it('rejects unknown flags, listing the known ones', () => {
    expect(() => parseArgs('si x', ['--stpes', '3'], specs)).toThrow(
      "si x: argument '--stpes' must be one of --backend, --threads, --json, --help, --steps, --out, --png, got an unknown flag",
    );
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
