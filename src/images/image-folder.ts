/**
 * A dataset from a folder of pictures (PNG, JPEG, WebP) decoded through sharp, resized and centre-cropped
 * to a target size, with labels from sub-folder names, and cached as one file so a second run does not
 * decode again.
 *
 * Layout: either class sub-folders (`dir/cat/*.png`, `dir/dog/*.jpg` → classes `'cat'`, `'dog'` in sorted
 * order; one level deep), or pictures directly in `dir` (one class named after the folder). Both at once is
 * an error. Other files (`.txt`, `.DS_Store`, …) are ignored.
 *
 * Decisions, applied the same way on every run:
 *  - A picture that cannot be decoded is SKIPPED with a warning naming the file (through `onWarning`,
 *    default `console.warn`); the warning is repeated when the cache is used. If no picture decodes, it is
 *    an error.
 *  - Mixed channel counts are CONVERTED to `channels`: grey is replicated to RGB, RGB becomes grey by
 *    Rec. 601 luma (0.299 R + 0.587 G + 0.114 B), and transparency is composited onto black.
 *  - The user's folder is only read. The cache lives in `cacheDir` (default: the OS temporary directory),
 *    keyed by a hash of the folder listing (paths, sizes, modification times) and the size options.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import sharp from 'sharp';
import { writeFileAtomic } from '../atomic-write.js';
import { ArgumentError, checkNumber, describeValue } from '../errors.js';
import { checkFunction, checkOptions, checkString } from '../validate.js';
import { arrayImageDataset, type FiniteImageDataset } from './labelled-images.js';

/** File extensions read as pictures (case-insensitive). */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'] as const;

/** Options of {@link loadImageFolder}. */
export interface ImageFolderOptions {
  /** Target side (square) or `[height, width]` in pixels; pictures are resized to cover it, then centre-cropped. */
  size: number | readonly [number, number];
  /** Output channels: 1 (grey) or 3 (RGB). @default 3 */
  channels?: 1 | 3;
  /** Where the decoded cache is kept. @default `<os tmpdir>/stochastic-interpolants-image-cache` */
  cacheDir?: string;
  /** Ignore and rewrite the cache. @default false */
  refresh?: boolean;
  /** Receives one message per skipped picture. @default console.warn */
  onWarning?: (message: string) => void;
}

/** A folder dataset: a {@link FiniteImageDataset} plus what was read. */
export interface ImageFolderDataset extends FiniteImageDataset {
  /** The pictures used, relative to the folder, in row order. */
  readonly files: readonly string[];
  /** Pictures skipped because they could not be decoded, relative to the folder. */
  readonly skipped: readonly string[];
  /** The cache file. */
  readonly cachePath: string;
  /** Whether this load came from the cache (nothing decoded). */
  readonly fromCache: boolean;
}

const CACHE_MAGIC = 'SI-IMAGE-FOLDER-1\n';

interface CacheHeader {
  count: number;
  height: number;
  width: number;
  channels: number;
  classNames: string[];
  labels: number[];
  files: string[];
  skipped: string[];
}

function isImage(name: string): boolean {
  return (IMAGE_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());
}

function listFolder(fn: string, dir: string): { classNames: string[]; entries: { file: string; label: number }[] } {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    names = readdirSync(dir).sort();
  } catch (err) {
    throw new ArgumentError(fn, 'dir', 'a readable folder of pictures', `${JSON.stringify(dir)} (${(err as Error).message})`);
  }
  const top = names.filter((n) => isImage(n) && statSync(join(dir, n)).isFile());
  const subdirs = names.filter((n) => !n.startsWith('.') && statSync(join(dir, n)).isDirectory());
  const classes: { name: string; files: string[] }[] = [];
  for (const sub of subdirs) {
    let files: string[];
    try {
      files = readdirSync(join(dir, sub)).sort().filter((n) => isImage(n) && statSync(join(dir, sub, n)).isFile());
    } catch (err) {
      throw new ArgumentError(fn, 'dir', 'a folder whose class sub-folders are readable', `${JSON.stringify(join(dir, sub))} (${(err as Error).message})`);
    }
    if (files.length > 0) classes.push({ name: sub, files: files.map((f) => join(sub, f)) });
  }
  if (classes.length > 0 && top.length > 0) {
    throw new ArgumentError(fn, 'dir', 'either class sub-folders of pictures or pictures directly in the folder, not both', `${JSON.stringify(dir)} with ${top.length} loose picture(s) (e.g. ${JSON.stringify(top[0])}) beside ${classes.length} class folder(s)`);
  }
  if (classes.length === 0 && top.length === 0) {
    throw new ArgumentError(fn, 'dir', `a folder holding pictures (${IMAGE_EXTENSIONS.join(', ')}) directly or in class sub-folders`, `${JSON.stringify(dir)}, which holds none`);
  }
  if (classes.length === 0) return { classNames: [basename(resolve(dir))], entries: top.map((file) => ({ file, label: 0 })) };
  return { classNames: classes.map((c) => c.name), entries: classes.flatMap((c, label) => c.files.map((file) => ({ file, label }))) };
}

/** Decodes one picture to `h × w × channels` bytes, or throws. */
async function decode(path: string, height: number, width: number, channels: 1 | 3): Promise<Uint8Array> {
  const { data, info } = await sharp(path, { failOn: 'error' })
    .rotate()
    .resize(width, height, { fit: 'cover', position: 'centre' })
    .flatten({ background: { r: 0, g: 0, b: 0 } })
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const n = height * width;
  const src = info.channels; // 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA (alpha ignored: already flattened)
  if (info.width !== width || info.height !== height || src < 1 || src > 4) {
    throw new Error(`unexpected decoded layout ${info.width}×${info.height}×${src}`);
  }
  const grey = src < 3;
  const out = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    const o = i * src;
    if (grey) out.fill(data[o]!, i * channels, (i + 1) * channels);
    else if (channels === 3) {
      out[i * 3] = data[o]!;
      out[i * 3 + 1] = data[o + 1]!;
      out[i * 3 + 2] = data[o + 2]!;
    } else out[i] = Math.round(0.299 * data[o]! + 0.587 * data[o + 1]! + 0.114 * data[o + 2]!);
  }
  return out;
}

function readCache(path: string): { header: CacheHeader; pixels: Uint8Array } | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const buf = readFileSync(path);
    if (buf.subarray(0, CACHE_MAGIC.length).toString('latin1') !== CACHE_MAGIC) return undefined;
    const len = buf.readUInt32LE(CACHE_MAGIC.length);
    const start = CACHE_MAGIC.length + 4;
    const header = JSON.parse(buf.subarray(start, start + len).toString('utf8')) as CacheHeader;
    const pixels = new Uint8Array(buf.subarray(start + len));
    if (pixels.length !== header.count * header.height * header.width * header.channels) return undefined;
    return { header, pixels };
  } catch {
    return undefined;
  }
}

function writeCache(path: string, header: CacheHeader, pixels: Uint8Array): void {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length, 0);
  writeFileAtomic(path, Buffer.concat([Buffer.from(CACHE_MAGIC, 'latin1'), len, json, pixels]));
}

/**
 * Loads a folder of pictures as a labelled dataset of `[height, width, channels]` images in [−1, 1]
 * (byte b ↦ b / 127.5 − 1). See the module comment for the layout, the cache and the handling of corrupt
 * pictures and mixed channel counts.
 *
 * @throws ArgumentError for a missing, unreadable or empty folder, loose pictures beside class folders, a
 *   folder in which no picture decodes, or bad options
 * @example
 * ```ts
 * const data = await loadImageFolder('photos/', { size: 32, channels: 3 });
 * const { x, labels } = data.sampleLabelled(64, new SeedStream(0)); // [64, 32, 32, 3], int32 [64]
 * ```
 */
export async function loadImageFolder(dir: string, options: ImageFolderOptions): Promise<ImageFolderDataset> {
  const fn = 'loadImageFolder';
  checkString(fn, 'dir', dir);
  const opts = checkOptions(fn, options, ['size', 'channels', 'cacheDir', 'refresh', 'onWarning']);
  let height: number;
  let width: number;
  if (Array.isArray(opts.size)) {
    if (opts.size.length !== 2) throw new ArgumentError(fn, 'options.size', 'a side or [height, width]', describeValue(opts.size));
    height = checkNumber(fn, 'options.size[0]', opts.size[0], { integer: true, min: 1, max: 4096 });
    width = checkNumber(fn, 'options.size[1]', opts.size[1], { integer: true, min: 1, max: 4096 });
  } else {
    height = width = checkNumber(fn, 'options.size', opts.size, { integer: true, min: 1, max: 4096 });
  }
  const channels = opts.channels ?? 3;
  if (channels !== 1 && channels !== 3) throw new ArgumentError(fn, 'options.channels', '1 or 3', describeValue(channels));
  const cacheDir = checkString(fn, 'options.cacheDir', opts.cacheDir ?? join(tmpdir(), 'stochastic-interpolants-image-cache'));
  const warn = checkFunction<(m: string) => void>(fn, 'options.onWarning', opts.onWarning ?? ((m: string) => console.warn(m)), '(message) => void');

  const root = resolve(dir);
  const { classNames, entries } = listFolder(fn, root);
  const listing = entries.map(({ file, label }) => {
    const st = statSync(join(root, file));
    return [file, label, st.size, st.mtimeMs];
  });
  const key = createHash('sha256').update(JSON.stringify({ v: 1, root, classNames, listing, height, width, channels })).digest('hex').slice(0, 32);
  const cachePath = join(cacheDir, `image-folder-${key}.bin`);

  const build = (header: CacheHeader, pixels: Uint8Array, fromCache: boolean): ImageFolderDataset => {
    const images = new Float32Array(pixels.length);
    for (let i = 0; i < pixels.length; i++) images[i] = pixels[i]! / 127.5 - 1;
    const base = arrayImageDataset({
      name: basename(root),
      images,
      labels: Int32Array.from(header.labels),
      eventShape: [height, width, channels],
      classNames: header.classNames,
      description: `${basename(root)}: ${header.count} pictures from ${root} at ${height}×${width}×${channels}, ${header.classNames.length} class(es), in [−1, 1]`,
    });
    return Object.assign(base, { files: Object.freeze(header.files), skipped: Object.freeze(header.skipped), cachePath, fromCache });
  };

  if (opts.refresh !== true) {
    const cached = readCache(cachePath);
    if (cached && cached.header.height === height && cached.header.width === width && cached.header.channels === channels) {
      for (const s of cached.header.skipped) warn(`${fn}: skipped ${JSON.stringify(join(root, s))}: it could not be decoded as an image`);
      return build(cached.header, cached.pixels, true);
    }
  }

  const per = height * width * channels;
  const parts: Uint8Array[] = [];
  const labels: number[] = [];
  const files: string[] = [];
  const skipped: string[] = [];
  for (const { file, label } of entries) {
    try {
      parts.push(await decode(join(root, file), height, width, channels));
      labels.push(label);
      files.push(file);
    } catch {
      skipped.push(file);
      warn(`${fn}: skipped ${JSON.stringify(join(root, file))}: it could not be decoded as an image`);
    }
  }
  if (parts.length === 0) {
    throw new ArgumentError(fn, 'dir', 'a folder with at least one picture that decodes', `${JSON.stringify(dir)}, where all ${entries.length} picture(s) failed to decode`);
  }
  const pixels = new Uint8Array(parts.length * per);
  parts.forEach((p, i) => pixels.set(p, i * per));
  const header: CacheHeader = { count: parts.length, height, width, channels, classNames, labels, files, skipped };
  writeCache(cachePath, header, pixels);
  return build(header, pixels, false);
}
