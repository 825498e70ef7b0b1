/**
 * The registry of `si` subcommands. Each command file registers itself here; `main.ts` dispatches.
 */
import type { FlagSpec } from './args.js';

/** One `si` subcommand. */
export interface Command {
  /** The subcommand name: `si <name>`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage line(s) shown by `si <name> --help`. */
  usage: string;
  /** The flags it accepts (the common `--backend`, `--json`, `--help` are added). */
  flags: Record<string, FlagSpec>;
  /** Runs the command; returns the process exit code. */
  run(argv: readonly string[]): Promise<number>;
}
