/**
 * The loss history of a run folder: `history.jsonl`, one JSON object per log entry
 * (`{"step":100,"loss":0.41,"terms":{"b":0.41},"learningRate":0.0019,"seconds":3.2}`), appended line by line
 * so an interrupted run keeps every line it logged.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { uniqueSuffix } from './run-folder.js';

/** The loss history's file name in a run folder. */
export const LOSS_HISTORY_FILE = 'history.jsonl';

/** One line of the loss history. */
export interface LossHistoryLine {
  /** Steps completed. */
  step: number;
  /** Mean total loss over the log window. */
  loss: number;
  /** Mean of each named term over the window. */
  terms: Record<string, number>;
  /** Learning rate of the window's last step. */
  learningRate: number;
  /** Wall seconds of training so far. */
  seconds: number;
}

/** Appends one line (a single `O_APPEND` write of the whole line). */
export async function appendLossHistory(file: string, entry: LossHistoryLine): Promise<void> {
  const line: LossHistoryLine = { step: entry.step, loss: entry.loss, terms: entry.terms, learningRate: entry.learningRate, seconds: entry.seconds };
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.appendFile(file, `${JSON.stringify(line)}\n`);
}

/**
 * Reads a loss history; a torn last line (a killed writer) is skipped.
 * @example
 * ```ts
 * const lines = await readLossHistory('runs/checker/history.jsonl');
 * ```
 */
export async function readLossHistory(file: string): Promise<LossHistoryLine[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: LossHistoryLine[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as LossHistoryLine);
    } catch {
      // A line cut short by a kill: skipped.
    }
  }
  return out;
}

/**
 * Keeps only the lines of steps ≤ `step` (those a resumed run will not log again), replacing the file
 * atomically; nothing happens when there is no file or nothing to drop.
 */
export async function truncateLossHistory(file: string, step: number): Promise<void> {
  const lines = await readLossHistory(file).catch(() => null);
  if (lines === null) return;
  const kept = lines.filter((l) => typeof l.step === 'number' && l.step <= step);
  let raw: string;
  try {
    raw = await fs.readFile(file, 'utf8');
  } catch {
    return;
  }
  const text = kept.map((l) => `${JSON.stringify(l)}\n`).join('');
  if (text === raw) return;
  const tmp = `${file}.tmp-${uniqueSuffix()}`;
  await fs.writeFile(tmp, text);
  await fs.rename(tmp, file);
}
