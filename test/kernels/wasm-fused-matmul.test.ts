import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../helpers/index.js';
import { backendDataIds, expectWasmMatchesCpu, rand, useWasmWithLeakChecks, withoutKernelLeakCheck, TRANSPOSE_FLAGS } from './compare.js';

const ACTIVATIONS = ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu', 'prelu'] as const;
/** `tf.fused.matMul` of seeded operands; batch dims `outerA`/`outerB`, m=10, k=12, n=6. */
function fused(
  tA: boolean,
  tB: boolean,
  activation: (typeof ACTIVATIONS)[number],
  biasShape: number[] | null,
  outerA: number[] = [],
  outerB: number[] = [],
): tf.Tensor {
  const [m, k, n] = [10, 12, 6];
  const a = rand(tA ? [...outerA, k, m] : [...outerA, m, k], 21);
  const b = rand(tB ? [...outerB, n, k] : [...outerB, k, n], 22);
  return tf.fused.matMul({
    a,
    b,
    transposeA: tA,
    transposeB: tB,
    bias: biasShape === null ? undefined : rand(biasShape, 23),
    activation,
    preluActivationWeights: activation === 'prelu' ? rand([n], 24) : undefined,
    leakyreluAlpha: 0.15,
  });
}

describe('wasm _FusedMatMul override', () => {
  useWasmWithLeakChecks();

  for (const activation of ACTIVATIONS) {
    for (const [tA, tB] of TRANSPOSE_FLAGS) {
      it(`matches cpu: ${activation}, rank-1 bias, transposeA=${tA}, transposeB=${tB}`, async () => {
        await expectWasmMatchesCpu(`${activation} tA=${tA} tB=${tB}`, () => fused(tA, tB, activation, [6]));
      });
    }
  }

  for (const biasShape of [null, [1], [1, 6], [10, 6], [3, 1, 6]]) {
    it(`matches cpu with bias shape ${JSON.stringify(biasShape)} on batched inputs`, async () => {
      await expectWasmMatchesCpu(`bias ${JSON.stringify(biasShape)}`, () =>
        fused(false, true, 'relu', biasShape, [3], [3]),
      );
    });
  }

  it('matches cpu when a batch of left operands shares one right operand', async () => {
    await expectWasmMatchesCpu('many x one', () => fused(true, false, 'relu', [6], [4], [1]));
    await expectWasmMatchesCpu('one x many', () => fused(false, false, 'sigmoid', [6], [1], [4]));
  });

  it('gives the same gradients as cpu (the fused gradient runs transposed products)', async () => {
    await withoutKernelLeakCheck(() =>
      expectWasmMatchesCpu('fused grads', () => {
        const a = rand([10, 12], 25);
        const b = rand([12, 6], 26);
        const bias = rand([6], 27);
        const f = (x: tf.Tensor, y: tf.Tensor, z: tf.Tensor) =>
          tf.sum(tf.square(tf.fused.matMul({ a: x, b: y, bias: z, activation: 'linear' })));
        return tf.grads(f)([a, b, bias]);
      }),
    );
  });

  it('leaks neither tensors nor backend buffers', async () => {
    const run = () =>
      tf.tidy(() => [fused(true, true, 'prelu', [10, 6], [2], [2]), fused(false, false, 'relu', [6]), fused(true, false, 'elu', [1])]);
    await expectNoLeaks(run, { label: '_FusedMatMul' });
    const before = backendDataIds();
    tf.dispose(run());
    expect(backendDataIds()).toBe(before);
  });
});
