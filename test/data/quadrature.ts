// Shared by the data tests: midpoint-rule integral of exp(logDensity) over [−L, L]² on a g × g grid.
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../../src/data/types.js';

export async function gridIntegral(data: Dataset, half: number, g: number): Promise<number> {
  const h = (2 * half) / g;
  const pts = new Float32Array(2 * g * g);
  for (let i = 0; i < g; i++) {
    for (let j = 0; j < g; j++) {
      pts[2 * (i * g + j)] = -half + (i + 0.5) * h;
      pts[2 * (i * g + j) + 1] = -half + (j + 0.5) * h;
    }
  }
  const total = tf.tidy(() => tf.sum(tf.exp(data.logDensity!(tf.tensor2d(pts, [g * g, 2])))));
  const value = (await total.data())[0]!;
  total.dispose();
  return value * h * h;
}
