/**
 * PNG grids of image batches through sharp: `[n, h, w, c]` values in [−1, 1] mapped to 0…255, tiled
 * row-major, written atomically. Files the library writes carry an EXIF `Software` tag; an existing file
 * without it is never replaced unless `overwrite: true`.
 */
import type * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';
import { isLibraryPng, LIBRARY_PNG_SOFTWARE, stampedPng, writeLibraryPng } from '../library-png.js';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { checkBoolean, checkOptions, checkString, checkTensor } from '../validate.js';

/** The EXIF `Software` value stamped on every PNG the library writes (see src/library-png.ts). */
export const IMAGE_PNG_SOFTWARE = LIBRARY_PNG_SOFTWARE;
export { isLibraryPng, writeLibraryPng };

/** Options of {@link imageGridPng} and {@link writeImageGrid}. */
export interface ImageGridOptions {
  /** Images per row. @default ⌈√n⌉ (an n×n grid for n² images) */
  columns?: number;
  /** Pixels of background between and around tiles. @default 2 */
  padding?: number;
  /** Integer upscaling of every pixel (nearest neighbour), so 28×28 digits stay crisp. @default 1 */
  scale?: number;
  /** Background value in [−1, 1] (as an image value). @default 1 (white) */
  background?: number;
}

/** Options of {@link writeImageGrid}. */
export interface WriteImageGridOptions extends ImageGridOptions {
  /** Replace an existing file that this library did not write. @default false */
  overwrite?: boolean;
}

/** Maps [−1, 1] to 0…255 (rounded, clamped). @internal */
export function toByte(v: number): number {
  const b = Math.round((v + 1) * 127.5);
  return b < 0 ? 0 : b > 255 ? 255 : b;
}

/**
 * Tiles `[n, h, w, c]` pixel values (row-major, in [−1, 1]) into one `rows × columns` raster of bytes.
 * @internal
 */
export function tileImages(
  values: ArrayLike<number>,
  shape: readonly [number, number, number, number],
  columns: number,
  padding: number,
  scale: number,
  background: number,
): { data: Uint8Array; width: number; height: number; channels: number } {
  const [n, h, w, c] = shape;
  const rows = Math.max(1, Math.ceil(n / columns));
  const width = columns * (w * scale + padding) + padding;
  const height = rows * (h * scale + padding) + padding;
  const data = new Uint8Array(width * height * c).fill(toByte(background));
  for (let k = 0; k < n; k++) {
    const x0 = padding + (k % columns) * (w * scale + padding);
    const y0 = padding + Math.floor(k / columns) * (h * scale + padding);
    for (let i = 0; i < h * scale; i++) {
      for (let j = 0; j < w * scale; j++) {
        const src = ((k * h + Math.floor(i / scale)) * w + Math.floor(j / scale)) * c;
        const dst = ((y0 + i) * width + x0 + j) * c;
        for (let ch = 0; ch < c; ch++) data[dst + ch] = toByte(values[src + ch]!);
      }
    }
  }
  return { data, width, height, channels: c };
}

function checkGridOptions(fn: string, options: ImageGridOptions | undefined, n: number, extra: string[] = []) {
  const opts = checkOptions(fn, options, ['columns', 'padding', 'scale', 'background', ...extra]);
  return {
    columns: checkNumber(fn, 'options.columns', opts.columns ?? Math.max(1, Math.ceil(Math.sqrt(n))), { integer: true, min: 1 }),
    padding: checkNumber(fn, 'options.padding', opts.padding ?? 2, { integer: true, min: 0 }),
    scale: checkNumber(fn, 'options.scale', opts.scale ?? 1, { integer: true, min: 1, max: 64 }),
    background: checkNumber(fn, 'options.background', opts.background ?? 1, { min: -1, max: 1 }),
  };
}

/** Encodes a byte raster as a PNG stamped with {@link IMAGE_PNG_SOFTWARE}. @internal */
export async function encodePng(raster: { data: Uint8Array; width: number; height: number; channels: number }): Promise<Buffer> {
  const image = sharp(Buffer.from(raster.data.buffer, raster.data.byteOffset, raster.data.byteLength), {
    raw: { width: raster.width, height: raster.height, channels: raster.channels as 1 | 3 },
  });
  // One channel stays a grey PNG (sharp would otherwise interpret raw input as sRGB and write three).
  return (await stampedPng(raster.channels === 1 ? image.toColourspace('b-w') : image)).data;
}

function checkImages(fn: string, images: unknown): tf.Tensor4D {
  const x = checkTensor(fn, 'images', images, { rank: 4, shapeText: '[n, height, width, channels]' }) as tf.Tensor4D;
  if (x.shape[0] < 1 || (x.shape[3] !== 1 && x.shape[3] !== 3)) {
    throw new ArgumentError(fn, 'images', 'a float32 tensor [n >= 1, height, width, 1 or 3]', describeValue(x));
  }
  return x;
}

/**
 * Renders a batch of images `[n, h, w, c]` (c = 1 grey or 3 RGB, values in [−1, 1]) as one PNG grid,
 * row-major: image k sits in row ⌊k / columns⌋, column k mod columns. For one row per class, order the
 * batch class by class and set `columns` to the number of samples per class.
 *
 * @returns the PNG bytes
 * @example
 * ```ts
 * const png = await imageGridPng(samples, { columns: 8, scale: 2 });
 * ```
 */
export async function imageGridPng(images: tf.Tensor4D, options?: ImageGridOptions): Promise<Buffer> {
  const fn = 'imageGridPng';
  const x = checkImages(fn, images);
  const o = checkGridOptions(fn, options, x.shape[0]);
  const raster = tileImages(await x.data(), x.shape, o.columns, o.padding, o.scale, o.background);
  return encodePng(raster);
}

/**
 * Writes {@link imageGridPng} to `path` atomically (temporary file, then rename), creating the directory.
 * Replaces a PNG this library wrote before; any other existing file only with `overwrite: true`.
 *
 * @returns the grid's width and height in pixels
 * @throws ArgumentError for a bad batch or options, or an existing file the library did not write
 * @example
 * ```ts
 * await writeImageGrid(samples, 'out/digits.png', { columns: 10, scale: 2 }); // 10 per row: one row per class
 * ```
 */
export async function writeImageGrid(images: tf.Tensor4D, path: string, options?: WriteImageGridOptions): Promise<{ width: number; height: number }> {
  const fn = 'writeImageGrid';
  checkString(fn, 'path', path);
  const overwrite = checkBoolean(fn, 'options.overwrite', options?.overwrite ?? false);
  const { overwrite: _o, ...grid } = options ?? {};
  const x = checkImages(fn, images);
  const o = checkGridOptions(fn, grid, x.shape[0]);
  const raster = tileImages(await x.data(), x.shape, o.columns, o.padding, o.scale, o.background);
  await writeLibraryPng(fn, path, await encodePng(raster), overwrite);
  return { width: raster.width, height: raster.height };
}
