/**
 * PNG files the library writes: each carries an EXIF `Software` tag ({@link LIBRARY_PNG_SOFTWARE}), and an
 * existing file without that tag — a user's own picture — is never replaced unless the caller passes
 * `overwrite: true`. Every PNG writer of the library (image grids, trajectory strips, plots) goes through
 * {@link writeLibraryPng}.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { writeFileAtomic } from './atomic-write.js';
import { ArgumentError } from './errors.js';

/** The EXIF `Software` value stamped on every PNG this library writes. */
export const LIBRARY_PNG_SOFTWARE = 'stochastic-interpolants';

/**
 * Stamps a sharp pipeline with {@link LIBRARY_PNG_SOFTWARE} and encodes it as PNG.
 *
 * @example
 * ```ts
 * const png = await stampedPng(sharp(Buffer.from(svg)));
 * ```
 * @internal
 */
export async function stampedPng(image: sharp.Sharp): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await image
    .withExif({ IFD0: { Software: LIBRARY_PNG_SOFTWARE } })
    .png()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * Whether `path` is a PNG this library wrote (it carries the {@link LIBRARY_PNG_SOFTWARE} EXIF tag).
 * False for a missing, unreadable or foreign file.
 *
 * @example
 * ```ts
 * if (await isLibraryPng('out/grid.png')) console.log('ours');
 * ```
 */
export async function isLibraryPng(path: string): Promise<boolean> {
  try {
    const meta = await sharp(await readFile(path)).metadata();
    return meta.format === 'png' && meta.exif !== undefined && meta.exif.toString('latin1').includes(LIBRARY_PNG_SOFTWARE);
  } catch {
    return false;
  }
}

/**
 * Writes PNG bytes to `path` atomically (temporary file, then rename; the directory is created), refusing
 * to replace an existing file the library did not write unless `overwrite` is true. `fn` names the public
 * function in the error.
 * @internal
 */
export async function writeLibraryPng(fn: string, path: string, png: Uint8Array, overwrite: boolean): Promise<void> {
  if (existsSync(path) && !overwrite && !(await isLibraryPng(path))) {
    throw new ArgumentError(fn, 'path', 'a new file or a PNG written by this library (pass { overwrite: true } to replace it)', `${JSON.stringify(path)}, an existing file it did not write`);
  }
  writeFileAtomic(path, png);
}
