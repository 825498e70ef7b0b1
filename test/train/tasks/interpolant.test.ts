import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { timeConditionedMlp } from '../../../models/mlp.js';
import { getDataset } from '../../../src/data/index.js';
import type { DatasetInput } from '../../../src/data/types.js';
import { makeInterpolant } from '../../../src/interpolants/index.js';
import { drawTrainingBatch } from '../../../src/objectives/training-batch.js';
import { quadraticObjective } from '../../../src/objectives/quadratic-objective.js';
import { SeedStream } from '../../../src/random.js';
import { interpolantTask } from '../../../src/train/tasks/interpolant.js';
import { expectNoLeaks } from '../../helpers/index.js';

describe('interpolantTask', () => {
  it('draws the batch drawTrainingBatch draws from the same seeds, and reports one term per field', () => {
    const interpolant = makeInterpolant('linear', { gamma: 'sqrt' });
    const objective = quadraticObjective(interpolant, ['b', 's']);
    const model = timeConditionedMlp({ dim: 2, hidden: 8, layers: 1, heads: 2, seed: 1 });
    const task = interpolantTask({ interpolant, objective, model, target: getDataset('moons'), base: getDataset('rings'), batchSize: 16 });
    expect([task.name, task.terms, Object.keys(task.modules)]).toEqual(['interpolant', ['b', 's'], ['model']]);
    const batch = task.drawBatch(3, new SeedStream(42));
    const direct = drawTrainingBatch({ interpolant, target: getDataset('moons'), base: getDataset('rings'), size: 16, tMin: objective.tMin, seeds: new SeedStream(42) });
    for (const k of ['x0', 'x1', 't', 'z'] as const) expect(Array.from(batch[k]!.dataSync())).toEqual(Array.from(direct[k]!.dataSync()));
    const loss = task.loss(batch);
    const expected = objective.loss(task.fields(), batch);
    expect(loss.total.dataSync()[0]).toBeCloseTo(expected.total.dataSync()[0]!, 6);
    expect(loss.terms!.s!.dataSync()[0]).toBeCloseTo(expected.perField.s!.dataSync()[0]!, 6);
    tf.dispose([batch as unknown as tf.TensorContainer, direct as unknown as tf.TensorContainer, loss as unknown as tf.TensorContainer, expected as unknown as tf.TensorContainer]);
    model.dispose();
  });

  it('takes a hand-written dataset without eventShape (the earlier Dataset), as vectors [dim], with the same batches and losses', () => {
    const interpolant = makeInterpolant('linear', { gamma: 'sqrt' });
    const objective = quadraticObjective(interpolant, ['b']);
    const model = timeConditionedMlp({ dim: 2, hidden: 8, layers: 1, seed: 3 });
    const moons = getDataset('moons');
    // written as user code did before datasets were distributions: no eventShape, `this` used in sample
    const handWritten: DatasetInput = {
      name: 'my-moons',
      dim: 2,
      description: 'moons, by hand',
      inner: moons,
      sample(n, seeds) {
        return (this as unknown as { inner: typeof moons }).inner.sample(n, seeds);
      },
    } as DatasetInput;
    const a = interpolantTask({ interpolant, objective, model, target: handWritten, batchSize: 16 });
    const b = interpolantTask({ interpolant, objective, model, target: moons, batchSize: 16 });
    expect(a.target.eventShape).toEqual([2]);
    expect(a.runConfig().dataset).toBe('my-moons');
    const ba = a.drawBatch(2, new SeedStream(9));
    const bb = b.drawBatch(2, new SeedStream(9));
    for (const k of ['x0', 'x1', 't', 'z'] as const) expect(Array.from(ba[k]!.dataSync())).toEqual(Array.from(bb[k]!.dataSync()));
    const la = a.loss(ba);
    const lb = b.loss(bb);
    expect(la.total.dataSync()[0]).toBe(lb.total.dataSync()[0]);
    tf.dispose([ba as unknown as tf.TensorContainer, bb as unknown as tf.TensorContainer, la as unknown as tf.TensorContainer, lb as unknown as tf.TensorContainer]);
    model.dispose();
  });

  it('drawBatch leaves nothing behind but the batch', async () => {
    const interpolant = makeInterpolant('one-sided-linear');
    const model = timeConditionedMlp({ dim: 2, hidden: 8, layers: 1 });
    const task = interpolantTask({ interpolant, objective: quadraticObjective(interpolant, ['b']), model, target: getDataset('checkerboard'), batchSize: 8 });
    await expectNoLeaks(() => task.drawBatch(0, new SeedStream(1)));
    model.dispose();
  });

  it('runConfig: the tagged interpolant run config (γ only where the interpolant takes one; the base by name)', () => {
    const cases = [
      { interpolant: makeInterpolant('one-sided-linear'), base: undefined, want: { interpolant: 'one-sided-linear', base: 'gaussian' }, gamma: undefined },
      { interpolant: makeInterpolant('linear', { gamma: 'sin2' }), base: getDataset('rings'), want: { interpolant: 'linear', base: 'rings' }, gamma: 'sin2' },
    ];
    for (const c of cases) {
      const model = timeConditionedMlp({ dim: 2, hidden: 4, layers: 1 });
      const objective = quadraticObjective(c.interpolant, ['b']);
      const task = interpolantTask({ interpolant: c.interpolant, objective, model, target: getDataset('moons'), base: c.base, modelSpec: { builder: 'time-conditioned-mlp', options: { dim: 2, hidden: 4, layers: 1 } } });
      const config = task.runConfig();
      expect(config).toMatchObject({ task: 'interpolant', version: 2, dataset: 'moons', fields: ['b'], dim: 2, tMin: objective.tMin, model: { builder: 'time-conditioned-mlp' }, ...c.want });
      expect(config.gamma).toBe(c.gamma);
      model.dispose();
    }
  });
});
