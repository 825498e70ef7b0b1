/**
 * One training session of `si train` (every `--model`): progress bar and log lines, Ctrl-C / SIGTERM (finish the step, checkpoint, print how to resume, exit 130) and the
 * closing line or JSON object — the conventions of the MLP runs of `si train`.
 */
import { NonFiniteLossError } from '../train/trainer.js';
import type { Trainer, TrainingLogEntry, TrainingResult } from '../train/trainer.js';
import { ArgumentError } from '../errors.js';
import { ProgressBar } from './progress.js';
import { readRunFolder } from './run-folder.js';

/** Flags as parsed by `parseArgs`. */
export type CliFlags = Record<string, string | number | boolean | undefined>;

/** Options of {@link trainSession}. */
export interface TrainSessionOptions {
  /** The command in messages (`si train`). */
  command: string;
  /** The run folder. */
  out: string;
  /** The run's total steps. */
  steps: number;
  /** Steps done before this session (a resumed run). */
  startStep: number;
  /** The parsed flags (for `--json`, and `--backend` / `--threads` in the resume hint). */
  flags: CliFlags;
  /** The flags given on the command line. */
  given: readonly string[];
  /** The backend's name, for the closing line. */
  backend: string;
  /** Extra fields of the closing JSON object. */
  extra?: Record<string, unknown>;
  /**
   * Work after a finished (not interrupted) run, once the trainer is disposed (e.g. rendering a PNG from
   * the run folder); the fields it returns join the closing JSON object.
   */
  finish?: () => Promise<Record<string, unknown>>;
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** How the user called `si`: `npm run si --` from a clone, else `si`. */
export function invocation(): string {
  return process.env.npm_lifecycle_event === 'si' ? 'npm run si --' : 'si';
}

/**
 * Progress and log callbacks for a trainer's options: a progress bar on a terminal, one line per log entry
 * otherwise (to stderr with `--json`, whose stdout holds only the JSON object).
 */
export function sessionCallbacks(steps: number, quiet: boolean): { bar: ProgressBar; onProgress: (step: number) => void; onLog: (e: TrainingLogEntry) => void } {
  const bar = new ProgressBar(steps);
  let suffix = '';
  return {
    bar,
    onProgress: (step) => bar.update(step, suffix),
    onLog: (e) => {
      suffix = `loss ${e.loss.toFixed(4)} lr ${e.learningRate.toExponential(2)} ${e.stepsPerSecond.toFixed(1)} steps/s`;
      bar.update(e.step, suffix);
      if (!process.stderr.isTTY && !quiet) {
        const terms = Object.entries(e.terms).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(' ');
        console.log(`step ${e.step}  loss ${e.loss.toFixed(4)} (${terms})  lr ${e.learningRate.toExponential(2)}  ${e.stepsPerSecond.toFixed(1)} steps/s`);
      }
    },
  };
}

/**
 * Trains `trainer` to its end under SIGINT / SIGTERM handling, disposes it, and prints the closing line
 * (or the JSON object with `--json`). Returns the exit code: 0, or 130 when interrupted (a checkpoint of
 * the last step is written and the command that resumes is printed).
 *
 * @throws ArgumentError naming `--lr` when the loss becomes non-finite
 */
export async function trainSession(trainer: Trainer, bar: ProgressBar, o: TrainSessionOptions): Promise<number> {
  const quiet = Boolean(o.flags.json);
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let result: TrainingResult;
  try {
    result = await trainer.train({ signal: stop.signal });
  } catch (err) {
    trainer.dispose();
    if (err instanceof NonFiniteLossError) {
      const kept = readRunFolder(o.out);
      throw new ArgumentError(
        o.command,
        '--lr',
        `lower (or add --clip 1, or --warmup 100): the loss became non-finite at step ${err.step}, and training stopped`,
        `${o.flags.lr}; ${kept ? `the checkpoint at step ${kept.step} in ${o.out} was kept` : 'no checkpoint was written yet'}`,
      );
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    bar.done();
  }
  if (stop.signal.aborted && trainer.step < o.steps) {
    // Trainer.train wrote the checkpoint of the last step when the signal stopped it.
    const extra = ['backend', 'threads'].filter((f) => o.given.includes(f)).flatMap((f) => [`--${f}`, String(o.flags[f])]);
    const command = [invocation(), 'train', '--out', o.out, '--resume', ...extra].map((a, i) => (i === 0 ? a : quote(a))).join(' ');
    console.error(`${o.command}: interrupted at step ${trainer.step}; resume with: ${command}`);
    if (quiet) console.log(JSON.stringify({ interrupted: true, steps: trainer.step, out: o.out, resume: command }));
    trainer.dispose();
    return 130;
  }
  const line = `trained ${result.steps - o.startStep} steps (${result.steps} in all) on ${o.backend}: final loss ${result.finalLoss.toFixed(4)}, ${(result.secondsPerStep * 1000).toFixed(1)} ms/step; checkpoint in ${o.out}`;
  if (quiet) console.error(line);
  else console.log(line);
  trainer.dispose();
  const finished = o.finish ? await o.finish() : {};
  if (quiet) console.log(JSON.stringify({ secondsPerStep: result.secondsPerStep, finalLoss: result.finalLoss, steps: result.steps, backend: o.backend, out: o.out, ...o.extra, ...finished }));
  return 0;
}

/** What {@link runFolderTrainerOptions} needs. */
export interface RunFolderTrainerInput {
  /** The run folder (checkpoints, history, config). */
  out: string;
  /** The run configuration saved with every checkpoint. */
  config: object;
  /** Steps between log lines. */
  logEvery: number;
  /** Steps between checkpoints. */
  checkpointEvery: number;
  /** The session's progress bar and log callbacks ({@link sessionCallbacks}). */
  callbacks: { onLog: (e: TrainingLogEntry) => void; onProgress: (step: number) => void };
  /** Replace a run already in `out` (a new run under `--force`). */
  overwrite?: boolean;
}

/**
 * The `Trainer` options every `si train` run shares — its run folder, saved config, logging, checkpoints and
 * the session's callbacks — to spread next to the task and the learning settings.
 *
 * @example
 * ```ts
 * new Trainer({ task, ...settings, ...runFolderTrainerOptions({ out, config, logEvery, checkpointEvery, callbacks }) });
 * ```
 */
export function runFolderTrainerOptions(o: RunFolderTrainerInput) {
  return {
    logEvery: o.logEvery,
    checkpointEvery: o.checkpointEvery,
    checkpointDir: o.out,
    ...(o.overwrite === undefined ? {} : { overwrite: o.overwrite }),
    config: o.config as Record<string, unknown>,
    onLog: o.callbacks.onLog,
    onProgress: o.callbacks.onProgress,
  };
}
