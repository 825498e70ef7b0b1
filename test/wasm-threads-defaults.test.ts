import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../src/errors.js';
import { defaultWasmThreads, MAX_WASM_THREADS, SMALL_SAMPLING_POINTS } from '../src/wasm-threads.js';

describe('defaultWasmThreads', () => {
  it('chooses 2 threads for sampling where 2 cores exist and 1 for training (the measured choices)', () => {
    expect(defaultWasmThreads('sampling', 1)).toBe(1);
    expect(defaultWasmThreads('sampling', 2)).toBe(2);
    expect(defaultWasmThreads('sampling', 64)).toBe(2);
    expect(defaultWasmThreads('training', 1)).toBe(1);
    expect(defaultWasmThreads('training', 16)).toBe(1);
    const here = defaultWasmThreads('sampling');
    expect(here).toBeGreaterThanOrEqual(1);
    expect(here).toBeLessThanOrEqual(MAX_WASM_THREADS);
  });

  it('chooses 1 thread for sampling fewer than SMALL_SAMPLING_POINTS points, 2 from there on', () => {
    expect(defaultWasmThreads('sampling', 2, SMALL_SAMPLING_POINTS - 1)).toBe(1);
    expect(defaultWasmThreads('sampling', 2, 200)).toBe(1);
    expect(defaultWasmThreads('sampling', 2, SMALL_SAMPLING_POINTS)).toBe(2);
    expect(defaultWasmThreads('sampling', 1, 20000)).toBe(1);
    expect(defaultWasmThreads('training', 2, 20000)).toBe(1);
    expect(() => defaultWasmThreads('sampling', 2, 0)).toThrow(/points/);
    expect(() => defaultWasmThreads('sampling', 2, 1.5)).toThrow(/points/);
  });

  it('rejects an unknown workload or core count, naming the argument', () => {
    expect(() => defaultWasmThreads('inference' as never, 2)).toThrow(ArgumentError);
    expect(() => defaultWasmThreads('inference' as never, 2)).toThrow(/workload/);
    expect(() => defaultWasmThreads('sampling', 0)).toThrow(/cores/);
  });
});
