import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { timeConditionedMlp } from '../../models/mlp.js';
import { getDataset } from '../../src/data/index.js';
import type { Dataset } from '../../src/data/types.js';
import { makeInterpolant } from '../../src/interpolants/index.js';
import { slicedWasserstein2 } from '../../src/metrics/sliced-wasserstein.js';
import { quadraticObjective } from '../../src/objectives/quadratic-objective.js';
import { SeedStream } from '../../src/random.js';
import { CheckpointError, loadCheckpoint } from '../../src/train/checkpoint.js';
import { NonFiniteLossError, Trainer } from '../../src/train/trainer.js';
import type { TrainerOptions } from '../../src/train/trainer.js';
import { sampleOde } from '../../samplers/probability-flow.js';
import { expectNoLeaks } from '../helpers/index.js';

const dir = mkdtempSync(join(tmpdir(), 'si-trainer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const interpolant = makeInterpolant('one-sided-linear');
const checkerboard = getDataset('checkerboard');

function options(overrides: Partial<TrainerOptions> = {}): TrainerOptions {
  const objective = overrides.objective ?? quadraticObjective(interpolant, ['b']);
  return {
    interpolant,
    objective,
    model: timeConditionedMlp({ dim: 2, hidden: 32, layers: 2, heads: objective.fields.length, seed: 3 }),
    target: checkerboard,
    steps: 20,
    batchSize: 64,
    seed: 9,
    logEvery: 1,
    ...overrides,
  };
}

describe('Trainer', () => {
  it('a quick checkerboard run brings the sliced W2 far below that of the base Gaussian', async () => {
    const trainer = new Trainer(
      options({ model: timeConditionedMlp({ dim: 2, hidden: 64, layers: 3, seed: 1 }), steps: 1500, batchSize: 256, learningRate: 3e-3, logEvery: 500 }),
    );
    const result = await trainer.train();
    expect(result.steps).toBe(1500);
    expect(result.history.map((h) => h.step)).toEqual([500, 1000, 1500]);
    const seeds = new SeedStream(77);
    const base = tf.randomNormal([2000, 2], 0, 1, 'float32', seeds.next()) as tf.Tensor2D;
    const reference = checkerboard.sample(2000, seeds);
    const sol = await sampleOde(base, { velocity: trainer.fields().b, scheme: 'heun', steps: 50 });
    const trained = await slicedWasserstein2(sol.y, reference, { seed: 1 });
    const untrained = await slicedWasserstein2(base, reference, { seed: 1 });
    expect(trained).toBeLessThan(0.35 * untrained);
    sol.dispose();
    tf.dispose([base, reference]);
    trainer.dispose();
  });

  it('checkpoint → stop → resume gives the same loss curve as an uninterrupted run', async () => {
    const straight = new Trainer(options({ ema: 0.9 }));
    const full = (await straight.train()).history.map((h) => h.loss);
    straight.dispose();

    const ckpt = join(dir, 'resume');
    const first = new Trainer(options({ ema: 0.9, checkpointDir: ckpt, checkpointEvery: 10 }));
    const part1 = (await first.train({ untilStep: 10 })).history.map((h) => h.loss);
    first.dispose(); // the process "dies" after the checkpoint at step 10
    const second = await Trainer.resume(ckpt, ({ model }) => options({ ema: 0.9, model, checkpointDir: ckpt }));
    expect(second.step).toBe(10);
    const part2 = (await second.train()).history.map((h) => h.loss);
    expect([...part1, ...part2]).toEqual(full);
    second.dispose();
  });

  it('stops on a NaN loss, naming the step, and keeps the last good checkpoint', async () => {
    let calls = 0;
    const poisoned: Dataset = {
      name: 'poisoned',
      dim: 2,
      eventShape: [2],
      description: 'checkerboard, NaN from the 7th batch on',
      sample: (n, seeds) => {
        calls++;
        const x = checkerboard.sample(n, seeds);
        if (calls < 7) return x;
        const bad = tf.mul(x, Number.NaN) as tf.Tensor2D;
        x.dispose();
        return bad;
      },
    };
    const ckpt = join(dir, 'nan');
    const trainer = new Trainer(options({ target: poisoned, checkpointDir: ckpt, checkpointEvery: 5, logEvery: 5 }));
    await expect(trainer.train()).rejects.toThrow(NonFiniteLossError);
    calls = 0;
    await expect(new Trainer(options({ target: poisoned })).train()).rejects.toThrow(/the loss became non-finite at step 7/);
    const kept = await loadCheckpoint(ckpt);
    expect(kept.step).toBe(5);
    kept.dispose();
    trainer.dispose();
  });

  it('trains several heads with one network and reports each field', async () => {
    const twoSided = makeInterpolant('linear', { gamma: 'sqrt' });
    const objective = quadraticObjective(twoSided, ['b', 's']);
    const trainer = new Trainer(options({ interpolant: twoSided, objective, model: timeConditionedMlp({ dim: 2, hidden: 16, layers: 1, heads: 2, towers: 'separate' }), steps: 3 }));
    const { history } = await trainer.train();
    expect(Object.keys(history[0]!.perField)).toEqual(['b', 's']);
    expect(history[0]!.loss).toBeCloseTo(history[0]!.perField.b! + history[0]!.perField.s!, 4);
    trainer.dispose();
  });

  it('does not leak across training steps', async () => {
    for (const extra of [{}, { ema: 0.99 }, { clipNorm: 1 }, { optimizer: 'adabelief' as const }]) {
      const trainer = new Trainer(options(extra));
      await expectNoLeaks(() => trainer.trainStep(), { label: JSON.stringify(extra) });
      trainer.dispose();
    }
  });

  it('rejects bad options and mismatched or missing checkpoints', async () => {
    expect(() => new Trainer(options({ model: timeConditionedMlp({ dim: 3 }) }))).toThrow(/Trainer: argument 'options.model' must be a model with output width 2 \(1 head\(s\) × d = 2\), got output width 3/);
    expect(() => new Trainer(options({ optimizer: 'adamw' as never }))).toThrow(/'options.optimizer' must be one of 'adam', 'adabelief', 'diffgrad', 'sgd'/);
    expect(() => new Trainer(options({ steps: 0 }))).toThrow(/'options.steps'/);
    const ckpt = join(dir, 'mismatch');
    const t = new Trainer(options({ checkpointDir: ckpt, steps: 2 }));
    await t.train();
    t.dispose();
    const twoHeads = quadraticObjective(makeInterpolant('linear', { gamma: 'sqrt' }), ['b', 's']);
    await expect(Trainer.resume(ckpt, ({ model }) => options({ model, objective: twoHeads }))).rejects.toThrow(CheckpointError);
    await expect(Trainer.resume(join(dir, 'nowhere'), ({ model }) => options({ model }))).rejects.toThrow(CheckpointError);
    expect(existsSync(join(dir, 'nowhere'))).toBe(false);
  });
});
