/**
 * "Did you mean …" hints for the command line: the known names closest to a mistyped one.
 */
import { suggestNames } from '../registry.js';

/**
 * A hint ` (did you mean --steps?)` naming up to three of `known` close to `name` (by edit distance), or ''
 * when none is close. `prefix` is put before every name (`'--'` for flags); without one, names are quoted.
 *
 * @example
 * ```ts
 * didYouMean('stpes', ['steps', 'seed'], '--'); // " (did you mean --steps?)"
 * ```
 */
export function didYouMean(name: string, known: readonly string[], prefix = ''): string {
  const close = suggestNames(name, known);
  const show = (c: string) => (prefix ? `${prefix}${c}` : `'${c}'`);
  return close.length > 0 ? ` (did you mean ${close.map(show).join(' or ')}?)` : '';
}
