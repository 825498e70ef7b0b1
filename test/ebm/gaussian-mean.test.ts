import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { quadraticEnergy } from '../../models/quadratic-energy.js';
import { standardNormal } from '../../src/distributions/standard-normal.js';
import { compositionalTask } from '../../src/ebm/compositional-task.js';
import { nceTask } from '../../src/ebm/nce-task.js';
import { SeedStream } from '../../src/random.js';
import { Trainer } from '../../src/train/trainer.js';
import { expectNoLeaks } from '../helpers/index.js';

const dir = mkdtempSync(join(tmpdir(), 'si-ebm-mean-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 500 fixed data points from N(1.5, 1); the MLE of the mean model is their average.
const DATA = Float32Array.from(tf.randomNormal([500, 1], 1.5, 1, 'float32', 11).dataSync());
const X_BAR = DATA.reduce((a, b) => a + b, 0) / DATA.length;
const MEAN_SQ = DATA.reduce((a, b) => a + (b - 1.5) * (b - 1.5) * 0.25, 0) / DATA.length;
const data = () => tf.tensor2d(DATA, [DATA.length, 1]);
const q = standardNormal([1]);
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

describe('the Gaussian mean model E_θ(x) = (x − θ)²/2 with q = N(0, 1)', () => {
  it('with a large noise batch the compositional gradient equals θ − x̄ within 1%, and the loss is the NLL', async () => {
    const model = quadraticEnergy({ mean: 0.5 });
    const x = data();
    const task = compositionalTask({ model, data: x, noise: q, noiseBatch: 200_000 });
    const batch = await task.drawBatch(0, new SeedStream(1));
    const { value, grads } = tf.variableGrads(() => task.loss(batch).total, [model.variables.mean!]);
    const g = grads[model.variables.mean!.name]!.dataSync()[0]!;
    expect(Math.abs(g - (0.5 - X_BAR)) / Math.abs(0.5 - X_BAR)).toBeLessThan(0.01);
    // value = mean E(x) + log u with u = ĝ ≈ Z = √(2π) (SE of log ĝ ≈ √((e^{θ²} − 1)/m) ≈ 0.0012)
    expect(task.state.logU!).toBeCloseTo(HALF_LOG_2PI, 2);
    const meanE = DATA.reduce((a: number, b: number) => a + 0.5 * (b - 0.5) ** 2, 0) / DATA.length;
    expect(value.dataSync()[0]!).toBeCloseTo(meanE + task.state.logU!, 4);
    task.disposeBatch!(batch);
    tf.dispose([value, ...Object.values(grads), x]);
    task.dispose();
    model.dispose();
  });

  it('compositional and NCE training both end within 0.05 of the sample mean; NCE’s c within 0.05 of ½ log 2π', async () => {
    const x = data();
    const comp = quadraticEnergy({ mean: 0 });
    const ctask = compositionalTask({ model: comp, data: x, noise: q, noiseBatch: 4096, beta: 0.2 });
    const ctrainer = new Trainer({ task: ctask, steps: 300, learningRate: 0.05, seed: 3 });
    await ctrainer.train();
    const thetaC = comp.mean.dataSync()[0]!;
    expect(Math.abs(thetaC - X_BAR)).toBeLessThan(0.05);

    const nce = quadraticEnergy({ mean: 0 });
    const ntask = nceTask({ model: nce, data: x, noise: q, nu: 8 });
    const ntrainer = new Trainer({ task: ntask, steps: 400, learningRate: 0.05, seed: 3 });
    await ntrainer.train();
    const thetaN = nce.mean.dataSync()[0]!;
    const c = ntask.logNormalizer.dataSync()[0]!;
    expect(Math.abs(thetaN - X_BAR)).toBeLessThan(0.05);
    expect(Math.abs(c - HALF_LOG_2PI)).toBeLessThan(0.05);
    [ctrainer, ntrainer].forEach((t) => t.dispose());
    ctask.dispose();
    ntask.dispose();
    comp.dispose();
    nce.dispose();
    x.dispose();
  });

  it('the precision model E_θ = θx²/2 converges to 1/mean(x²) (compositional)', async () => {
    // data (x − 1.5)/2 ~ N(0, ¼): the MLE of the precision is 1/mean(x²) ≈ 4
    const x = tf.tidy(() => tf.div(tf.sub(data(), 1.5), 2));
    const model = quadraticEnergy({ trainMean: false, trainPrecision: true, precision: 1 });
    const task = compositionalTask({ model, data: x, noise: q, noiseBatch: 4096, beta: 0.2 });
    const trainer = new Trainer({ task, steps: 300, learningRate: 0.1, seed: 5 });
    await trainer.train();
    const p = model.precision.dataSync()[0]!;
    expect(Math.abs(p - 1 / MEAN_SQ) / (1 / MEAN_SQ)).toBeLessThan(0.02);
    expect(model.logPartition()).toBeCloseTo(0.5 * Math.log((2 * Math.PI) / p), 10);
    trainer.dispose();
    task.dispose();
    model.dispose();
    x.dispose();
  });

  it('resumes exactly: losses, θ and the compositional log u match an uninterrupted run', async () => {
    const x = data();
    const settings = (task: ReturnType<typeof compositionalTask>, extra = {}) => ({ task, steps: 30, seed: 9, learningRate: 0.05, logEvery: 1, ...extra });
    const make = () => {
      const model = quadraticEnergy({ mean: 0 });
      return { model, task: compositionalTask({ model, data: x, noise: q, batchSize: 32, noiseBatch: 64, beta: 0.3 }) };
    };
    const a = make();
    const straight = new Trainer(settings(a.task));
    const full = (await straight.train()).history.map((h) => h.loss);

    const run = join(dir, 'comp');
    const b = make();
    const first = new Trainer(settings(b.task, { checkpointDir: run, checkpointEvery: 12 }));
    const part1 = (await first.train({ untilStep: 12 })).history.map((h) => h.loss);
    first.dispose();
    b.model.dispose();
    b.task.dispose();

    const c = make();
    const second = await Trainer.resume(run, () => settings(c.task, { checkpointDir: run, checkpointEvery: 12 }));
    expect(c.task.state.logU).not.toBeNull();
    const part2 = (await second.train()).history.map((h) => h.loss);
    expect([...part1, ...part2]).toEqual(full);
    expect(c.model.mean.dataSync()[0]).toBe(a.model.mean.dataSync()[0]);
    expect(c.task.state).toEqual(a.task.state);
    [straight, second].forEach((t) => t.dispose());
    [a, c].forEach((m) => {
      m.model.dispose();
      m.task.dispose();
    });
    x.dispose();
  });

  it('NCE resumes exactly: losses, θ and the log-normaliser c match an uninterrupted run', async () => {
    const x = data();
    const settings = (task: ReturnType<typeof nceTask>, extra = {}) => ({ task, steps: 30, seed: 4, learningRate: 0.05, logEvery: 1, ...extra });
    const make = () => {
      const model = quadraticEnergy({ mean: 0 });
      return { model, task: nceTask({ model, data: x, noise: q, batchSize: 32, nu: 3, initialLogNormalizer: 0.3 }) };
    };
    const a = make();
    const straight = new Trainer(settings(a.task));
    const full = (await straight.train()).history.map((h) => h.loss);

    const run = join(dir, 'nce');
    const b = make();
    const first = new Trainer(settings(b.task, { checkpointDir: run, checkpointEvery: 12 }));
    const part1 = (await first.train({ untilStep: 12 })).history.map((h) => h.loss);
    first.dispose();
    b.model.dispose();
    b.task.dispose();

    const c = make();
    const second = await Trainer.resume(run, () => settings(c.task, { checkpointDir: run, checkpointEvery: 12 }));
    expect(c.task.logNormalizer.dataSync()[0]).not.toBe(0.3); // c came back from the checkpoint
    const part2 = (await second.train()).history.map((h) => h.loss);
    expect([...part1, ...part2]).toEqual(full);
    expect(c.model.mean.dataSync()[0]).toBe(a.model.mean.dataSync()[0]);
    expect(c.task.logNormalizer.dataSync()[0]).toBe(a.task.logNormalizer.dataSync()[0]);
    [straight, second].forEach((t) => t.dispose());
    [a, c].forEach((m) => {
      m.model.dispose();
      m.task.dispose();
    });
    x.dispose();
  });

  it('trains without leaking tensors (both tasks)', async () => {
    const x = data();
    for (const kind of ['nce', 'compositional'] as const) {
      const model = quadraticEnergy({ mean: 0 });
      const task = kind === 'nce' ? nceTask({ model, data: x, noise: q, batchSize: 16, nu: 2 }) : compositionalTask({ model, data: x, noise: q, batchSize: 16 });
      const trainer = new Trainer({ task, steps: 50, logEvery: 1 });
      await expectNoLeaks(() => trainer.trainStep(), { label: kind });
      trainer.dispose();
      task.dispose();
      model.dispose();
    }
    x.dispose();
  });

  it('a task leaves nothing behind once disposed (its c and its batches included)', () => {
    const x = data();
    const before = tf.memory().numTensors;
    for (const kind of ['nce', 'compositional'] as const) {
      const model = quadraticEnergy({ mean: 0 });
      const task = kind === 'nce' ? nceTask({ model, data: x, noise: q, batchSize: 16, initialLogNormalizer: 0.3 }) : compositionalTask({ model, data: x, noise: q, batchSize: 16 });
      task.dispose();
      model.dispose();
      expect(tf.memory().numTensors, kind).toBe(before);
    }
    x.dispose();
  });
});

describe('bad input to the training tasks', () => {
  it('ν ≤ 0, β outside (0, 1], a noise without logProb, mismatched shapes', () => {
    const model = quadraticEnergy({ mean: 0 });
    const x = data();
    expect(() => nceTask({ model, data: x, noise: q, nu: 0 })).toThrow(/nceTask: argument 'options.nu' must be a finite number > 0, got 0/);
    expect(() => nceTask({ model, data: x, noise: q, nu: -1 })).toThrow(/options.nu/);
    for (const beta of [0, 1.5, -0.1, Number.NaN]) {
      expect(() => compositionalTask({ model, data: x, noise: q, beta })).toThrow(/compositionalTask: argument 'options.beta' must be a number in \(0, 1\]/);
    }
    const noLogProb = { eventShape: [1], sample: (n: number, s: SeedStream) => q.sample(n, s) };
    expect(() => compositionalTask({ model, data: x, noise: noLogProb })).toThrow(/'options.noise' must be a noise distribution with an exact logProb/);
    expect(() => nceTask({ model, data: x, noise: noLogProb })).toThrow(/nceTask: argument 'options.noise' must be a noise distribution with an exact logProb/);
    expect(() => nceTask({ model, data: x, noise: standardNormal([2]) })).toThrow(/events of the data's shape \[1\]/);
    expect(() => compositionalTask({ model, data: x, noise: q, betaSchedule: 'cosine' as never })).toThrow(/options.betaSchedule/);
    model.dispose();
    x.dispose();
  });

  it('NaN energies stop training with a clear error', async () => {
    const x = data();
    const theta = tf.variable(tf.scalar(0));
    const model = { eventShape: [1], modules: {}, variables: { theta }, energy: (y: tf.Tensor) => tf.tidy(() => tf.mul(tf.div(tf.sum(tf.mul(y, theta), 1), 0), 0) as tf.Tensor1D) };
    for (const make of [() => nceTask({ model, data: x, noise: q }), () => compositionalTask({ model, data: x, noise: q })]) {
      const task = make();
      const trainer = new Trainer({ task, steps: 3 });
      await expect(trainer.train()).rejects.toThrow(/must be an energy with finite values E_θ\(x\) on every point, got a non-finite energy .* at step 0/);
      trainer.dispose();
      task.dispose();
    }
    theta.dispose();
    x.dispose();
  });
});

describe('noise banks in training', () => {
  it('compositional training against a cached bank of a full Gaussian reaches the sample mean; one bank fill', async () => {
    const { fullGaussian } = await import('../../src/distributions/full-gaussian.js');
    const { noiseBank } = await import('../../src/ebm/noise-source.js');
    const x = data();
    const g = fullGaussian({ mean: [0], covariance: [[1.5]] });
    let fills = 0;
    const counted = { ...g, sample: (n: number, s: SeedStream) => (fills++, g.sample(n, s)) };
    const bank = noiseBank(counted, { size: 20000, seed: 2 });
    const model = quadraticEnergy({ mean: 0 });
    const task = compositionalTask({ model, data: x, noise: bank, noiseBatch: 2048, beta: 0.2 });
    const trainer = new Trainer({ task, steps: 300, learningRate: 0.05, seed: 1 });
    await trainer.train();
    expect(fills).toBe(1);
    expect(Math.abs(model.mean.dataSync()[0]! - X_BAR)).toBeLessThan(0.05);
    trainer.dispose();
    task.dispose();
    bank.dispose();
    model.dispose();
    x.dispose();
  });
});
