import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { datasetReference, distributionReference } from '../../src/compare/reference.js';
import { getDataset } from '../../src/data/registry.js';
import { diagonalGaussian, standardNormal } from '../../src/distributions/index.js';
import { SeedStream } from '../../src/random.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('distributionReference', () => {
  const law = diagonalGaussian({ mean: [1, -1], std: [0.5, 2] });

  it('draws the distribution with the repeat seed, the floor with the floor seed, and keeps its log density', () => {
    const ref = distributionReference(law, 'wide Gaussian');
    expect(ref.description).toBe('wide Gaussian');
    expect(ref.dim).toBe(2);
    const a = ref.draw(20, 5);
    const b = law.sample(20, new SeedStream(5));
    const c = ref.drawIndependent(20, 5, 6)!;
    const d = law.sample(20, new SeedStream(6));
    expect(values(a)).toEqual(values(b));
    expect(values(c)).toEqual(values(d));
    const lp = ref.logDensity!(a as tf.Tensor2D);
    const exact = Array.from({ length: 20 }, (_, i) => {
      const [x, y] = [a.dataSync()[2 * i]!, a.dataSync()[2 * i + 1]!];
      return -0.5 * ((x - 1) / 0.5) ** 2 - 0.5 * ((y + 1) / 2) ** 2 - Math.log(0.5) - Math.log(2) - Math.log(2 * Math.PI);
    });
    expectAllClose(lp, exact, { rtol: 1e-5 });
    tf.dispose([a, b, c, d, lp]);
  });

  it('keeps the old (description, dim, sample, logDensity) form, with the same draws', () => {
    const moons = getDataset('moons');
    const old = distributionReference('dataset moons', 2, (n, seeds) => moons.sample(n, seeds));
    const viaDataset = datasetReference(moons);
    expect(viaDataset.description).toBe('dataset moons');
    expect(viaDataset.logDensity).toBeUndefined();
    const a = old.draw(16, 3);
    const b = viaDataset.draw(16, 3);
    expect(values(a)).toEqual(values(b));
    expect(datasetReference(getDataset('checkerboard')).logDensity).toBeDefined();
    tf.dispose([a, b]);
  });

  it('rejects non-vector events and bad arguments, and leaks nothing', async () => {
    expect(() => distributionReference(standardNormal([2, 2]))).toThrow(
      "distributionReference: argument 'distribution' must be a distribution of vectors (event shape [dim]), got event shape [2, 2]",
    );
    expect(() => distributionReference('x', 0, () => tf.zeros([1, 1]) as tf.Tensor2D)).toThrow(/distributionReference: argument 'dim' must be a finite integer >= 1/);
    expect(() => distributionReference('x', 2, undefined as never)).toThrow(/argument 'sample' must be a function/);
    expect(() => distributionReference({} as never)).toThrow(/argument 'distribution' must be a distribution/);
    const ref = distributionReference(law);
    expect(ref.description).toMatch(/diagonal Gaussian/);
    await expectNoLeaks(() => {
      const x = ref.draw(8, 1);
      const lp = ref.logDensity!(x);
      return [x, lp];
    });
  });
});
