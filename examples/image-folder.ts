/**
 * Generate pictures like those in a folder (`npx tsx examples/image-folder.ts --dir PATH`): pictures directly
 * in the folder train an unconditional model; class sub-folders (`PATH/cat/*.png`, `PATH/dog/*.jpg`) train a
 * class-conditional one (label dropout 0.1), sampled with classifier-free guidance. Pictures are resized and
 * centre-cropped to `--size` and cached, so a second run does not decode again. Writes a grid (one row per
 * class) into the run folder, with checkpoints, and resumes with `--resume`.
 *
 *   npx tsx examples/image-folder.ts --dir photos [--size 32] [--channels 3] [--steps 2000] [--batch 64]
 *     [--width 16] [--guidance 2] [--sampler heun] [--nfe 50] [--eps 1] [--resume] [--out out/image-folder] [--json]
 */
import * as tf from '@tensorflow/tfjs-core';
import '../models/unet-builder.js';
import { ProgressBar, formatDuration } from '../src/cli/progress.js';
import { ArgumentError, checkOneOf } from '../src/errors.js';
import { imageRunShape, loadImageData, loadImageRun, trainImageRun } from '../src/images/image-run.js';
import { writeImageGrid } from '../src/images/png-grid.js';
import { IMAGE_SAMPLERS, sampleImages } from '../samplers/image-sampling.js';
import type { ImageSamplerName } from '../samplers/image-sampling.js';
import { runScript } from './harness.js';

await runScript(
  {
    name: 'image-folder',
    usage: 'npx tsx examples/image-folder.ts --dir PATH [--size 32] [--channels 3] [--steps 2000] [--batch 64] [--width 16] [--guidance 2] [--sampler heun] [--nfe 50] [--resume] [--out out/image-folder] [--json]',
    summary:
      'Trains a U-Net velocity on a folder of pictures (labels from sub-folders: class-conditional with label dropout 0.1; otherwise unconditional) and writes a grid of samples, one row per class.',
    flags: {
      dir: { help: 'the folder of pictures (PNG, JPEG, WebP …), optionally in class sub-folders (required)' },
      size: { type: 'number', help: 'image side in pixels', default: 32, min: 1, integer: true },
      channels: { type: 'number', help: 'channels: 1 (grey) or 3 (RGB)', default: 3, integer: true },
      steps: { type: 'number', help: 'training steps', default: 2000, min: 1, integer: true },
      batch: { type: 'number', help: 'batch size', default: 64, min: 1, integer: true },
      width: { type: 'number', help: 'U-Net width of the first level (the second is twice it; a multiple of 8)', default: 16, min: 8, integer: true },
      lr: { type: 'number', help: 'peak learning rate (Adam, linear decay to 0)', default: 1e-3, min: 1e-12 },
      ema: { type: 'number', help: 'EMA decay of the weights sampled with (default min(0.999, 1 − 7/steps); 0: off)', min: 0, max: 0.99999 },
      interpolant: { help: 'interpolant (one-sided-linear is flow matching)', default: 'one-sided-linear' },
      guidance: { type: 'number', help: 'classifier-free guidance weight (default 2 with classes, 0 without; > 0 needs class sub-folders)', min: 0 },
      sampler: { help: `sampler (${IMAGE_SAMPLERS.join(', ')})`, default: 'heun' },
      nfe: { type: 'number', help: 'field evaluations per sample', default: 50, min: 1, integer: true },
      eps: { type: 'number', help: 'noise scale of the SDE samplers, ε(t) = eps·4t(1−t)', default: 1, min: 0 },
      'per-class': { type: 'number', help: 'samples per class in the grid', default: 8, min: 1, integer: true },
      'cache-dir': { help: 'where the decoded pictures are cached (default: the OS temp folder)' },
      seed: { type: 'number', help: 'seed', default: 0, integer: true },
      resume: { type: 'boolean', help: 'continue the run in --out (to --steps)' },
      overwrite: { type: 'boolean', help: 'replace a run already in --out' },
      out: { help: 'run folder (checkpoints, grid)', default: 'out/image-folder' },
    },
    check: (flags) => {
      checkOneOf('image-folder', '--sampler', flags.sampler, IMAGE_SAMPLERS);
      if (typeof flags.dir !== 'string' || flags.dir === '') throw new ArgumentError('image-folder', '--dir', 'the folder of pictures', 'nothing');
      if (flags.channels !== 1 && flags.channels !== 3) throw new ArgumentError('image-folder', '--channels', '1 or 3', String(flags.channels));
      if ((flags.width as number) % 8 !== 0) throw new ArgumentError('image-folder', '--width', 'a multiple of 8 (the group normalisation has 8 groups)', String(flags.width));
    },
  },
  async (flags, ctx) => {
    const { json, log } = ctx;
    const info = await ctx.initBackend();
    const started = performance.now();
    const data = await loadImageData(`folder:${flags.dir as string}`, {
      size: flags.size as number,
      channels: flags.channels as 1 | 3,
      ...(flags['cache-dir'] ? { cacheDir: flags['cache-dir'] as string } : {}),
      onWarning: (m) => console.error(`image-folder: ${m}`),
    });
    const conditional = data.numClasses > 1;
    const guidance = (flags.guidance as number | undefined) ?? (conditional ? 2 : 0);
    if (guidance > 0 && !conditional) {
      throw new ArgumentError('image-folder', '--guidance', `0 for a folder without class sub-folders (an unconditional model)`, String(guidance));
    }
    const steps = flags.steps as number;
    const width = flags.width as number;
    log(`training on ${info.name}: ${data.description}; ${conditional ? `${data.numClasses} classes (${data.classNames.join(', ')}), label dropout 0.1` : 'unconditional'}; U-Net ${width}/${2 * width}, ${steps} steps × batch ${flags.batch}`);
    const bar = new ProgressBar(steps);
    let lastLoss = Number.NaN;
    const out = flags.out as string;
    const run = await trainImageRun({
      data,
      dir: out,
      resume: Boolean(flags.resume),
      overwrite: Boolean(flags.overwrite),
      interpolant: flags.interpolant as string,
      unet: { widths: [width, 2 * width], groups: 8 },
      steps,
      batchSize: flags.batch as number,
      learningRate: flags.lr as number,
      ...(flags.ema !== undefined ? { ema: flags.ema as number } : {}),
      seed: flags.seed as number,
      logEvery: Math.min(100, steps),
      checkpointEvery: 200,
      onLog: (e) => {
        lastLoss = e.loss;
        if (!process.stderr.isTTY) log(`step ${String(e.step).padStart(5)}  loss ${e.loss.toFixed(4)}  ${e.stepsPerSecond.toFixed(2)} steps/s`);
      },
      onProgress: (k) => bar.update(k, `loss ${lastLoss.toFixed(4)}`),
    });
    bar.done();
    const trainedSteps = run.trainer.step;
    const { secondsPerStep, finalLoss } = run.result;
    run.trainer.dispose();
    log(`trained ${trainedSteps} steps (${secondsPerStep.toFixed(3)} s/step), final loss ${finalLoss.toFixed(4)}`);

    const loaded = await loadImageRun(out);
    const perClass = flags['per-class'] as number;
    const rows = conditional ? data.numClasses : 1;
    const labels = Array.from({ length: rows * perClass }, (_, i) => Math.floor(i / perClass));
    const x = await sampleImages(loaded.fields, {
      ...imageRunShape(loaded),
      ...(conditional ? { labels } : { n: labels.length }),
      guidance,
      sampler: flags.sampler as ImageSamplerName,
      nfe: flags.nfe as number,
      eps: flags.eps as number,
      seed: (flags.seed as number) + 1,
    });
    const grid = `${out}/grid.png`;
    await writeImageGrid(x, grid, { columns: perClass, scale: Math.max(1, Math.round(64 / (flags.size as number))), overwrite: true });
    const finite = tf.tidy(() => tf.all(tf.isFinite(x)).dataSync()[0] === 1);
    tf.dispose(x);
    loaded.dispose();
    const totalSeconds = (performance.now() - started) / 1000;
    log(`wrote ${grid} (${rows} row(s) × ${perClass}); total ${formatDuration(totalSeconds)}`);
    if (json) {
      console.log(
        JSON.stringify({
          backend: info.name,
          images: data.size,
          classes: conditional ? data.classNames : [],
          conditional,
          steps: trainedSteps,
          secondsPerStep,
          finalLoss,
          guidance,
          samples: labels.length,
          finite,
          grid,
          totalSeconds,
        }),
      );
    }
  },
);
