/**
 * The one harness of the example scripts, so they behave like the `si` command: `--help` prints the flags
 * (with the common `--backend`, `--threads`, `--json`) and exits 0; a bad flag or value is one line on
 * stderr and exit code 2, before any backend starts; any other failure prints its stack and exits 1.
 *
 * (The wasm backend's own uncaught-error handlers, which printed ~39 KB of minified source and exited 7, are
 * removed by `initBackend` itself, for every user of the library.)
 *
 * @example
 * ```ts
 * await runScript({ name: 'demo-2d', usage: 'npm run demo -- [flags]', summary: 'the 2-D demo', flags }, async (flags, ctx) => {
 *   const info = await ctx.initBackend();
 *   ctx.log(`training on ${info.name}`);
 * });
 * ```
 */
import { initBackend } from '../src/backend.js';
import type { BackendInfo } from '../src/backend.js';
import { formatFlags, inFlagTermsOf, parseArgs } from '../src/cli/args.js';
import type { FlagSpec, ParsedArgs } from '../src/cli/args.js';

/** What an example declares about itself. */
export interface ScriptSpec {
  /** The script's name, used in messages (`demo-2d`). */
  name: string;
  /** How to run it (`npm run demo -- [--steps 8000] …`). */
  usage: string;
  /** One paragraph on what it does. */
  summary: string;
  /** Its own flags (the common ones are added). */
  flags: Record<string, FlagSpec>;
  /** Checks across flags, run before any work; throw an ArgumentError naming the flag. */
  check?: (flags: ParsedArgs['flags']) => void;
}

/** What the body of an example receives besides its flags. */
export interface ScriptContext {
  /** Starts the backend named by `--backend` / `--threads` (quietly with `--json`). */
  initBackend(): Promise<BackendInfo>;
  /** Prints a line unless `--json` was given. */
  log(line: string): void;
  /** Whether `--json` was given (then print one JSON object as the last stdout line). */
  json: boolean;
}

/** Error classes that mean bad input rather than a bug: one line and exit code 2. */
const USER_ERRORS = new Set(['UsageError', 'ArgumentError', 'CheckpointError', 'CsvError', 'NonFiniteLossError']);

/**
 * Runs an example: parses and checks its flags, handles `--help`, runs `body`, and sets the exit code
 * (0, 2 for bad input, 1 for anything else).
 */
export async function runScript(spec: ScriptSpec, body: (flags: ParsedArgs['flags'], ctx: ScriptContext) => Promise<void>): Promise<number> {
  const argv = process.argv.slice(2);
  let code = 0;
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      console.log(`Usage: ${spec.usage}\n\n${spec.summary}\n\nFlags:\n${formatFlags(spec.flags)}`);
      return (process.exitCode = 0);
    }
    const { flags } = parseArgs(spec.name, argv, spec.flags);
    spec.check?.(flags);
    const json = Boolean(flags.json);
    const ctx: ScriptContext = {
      json,
      log: (line) => void (json || console.log(line)),
      initBackend: () => initBackend(flags.backend as string | undefined, { log: json ? null : undefined, threads: flags.threads as number | undefined }),
    };
    await body(flags, ctx);
  } catch (err) {
    if (err instanceof Error && USER_ERRORS.has(err.name)) {
      const line = inFlagTermsOf((err.message.split('\n')[0] as string).trim(), spec.name, {});
      console.error(line.startsWith(`${spec.name}:`) ? line : `${spec.name}: ${line}`);
      code = 2;
    } else {
      console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
      code = 1;
    }
  }
  return (process.exitCode = code);
}
