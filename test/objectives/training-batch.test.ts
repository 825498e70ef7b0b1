import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { getDataset } from '../../src/data/index.js';
import { makeInterpolant } from '../../src/interpolants/index.js';
import { drawTrainingBatch } from '../../src/objectives/training-batch.js';
import { SeedStream } from '../../src/random.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';
import { expectMomentsMatch } from '../helpers/statistics.js';

const linear = makeInterpolant('linear', { gamma: 'sqrt' });
const checkerboard = getDataset('checkerboard');

describe('drawTrainingBatch', () => {
  it('draws x0 ~ N(0, I), z ~ N(0, I), t ~ U[tMin, 1 − tMin] and x1 from the target', () => {
    const b = drawTrainingBatch({ interpolant: linear, target: checkerboard, size: 20000, tMin: 0.1, seeds: new SeedStream(1) });
    expectMomentsMatch(b.x0 as tf.Tensor2D, { mean: [0, 0], cov: [[1, 0], [0, 1]] }, { label: 'x0' });
    expectMomentsMatch(b.z as tf.Tensor2D, { mean: [0, 0], cov: [[1, 0], [0, 1]] }, { label: 'z' });
    const t = Array.from(b.t.dataSync());
    expect(Math.min(...t)).toBeGreaterThanOrEqual(0.1);
    expect(Math.max(...t)).toBeLessThanOrEqual(0.9);
    expect(Math.abs(t.reduce((a, v) => a + v, 0) / t.length - 0.5)).toBeLessThan(3 * (0.8 / Math.sqrt(12)) / Math.sqrt(t.length));
    const x1 = b.x1.dataSync();
    // every target sample lies in the checkerboard's support: log density finite
    expect(Array.from(checkerboard.logDensity!(b.x1).dataSync()).every(Number.isFinite)).toBe(true);
    expect(x1.length).toBe(40000);
    tf.dispose(Object.values(b) as tf.Tensor[]);
  });

  it('uses a base dataset for bridges, none for mirror, and is reproducible', () => {
    const moons = getDataset('moons');
    const a = drawTrainingBatch({ interpolant: linear, target: checkerboard, base: moons, size: 64, tMin: 0, seeds: new SeedStream(5) });
    const b = drawTrainingBatch({ interpolant: linear, target: checkerboard, base: moons, size: 64, tMin: 0, seeds: new SeedStream(5) });
    expectAllClose(a.x0!, b.x0!, { rtol: 0, atol: 0 });
    expectAllClose(a.t, b.t, { rtol: 0, atol: 0 });
    const m = drawTrainingBatch({ interpolant: makeInterpolant('mirror'), target: checkerboard, size: 8, tMin: 0, seeds: new SeedStream(1) });
    expect(m.x0).toBeNull();
  });

  it("x0, z and t are tf.randomNormal's and tf.randomUniform's draws from the step's seeds, bit for bit", () => {
    const bits = (x: tf.Tensor) => Array.from(new Uint32Array((x.dataSync() as Float32Array).buffer));
    for (const [seed, size] of [[3, 512], [77, 7], [1234567, 1]] as const) {
      const b = drawTrainingBatch({ interpolant: linear, target: checkerboard, size, tMin: 1e-3, seeds: new SeedStream(seed) });
      // the same stream replayed with tfjs's own ops: x1 first, then x0, z and t
      const seeds = new SeedStream(seed);
      const x1 = checkerboard.sample(size, seeds);
      const x0 = tf.randomNormal([size, 2], 0, 1, 'float32', seeds.next());
      const z = tf.randomNormal([size, 2], 0, 1, 'float32', seeds.next());
      const t = tf.randomUniform([size], 1e-3, 1 - 1e-3, 'float32', seeds.next());
      expect([bits(b.x1), bits(b.x0!), bits(b.z!), bits(b.t)]).toEqual([bits(x1), bits(x0), bits(z), bits(t)]);
      tf.dispose([x1, x0, z, t, ...(Object.values(b) as tf.Tensor[])]);
    }
  });

  it('does not leak beyond the batch it returns', async () => {
    await expectNoLeaks(() => drawTrainingBatch({ interpolant: linear, target: checkerboard, size: 32, tMin: 0.01, seeds: new SeedStream(2) }));
  });

  it('rejects bad options with the argument named', () => {
    const seeds = new SeedStream(0);
    expect(() => drawTrainingBatch({ interpolant: linear, target: checkerboard, size: 0, tMin: 0, seeds })).toThrow(/drawTrainingBatch: argument 'options.size'/);
    expect(() => drawTrainingBatch({ interpolant: linear, target: checkerboard, size: 4, tMin: 0.6, seeds })).toThrow(/'options.tMin'/);
    expect(() => drawTrainingBatch({ interpolant: linear, target: checkerboard, base: getDataset('gmm', { means: [[0, 0, 0]] }), size: 4, tMin: 0, seeds })).toThrow(
      /'options.base' must be a dataset of event shape \[2\] \(the target's\), got event shape \[3\]/,
    );
    expect(() => drawTrainingBatch({ interpolant: makeInterpolant('one-sided-linear'), target: checkerboard, base: getDataset('moons'), size: 4, tMin: 0, seeds })).toThrow(
      /'options.base' must be 'gaussian' for the one-sided interpolant/,
    );
  });
});

describe('drawTrainingBatch on image-shaped data', () => {
  it("draws x0, x1, z as [size, ...eventShape] with the numbers of the flattened draw", () => {
    const data = (event: number[]) =>
      ({
        name: 'img',
        dim: 4,
        eventShape: event,
        description: 'test data',
        sample: (n: number, seeds: SeedStream) => tf.reshape(tf.randomUniform([n, 4], 0, 1, 'float32', seeds.next()), [n, ...event]),
      }) as unknown as Parameters<typeof drawTrainingBatch>[0]['target'];
    const img = drawTrainingBatch<tf.Tensor>({ interpolant: linear, target: data([2, 2, 1]), size: 6, tMin: 0.01, seeds: new SeedStream(4) });
    const flat = drawTrainingBatch({ interpolant: linear, target: data([4]), size: 6, tMin: 0.01, seeds: new SeedStream(4) });
    for (const key of ['x0', 'x1', 'z'] as const) {
      expect(img[key]!.shape).toEqual([6, 2, 2, 1]);
      expectAllClose(img[key]!.dataSync(), flat[key]!.dataSync(), { rtol: 0, atol: 0, label: key });
    }
    expectAllClose(img.t, flat.t, { rtol: 0, atol: 0 });
    expect(() => drawTrainingBatch({ interpolant: linear, target: data([2, 2, 1]), base: data([4]), size: 2, tMin: 0, seeds: new SeedStream(1) })).toThrow(
      /'options.base' must be a dataset of event shape \[2, 2, 1\] \(the target's\), got event shape \[4\]/,
    );
    tf.dispose([...(Object.values(img) as tf.Tensor[]), ...(Object.values(flat) as tf.Tensor[])]);
  });
});
