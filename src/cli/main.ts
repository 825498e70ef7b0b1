/**
 * The `si` command-line tool: `si <command> [flags]`.
 */
import '@tensorflow/tfjs-layers';
import { readFileSync } from 'node:fs';
import { formatFlags, inFlagTermsOf } from './args.js';
import { didYouMean } from './suggest.js';
import { backendCommand } from './backend-command.js';
import type { Command } from './commands.js';
import { compareCommand } from './compare-command.js';
import { mergeCommand } from './merge-command.js';
import { sampleCommand } from './sample-command.js';
import { trainCommand } from './train-command.js';

const COMMANDS: Command[] = [trainCommand, sampleCommand, compareCommand, mergeCommand, backendCommand];

function packageVersion(): string {
  // src/cli/main.ts and dist/src/cli/main.js sit at different depths below the package root.
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'stochastic-interpolants' && pkg.version) return pkg.version;
    } catch {
      // try the next depth
    }
  }
  return 'unknown';
}

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'si — stochastic interpolants on TensorFlow.js',
    '',
    'Usage: si <command> [flags]        si <command> --help for its flags',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Global:',
    '  --help        show this help',
    '  --version     print the version',
    '',
    'Every command takes --backend auto|tensorflow|wasm|cpu (or SI_BACKEND) and --json.',
  ].join('\n');
}

/** Runs `si` with `argv` (without node and script); returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    // No command is a usage mistake: the help goes to stderr and the exit code is 2.
    console.error(usage());
    return 2;
  }
  if (first === '--help' || first === '-h' || first === 'help') {
    console.log(usage());
    return 0;
  }
  if (first === '--version' || first === '-v') {
    console.log(packageVersion());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) {
    const hint = didYouMean(first, COMMANDS.map((c) => c.name));
    console.error(`si: unknown command '${first}'${hint}; valid commands: ${COMMANDS.map((c) => c.name).join(', ')}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`Usage: ${command.usage}\n\n${command.summary}\n\nFlags:\n${formatFlags(command.flags, { common: command.common })}`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    // Errors about what the user asked for: one line, exit 2. Anything else is a bug: stack trace, exit 1.
    if (err instanceof Error && USER_ERRORS.has(err.name)) {
      const line = inFlagTerms(err.message.split('\n')[0] as string, command);
      console.error(line.startsWith(`si ${command.name}:`) ? line : `si ${command.name}: ${line}`);
      return 2;
    }
    if (err instanceof Error && err.message.startsWith('initBackend')) {
      console.error(`si ${command.name}: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

/**
 * Rewrites `Trainer: argument 'options.batchSize' must be …` as `si train: argument '--batch' must be …`
 * when the argument comes from a flag of `command`.
 */
export function inFlagTerms(line: string, command: Pick<Command, 'name' | 'optionFlags'>): string {
  return inFlagTermsOf(line, `si ${command.name}`, command.optionFlags ?? {});
}

/** Error classes that describe bad input or an unusable file rather than a bug. */
const USER_ERRORS = new Set(['UsageError', 'ArgumentError', 'CheckpointError', 'NonFiniteLossError', 'SolverError', 'AbortError', 'CsvError']);
