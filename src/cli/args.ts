/**
 * A small, strict flag parser for the `si` command and the example scripts.
 *
 * Flags are `--name value`, `--name=value`, or bare `--name` for booleans. Unknown flags are an error that
 * lists the known ones.
 */
import { ArgumentError, checkNumber } from '../errors.js';
import { MAX_WASM_THREADS } from '../wasm-threads.js';

/** How one flag is read. */
export interface FlagSpec {
  /** `'string'` (default), `'number'`, or `'boolean'` (bare flag). */
  type?: 'string' | 'number' | 'boolean';
  /** One line for `--help`. */
  help: string;
  /** Default shown in help and returned when the flag is absent. */
  default?: string | number | boolean;
}

/** Parsed flags plus positional arguments. */
export interface ParsedArgs {
  flags: Record<string, string | number | boolean | undefined>;
  positional: string[];
}

/** Flags every command accepts. */
export const COMMON_FLAGS: Record<string, FlagSpec> = {
  backend: { help: 'tfjs backend: auto, tensorflow, wasm or cpu (default: SI_BACKEND, else auto)' },
  threads: { type: 'number', help: 'wasm threads, 1 to 8 (default: SI_THREADS, else 1); more helps large products: many points, wide layers' },
  json: { type: 'boolean', help: 'print one JSON object with the key results as the last line of stdout' },
  help: { type: 'boolean', help: 'show this help' },
};

/**
 * Parses `argv` against `specs` (plus {@link COMMON_FLAGS}).
 * @param command - the command name used in error messages (`si train`)
 */
export function parseArgs(command: string, argv: readonly string[], specs: Record<string, FlagSpec>): ParsedArgs {
  const all = { ...COMMON_FLAGS, ...specs };
  const flags: ParsedArgs['flags'] = {};
  const positional: string[] = [];
  for (const [name, spec] of Object.entries(all)) if (spec.default !== undefined) flags[name] = spec.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    const spec = all[name];
    if (!spec) {
      throw new ArgumentError(command, `--${name}`, `one of ${Object.keys(all).map((k) => `--${k}`).join(', ')}`, 'an unknown flag');
    }
    const type = spec.type ?? 'string';
    if (type === 'boolean') {
      if (eq >= 0) {
        const v = arg.slice(eq + 1);
        if (v !== 'true' && v !== 'false') throw new ArgumentError(command, `--${name}`, 'true or false', JSON.stringify(v));
        flags[name] = v === 'true';
      } else {
        flags[name] = true;
      }
      continue;
    }
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      raw = argv[i + 1];
      if (raw === undefined || (raw.startsWith('--') && raw.length > 2)) {
        throw new ArgumentError(command, `--${name}`, `followed by a ${type === 'number' ? 'number' : 'value'}`, 'nothing');
      }
      i++;
    }
    if (type === 'number') {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new ArgumentError(command, `--${name}`, 'a number', JSON.stringify(raw));
      flags[name] = n;
    } else {
      flags[name] = raw;
    }
  }
  if (flags.threads !== undefined && !('threads' in specs)) {
    checkNumber(command, '--threads', flags.threads, { min: 1, max: MAX_WASM_THREADS, integer: true });
  }
  return { flags, positional };
}

/** Formats the flag table for `--help`. */
export function formatFlags(specs: Record<string, FlagSpec>): string {
  const all = { ...specs, ...COMMON_FLAGS };
  const rows = Object.entries(all).map(([name, spec]) => {
    const left = `  --${name}${(spec.type ?? 'string') === 'boolean' ? '' : ' <value>'}`;
    const def = spec.default !== undefined ? ` (default: ${spec.default})` : '';
    return [left, `${spec.help}${def}`] as const;
  });
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return rows.map(([l, r]) => l.padEnd(width) + r).join('\n');
}
