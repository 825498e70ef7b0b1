/**
 * One registry utility with one policy, for everything the library looks up by name (datasets, interpolants,
 * schemes, model builders, …).
 *
 * Policy:
 * - names are non-empty strings matching the registry's pattern;
 * - `register` refuses a built-in or already registered name unless `{ replace: true }`;
 * - `unregister` removes a user registration; a built-in cannot be removed, and unregistering a replaced
 *   built-in restores the original;
 * - `get` of an unknown name throws an {@link ArgumentError} listing the names, with "did you mean …"
 *   suggestions by edit distance.
 */
import { ArgumentError, describeValue } from './errors.js';

/** Options of {@link Registry.register}. */
export interface RegisterOptions {
  /** Replace a built-in or an existing registration of the same name. @default false */
  replace?: boolean;
}

/** A name → value table with the library's one registration policy; made by {@link createRegistry}. */
export interface Registry<T> {
  /** What is registered, for messages (`'dataset'`, `'interpolant'`, `'scheme'`). */
  readonly kind: string;
  /** The built-in names, in the order given. */
  readonly builtinNames: readonly string[];
  /**
   * The value under `name`; throws an ArgumentError (with suggestions) for an unknown name, naming `fn` and
   * `arg` (default: the registry's lookup function and `'name'`), e.g. `get(flag, 'si sample', '--scheme')`.
   */
  get(name: string, fn?: string, arg?: string): T;
  /** The value under `name`, or `undefined`. */
  find(name: string): T | undefined;
  /** Whether `name` is registered (built-in or added). */
  has(name: string): boolean;
  /** Whether `name` is a built-in (replaced or not). */
  isBuiltin(name: string): boolean;
  /** The registered names: built-ins in their order, then added names in registration order. */
  names(): string[];
  /** Adds `value` under `name`; throws for a bad name or value, or a taken name without `{ replace: true }`. */
  register(name: string, value: T, options?: RegisterOptions): void;
  /** Removes an added name (restoring a replaced built-in); returns whether anything changed. Built-ins stay. */
  unregister(name: string): boolean;
  /** Up to three registered names close to `name` (edit distance), best first. */
  suggest(name: string): string[];
}

/** Options of {@link createRegistry}. */
export interface CreateRegistryOptions<T> {
  /** What is registered, for messages. */
  kind: string;
  /** The built-in entries, in listing order. */
  builtins: Readonly<Record<string, T>> | readonly (readonly [string, T])[];
  /** The function named when `get` rejects a name. @default `get${Kind}` (e.g. 'getDataset') */
  lookupFn?: string;
  /** The function named when `register` rejects its arguments. @default `register${Kind}` */
  registerFn?: string;
  /** Valid names. @default /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/ (letters, digits, -, _, . and :) */
  namePattern?: RegExp;
  /** Describes a valid name for messages. @default 'a name of letters, digits, -, _, . or : (starting with a letter or digit)' */
  nameText?: string;
  /** Returns true for a valid value (e.g. `typeof v === 'function'`). @default accepts anything but undefined */
  isValue?: (value: unknown) => boolean;
  /** Describes a valid value for messages. @default `a ${kind}` */
  valueText?: string;
  /** The value's argument name in `register` messages. @default 'value' */
  valueArg?: string;
  /** The name's argument name in `register` messages (e.g. `'scheme.name'`). @default 'name' */
  nameArg?: string;
}

const DEFAULT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

/**
 * Optimal-string-alignment distance between `a` and `b` (insertions, deletions, substitutions and swaps of
 * two neighbours each cost 1), case-insensitive.
 *
 * @example
 * ```ts
 * editDistance('chequerboard', 'checkerboard'); // 2
 * editDistance('mnoos', 'moons');               // 2
 * ```
 */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows = s.length + 1;
  const cols = t.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[s.length]![t.length]!;
}

/**
 * The candidates within edit distance max(1, ⌊|name| / 3⌋) of `name` (and those that contain it or that it
 * contains, ignoring case), closest first (ties alphabetical), at most `limit` (@default 3).
 *
 * @example
 * ```ts
 * suggestNames('ring', ['rings', 'moons']); // ['rings']
 * ```
 */
export function suggestNames(name: string, candidates: readonly string[], limit = 3): string[] {
  if (typeof name !== 'string' || name === '') return [];
  const lower = name.toLowerCase();
  const budget = Math.max(1, Math.floor(name.length / 3));
  return candidates
    .map((c) => {
      const cl = c.toLowerCase();
      const dist = editDistance(name, c);
      const contains = lower.length >= 3 && (cl.includes(lower) || lower.includes(cl));
      return { c, dist, ok: dist <= budget || contains };
    })
    .filter((e) => e.ok)
    .sort((x, y) => x.dist - y.dist || x.c.localeCompare(y.c))
    .slice(0, limit)
    .map((e) => e.c);
}

function capitalised(kind: string): string {
  return kind
    .split(/[\s-]+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/**
 * Makes a registry with the library's one policy (see the module comment).
 *
 * @example
 * ```ts
 * const colours = createRegistry<number>({ kind: 'colour', builtins: { red: 0xff0000, green: 0x00ff00 } });
 * colours.get('red');                 // 0xff0000
 * colours.register('teal', 0x008080);
 * colours.register('red', 1);         // throws: a built-in, pass { replace: true }
 * colours.get('gren');                // throws: … got "gren" (did you mean 'green'?)
 * ```
 */
export function createRegistry<T>(options: CreateRegistryOptions<T>): Registry<T> {
  const { kind } = options;
  if (typeof kind !== 'string' || kind === '') throw new ArgumentError('createRegistry', 'options.kind', 'a non-empty string', describeValue(kind));
  const lookupFn = options.lookupFn ?? `get${capitalised(kind)}`;
  const registerFn = options.registerFn ?? `register${capitalised(kind)}`;
  const namePattern = options.namePattern ?? DEFAULT_NAME_PATTERN;
  const nameText = options.nameText ?? 'a name of letters, digits, -, _, . or : (starting with a letter or digit)';
  const isValue = options.isValue ?? ((v: unknown) => v !== undefined);
  const valueText = options.valueText ?? `a ${kind}`;
  const valueArg = options.valueArg ?? 'value';
  const nameArg = options.nameArg ?? 'name';
  const builtinEntries: (readonly [string, T])[] = Array.isArray(options.builtins)
    ? [...(options.builtins as readonly (readonly [string, T])[])]
    : Object.entries(options.builtins as Record<string, T>);
  const builtins = new Map<string, T>(builtinEntries);
  const builtinNames = Object.freeze([...builtins.keys()]);
  const table = new Map<string, T>(builtins);

  const names = () => [...table.keys()];
  const suggest = (name: string) => suggestNames(name, names());

  return {
    kind,
    builtinNames,
    get(name, fn = lookupFn, arg = 'name') {
      const value = typeof name === 'string' ? table.get(name) : undefined;
      if (value === undefined) {
        const hints = typeof name === 'string' ? suggest(name) : [];
        const hint = hints.length > 0 ? ` (did you mean ${hints.map((h) => `'${h}'`).join(' or ')}?)` : '';
        throw new ArgumentError(fn, arg, `one of ${names().map((n) => `'${n}'`).join(', ')}`, `${describeValue(name)}${hint}`);
      }
      return value;
    },
    find: (name) => (typeof name === 'string' ? table.get(name) : undefined),
    has: (name) => typeof name === 'string' && table.has(name),
    isBuiltin: (name) => typeof name === 'string' && builtins.has(name),
    names,
    register(name, value, registerOptions) {
      if (registerOptions !== undefined && (registerOptions === null || typeof registerOptions !== 'object' || Array.isArray(registerOptions))) {
        throw new ArgumentError(registerFn, 'options', 'an options object { replace?: boolean }', describeValue(registerOptions));
      }
      const replace = registerOptions?.replace ?? false;
      if (typeof replace !== 'boolean') throw new ArgumentError(registerFn, 'options.replace', 'true or false', describeValue(replace));
      if (typeof name !== 'string' || !namePattern.test(name)) throw new ArgumentError(registerFn, nameArg, nameText, describeValue(name));
      if (!isValue(value)) throw new ArgumentError(registerFn, valueArg, valueText, describeValue(value));
      if (table.has(name) && !replace) {
        const what = builtins.has(name) ? `the built-in ${kind}` : `an already registered ${kind}`;
        throw new ArgumentError(registerFn, nameArg, `a name not yet registered (pass { replace: true } to replace ${what})`, describeValue(name));
      }
      table.set(name, value);
    },
    unregister(name) {
      if (typeof name !== 'string' || !table.has(name)) return false;
      const original = builtins.get(name);
      if (original === undefined) return table.delete(name);
      if (table.get(name) === original) return false;
      table.set(name, original);
      return true;
    },
    suggest,
  };
}
