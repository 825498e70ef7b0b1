/**
 * The comparison grid: samplers × ε × NFE, expanded into cells with stable identities.
 */
import { EPSILON_SCHEDULES, parseEpsilon } from '../../samplers/epsilon.js';
import type { Epsilon, NamedEpsilon } from '../../samplers/epsilon.js';
import { ArgumentError, describeValue } from '../errors.js';
import type { SamplerSpec } from './samplers.js';
import type { CompareCell } from './types.js';

/** A noise level of the grid: its key (a number, or a schedule label) and the ε the SDE samplers take. */
export interface EpsilonLevel {
  /** A number for constant ε, `'bump:1'`-style for schedules. */
  key: number | string;
  epsilon: Epsilon;
}

const EPS_EXPECTED = `numbers >= 0 or schedule:scale (${EPSILON_SCHEDULES.join(', ')}), e.g. 0,0.5,bump:1`;

/**
 * Normalises one ε of the grid: a number ≥ 0, text (`'0.5'`, `'constant:0.5'`, `'bump:1'`, `'decay:0.5'`) or
 * a `{ schedule, scale }` object. A constant schedule becomes its number.
 *
 * @example
 * ```ts
 * epsilonLevel('bump:1');   // { key: 'bump:1', epsilon: { schedule: 'bump', scale: 1 } }
 * epsilonLevel(0.5).key;    // 0.5
 * ```
 */
export function epsilonLevel(value: number | string | NamedEpsilon, fn = 'epsilonLevel', arg = 'eps'): EpsilonLevel {
  let eps: Epsilon;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new ArgumentError(fn, arg, EPS_EXPECTED, describeValue(value));
    eps = value;
  } else if (typeof value === 'string') {
    try {
      eps = parseEpsilon(value, arg);
    } catch (err) {
      if (err instanceof ArgumentError) throw new ArgumentError(fn, arg, EPS_EXPECTED, describeValue(value));
      throw err;
    }
  } else if (typeof value === 'object' && value !== null && (EPSILON_SCHEDULES as readonly string[]).includes(value.schedule) && Number.isFinite(value.scale) && value.scale >= 0) {
    eps = { schedule: value.schedule, scale: value.scale };
  } else {
    throw new ArgumentError(fn, arg, EPS_EXPECTED, describeValue(value));
  }
  if (typeof eps === 'object' && 'schedule' in eps) {
    if (eps.schedule === 'constant') return { key: eps.scale, epsilon: eps.scale };
    return { key: `${eps.schedule}:${eps.scale}`, epsilon: eps };
  }
  return { key: eps as number, epsilon: eps };
}

/** Validates an ε list (distinct levels). Accepts comma-separated text. */
export function parseEpsilonList(list: string | readonly (number | string | NamedEpsilon)[], fn = 'parseEpsilonList', arg = 'eps'): EpsilonLevel[] {
  const items = typeof list === 'string' ? list.split(',').map((s) => s.trim()) : [...list];
  if (items.length === 0) throw new ArgumentError(fn, arg, `a non-empty list of ${EPS_EXPECTED}`, describeValue(list));
  const levels = items.map((v) => epsilonLevel(v, fn, arg));
  const keys = levels.map((l) => String(l.key));
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup !== undefined) throw new ArgumentError(fn, arg, 'distinct ε levels', `${dup} twice`);
  return levels;
}

/**
 * Validates an NFE list: integers ≥ 1, distinct; returned in ascending order. Accepts comma-separated text.
 *
 * @example
 * ```ts
 * parseNfeList('32,8,16'); // [8, 16, 32]
 * ```
 */
export function parseNfeList(list: string | readonly number[], fn = 'parseNfeList', arg = 'nfe'): number[] {
  const items = typeof list === 'string' ? list.split(',').map((s) => (s.trim() === '' ? Number.NaN : Number(s))) : [...list];
  if (items.length === 0) throw new ArgumentError(fn, arg, 'a non-empty list of integers >= 1 (e.g. 8,16,32)', describeValue(list));
  for (const v of items) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new ArgumentError(fn, arg, 'a comma-separated list of integers >= 1 (e.g. 8,16,32)', describeValue(typeof list === 'string' ? list : v));
    }
  }
  const sorted = [...items].sort((a, b) => a - b);
  const dup = sorted.find((v, i) => i > 0 && sorted[i - 1] === v);
  if (dup !== undefined) throw new ArgumentError(fn, arg, 'distinct NFE values', `${dup} twice`);
  return sorted;
}

/** The stable identity of a cell: `sampler|eps=…|nfe=…` (the sampler's label carries a non-default mode). */
export function cellId(samplerLabel: string, eps: number | string, nfe: number): string {
  return `${samplerLabel}|eps=${eps}|nfe=${nfe}`;
}

/**
 * Expands samplers × ε × NFE into cells, in canonical order: samplers as given; for each, the ε levels (an
 * ODE sampler ignores ε and appears once per NFE, with ε = 0; an SDE sampler runs at every level, where ε = 0
 * is its ODE limit); then NFE ascending.
 */
export function expandGrid(samplers: readonly SamplerSpec[], nfe: readonly number[], eps: readonly EpsilonLevel[]): (CompareCell & { epsilon: Epsilon; label: string })[] {
  const cells: (CompareCell & { epsilon: Epsilon; label: string })[] = [];
  for (const s of samplers) {
    const levels: EpsilonLevel[] = s.kind === 'ode' ? [{ key: 0, epsilon: 0 }] : [...eps];
    for (const level of levels) {
      for (const budget of nfe) {
        cells.push({
          id: cellId(s.label, level.key, budget),
          index: cells.length,
          sampler: s.name,
          kind: s.kind,
          mode: s.mode,
          nfe: budget,
          eps: level.key,
          epsilon: level.epsilon,
          label: s.label,
        });
      }
    }
  }
  return cells;
}
