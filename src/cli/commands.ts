/**
 * The registry of `si` subcommands. Each command file registers itself here; `main.ts` dispatches.
 */
import type { FlagSpec, ParseArgsOptions } from './args.js';

/** One `si` subcommand. */
export interface Command {
  /** The subcommand name: `si <name>`. */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage line(s) shown by `si <name> --help`. */
  usage: string;
  /** The flags it accepts (the common `--backend`, `--threads`, `--json`, `--help` are added). */
  flags: Record<string, FlagSpec>;
  /** Which common flags it takes. @default all */
  common?: ParseArgsOptions['common'];
  /**
   * Library arguments that come from a flag (`'options.batchSize'` → `'--batch'`): an error the library
   * raises about such an argument is reported under the flag's name.
   */
  optionFlags?: Record<string, string>;
  /** Runs the command; returns the process exit code. */
  run(argv: readonly string[]): Promise<number>;
}
