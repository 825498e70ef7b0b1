/**
 * A tiny image run end to end through the one Trainer: an 8×8 RGB U-Net (widths 8/16) on the procedural
 * shapes, class-conditional with label dropout; it checkpoints, resumes exactly (the per-step losses of an
 * interrupted and resumed run equal those of an uninterrupted one, bit for bit), reloads from its folder
 * (EMA weights) and samples with guidance without leaking tensors. Bad input: a size the U-Net cannot take,
 * a label out of range, a guidance weight on an unconditional model.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import '../../models/unet-builder.js';
import { timeConditionedUNet } from '../../models/unet.js';
import { ArgumentError } from '../../src/errors.js';
import { imageRunShape, loadImageRun, rebuildImageModel, trainImageRun } from '../../src/images/image-run.js';
import type { ImageRunOptions } from '../../src/images/image-run.js';
import { labelledFields, labelledImageTask } from '../../src/images/labelled-image-task.js';
import type { LabelledImageBatch } from '../../src/images/labelled-image-task.js';
import { shapesDataset } from '../../src/images/shapes-dataset.js';
import { makeInterpolant } from '../../src/interpolants/index.js';
import { quadraticObjective } from '../../src/objectives/quadratic-objective.js';
import { SeedStream } from '../../src/random.js';
import { sampleImages } from '../../samplers/image-sampling.js';
import { expectNoLeaks } from '../helpers/index.js';

const root = mkdtempSync(join(tmpdir(), 'si-unet-run-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const STEPS = 6;
const tiny = (dir: string, extra: Partial<ImageRunOptions> = {}): ImageRunOptions => ({
  data: shapesDataset({ size: 8 }),
  dir,
  unet: { widths: [8, 16], groups: 4, embedding: 16, labelEmbedding: 4, timeFrequencies: 4 },
  steps: STEPS,
  batchSize: 4,
  learningRate: 2e-3,
  ema: 0.9,
  seed: 3,
  logEvery: 1,
  checkpointEvery: 2,
  ...extra,
});

describe('a tiny U-Net image run', () => {
  it('trains, resumes exactly, reloads and samples without leaks', async () => {
    const before = tf.memory().numTensors;
    // Uninterrupted.
    const a = await trainImageRun(tiny(join(root, 'a')));
    const lossesA = a.result.history.map((e) => e.loss);
    expect(lossesA).toHaveLength(STEPS);
    expect(lossesA.every(Number.isFinite)).toBe(true);
    const weightsA = a.task.modules.model.getWeights().map((w) => Array.from(w.dataSync()));
    a.trainer.dispose();

    // Interrupted after step 3 (a checkpoint of the last step is written), then resumed.
    const controller = new AbortController();
    const b1 = await trainImageRun(tiny(join(root, 'b'), { onProgress: (k) => void (k === 3 && controller.abort()), signal: controller.signal }));
    expect(b1.result.interrupted).toBe(true);
    expect(b1.trainer.step).toBe(3);
    const first = b1.result.history.map((e) => e.loss);
    b1.trainer.dispose();
    // A different batch size is refused on resume; left out, the run's own (4, stored in its config) is used.
    const beforeRefusal = tf.memory().numTensors;
    await expect(trainImageRun(tiny(join(root, 'b'), { resume: true, batchSize: 8 }))).rejects.toThrow(/options\.batchSize' must be the run's own batch size 4 .*got 8/);
    expect(tf.memory().numTensors).toBe(beforeRefusal);
    const b2 = await trainImageRun(tiny(join(root, 'b'), { resume: true, batchSize: undefined }));
    expect(b2.resumedFrom).toBe(3);
    expect(b2.trainer.step).toBe(STEPS);
    const lossesB = [...first, ...b2.result.history.map((e) => e.loss)];
    expect(lossesB).toEqual(lossesA); // bit for bit
    const weightsB = b2.task.modules.model.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weightsB).toEqual(weightsA);
    const config = b2.task.runConfig();
    b2.trainer.dispose();
    // Everything of the image run, its three trainers included, is released.
    expect(tf.memory().numTensors).toBe(before);
    const afterTraining = tf.memory().numTensors;

    // The run config names the builder: a fresh network of the same layout is rebuilt from it.
    expect(config).toMatchObject({ task: 'labelled-image', dataset: 'shapes', fields: ['b'], eventShape: [8, 8, 3], numClasses: 3, labelDropout: 0.1, model: { builder: 'unet' }, batchSize: 4 });
    const fresh = rebuildImageModel(config);
    expect(fresh.countParams()).toBeGreaterThan(0);
    expect(fresh.outputs[0]!.shape).toEqual([null, 8, 8, 3]);
    fresh.dispose();

    // Reload (EMA weights) and sample with guidance, under the leak guard.
    const run = await loadImageRun(join(root, 'b'));
    expect(run.step).toBe(STEPS);
    await expectNoLeaks(
      async () => {
        const x = await sampleImages(run.fields, { ...imageRunShape(run), labels: [0, 1, 2, 2], guidance: 1.5, nfe: 6 });
        expect(x.shape).toEqual([4, 8, 8, 3]);
        expect(tf.tidy(() => tf.all(tf.isFinite(x)).dataSync()[0])).toBe(1);
        return x;
      },
      { label: 'sampleImages' },
    );
    // Same seed, same samples.
    const s1 = await sampleImages(run.fields, { ...imageRunShape(run), labels: [1, 0], guidance: 1, nfe: 4, seed: 5 });
    const s2 = await sampleImages(run.fields, { ...imageRunShape(run), labels: [1, 0], guidance: 1, nfe: 4, seed: 5 });
    expect(Array.from(s1.dataSync())).toEqual(Array.from(s2.dataSync()));
    tf.dispose([s1, s2]);
    run.dispose();
    expect(tf.memory().numTensors).toBe(afterTraining);
  });

  it('drops labels to the null class with the given probability, from the step seeds', () => {
    const data = shapesDataset({ size: 8 });
    const interpolant = makeInterpolant('one-sided-linear');
    const objective = quadraticObjective(interpolant, ['b']);
    const model = timeConditionedUNet({ imageSize: 8, channels: 3, widths: [8, 16], groups: 4, numClasses: 3 });
    const labelsOf = (p: number) => {
      const task = labelledImageTask({ interpolant, objective, model, data, labelDropout: p, batchSize: 200 });
      const batch = task.drawBatch(0, new SeedStream(11)) as LabelledImageBatch;
      const y = Array.from(batch.label!.dataSync());
      tf.dispose(batch as unknown as tf.TensorContainer);
      return y;
    };
    // The data's own labels for the same stream state (sampleLabelled takes the stream's first seed).
    const own = data.sampleLabelled(200, new SeedStream(11));
    const truth = Array.from(own.labels.dataSync());
    tf.dispose([own.x, own.labels]);
    expect(labelsOf(0)).toEqual(truth);
    expect(labelsOf(1)).toEqual(new Array(200).fill(3));
    const dropped = labelsOf(0.5);
    const nNull = dropped.filter((y) => y === 3).length;
    expect(Math.abs(nNull - 100)).toBeLessThan(4 * Math.sqrt(200 * 0.25)); // Binomial(200, 0.5) within 4 SD
    dropped.forEach((y, i) => expect(y === 3 || y === truth[i]).toBe(true));
    model.dispose();
  });
});

describe('image runs: bad input', () => {
  it('refuses a size the U-Net cannot take', async () => {
    // Five levels halve the image four times: at least 16×16, not 8×8.
    const err = await trainImageRun(tiny(join(root, 'bad-size'), { unet: { widths: [8, 8, 8, 8, 8], groups: 4 } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArgumentError);
    expect((err as Error).message).toMatch(/timeConditionedUNet.*imageSize.*16×16.*8×8/s);
  });

  it('refuses a model whose output does not match the images', () => {
    const data = shapesDataset({ size: 8 });
    const interpolant = makeInterpolant('one-sided-linear');
    const model = timeConditionedUNet({ imageSize: 8, channels: 3, widths: [8], groups: 4, numClasses: 3, heads: 2 });
    expect(() => labelledImageTask({ interpolant, objective: quadraticObjective(interpolant, ['b']), model, data })).toThrow(/labelledImageTask.*options\.model.*\[b, 8, 8, 3\]/);
    const wrongClasses = timeConditionedUNet({ imageSize: 8, channels: 3, widths: [8], groups: 4, numClasses: 5 });
    expect(() => labelledImageTask({ interpolant, objective: quadraticObjective(interpolant, ['b']), model: wrongClasses, data })).toThrow(/4 label classes.*a label input of 6 classes/);
    model.dispose();
    wrongClasses.dispose();
  });

  it('refuses a label out of range and a guidance weight on an unconditional model', async () => {
    const interpolant = makeInterpolant('one-sided-linear');
    const cond = timeConditionedUNet({ imageSize: 8, channels: 1, widths: [8], groups: 4, numClasses: 3 });
    const uncond = timeConditionedUNet({ imageSize: 8, channels: 1, widths: [8], groups: 4 });
    const shape = { eventShape: [8, 8, 1] as [number, number, number], interpolant };
    const c = labelledFields(cond, ['b']);
    await expect(sampleImages(c, { ...shape, numClasses: 3, labels: [0, 3], nfe: 2 })).rejects.toThrow(/sampleImages.*options\.labels\[1\].*0 … 2.*3/);
    await expect(sampleImages(c, { ...shape, numClasses: 3, labels: [0, -1], nfe: 2 })).rejects.toThrow(ArgumentError);
    const u = labelledFields(uncond, ['b']);
    expect(u.b!.conditional).toBe(false);
    await expect(sampleImages(u, { ...shape, n: 2, guidance: 2, nfe: 2 })).rejects.toThrow(/sampleImages.*options\.guidance.*unconditional/);
    // Unconditional sampling itself works.
    const x = await sampleImages(u, { ...shape, n: 2, nfe: 2 });
    expect(x.shape).toEqual([2, 8, 8, 1]);
    x.dispose();
    cond.dispose();
    uncond.dispose();
  });
});
