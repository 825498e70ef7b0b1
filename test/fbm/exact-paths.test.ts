import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { fbmCovariance } from '../../src/fbm/covariance.js';
import { sampleFbmPaths, sampleGaussianPaths } from '../../src/fbm/exact-paths.js';
import { SeedStream } from '../../src/random.js';
import { expectNoLeaks } from '../helpers/index.js';
import { sampleMoments } from '../helpers/statistics.js';

/** Worst |empirical − exact| / SE over the covariance entries of the columns `cols`. */
function worstZ(x: tf.Tensor2D, cols: number[], exact: (a: number, b: number) => number): number {
  const sub = tf.tidy(() => tf.gather(x, cols, 1)) as tf.Tensor2D;
  const m = sampleMoments(sub);
  sub.dispose();
  let worst = 0;
  cols.forEach((a, i) => cols.forEach((b, j) => (worst = Math.max(worst, Math.abs(m.cov[i]![j]! - exact(a, b)) / m.covSE[i]![j]!))));
  return worst;
}

describe('exact fBM paths', () => {
  it('Cholesky paths have the exact covariance (type II, H = 0.3, irregular grid) within 4 SE', () => {
    const times = [0.05, 0.2, 0.5, 0.55, 1];
    const x = sampleFbmPaths({ hurst: 0.3, type: 'II', times, samples: 6000, seed: 1 });
    expect(x.shape).toEqual([6000, 5]);
    const z = worstZ(x, [0, 1, 2, 3, 4], (a, b) => fbmCovariance({ hurst: 0.3, type: 'II' }, times[a]!, times[b]!));
    x.dispose();
    console.info(`Cholesky type II: worst |cov error|/SE = ${z.toFixed(2)} (n = 6000)`);
    expect(z).toBeLessThan(4);
  });

  it('Davies–Harte paths (type I, H = 0.7, 1000 regular steps) have V_H·½(t^{2H} + s^{2H} − |t−s|^{2H}) within 4 SE', () => {
    const steps = 1000;
    const x = sampleFbmPaths({ hurst: 0.7, type: 'I', steps, horizon: 2, samples: 2000, seed: 2 });
    expect(x.shape).toEqual([2000, steps]);
    const cols = [0, 99, 499, 999]; // t = 0.002, 0.2, 1, 2
    const time = (c: number) => ((c + 1) * 2) / steps;
    const z = worstZ(x, cols, (a, b) => fbmCovariance({ hurst: 0.7, type: 'I' }, time(a), time(b)));
    x.dispose();
    console.info(`Davies–Harte type I: worst |cov error|/SE = ${z.toFixed(2)} (n = 2000)`);
    expect(z).toBeLessThan(4);
  });

  it('Davies–Harte and Cholesky agree in law on the same grid; same seed, same paths', () => {
    const a = sampleFbmPaths({ hurst: 0.3, type: 'I', steps: 8, samples: 4000, seed: 5, method: 'davies-harte' });
    const z = worstZ(a, [0, 3, 7], (i, j) => fbmCovariance({ hurst: 0.3, type: 'I' }, (i + 1) / 8, (j + 1) / 8));
    expect(z).toBeLessThan(4);
    const b = sampleFbmPaths({ hurst: 0.3, type: 'I', steps: 8, samples: 4000, seed: 5, method: 'davies-harte' });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    const c = sampleFbmPaths({ hurst: 0.3, type: 'I', steps: 8, samples: 3, seed: new SeedStream(6) });
    expect(Array.from(c.dataSync())).not.toEqual(Array.from(a.dataSync()).slice(0, 24));
    tf.dispose([a, b, c]);
  });

  it('sampleGaussianPaths handles a singular covariance (repeated time)', () => {
    const cov = Float64Array.from([1, 1, 1, 1]);
    const x = sampleGaussianPaths(cov, 2, { samples: 10, seed: 3 });
    const d = x.dataSync();
    for (let r = 0; r < 10; r++) expect(d[2 * r]).toBeCloseTo(d[2 * r + 1]!, 6);
    x.dispose();
  });

  it('rejects bad options and leaks nothing', async () => {
    expect(() => sampleFbmPaths({ hurst: 1.5, type: 'I', steps: 4, samples: 2, seed: 1 })).toThrow(/sampleFbmPaths: argument 'options\.hurst'/);
    expect(() => sampleFbmPaths({ hurst: 0.5, type: 'I', samples: 2, seed: 1 })).toThrow(/exactly one of options\.times or options\.steps/);
    expect(() => sampleFbmPaths({ hurst: 0.5, type: 'I', times: [0.5, 0.2], samples: 2, seed: 1 })).toThrow(/strictly increasing/);
    expect(() => sampleFbmPaths({ hurst: 0.5, type: 'II', steps: 4, samples: 2, seed: 1, method: 'davies-harte' })).toThrow(ArgumentError);
    expect(() => sampleFbmPaths({ hurst: 0.5, type: 'I', steps: 4, horizon: 0, samples: 2, seed: 1 })).toThrow(/options\.horizon'/);
    await expectNoLeaks(() => sampleFbmPaths({ hurst: 0.4, type: 'I', steps: 300, samples: 4, seed: 1 }));
  });
});
