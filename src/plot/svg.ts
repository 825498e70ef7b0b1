/**
 * Small SVG helpers shared by the plots, and PNG output through sharp.
 */
import sharp from 'sharp';
import { stampedPng, writeLibraryPng } from '../library-png.js';
import { checkBoolean, checkOptions } from '../validate.js';

/** Escapes text for an SVG text node or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

/** A compact label for a number: up to 3 significant digits, exponent form for very large/small values. */
export function niceNumber(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(1).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}

/** Options of {@link writePng}. */
export interface WritePngOptions {
  /** Replace an existing file the library did not write (a PNG it wrote is always replaced). @default false */
  overwrite?: boolean;
}

/**
 * Renders an SVG document to a PNG file through sharp, atomically (temporary file, then rename), creating
 * the directory if needed. The PNG carries the library's EXIF stamp; an existing file without it (a user's
 * own picture) is refused with an `ArgumentError` unless `options.overwrite` is true. Returns the image's
 * width and height.
 *
 * @example
 * ```ts
 * await writePng(scatterSvg([{ title: 'samples', points }]), 'out/samples.png');
 * ```
 */
export async function writePng(svg: string, path: string, options?: WritePngOptions): Promise<{ width: number; height: number }> {
  const fn = 'writePng';
  const opts = checkOptions(fn, options, ['overwrite']);
  const overwrite = checkBoolean(fn, 'options.overwrite', opts.overwrite ?? false);
  const { data, width, height } = await stampedPng(sharp(Buffer.from(svg)));
  await writeLibraryPng(fn, path, data, overwrite);
  return { width, height };
}
