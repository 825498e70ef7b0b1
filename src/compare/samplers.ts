/**
 * Sampler names in a comparison grid: registered scheme names, short aliases, and the stepping mode.
 */
import { getScheme, listSchemes, schemeNames } from '../../samplers/registry.js';
import { ArgumentError, describeValue } from '../errors.js';
import type { Scheme } from '../solver/types.js';
import type { StepMode } from './types.js';

/** Short aliases accepted wherever a sampler is named in a comparison. */
export const SAMPLER_ALIASES: Readonly<Record<string, string>> = { em: 'euler-maruyama', 'sde-heun': 'stochastic-heun' };

/** A sampler of the grid, resolved. */
export interface SamplerSpec {
  /** The registered scheme name. */
  name: string;
  scheme: Scheme;
  kind: 'ode' | 'sde';
  mode: StepMode;
  /** `name`, or `name:mode` when the mode is not the scheme's default (see {@link defaultStepMode}). */
  label: string;
}

/**
 * The stepping mode a scheme runs in by default: adaptive for ODE schemes with an embedded error estimate
 * and order ≥ 3 (dopri5, or a registered Bogacki–Shampine), fixed steps for everything else — the low-order
 * pairs (midpoint, heun, stochastic-heun) are compared as the fixed-step samplers they usually are.
 * Write `heun:adaptive` or `dopri5:fixed` to override.
 */
export function defaultStepMode(scheme: Scheme): StepMode {
  return scheme.adaptive && scheme.kind === 'ode' && scheme.order >= 3 ? 'adaptive' : 'fixed';
}

function registeredList(): string {
  const aliases = Object.entries(SAMPLER_ALIASES).map(([a, n]) => `${a} → ${n}`);
  return `${schemeNames().join(', ')} (aliases: ${aliases.join(', ')}; suffix :fixed or :adaptive)`;
}

/**
 * Resolves one sampler spec: a registered name or alias, optionally with `:fixed` or `:adaptive`.
 *
 * @param fn - the calling function, for error messages
 * @param arg - the argument's name, for error messages
 * @throws ArgumentError listing the registered names for an unknown sampler, or for `:adaptive` on a scheme
 *   without an error estimate
 * @example
 * ```ts
 * resolveSampler('em').name;        // 'euler-maruyama'
 * resolveSampler('dopri5').mode;    // 'adaptive'
 * resolveSampler('heun:adaptive');  // { name: 'heun', mode: 'adaptive', label: 'heun:adaptive', … }
 * ```
 */
export function resolveSampler(text: string, fn = 'resolveSampler', arg = 'sampler'): SamplerSpec {
  if (typeof text !== 'string' || text.trim() === '') throw new ArgumentError(fn, arg, `a sampler name: ${registeredList()}`, describeValue(text));
  const [rawName, rawMode, extra] = text.trim().split(':');
  const name = SAMPLER_ALIASES[rawName!] ?? rawName!;
  if (!schemeNames().includes(name) || extra !== undefined) {
    throw new ArgumentError(fn, arg, `a registered sampler: ${registeredList()}`, describeValue(text));
  }
  const scheme = getScheme(name, fn, arg);
  if (rawMode !== undefined && rawMode !== 'fixed' && rawMode !== 'adaptive') {
    throw new ArgumentError(fn, arg, `a sampler with an optional ':fixed' or ':adaptive' suffix`, describeValue(text));
  }
  const mode: StepMode = (rawMode as StepMode | undefined) ?? defaultStepMode(scheme);
  if (mode === 'adaptive' && !scheme.adaptive) {
    throw new ArgumentError(fn, arg, `a scheme with an error estimate for ':adaptive' (${listSchemes().filter((s) => s.adaptive).map((s) => s.name).join(', ')})`, describeValue(text));
  }
  const label = mode === defaultStepMode(scheme) ? name : `${name}:${mode}`;
  return { name, scheme, kind: scheme.kind, mode, label };
}

/**
 * Resolves a list of sampler specs (an array, or comma-separated text); duplicates are an error.
 *
 * @example
 * ```ts
 * parseSamplerList('euler,heun,em').map((s) => s.name); // ['euler', 'heun', 'euler-maruyama']
 * ```
 */
export function parseSamplerList(list: string | readonly string[], fn = 'parseSamplerList', arg = 'samplers'): SamplerSpec[] {
  const items = typeof list === 'string' ? list.split(',').map((s) => s.trim()) : [...list];
  if (items.length === 0 || items.some((s) => s === '')) throw new ArgumentError(fn, arg, `a comma-separated list of samplers: ${registeredList()}`, describeValue(list));
  const specs = items.map((s) => resolveSampler(s, fn, arg));
  const seen = new Set<string>();
  for (const s of specs) {
    if (seen.has(s.label)) throw new ArgumentError(fn, arg, 'distinct samplers', `${s.label} twice`);
    seen.add(s.label);
  }
  return specs;
}

/** The registered samplers as a table (name, kind, order, evaluations per step, default mode, aliases, description). */
export function samplerListing(): string {
  const rows = listSchemes().map((s) => {
    const aliases = Object.entries(SAMPLER_ALIASES).filter(([, n]) => n === s.name).map(([a]) => a);
    return [
      s.name,
      s.kind,
      String(s.order),
      String(s.stagesPerStep),
      defaultStepMode(getScheme(s.name)) + (s.adaptive ? '' : ' only'),
      aliases.join(', '),
      s.description,
    ];
  });
  const header = ['sampler', 'kind', 'order', 'NFE/step', 'mode', 'alias', 'description'];
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (r: string[]) => r.map((c, j) => (j === r.length - 1 ? c : c.padEnd(widths[j]!))).join('  ');
  return [line(header), ...rows.map(line)].join('\n');
}
