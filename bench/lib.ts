/**
 * Shared pieces of the benchmark harness: the benchmark interface, backend switching (cpu, wasm with and
 * without this library's kernel fixes), median timing, and table formatting.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend.js';
import { unregisterWasmKernelFixes } from '../src/kernels/index.js';

/** A backend configuration a benchmark can run on. */
export type BackendConfig = 'cpu' | 'wasm' | 'wasm-nofix';

/** What every benchmark receives. */
export interface BenchContext {
  /** `--quick`: fewer sizes and repeats, for a smoke run. */
  quick: boolean;
  /** Results of the benchmarks that already ran in this process, by name (later ones may compare). */
  results: Record<string, BenchResult>;
  /** Progress output (stderr), so that stdout carries only the tables. */
  progress: (line: string) => void;
}

/** What a benchmark returns: tables to print and data for the JSON file. */
export interface BenchResult {
  /** Tables, each a title plus rows of cells (the first row is the header). */
  tables: { title: string; rows: string[][] }[];
  /** Extra lines printed after the tables (ratios, skipped parts). */
  notes: string[];
  /** Machine-readable results written to `bench/results/latest.json`. */
  data: unknown;
}

/** A named benchmark in the registry of `bench/run.ts`. */
export interface Benchmark {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchResult>;
}

/**
 * Activates a backend configuration through `initBackend`: `'wasm-nofix'` is the wasm backend with this
 * library's kernel fixes unregistered (restored by the next `'wasm'`).
 */
export async function useBackend(config: BackendConfig): Promise<void> {
  if (config === 'wasm-nofix') {
    await initBackend('wasm', { kernelFixes: false, log: null });
    unregisterWasmKernelFixes();
  } else {
    await initBackend(config, { log: null });
  }
}

/** The median of `xs` (mean of the middle two for even lengths). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Options of {@link timeMedian}. */
export interface TimingOptions {
  /** Untimed calls before the first timed block. */
  warmup: number;
  /** Timed blocks; the result is their median. */
  repeats: number;
  /** Calls per timed block. */
  inner: number;
}

/**
 * Runs `fn` `inner` times and returns milliseconds per call. Each call's returned tensor is disposed,
 * except the last, which is read back (`dataSync`) inside the timed block so that queued work is counted.
 */
export function timeBlock(fn: () => tf.Tensor, inner: number): number {
  const t0 = performance.now();
  let last: tf.Tensor | null = null;
  for (let i = 0; i < inner; i++) {
    last?.dispose();
    last = fn();
  }
  last?.dataSync();
  const elapsed = performance.now() - t0;
  last?.dispose();
  return elapsed / inner;
}

/**
 * Times `fn`: `warmup` untimed calls, then `repeats` blocks of `inner` calls ({@link timeBlock}).
 * Returns milliseconds per call: the median over blocks and every block's value.
 */
export function timeMedian(fn: () => tf.Tensor, { warmup, repeats, inner }: TimingOptions): { ms: number; samples: number[] } {
  for (let i = 0; i < warmup; i++) {
    const out = fn();
    out.dataSync();
    out.dispose();
  }
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) samples.push(timeBlock(fn, inner));
  return { ms: median(samples), samples };
}

/** Formats rows as an aligned text table (first row is the header; numbers right-aligned). */
export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const numeric = (s: string) => /^[-+]?[\d.]+(e[-+]?\d+)?[×x%]?$/i.test(s.trim());
  const line = (r: string[]) =>
    r.map((cell, c) => (numeric(cell) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** A number with `digits` significant decimals for tables. */
export function fmt(x: number | null | undefined, digits = 2): string {
  if (x == null || !Number.isFinite(x)) return '-';
  return x.toFixed(digits);
}
