import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { energyMlp } from '../../models/energy-mlp.js';
import { quadraticEnergy } from '../../models/quadratic-energy.js';
import { expectNoLeaks } from '../helpers/index.js';

describe('quadraticEnergy', () => {
  it('E(x) = ½ Σ p (x − μ)² on any event shape, log Z = Σ ½ log(2π/p), variables by what is trained', () => {
    const m = quadraticEnergy({ mean: [1, 2], precision: [4, 0.25] });
    expect(Array.from(m.energy(tf.tensor2d([[0, 0]])).dataSync())).toEqual([0.5 * (4 * 1 + 0.25 * 4)]);
    expect(m.logPartition()).toBeCloseTo(0.5 * Math.log((2 * Math.PI) / 4) + 0.5 * Math.log((2 * Math.PI) / 0.25), 12);
    expect(Object.keys(m.variables)).toEqual(['mean']);
    const img = quadraticEnergy({ eventShape: [2, 2, 1], trainMean: false, trainPrecision: true });
    expect(Object.keys(img.variables)).toEqual(['precision']);
    expect(Array.from(img.energy(tf.ones([3, 2, 2, 1])).dataSync())).toEqual([2, 2, 2]);
    expect(() => quadraticEnergy({ precision: 0 })).toThrow(/quadraticEnergy: argument 'options.precision' must be a finite number > 0/);
    m.dispose();
    img.dispose();
  });
});

describe('energyMlp', () => {
  it('maps [batch, ...event] to one energy per row, adds ½α|x|², is deterministic per seed, does not leak', async () => {
    const a = energyMlp({ dim: 2, hidden: 8, layers: 2, seed: 1 });
    const b = energyMlp({ dim: 2, hidden: 8, layers: 2, seed: 1, confinement: 2 });
    const x = tf.tensor2d([
      [0.5, -1],
      [2, 3],
    ]);
    const ea = a.energy(x).dataSync();
    const eb = b.energy(x).dataSync();
    expect(ea).toHaveLength(2);
    expect(eb[0]! - ea[0]!).toBeCloseTo(0.5 * 2 * (0.25 + 1), 5);
    expect(eb[1]! - ea[1]!).toBeCloseTo(0.5 * 2 * 13, 4);
    expect(Object.keys(a.modules)).toEqual(['energy']);
    const img = energyMlp({ eventShape: [2, 2, 1], hidden: 4, layers: 1 });
    expect(img.energy(tf.ones([5, 2, 2, 1])).shape).toEqual([5]);
    await expectNoLeaks(() => a.energy(x));
    expect(() => energyMlp({ dim: 0 })).toThrow(/energyMlp: argument 'options.dim'/);
    expect(() => energyMlp({ dim: 2, activation: 'relu' as never })).toThrow(/options.activation/);
    [a, b, img].forEach((m) => m.dispose());
    x.dispose();
  });
});
