import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { timeConditionedMlp } from '../../models/mlp.js';
import { sampleOde } from '../../samplers/probability-flow.js';
import { getDataset } from '../../src/data/index.js';
import { makeInterpolant } from '../../src/interpolants/index.js';
import { quadraticObjective } from '../../src/objectives/quadratic-objective.js';
import { SeedStream } from '../../src/random.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { loadTrainedModel, sampleRunBase } from '../../src/train/trained-model.js';
import type { RunConfig } from '../../src/train/trained-model.js';
import { interpolantTask } from '../../src/train/tasks/interpolant.js';
import { Trainer } from '../../src/train/trainer.js';
import { expectAllClose } from '../helpers/index.js';

// Fixtures written by the code at commit 4532c29, before the task-agnostic trainer and checkpoint format 2.
const fixtures = resolve(import.meta.dirname, '../fixtures');
const recipe = JSON.parse(readFileSync(join(fixtures, 'losses/checkerboard-recipe.json'), 'utf8')) as {
  recipe: { steps: number; batchSize: number; hidden: number; layers: number; learningRate: number; seed: number };
  losses: number[];
  learningRates: number[];
};
const v1Run = join(fixtures, 'runs/v1-checker');
const v1Samples = JSON.parse(readFileSync(join(fixtures, 'runs/v1-checker-samples.json'), 'utf8')) as Record<'ema' | 'raw', { x0: number[]; samples: number[] }> & { step: number };
const v1Resume = JSON.parse(readFileSync(join(fixtures, 'runs/v1-checker-resume.json'), 'utf8')) as { losses: number[] };

const dir = mkdtempSync(join(tmpdir(), 'si-fixtures-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function recipeParts() {
  const { steps, batchSize, hidden, layers, learningRate, seed } = recipe.recipe;
  const interpolant = makeInterpolant('one-sided-linear');
  const objective = quadraticObjective(interpolant, ['b']);
  const model = timeConditionedMlp({ dim: 2, hidden, layers, activation: 'swish', heads: 1, towers: 'shared', seed });
  return { interpolant, objective, model, target: getDataset('checkerboard'), steps, batchSize, learningRate, seed };
}

describe('the checkerboard recipe gives bit-identical losses to the code before the refactor', () => {
  it('through the original Trainer options (the compatibility path)', async () => {
    const p = recipeParts();
    const trainer = new Trainer({ ...p, optimizer: 'adam', schedule: 'linear', logEvery: 1 });
    const { history } = await trainer.train();
    expect(history.map((h) => h.loss)).toEqual(recipe.losses);
    history.forEach((h, i) => expect(h.loss === recipe.losses[i]).toBe(true));
    expect(history.map((h) => h.learningRate)).toEqual(recipe.learningRates);
    trainer.dispose();
  });

  it('through interpolantTask and the one Trainer', async () => {
    const p = recipeParts();
    const task = interpolantTask({ interpolant: p.interpolant, objective: p.objective, model: p.model, target: p.target, batchSize: p.batchSize });
    const trainer = new Trainer({ task, steps: p.steps, seed: p.seed, learningRate: p.learningRate, logEvery: 1 });
    const { history } = await trainer.train();
    history.forEach((h, i) => expect(h.loss === recipe.losses[i], `step ${i + 1}`).toBe(true));
    expect(history[0]!.terms.b).toBe(recipe.losses[0]);
    trainer.dispose();
  });
});

describe('a run directory written by the earlier release (format 1)', () => {
  it('loads with loadCheckpoint and loadTrainedModel, and samples exactly as before (EMA and raw weights)', async () => {
    const ck = await loadCheckpoint(v1Run);
    expect(ck.manifest.formatVersion).toBe(1);
    expect(Object.keys(ck.modules)).toEqual(['model']);
    expect(ck.step).toBe(6);
    expect(ck.optimizerWeights!.length).toBeGreaterThan(1);
    ck.dispose();
    ck.model.dispose();
    for (const useEma of [true, false]) {
      const expected = v1Samples[useEma ? 'ema' : 'raw'];
      const run = await loadTrainedModel(v1Run, { useEma });
      expect(run.step).toBe(v1Samples.step);
      expect((run.config as RunConfig).format).toBe('si-run');
      const x0 = sampleRunBase(run, 8, new SeedStream(1));
      expect(Array.from(x0.dataSync())).toEqual(expected.x0);
      const sol = await sampleOde(x0, { velocity: run.velocity!, scheme: 'heun', steps: 10, tMin: run.tMin });
      expectAllClose(sol.y, tf.tensor2d(expected.samples, [8, 2]), { rtol: 0, atol: 1e-6 });
      const viaSample = await run.sample(8, { seed: 1, scheme: 'heun', steps: 10 });
      expectAllClose(viaSample, sol.y, { rtol: 0, atol: 0 });
      tf.dispose([x0, viaSample]);
      sol.dispose();
      run.dispose();
    }
  });

  it('resumes into the one Trainer with the losses the earlier release gave, and is then saved as format 2', async () => {
    const run = join(dir, 'v1-copy');
    cpSync(v1Run, run, { recursive: true });
    const interpolant = makeInterpolant('one-sided-linear');
    const trainer = await Trainer.resume(run, ({ config, model }) => ({
      interpolant,
      objective: quadraticObjective(interpolant, (config as unknown as RunConfig).fields, { tMin: (config as unknown as RunConfig).tMin }),
      model,
      target: getDataset('checkerboard'),
      steps: 9,
      batchSize: 64,
      seed: 0,
      ema: 0.9,
      logEvery: 1,
      checkpointDir: run,
    }));
    expect(trainer.step).toBe(6);
    const { history } = await trainer.train();
    history.forEach((h, i) => expect(h.loss === v1Resume.losses[i], `step ${7 + i}`).toBe(true));
    trainer.dispose();
    const ck = await loadCheckpoint(run);
    expect([ck.manifest.formatVersion, ck.step]).toEqual([2, 9]);
    // the version-1 files were replaced by the new checkpoint's, and only they
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(run).sort()).toEqual(['checkpoint', 'history.jsonl', 'manifest.json']);
    ck.dispose();
    Object.values(ck.modules).forEach((m) => m.dispose());
  });
});
