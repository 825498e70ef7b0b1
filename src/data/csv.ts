/**
 * Numeric CSV files as datasets.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ArgumentError, describeValue } from '../errors.js';
import { arrayDataset, type ArrayDataset } from './array.js';
import { checkOptions } from './validate.js';

/** Options of {@link parseCsv} and {@link csvDataset}. */
export interface CsvOptions {
  /** Field separator (one character). @default ',' */
  delimiter?: string;
  /**
   * Whether the first non-empty line is a header: `true`, `false`, or `'auto'` (a header exactly when one of
   * its fields is not a number).
   * @default 'auto'
   */
  header?: boolean | 'auto';
}

/** The numbers of a CSV text, row-major. */
export interface ParsedCsv {
  /** Values, row-major, float32. */
  values: Float32Array;
  /** `[rows, columns]`. */
  shape: [number, number];
  /** The header's column names, when there was a header. */
  header?: string[];
}

function parseNumber(field: string): number {
  const text = field.trim();
  return text === '' ? Number.NaN : Number(text);
}

/**
 * Parses numeric CSV text: one row per non-empty line (`\n` or `\r\n`), fields trimmed, every row the same
 * width, every value a finite number; an optional header row (see {@link CsvOptions.header}). Quoted fields are
 * not supported (numbers need none). Errors name the line and column of a bad value.
 *
 * @example
 * ```ts
 * parseCsv('x,y\n1,2\n3,4\n'); // { values: Float32Array [1, 2, 3, 4], shape: [2, 2], header: ['x', 'y'] }
 * ```
 */
export function parseCsv(text: string, options?: CsvOptions): ParsedCsv {
  return parseCsvText(text, options, 'CSV text', 'parseCsv', 'text');
}

/** {@link parseCsv} with the names used in error messages: the source (a path), the function and argument. */
function parseCsvText(text: string, options: CsvOptions | undefined, source: string, fn: string, arg: string): ParsedCsv {
  const opts = checkOptions(fn, options, ['delimiter', 'header']);
  const delimiter = opts.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1) {
    throw new ArgumentError(fn, 'options.delimiter', 'a single character', describeValue(delimiter));
  }
  const headerMode = opts.header ?? 'auto';
  if (headerMode !== true && headerMode !== false && headerMode !== 'auto') {
    throw new ArgumentError(fn, 'options.header', "true, false or 'auto'", describeValue(headerMode));
  }
  if (typeof text !== 'string') throw new ArgumentError(fn, arg, 'a string', describeValue(text));

  const lines = text.split(/\r?\n/);
  const values: number[] = [];
  let width = -1;
  let widthLine = 0;
  let rows = 0;
  let header: string[] | undefined;
  let first = true;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!;
    if (line.trim() === '') continue;
    const fields = line.split(delimiter);
    const lineNo = li + 1;
    if (first) {
      first = false;
      const numeric = fields.every((f) => Number.isFinite(parseNumber(f)));
      if (headerMode === true || (headerMode === 'auto' && !numeric)) {
        header = fields.map((f) => f.trim());
        width = fields.length;
        widthLine = lineNo;
        continue;
      }
    }
    if (width < 0) {
      width = fields.length;
      widthLine = lineNo;
    } else if (fields.length !== width) {
      throw new ArgumentError(
        fn,
        arg,
        `rows of equal width (line ${widthLine} has ${width} column${width === 1 ? '' : 's'})`,
        `${fields.length} column${fields.length === 1 ? '' : 's'} at line ${lineNo} of ${source}`,
      );
    }
    for (let ci = 0; ci < fields.length; ci++) {
      const v = parseNumber(fields[ci]!);
      if (!Number.isFinite(v)) {
        throw new ArgumentError(fn, arg, 'a CSV of finite numbers', `${JSON.stringify(fields[ci]!.trim())} at line ${lineNo}, column ${ci + 1} of ${source}`);
      }
      values.push(v);
    }
    rows++;
  }
  if (rows === 0) throw new ArgumentError(fn, arg, 'a CSV with at least one data row', `no data rows in ${source}`);
  return { values: Float32Array.from(values), shape: [rows, width], ...(header ? { header } : {}) };
}

/** Options of {@link csvDataset}. */
export interface CsvDatasetOptions extends CsvOptions {
  /** The dataset's name. @default the file's base name */
  name?: string;
}

/**
 * Reads a numeric CSV file into an in-memory {@link arrayDataset} (rows sampled with replacement). Errors name
 * the file, the line and the column of a bad value, and rows of unequal width.
 *
 * @example
 * ```ts
 * const data = await csvDataset('points.csv');       // header row detected automatically
 * const x = data.sample(256, new SeedStream(0));     // [256, columns]
 * ```
 */
export async function csvDataset(path: string, options?: CsvDatasetOptions): Promise<ArrayDataset> {
  const fn = 'csvDataset';
  const opts = checkOptions(fn, options, ['delimiter', 'header', 'name']);
  if (typeof path !== 'string' || path === '') throw new ArgumentError(fn, 'path', 'a file path', describeValue(path));
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ArgumentError(fn, 'path', 'a readable file', `${JSON.stringify(path)} (${(err as Error).message})`);
  }
  const { delimiter, header } = opts;
  const parsed = parseCsvText(text, { ...(delimiter !== undefined ? { delimiter } : {}), ...(header !== undefined ? { header } : {}) }, path, fn, 'path');
  return arrayDataset(parsed.values, { shape: parsed.shape, name: opts.name ?? basename(path) });
}
