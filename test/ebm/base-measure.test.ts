import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { quadraticEnergy } from '../../models/quadratic-energy.js';
import { standardNormal } from '../../src/distributions/standard-normal.js';
import type { Distribution } from '../../src/distributions/types.js';
import { baseMeasureNoise } from '../../src/ebm/base-measure.js';
import { importanceLogPartition } from '../../src/ebm/importance-log-partition.js';
import { nceTask } from '../../src/ebm/nce-task.js';
import { noiseBank } from '../../src/ebm/noise-source.js';
import { ArgumentError } from '../../src/errors.js';
import { SeedStream } from '../../src/random.js';
import { Trainer } from '../../src/train/trainer.js';
import { expectNoLeaks } from '../helpers/index.js';

// N(0, 1) that can only be sampled: a base measure never needs log q.
const q = standardNormal([1]);
const samplerOnly: Distribution = { eventShape: [1], description: 'N(0, 1), sampler only', sample: (n, seeds) => q.sample(n, seeds) };

describe('baseMeasureNoise', () => {
  it('draws q and reports log density 0; never calls logProb; no leaks', async () => {
    const base = baseMeasureNoise(samplerOnly);
    const { x, logq } = await base.draw(1000, new SeedStream(4));
    const ref = q.sample(1000, new SeedStream(4));
    expect(Array.from(x.dataSync())).toEqual(Array.from(ref.dataSync()));
    expect(Array.from(logq.dataSync()).every((v) => v === 0)).toBe(true);
    const lp = await base.logProb(ref);
    expect(lp.shape).toEqual([1000]);
    expect(Array.from(lp.dataSync()).every((v) => v === 0)).toBe(true);
    tf.dispose([x, logq, ref, lp]);
    await expectNoLeaks(async () => {
      const d = await base.draw(64, new SeedStream(1));
      return [d.x, d.logq, await base.logProb(d.x)];
    });
  });

  it('wraps a noise bank: the bank’s draws, log density 0, disposed with it', async () => {
    const bank = noiseBank(q, { size: 50, seed: 2 });
    const base = baseMeasureNoise(bank);
    const a = await base.draw(20, new SeedStream(7));
    const b = await bank.draw(20, new SeedStream(7));
    expect(Array.from(a.x.dataSync())).toEqual(Array.from(b.x.dataSync()));
    expect(Array.from(a.logq.dataSync()).every((v) => v === 0)).toBe(true);
    expect(Array.from(b.logq.dataSync()).every((v) => v < 0)).toBe(true);
    tf.dispose([a.x, a.logq, b.x, b.logq]);
    const before = tf.memory().numTensors;
    base.dispose();
    expect(tf.memory().numTensors).toBe(before - 2); // the bank's x and log q
  });

  it('importanceLogPartition against the base measure: log E_q[exp(−(x − θ)²/2)] = −½ log 2 − θ²/4 within 4 SE', async () => {
    const model = quadraticEnergy({ mean: 1 });
    const z = await importanceLogPartition(model.energy, baseMeasureNoise(samplerOnly), { samples: 20000, seed: 3 });
    const exact = -0.5 * Math.log(2) - 0.25;
    expect(z.standardError).toBeGreaterThan(0);
    expect(z.standardError).toBeLessThan(0.01);
    expect(Math.abs(z.logZ - exact)).toBeLessThan(4 * z.standardError);
    model.dispose?.();
  });

  it('NCE relative to q fits the residual: q·exp(−(x − θ)²/2) ∝ N(θ/2, ½), so θ → 2·x̄ and c → −½ log 2 − θ²/4', async () => {
    // 500 fixed points of N(0.6, ½): the model's mean θ/2 should match their average
    const x = tf.tidy(() => tf.add(tf.mul(tf.randomNormal([500, 1], 0, 1, 'float32', 21), Math.SQRT1_2), 0.6));
    const xBar = Array.from(x.dataSync()).reduce((a, v) => a + v, 0) / 500;
    const model = quadraticEnergy({ mean: 0 });
    const task = nceTask({ model, data: x, noise: baseMeasureNoise(samplerOnly), nu: 8 });
    const trainer = new Trainer({ task, steps: 400, learningRate: 0.05, seed: 3 });
    await trainer.train();
    const theta = model.mean.dataSync()[0]!;
    const c = task.logNormalizer.dataSync()[0]!;
    expect(Math.abs(theta / 2 - xBar)).toBeLessThan(0.03);
    expect(Math.abs(c - (-0.5 * Math.log(2) - (theta * theta) / 4))).toBeLessThan(0.05);
    trainer.dispose();
    task.dispose();
    x.dispose();
  });

  it('bad input → ArgumentError naming baseMeasureNoise and q', () => {
    expect(() => baseMeasureNoise(42 as never)).toThrow(ArgumentError);
    expect(() => baseMeasureNoise({} as never)).toThrow(/baseMeasureNoise.*q/);
  });
});
