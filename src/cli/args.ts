/**
 * A small, strict flag parser for the `si` command and the example scripts.
 *
 * Flags are `--name value`, `--name=value`, or bare `--name` for booleans. Unknown flags are an error that
 * suggests the closest known ones ("did you mean --steps?") and points at `--help`.
 */
import { ArgumentError, checkNumber } from '../errors.js';
import { defaultWasmThreads, MAX_WASM_THREADS } from '../wasm-threads.js';
import type { WasmWorkload } from '../wasm-threads.js';
import { didYouMean } from './suggest.js';

/**
 * A mistake in how a command was called (an unknown flag, a flag given twice …): printed as one line by
 * the `si` command and the example scripts, which exit with code 2.
 *
 * @example
 * ```ts
 * throw new UsageError('si train: unknown flag --stpes (did you mean --steps?); si train --help lists the flags');
 * ```
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** How one flag is read. */
export interface FlagSpec {
  /** `'string'` (default), `'number'`, or `'boolean'` (bare flag). */
  type?: 'string' | 'number' | 'boolean';
  /** One line for `--help`. */
  help: string;
  /** Default shown in help and returned when the flag is absent. */
  default?: string | number | boolean;
  /** For numbers: the smallest value accepted (checked by {@link parseArgs}, naming the flag). */
  min?: number;
  /** For numbers: the largest value accepted. */
  max?: number;
  /** For numbers: whole numbers only. */
  integer?: boolean;
}

/** Parsed flags plus positional arguments. */
export interface ParsedArgs {
  /** Every flag: given on the command line, else its default. */
  flags: Record<string, string | number | boolean | undefined>;
  positional: string[];
  /** The flags given on the command line (not defaults), in order of appearance. */
  given: string[];
}

/** Flags every command accepts. */
export const COMMON_FLAGS: Record<string, FlagSpec> = {
  backend: { help: 'tfjs backend: auto, tensorflow, wasm or cpu (default: SI_BACKEND, else auto)' },
  threads: { type: 'number', help: 'wasm threads, 1 to 8 (default: SI_THREADS, else chosen per command by measurement: 2 for sampling and compare of 5000 points or more on 2+ cores, else 1)' },
  json: { type: 'boolean', help: 'print one JSON object with the key results as the last line of stdout' },
  help: { type: 'boolean', help: 'show this help' },
};

/**
 * The wasm thread count a command passes to `initBackend`: `--threads` when given, else `SI_THREADS` (read by
 * `initBackend`), else the measured default for the command's workload and point count (`defaultWasmThreads`:
 * 2 for sampling 5000 points or more on 2+ cores, else 1).
 */
export function threadsFor(flags: Record<string, unknown>, workload: WasmWorkload, points?: number): number | undefined {
  if (flags.threads !== undefined) return flags.threads as number;
  return process.env.SI_THREADS ? undefined : defaultWasmThreads(workload, undefined, points);
}

/** `--n` as a point count for {@link threadsFor} when it is a positive integer (the command checks it later), else undefined. */
export function pointCount(n: unknown): number | undefined {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 ? n : undefined;
}

/** Options of {@link parseArgs}. */
export interface ParseArgsOptions {
  /** Which of {@link COMMON_FLAGS} the command takes. @default all of them */
  common?: readonly (keyof typeof COMMON_FLAGS)[];
}

/** `specs` plus the common flags a command takes. */
export function allFlags(specs: Record<string, FlagSpec>, options: ParseArgsOptions = {}): Record<string, FlagSpec> {
  const common = options.common ?? Object.keys(COMMON_FLAGS);
  return { ...Object.fromEntries(Object.entries(COMMON_FLAGS).filter(([k]) => common.includes(k))), ...specs };
}

/**
 * Parses `argv` against `specs` (plus {@link COMMON_FLAGS}, or those listed in `options.common`).
 * @param command - the command name used in error messages (`si train`)
 * @throws UsageError for an unknown flag; ArgumentError for a flag without its value or with a bad one
 * @example
 * ```ts
 * parseArgs('si x', ['--steps', '5'], { steps: { type: 'number', help: 'steps' } }).flags.steps; // 5
 * ```
 */
export function parseArgs(command: string, argv: readonly string[], specs: Record<string, FlagSpec>, options: ParseArgsOptions = {}): ParsedArgs {
  const all = allFlags(specs, options);
  const flags: ParsedArgs['flags'] = {};
  const positional: string[] = [];
  const given: string[] = [];
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
      const hint = didYouMean(name, Object.keys(all), '--');
      throw new UsageError(`${command}: unknown flag --${name}${hint}; ${command} --help lists the flags`);
    }
    if (given.includes(name)) throw new UsageError(`${command}: --${name} is given twice`);
    given.push(name);
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
      if (spec.min !== undefined || spec.max !== undefined || spec.integer) checkNumber(command, `--${name}`, n, { min: spec.min, max: spec.max, integer: spec.integer });
      flags[name] = n;
    } else {
      flags[name] = raw;
    }
  }
  if (flags.threads !== undefined && !('threads' in specs)) {
    checkNumber(command, '--threads', flags.threads, { min: 1, max: MAX_WASM_THREADS, integer: true });
  }
  return { flags, positional, given };
}

/** Formats the flag table for `--help`: the command's flags, then the common ones it takes. */
export function formatFlags(specs: Record<string, FlagSpec>, options: ParseArgsOptions = {}): string {
  const common = allFlags({}, options);
  const all = { ...specs, ...common };
  const rows = Object.entries(all).map(([name, spec]) => {
    const left = `  --${name}${(spec.type ?? 'string') === 'boolean' ? '' : ' <value>'}`;
    const def = spec.default !== undefined ? ` (default: ${spec.default})` : '';
    return [left, `${spec.help}${def}`] as const;
  });
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return rows.map(([l, r]) => l.padEnd(width) + r).join('\n');
}

/** Library arguments behind the common flags (`initBackend`'s name is `--backend`). */
export const COMMON_OPTION_FLAGS: Record<string, string> = {
  'initBackend:name': '--backend',
  'initBackend:options.threads': '--threads',
  'registerThreadedWasm:threads': '--threads',
};

/**
 * Rewrites a library message `fn: argument 'arg' …` as `command: argument '--flag' …` when `arg` (or `fn:arg`)
 * comes from a flag: `optionFlags` maps argument names to flags, {@link COMMON_OPTION_FLAGS} adds the
 * common ones. Other lines come back unchanged.
 *
 * @example
 * ```ts
 * inFlagTermsOf("Trainer: argument 'options.batchSize' must be …", 'si train', { 'options.batchSize': '--batch' });
 * // "si train: argument '--batch' must be …"
 * ```
 */
export function inFlagTermsOf(line: string, command: string, optionFlags: Record<string, string>): string {
  const m = /^([\w.]+): argument '([^']+)'/.exec(line);
  if (!m) return line;
  const flag = COMMON_OPTION_FLAGS[`${m[1]}:${m[2]}`] ?? optionFlags[m[2] as string];
  return flag ? `${command}: argument '${flag}'${line.slice(m[0].length)}` : line;
}
