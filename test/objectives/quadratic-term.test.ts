import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend.js';
import { quadraticTerm } from '../../src/objectives/quadratic-term.js';
import { expectNoLeaks } from '../helpers/index.js';

afterAll(async () => {
  await initBackend('wasm', { log: null });
});

/** The term as plain taped ops (what the objective wrote before the node). */
function plain(pred: tf.Tensor, target: tf.Tensor): tf.Scalar {
  const axes = Array.from({ length: pred.rank - 1 }, (_, i) => i + 1);
  return tf.mean(tf.sum(tf.sub(tf.mul(tf.square(pred), 0.5), tf.mul(target, pred)), axes)) as tf.Scalar;
}

const bits = (x: tf.Tensor) => Array.from(x.dataSync());

describe('quadraticTerm', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    // [batch, d] on wasm: the node's JavaScript loops (several row counts and widths); rank 4: the tape node of tf ops
    for (const shape of [[37, 2], [512, 2], [3, 17], [1000, 7], [5, 2, 3, 1]]) {
      it(`${backend}, [${shape}]: value and gradients (weights, pred, target) bit-identical to the plain ops`, async () => {
        await initBackend(backend, { log: null });
        const n = shape[0]!;
        const width = shape.slice(1).reduce((a, b) => a * b, 1);
        const x = tf.randomNormal([n, 3], 0, 1, 'float32', 1);
        const w = tf.variable(tf.randomNormal([3, width], 0, 1, 'float32', 2));
        const target = tf.randomNormal(shape, 0, 2, 'float32', 3);
        // Weights other than 1 and two terms (each on its own prediction, as in the objective), so dy is
        // neither 1 nor a power of two and the weight gradient accumulates over both.
        const loss = (term: typeof plain) => () => {
          const pred = tf.reshape(tf.matMul(x, w), shape);
          const pred2 = tf.reshape(tf.matMul(tf.mul(x, 1.7), w), shape);
          return tf.add(tf.mul(term(pred, target), 0.3), tf.mul(term(pred2, target), 0.45)) as tf.Scalar;
        };
        const a = tf.variableGrads(loss(plain), [w]);
        const b = tf.variableGrads(loss(quadraticTerm), [w]);
        expect(bits(b.value)).toEqual(bits(a.value));
        expect(bits(b.grads[w.name]!)).toEqual(bits(a.grads[w.name]!));
        // Input gradients, in pred and in target.
        const pred0 = tf.randomNormal(shape, 0, 1, 'float32', 4);
        const ga = tf.grads((p: tf.Tensor, y: tf.Tensor) => tf.mul(plain(p, y), 0.3) as tf.Scalar)([pred0, target]);
        const gb = tf.grads((p: tf.Tensor, y: tf.Tensor) => tf.mul(quadraticTerm(p, y), 0.3) as tf.Scalar)([pred0, target]);
        expect(bits(gb[0]!)).toEqual(bits(ga[0]!));
        expect(bits(gb[1]!)).toEqual(bits(ga[1]!));
        // Closed form of ∂/∂pred: (pred − target) / rows · 0.3, to float32 accuracy (the comparison above is not between zeros).
        const expected = tf.mul(tf.sub(pred0, target), 0.3 / n);
        const diff = tf.max(tf.abs(tf.sub(gb[0]!, expected))).dataSync()[0]!;
        expect(diff).toBeLessThan(1e-6 * (1 + tf.max(tf.abs(expected)).dataSync()[0]!));
        // Without a tape: the plain ops' value.
        expect(bits(quadraticTerm(pred0, target))).toEqual(bits(plain(pred0, target)));
        await expectNoLeaks(() => tf.tidy(() => tf.variableGrads(loss(quadraticTerm), [w]).value), { label: 'taped term' });
        // Nor on the backend's side (the wasm node's direct kernel calls create data the engine never sees).
        const dataIds = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
        tf.dispose(tf.tidy(() => tf.variableGrads(loss(quadraticTerm), [w]).value));
        const before = dataIds();
        for (let i = 0; i < 2; i++) tf.dispose(tf.tidy(() => tf.variableGrads(loss(quadraticTerm), [w]).value));
        expect(dataIds()).toBe(before);
        tf.dispose([x, w, target, a.value, a.grads[w.name]!, b.value, b.grads[w.name]!, pred0, ...ga, ...gb, expected]);
      });
    }
  }
});
