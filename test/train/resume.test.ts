import { promises as fs } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { timeConditionedMlp } from '../../models/mlp.js';
import { sampleOde } from '../../samplers/probability-flow.js';
import { getDataset } from '../../src/data/index.js';
import { makeInterpolant } from '../../src/interpolants/index.js';
import { quadraticObjective } from '../../src/objectives/quadratic-objective.js';
import { SeedStream } from '../../src/random.js';
import { decodeModule } from '../../src/train/module-io.js';
import type { ModuleJson } from '../../src/train/module-io.js';
import { learningRateSchedule } from '../../src/train/schedules.js';
import { interpolantTask } from '../../src/train/tasks/interpolant.js';
import { exportRunWeights, loadTrainedModel } from '../../src/train/trained-model.js';
import type { InterpolantRunConfig } from '../../src/train/tasks/interpolant.js';
import { Trainer } from '../../src/train/trainer.js';
import type { TrainerOptions } from '../../src/train/trainer.js';
import { expectAllClose } from '../helpers/index.js';

const dir = mkdtempSync(join(tmpdir(), 'si-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const interpolant = makeInterpolant('linear', { gamma: 'sqrt' });

function options(overrides: Partial<TrainerOptions> = {}): TrainerOptions {
  return {
    interpolant,
    objective: quadraticObjective(interpolant, ['b']),
    model: timeConditionedMlp({ dim: 2, hidden: 16, layers: 1, seed: 2 }),
    target: getDataset('moons'),
    steps: 8,
    batchSize: 32,
    seed: 4,
    learningRate: 1e-2,
    logEvery: 1,
    ...overrides,
  };
}

describe('resuming with more steps: the schedule is defined over the new total', () => {
  it('after setTraining({ steps }), step k uses the schedule of the new total; resumed = uninterrupted with the same change', async () => {
    // Uninterrupted: 8 steps planned, then extended to 16 without stopping.
    const straight = new Trainer(options());
    const a = (await straight.train()).history;
    straight.setTraining({ steps: 16 });
    const b = (await straight.train()).history;
    straight.dispose();

    const run = join(dir, 'extend');
    const first = new Trainer(options({ checkpointDir: run }));
    await first.train();
    first.dispose();
    const saved = await Trainer.savedRun(run);
    expect(saved.step).toBe(8);
    expect(saved.settings).toMatchObject({ steps: 8, learningRate: 1e-2, schedule: 'linear', warmupSteps: 0, seed: 4, batchSize: 32, optimizer: 'adam' });
    expect(saved.task).toBe('interpolant');

    const second = await Trainer.resume(run, ({ model }) => options({ model, checkpointDir: run }));
    expect(second.savedSettings?.steps).toBe(8);
    expect(second.savedConfig).toMatchObject({ task: 'interpolant', interpolant: 'linear', gamma: 'sqrt', dataset: 'moons', fields: ['b'] });
    // at the end of the planned run: training says so instead of returning a NaN loss
    await expect(second.train()).rejects.toThrow("Trainer.train: argument 'options.steps' must be more than the 8 steps already done (extend the run with trainer.setTraining({ steps }))");
    expect(() => second.setTraining({ steps: 8 })).toThrow("Trainer.setTraining: argument 'changes.steps' must be more than the 8 steps already done, got 8");
    second.setTraining({ steps: 16 });
    const schedule16 = learningRateSchedule({ kind: 'linear', peak: 1e-2, totalSteps: 16 });
    expect(second.learningRateAt(8)).toBe(schedule16(8));
    expect(second.learningRateAt(8)).toBeCloseTo(0.5e-2, 12); // half the peak at the half-way step of the new total
    const c = (await second.train()).history;
    expect(c.map((h) => h.loss)).toEqual(b.map((h) => h.loss));
    expect(c.map((h) => h.learningRate)).toEqual(Array.from({ length: 8 }, (_, i) => schedule16(8 + i)));
    expect(a.at(-1)!.learningRate).toBe(learningRateSchedule({ kind: 'linear', peak: 1e-2, totalSteps: 8 })(7));
    second.dispose();
    expect((await Trainer.savedRun(run)).settings).toMatchObject({ steps: 16 });
  });

  it('a new learning rate and schedule apply from the resumed step', async () => {
    const run = join(dir, 'lr');
    const first = new Trainer(options({ checkpointDir: run, steps: 4 }));
    await first.train();
    first.dispose();
    const second = await Trainer.resume(run, ({ model }) => options({ model, checkpointDir: run, steps: 4 }));
    second.setTraining({ steps: 6, learningRate: 3e-3, schedule: 'constant' });
    const progress: [number, number][] = [];
    second.options.onProgress = (step, steps) => progress.push([step, steps]);
    const { history } = await second.train();
    expect(progress).toEqual([[5, 6], [6, 6]]);
    expect(history.map((h) => h.learningRate)).toEqual([3e-3, 3e-3]);
    expect(second.settings).toMatchObject({ steps: 6, learningRate: 3e-3, schedule: 'constant' });
    second.dispose();
  });
});

describe('interrupting with an AbortSignal', () => {
  it('finishes the step, writes a checkpoint of it, and resumes to the losses of an uninterrupted run', async () => {
    const straight = new Trainer(options());
    const full = (await straight.train()).history.map((h) => h.loss);
    straight.dispose();

    const run = join(dir, 'abort');
    const controller = new AbortController();
    const first = new Trainer(options({ checkpointDir: run, checkpointEvery: 100, onLog: (e) => e.step === 3 && controller.abort() }));
    const r = await first.train({ signal: controller.signal });
    first.dispose();
    expect([r.interrupted, r.steps]).toEqual([true, 3]);
    expect((await Trainer.savedRun(run)).step).toBe(3);
    const second = await Trainer.resume(run, ({ model }) => options({ model, checkpointDir: run, checkpointEvery: 100 }));
    const rest = await second.train();
    expect(rest.interrupted).toBe(false);
    expect([...r.history, ...rest.history].map((h) => h.loss)).toEqual(full);
    second.dispose();
  });
});

describe('one run format from code and CLI', () => {
  it('a Trainer run with no config loads with loadTrainedModel; run.sample; a weights-only export', async () => {
    const run = join(dir, 'from-code');
    const trainer = new Trainer(options({ checkpointDir: run, ema: 0.5, steps: 5 }));
    await trainer.train();
    const config = (await Trainer.savedRun(run)).config as unknown as InterpolantRunConfig;
    expect(config).toMatchObject({ task: 'interpolant', version: 2, dataset: 'moons', base: 'gaussian', interpolant: 'linear', gamma: 'sqrt', fields: ['b'], dim: 2 });
    expect(config.training).toMatchObject({ steps: 5, ema: 0.5 });

    const loaded = await loadTrainedModel(run, { useEma: false });
    expect(loaded.step).toBe(5);
    const x0 = tf.randomNormal([64, 2], 0, 1, 'float32', new SeedStream(3).next()) as tf.Tensor2D;
    const viaRun = await loaded.sample(64, { seed: 3, scheme: 'rk4', steps: 8 });
    const viaTrainer = await sampleOde(x0, { velocity: trainer.fields().b, scheme: 'rk4', steps: 8, tMin: loaded.tMin });
    expectAllClose(viaRun, viaTrainer.y, { rtol: 0, atol: 0 });
    // with the EMA (the default), the averaged weights: as the trainer's withEmaWeights
    const emaRun = await loadTrainedModel(run);
    const emaSample = await emaRun.sample(64, { seed: 3, scheme: 'rk4', steps: 8 });
    const emaTrainer = await trainer.withEmaWeights(() => sampleOde(x0, { velocity: trainer.fields().b, scheme: 'rk4', steps: 8, tMin: loaded.tMin }));
    expectAllClose(emaSample, emaTrainer.y, { rtol: 0, atol: 0 });
    await expect(loaded.sample(0)).rejects.toThrow("TrainedModel.sample: argument 'n' must be an integer >= 1");

    const out = join(dir, 'export');
    const exported = await exportRunWeights(run, out, { useEma: false });
    expect(exported.step).toBe(5);
    expect((await fs.readdir(out)).sort()).toEqual(['model', 'run.json']);
    expect((await fs.readdir(join(out, 'model'))).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await fs.readFile(join(out, 'model', 'model.json'), 'utf8')) as ModuleJson;
    const rebuilt = await decodeModule(json, new Uint8Array(await fs.readFile(join(out, 'model', 'weights.bin'))));
    const t = tf.fill([64, 1], 0.4);
    expectAllClose(rebuilt.predict([x0, t]) as tf.Tensor, trainer.model.predict([x0, t]) as tf.Tensor, { rtol: 0, atol: 0 });
    expect(JSON.parse(await fs.readFile(join(out, 'run.json'), 'utf8'))).toMatchObject({ step: 5, task: 'interpolant', modules: ['model'], ema: false });
    await expect(exportRunWeights(run, out)).rejects.toThrow(/exportRunWeights: argument 'outDir' must be a folder without an export in it/);

    tf.dispose([x0, viaRun, emaSample, t]);
    [viaTrainer, emaTrainer].forEach((s) => s.dispose());
    [loaded, emaRun].forEach((r) => r.dispose());
    rebuilt.dispose();
    trainer.dispose();
  });

  it('a run of another task is refused by loadTrainedModel with its task named', async () => {
    const run = join(dir, 'other-task');
    const v = tf.variable(tf.scalar(1));
    const trainer = new Trainer({
      task: { name: 'scalar', modules: {}, variables: { v }, drawBatch: () => null, loss: () => ({ total: tf.square(v) as tf.Scalar }) },
      steps: 1,
      checkpointDir: run,
    });
    await trainer.train();
    trainer.dispose();
    v.dispose();
    await expect(loadTrainedModel(run)).rejects.toThrow(`${run} is a checkpoint of a run of the 'scalar' task, not of an interpolant`);
  });

  it('interpolantTask validates its options, naming itself', () => {
    expect(() => interpolantTask({ ...options(), model: timeConditionedMlp({ dim: 3 }) })).toThrow(/^interpolantTask: argument 'options.model' must be a model with output width 2/);
    expect(() => interpolantTask({ ...options(), batchSize: 0 })).toThrow(/interpolantTask: argument 'options.batchSize'/);
  });
});

describe('an abort signal takes effect at the next step, not at the next log', () => {
  it('a signal aborted by a timer stops training long before the log boundary, with a checkpoint of that step', async () => {
    const folder = join(dir, 'abort-by-timer');
    const trainer = new Trainer(options({ steps: 20_000, logEvery: 20_000, checkpointEvery: 20_000, checkpointDir: folder }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const result = await trainer.train({ signal: controller.signal });
    const stoppedAt = trainer.step;
    trainer.dispose();
    expect(result.interrupted).toBe(true);
    expect(stoppedAt).toBeGreaterThan(0);
    expect(stoppedAt).toBeLessThan(20_000);
    const run = await loadTrainedModel(folder);
    expect(run.step).toBe(stoppedAt);
    run.dispose();
  });
});

describe('a Trainer leaves no tensor behind', () => {
  it('construct, train, checkpoint and dispose: the tensor count returns to where it was, run after run', async () => {
    const counts: number[] = [];
    for (let r = 0; r < 2; r++) {
      const before = tf.memory().numTensors;
      const trainer = new Trainer(options({ steps: 3, checkpointDir: join(dir, `no-leak-${r}`), ema: 0.9 }));
      await trainer.train();
      trainer.dispose();
      counts.push(tf.memory().numTensors - before);
    }
    expect(counts).toEqual([0, 0]);
  });
});
