import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { SeedStream } from '../../src/random.js';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import type { TrainingTask } from '../../src/train/task.js';
import { Trainer } from '../../src/train/trainer.js';
import type { TaskTrainerOptions } from '../../src/train/trainer.js';
import { expectNoLeaks } from '../helpers/index.js';

const dir = mkdtempSync(join(tmpdir(), 'si-custom-task-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Data: 64 fixed points; the maximum-likelihood mean of N(μ, 1) is their average.
const DATA = Float32Array.from({ length: 64 }, (_, i) => 2 + Math.sin(1.7 * i) + 0.3 * Math.cos(5.1 * i));
const SAMPLE_MEAN = DATA.reduce((a, b) => a + b, 0) / DATA.length;

interface MeanTask extends TrainingTask<{ x: tf.Tensor1D; batchMean: number }> {
  mu: tf.Variable;
  state: { average: number; count: number };
}

/**
 * "Your own task": the mean μ of N(μ, 1) by maximum likelihood, a free tf.Variable; the loss is the mean
 * negative log-likelihood −log N(x; μ, 1) = ½(x − μ)² + ½ log 2π. With `batch` the data are drawn per step
 * from the step's seeds (async, outside the tape); the task's state is a moving average of the batch means.
 */
function gaussianMeanTask(batch?: number): MeanTask {
  const mu = tf.variable(tf.scalar(0));
  const data = tf.tensor1d(DATA);
  const task: MeanTask = {
    name: 'gaussian-mean',
    modules: {},
    variables: { mu },
    terms: ['nll', 'squared'],
    mu,
    state: { average: 0, count: 0 },
    async drawBatch(_step: number, seeds: SeedStream) {
      const x = batch === undefined ? data.clone() : (tf.tidy(() => tf.gather(data, tf.randomUniformInt([batch], 0, DATA.length, seeds.next()))) as tf.Tensor1D);
      const mean = tf.mean(x);
      const batchMean = (await mean.data())[0]!; // a read-back outside the tape
      mean.dispose();
      return { x, batchMean };
    },
    loss({ x }) {
      const squared = tf.mean(tf.square(tf.sub(x, mu))) as tf.Scalar;
      const nll = tf.add(tf.mul(0.5, squared), 0.5 * Math.log(2 * Math.PI)) as tf.Scalar;
      return { total: nll, terms: { nll, squared } };
    },
    disposeBatch: ({ x }) => x.dispose(),
    afterStep() {
      const s = task.state;
      s.count += 1;
      s.average = 0.9 * s.average + 0.1 * lastMean;
    },
    getState: () => ({ ...task.state }),
    setState: (state) => {
      task.state = { average: state.average as number, count: state.count as number };
    },
  };
  // The batch mean of the step in progress (drawBatch runs before afterStep).
  let lastMean = 0;
  const draw = task.drawBatch.bind(task);
  task.drawBatch = async (step, seeds) => {
    const b = await draw(step, seeds);
    lastMean = b.batchMean;
    return b;
  };
  return task;
}

const disposeTask = (t: MeanTask) => t.mu.dispose();

describe('a custom task through the one Trainer: a Gaussian mean by maximum likelihood', () => {
  it('full-batch gradient descent follows the closed form μ_k = x̄ (1 − (1 − η)^k) and reaches the sample mean', async () => {
    const task = gaussianMeanTask();
    const eta = 0.1;
    const trainer = new Trainer({ task, steps: 30, optimizer: 'sgd', learningRate: eta, schedule: 'constant', logEvery: 10 });
    const { history } = await trainer.train();
    const mu = task.mu.dataSync()[0]!;
    expect(mu).toBeCloseTo(SAMPLE_MEAN * (1 - (1 - eta) ** 30), 5);
    // the log carries both named terms; nll = ½ squared + ½ log 2π
    expect(Object.keys(history[0]!.terms)).toEqual(['nll', 'squared']);
    expect(history[2]!.terms.nll).toBeCloseTo(0.5 * history[2]!.terms.squared! + 0.5 * Math.log(2 * Math.PI), 5);
    trainer.setTraining({ steps: 300 });
    await trainer.train();
    expect(task.mu.dataSync()[0]).toBeCloseTo(SAMPLE_MEAN, 5);
    trainer.dispose();
    disposeTask(task);
  });

  it('checkpoints and resumes exactly: losses, μ, Adam and EMA state and the task state match an uninterrupted run', async () => {
    const settings = (task: MeanTask, extra: Partial<TaskTrainerOptions> = {}): TaskTrainerOptions => ({
      task,
      steps: 40,
      seed: 11,
      learningRate: 0.2,
      ema: 0.8,
      logEvery: 1,
      ...extra,
    });
    const straightTask = gaussianMeanTask(8);
    const straight = new Trainer(settings(straightTask));
    const full = (await straight.train()).history.map((h) => h.loss);

    const run = join(dir, 'mean');
    const firstTask = gaussianMeanTask(8);
    const first = new Trainer(settings(firstTask, { checkpointDir: run, checkpointEvery: 15 }));
    const part1 = (await first.train({ untilStep: 15 })).history.map((h) => h.loss);
    first.dispose();
    disposeTask(firstTask); // the process "dies" after the checkpoint at step 15

    const ck = await loadCheckpoint(run);
    expect([ck.task, ck.step, Object.keys(ck.modules), Object.keys(ck.variables)]).toEqual(['gaussian-mean', 15, [], ['mu']]);
    expect(ck.taskState).toEqual({ average: expect.any(Number), count: 15 });
    ck.dispose();

    const secondTask = gaussianMeanTask(8); // a fresh μ = 0: the saved value is restored into it
    const second = await Trainer.resume(run, () => settings(secondTask, { checkpointDir: run, checkpointEvery: 15 }));
    expect(second.step).toBe(15);
    expect(secondTask.state.count).toBe(15);
    const part2 = (await second.train()).history.map((h) => h.loss);
    expect([...part1, ...part2]).toEqual(full);
    expect(secondTask.mu.dataSync()[0]).toBe(straightTask.mu.dataSync()[0]);
    expect(secondTask.state).toEqual(straightTask.state);
    const emaOf = async (t: Trainer) => t.withEmaWeights(() => (t.task.variables!.mu as tf.Variable).dataSync()[0]);
    expect(await emaOf(second)).toBe(await emaOf(straight));
    // noisy mini-batches still land near the sample mean
    expect(Math.abs(straightTask.mu.dataSync()[0]! - SAMPLE_MEAN)).toBeLessThan(0.3);

    const renamed = gaussianMeanTask(8);
    await expect(Trainer.resume(run, () => settings({ ...renamed, variables: { nu: renamed.mu } }))).rejects.toThrow(/does not match the run: .*variables named mu/);
    disposeTask(renamed);
    [straight, second].forEach((t) => t.dispose());
    [straightTask, secondTask].forEach(disposeTask);
  });

  it('an async drawBatch trains without leaking tensors', async () => {
    const task = gaussianMeanTask(8);
    const trainer = new Trainer({ task, steps: 100, logEvery: 1 });
    await expectNoLeaks(() => trainer.trainStep());
    trainer.dispose();
    disposeTask(task);
  });

  it('refuses a step whose gradients cover other variables than the first step (Adam keys its moments by position)', async () => {
    // a, b: ½(a − 1)² every step, ½(b − 2)² on even steps only. Without the guard b's missing gradient on odd
    // steps would give a's gradient b's slot. A variable that never gets a gradient (c) is harmless: a trains
    // bit for bit as without it.
    const make = (mode: 'alternate' | 'always' | 'unused') => {
      const a = tf.variable(tf.scalar(0));
      const b = tf.variable(tf.scalar(0));
      const task: TrainingTask<number> = {
        name: 'two-means',
        modules: {},
        variables: mode === 'unused' ? { a, c: b } : { a, b },
        drawBatch: (step) => step,
        loss: (step) => {
          const la = tf.mul(0.5, tf.square(tf.sub(a, 1))) as tf.Scalar;
          if (mode === 'unused' || (mode === 'alternate' && step % 2 === 1)) return { total: la };
          return { total: tf.add(la, tf.mul(0.5, tf.square(tf.sub(b, 2)))) as tf.Scalar };
        },
      };
      return { task, a, b, dispose: () => tf.dispose([a, b]) };
    };
    const alternate = make('alternate');
    const refused = new Trainer({ task: alternate.task, steps: 4, learningRate: 0.1, logEvery: 1 });
    await refused.train({ untilStep: 1 }); // the first step creates Adam's moments for a and b
    const before = tf.memory().numTensors;
    await expect(refused.train()).rejects.toThrow(/two-means\.loss: .*at step 1, no gradient for .* \(it had one at the first step\)/);
    expect(tf.memory().numTensors).toBe(before); // nothing of the refused step is left behind
    expect(refused.step).toBe(1);
    refused.dispose();
    alternate.dispose();

    const lone = make('always');
    const withUnused = make('unused');
    const t1 = new Trainer({ task: { ...lone.task, variables: { a: lone.a } }, steps: 20, learningRate: 0.1, logEvery: 1 });
    const t2 = new Trainer({ task: withUnused.task, steps: 20, learningRate: 0.1, logEvery: 1 });
    // lone's loss still touches b, which is not trained there; a's path must be the same either way
    await t1.train();
    await t2.train();
    expect(withUnused.a.dataSync()[0]).toBe(lone.a.dataSync()[0]);
    expect(withUnused.b.dataSync()[0]).toBe(0); // never got a gradient, never moved
    [t1, t2].forEach((t) => t.dispose());
    [lone, withUnused].forEach((m) => m.dispose());
  });

  it('rejects tasks that are not tasks or train nothing', () => {
    expect(() => new Trainer({ task: {} as never, steps: 1 })).toThrow(/'options.task' must be a TrainingTask/);
    expect(() => new Trainer({ task: { name: 'x', modules: {}, drawBatch: () => 0, loss: () => ({ total: tf.scalar(0) }) } as never, steps: 1 })).toThrow(
      /at least one trainable variable/,
    );
  });
});
