/**
 * Shared test helpers: numeric comparison, the tensor-leak guard, and running a spec on every backend.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe } from 'vitest';
import { initBackend } from '../../src/backend.js';
import { collectTensors } from '../../src/solver/tensors.js';

type Numeric = tf.Tensor | number | ArrayLike<number> | number[][];

function toFlat(value: Numeric): { data: number[]; shape: number[] } {
  if (typeof value === 'number') return { data: [value], shape: [] };
  if (value instanceof tf.Tensor) return { data: Array.from(value.dataSync()), shape: value.shape };
  if (Array.isArray(value) && value.length > 0 && Array.isArray(value[0])) {
    const rows = value as number[][];
    return { data: rows.flat(), shape: [rows.length, rows[0]!.length] };
  }
  const arr = Array.from(value as ArrayLike<number>);
  return { data: arr, shape: [arr.length] };
}

/**
 * Asserts `|actual − expected| ≤ atol + rtol·|expected|` elementwise (shapes must match when both are
 * tensors). NaN never passes.
 */
export function expectAllClose(
  actual: Numeric,
  expected: Numeric,
  { rtol = 1e-5, atol = 1e-6, label = '' }: { rtol?: number; atol?: number; label?: string } = {},
): void {
  const a = toFlat(actual);
  const e = toFlat(expected);
  const prefix = label ? `${label}: ` : '';
  if (actual instanceof tf.Tensor && expected instanceof tf.Tensor && a.shape.join(',') !== e.shape.join(',')) {
    throw new Error(`${prefix}shape [${a.shape}] != expected [${e.shape}]`);
  }
  if (a.data.length !== e.data.length) {
    throw new Error(`${prefix}size ${a.data.length} != expected ${e.data.length}`);
  }
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < a.data.length; i++) {
    const x = a.data[i]!;
    const y = e.data[i]!;
    const tol = atol + rtol * Math.abs(y);
    const diff = Math.abs(x - y);
    if (!(diff <= tol)) {
      const excess = Number.isNaN(diff) ? Infinity : diff - tol;
      if (worst < 0 || excess > worstExcess) {
        worst = i;
        worstExcess = excess;
      }
    }
  }
  if (worst >= 0) {
    throw new Error(
      `${prefix}not close at index ${worst}: actual ${a.data[worst]} vs expected ${e.data[worst]} ` +
        `(rtol ${rtol}, atol ${atol})`,
    );
  }
}

/**
 * The tensor-leak guard: runs `fn` once to burn in (caches, optimizer slots, lazily built weights),
 * then `repeats` more times, and fails if `tf.memory().numTensors` grew. Tensors that `fn` returns are
 * disposed by the guard.
 */
export async function expectNoLeaks(
  fn: () => unknown,
  { repeats = 2, label = '' }: { repeats?: number; label?: string } = {},
): Promise<void> {
  const runOnce = async () => {
    const out = await fn();
    tf.dispose(collectTensors(out));
  };
  await runOnce();
  const before = tf.memory().numTensors;
  for (let i = 0; i < repeats; i++) await runOnce();
  const after = tf.memory().numTensors;
  if (after > before) {
    throw new Error(`${label ? `${label}: ` : ''}tensor leak: ${after - before} tensors left after ${repeats} runs`);
  }
}


/** Whether a backend can run on this machine: `cpu` and `wasm` always, `tensorflow` when tfjs-node is installed. */
export function isBackendAvailable(backend: string): boolean {
  if (backend === 'cpu' || backend === 'wasm') return true;
  if (backend !== 'tensorflow') return false;
  const require = createRequire(import.meta.url);
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      require.resolve(pkg);
      return true;
    } catch {
      // not installed here
    }
  }
  return false;
}

/** Backends for {@link describeEachBackend}; `SI_TEST_BACKENDS=cpu,wasm` narrows the list. */
const TEST_BACKENDS = (process.env.SI_TEST_BACKENDS ?? 'cpu,wasm,tensorflow').split(',');

/**
 * Runs the same spec once per available backend (cpu, wasm, and tensorflow where installed), activating
 * the backend before the spec's tests and restoring the previous one after. Unavailable backends show as
 * skipped.
 */
export function describeEachBackend(title: string, spec: (backend: string) => void): void {
  for (const backend of TEST_BACKENDS) {
    describe.skipIf(!isBackendAvailable(backend))(`${title} [${backend}]`, () => {
      let previous = '';
      beforeAll(async () => {
        previous = tf.getBackend();
        await initBackend(backend, { log: null });
      });
      afterAll(async () => {
        if (previous) await initBackend(previous, { log: null });
      });
      spec(backend);
    });
  }
}
