/**
 * Errors raised at the public API boundary.
 *
 * Every message names the function, the argument, what was expected and what came, e.g.
 * `integrate: argument 'options.rtol' must be a finite number > 0, got -1`.
 */

/** Error for a bad argument to a public function. `fn`, `arg`, `expected` and `got` are kept as fields. */
export class ArgumentError extends Error {
  /** The public function that rejected the argument. */
  readonly fn: string;
  /** The argument's name, as the user wrote it (`options.rtol`, `x0`). */
  readonly arg: string;

  /**
   * @param fn - the function that rejects the argument
   * @param arg - the argument's name
   * @param expected - what the argument must be (a phrase: "a finite number > 0")
   * @param got - what came, already described (use {@link describeValue})
   */
  constructor(fn: string, arg: string, expected: string, got: string) {
    super(`${fn}: argument '${arg}' must be ${expected}, got ${got}`);
    this.name = 'ArgumentError';
    this.fn = fn;
    this.arg = arg;
  }
}

/** A short, human-readable description of any value for error messages (truncated to 80 characters). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) {
    const text = JSON.stringify(value);
    return text.length > 80 ? `an array of length ${value.length}` : text;
  }
  if (typeof value === 'object' && value !== null && 'shape' in value && 'dtype' in value) {
    const t = value as { shape: number[]; dtype: string };
    return `a ${t.dtype} tensor of shape [${t.shape.join(', ')}]`;
  }
  const text = String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Throws unless `value` is a finite number (optionally within bounds); returns it typed as number. */
export function checkNumber(
  fn: string,
  arg: string,
  value: unknown,
  opts: { min?: number; max?: number; exclusiveMin?: boolean; integer?: boolean } = {},
): number {
  const { min, max, exclusiveMin = false, integer = false } = opts;
  let expected = integer ? 'a finite integer' : 'a finite number';
  if (min !== undefined) expected += exclusiveMin ? ` > ${min}` : ` >= ${min}`;
  if (max !== undefined) expected += ` <= ${max}`;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!integer || Number.isInteger(value)) &&
    (min === undefined || (exclusiveMin ? value > min : value >= min)) &&
    (max === undefined || value <= max);
  if (!ok) throw new ArgumentError(fn, arg, expected, describeValue(value));
  return value as number;
}

/** Throws unless `value` is one of `allowed`; the message lists the valid names. */
export function checkOneOf<T extends string>(fn: string, arg: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ArgumentError(fn, arg, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, describeValue(value));
  }
  return value as T;
}
