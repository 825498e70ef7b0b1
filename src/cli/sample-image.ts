/**
 * `si sample` on an image run (`si train --model unet`): samples images with classifier-free guidance
 * (`sampleImages`) and writes them as a PNG grid (`writeImageGrid`, which never replaces a file the library
 * did not write): one row per class of a conditional model, or one row of `--label`.
 */
import '../../models/register.js';
import { extname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { parseEpsilon } from '../../samplers/epsilon.js';
import { IMAGE_SAMPLERS, sampleImages } from '../../samplers/image-sampling.js';
import type { ImageSamplerName } from '../../samplers/image-sampling.js';
import { initBackend } from '../backend.js';
import { ArgumentError, checkNumber } from '../errors.js';
import { imageRunShape, loadImageRun } from '../images/image-run.js';
import type { LabelledImageRunConfig } from '../images/labelled-image-task.js';
import { writeImageGrid } from '../images/png-grid.js';
import { checkOutputPath } from './output-paths.js';
import { ProgressBar } from './progress.js';
import { didYouMean } from './suggest.js';
import type { CliFlags } from './train-session.js';

const CMD = 'si sample';

/** Samples per row when `--n` is not given. */
export const IMAGE_GRID_COLUMNS = 8;

/** Flags of `si sample` that image runs do not take, with what to use instead. */
const NOT_FOR_IMAGES: Record<string, string> = {
  out: 'omitted with an image run (samples are images: write them with --grid out.png)',
  png: 'omitted with an image run (--grid out.png writes the images)',
  'step-size': 'omitted with an image run (it sets the Langevin step of energy runs)',
};

/** The noise scale of `--eps` for image samplers (a number, or `bump:s`, the schedule they use). */
function imageEps(text: string): number {
  const eps = parseEpsilon(text, '--eps');
  if (typeof eps === 'number') return eps;
  if (typeof eps === 'object' && eps !== null && (eps as { schedule?: string }).schedule === 'bump') return (eps as { scale: number }).scale;
  throw new ArgumentError(CMD, '--eps', 'for an image run, a number ≥ 0 or bump:s (the noise ε(t) = s·4t(1−t))', JSON.stringify(text));
}

/**
 * Runs `si sample` on the image run in `modelDir` (its saved config already read).
 *
 * @throws ArgumentError naming the flag for --out, --png, a label out of range or on an unconditional
 *   model, guidance on an unconditional model, an unknown sampler, a grid path that is not a new file or a
 *   PNG this library wrote
 */
export async function runImageSample(modelDir: string, config: LabelledImageRunConfig, flags: CliFlags, given: readonly string[]): Promise<number> {
  for (const f of given) if (NOT_FOR_IMAGES[f]) throw new ArgumentError(CMD, `--${f}`, NOT_FOR_IMAGES[f]!, String(flags[f]));
  const grid = flags.grid as string | undefined;
  if (!grid) throw new ArgumentError(CMD, '--grid', 'a PNG file for the samples of an image run (e.g. --grid samples.png)', 'nothing');
  if (extname(grid).toLowerCase() !== '.png') throw new ArgumentError(CMD, '--grid', 'a path ending in .png', JSON.stringify(grid));
  checkOutputPath(CMD, '--grid', grid, 'file');
  const numClasses = config.numClasses;
  const columns = given.includes('n') ? checkNumber(CMD, '--n', flags.n, { min: 1, integer: true }) : IMAGE_GRID_COLUMNS;
  const nfe = checkNumber(CMD, '--nfe', flags.nfe, { min: 1, integer: true });
  const seed = checkNumber(CMD, '--seed', flags.seed, { integer: true });
  const eps = imageEps(String(flags.eps));
  const samplerName = (flags.sampler as string | undefined) ?? (eps > 0 ? 'euler-maruyama' : 'heun');
  if (!(IMAGE_SAMPLERS as readonly string[]).includes(samplerName)) {
    throw new ArgumentError(CMD, '--sampler', `for an image run, one of ${IMAGE_SAMPLERS.join(', ')}`, `${JSON.stringify(samplerName)}${didYouMean(samplerName, IMAGE_SAMPLERS)}`);
  }
  const guidance = checkNumber(CMD, '--guidance', flags.guidance ?? 0, { min: 0 });
  if (guidance > 0 && numClasses === 0) {
    throw new ArgumentError(CMD, '--guidance', `0 or omitted for this unconditional model (guidance needs a class-conditional run: data with classes)`, String(guidance));
  }
  let label: number | undefined;
  if (given.includes('label')) {
    if (numClasses === 0) throw new ArgumentError(CMD, '--label', 'omitted for this unconditional model (it has no classes)', String(flags.label));
    label = checkNumber(CMD, '--label', flags.label, { min: 0, max: numClasses - 1, integer: true });
  }
  const rows = numClasses === 0 || label !== undefined ? 1 : numClasses;
  const labels = Array.from({ length: rows * columns }, (_, i) => label ?? Math.floor(i / columns));
  const n = labels.length;

  await initBackend(flags.backend as string | undefined, { log: flags.json ? null : undefined, threads: flags.threads as number | undefined });
  const run = await loadImageRun(modelDir, { useEma: !flags['no-ema'] });
  const started = performance.now();
  let x: tf.Tensor4D | undefined;
  try {
    const bar = new ProgressBar(n, process.stderr, Boolean(flags.progress) || Boolean(process.stderr.isTTY));
    x = await sampleImages(run.fields, {
      ...imageRunShape(run),
      ...(numClasses > 0 ? { labels } : { n }),
      guidance,
      sampler: samplerName as ImageSamplerName,
      nfe,
      eps,
      seed,
      onProgress: (done) => bar.update(done),
    });
    bar.done();
    const seconds = (performance.now() - started) / 1000;
    const finite = tf.tidy(() => tf.all(tf.isFinite(x!)).dataSync()[0] === 1);
    const side = Math.max(config.eventShape[0], config.eventShape[1]);
    const scale = given.includes('scale') ? checkNumber(CMD, '--scale', flags.scale, { min: 1, max: 64, integer: true }) : Math.max(1, Math.round(64 / side));
    let size: { width: number; height: number };
    try {
      size = await writeImageGrid(x, grid, { columns, scale });
    } catch (err) {
      if (err instanceof ArgumentError && err.arg === 'path') throw new ArgumentError(CMD, '--grid', 'a new file or a PNG written by this library (it never replaces other files)', `${JSON.stringify(grid)}, an existing file it did not write`);
      throw err;
    }
    const what = label !== undefined ? `class ${label}${config.classNames[label] ? ` (${config.classNames[label]})` : ''}` : numClasses > 0 ? 'one row per class' : 'unconditional';
    const line = `wrote ${n} samples (${rows} × ${columns}, ${what}${guidance > 0 ? `, guidance ${guidance}` : ''}; ${samplerName}, ${nfe} NFE) to ${grid} (${size.width}×${size.height}) in ${seconds.toFixed(2)} s`;
    if (flags.json) console.error(line);
    else console.log(line);
    if (flags.json) {
      console.log(JSON.stringify({ n, rows, columns, grid, width: size.width, height: size.height, sampler: samplerName, nfe, guidance, ...(label !== undefined ? { label } : {}), finite, seconds }));
    }
    return 0;
  } finally {
    x?.dispose();
    run.dispose();
  }
}
