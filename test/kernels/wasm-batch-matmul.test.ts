import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { broadcastBatchIndices } from '../../src/kernels/wasm-batch-matmul.js';
import { expectNoLeaks } from '../helpers/index.js';
import { backendDataIds, expectWasmMatchesCpu, rand, useWasmWithLeakChecks, operand, TRANSPOSE_FLAGS } from './compare.js';

describe('wasm BatchMatMul override', () => {
  useWasmWithLeakChecks();

  for (const [tA, tB] of TRANSPOSE_FLAGS) {
    for (const [m, k, n] of [
      [1, 1, 1],
      [7, 13, 5],
      [67, 130, 33],
      [128, 64, 96],
      // Narrow weight gradients (Xᵀ·dY with few columns) go through the transposed result.
      [128, 96, 2],
      [19, 96, 128],
    ] as const) {
      it(`matches cpu for ${m}×${k}·${k}×${n}, transposeA=${tA}, transposeB=${tB}`, async () => {
        await expectWasmMatchesCpu(`${m}x${k}x${n} tA=${tA} tB=${tB}`, () =>
          tf.matMul(rand(operand([], m, k, tA), 1), rand(operand([], k, n, tB), 2), tA, tB),
        );
      });
    }
  }

  // Small matrices stay on the original kernel (SMALL_BATCHED_PRODUCT); larger ones take XNNPACK per matrix.
  for (const [m, k, n] of [
    [9, 17, 6],
    [24, 33, 25],
  ] as const) {
    for (const [tA, tB] of TRANSPOSE_FLAGS) {
      it(`matches cpu for batched 3-D ${m}×${k}·${k}×${n} with equal batches, transposeA=${tA}, transposeB=${tB}`, async () => {
        await expectWasmMatchesCpu(`batched ${m}x${k}x${n} tA=${tA} tB=${tB}`, () =>
          tf.matMul(rand(operand([3], m, k, tA), 3), rand(operand([3], k, n, tB), 4), tA, tB),
        );
      });
    }
  }

  const broadcasts: [string, number[], number[]][] = [
    ['rank-4 · rank-2', [2, 3], []],
    ['rank-2 · rank-3', [], [4]],
    ['[2,3] · [3] batches', [2, 3], [3]],
    ['[1,3] · [2,1] batches', [1, 3], [2, 1]],
    ['batch-1 · batch-5', [1], [5]],
  ];
  for (const [label, outerA, outerB] of broadcasts) {
    for (const [tA, tB] of TRANSPOSE_FLAGS) {
      for (const [m, k, n] of [
        [5, 8, 3],
        [24, 32, 24],
      ] as const) {
        it(`broadcasts batch dims (${label}), ${m}×${k}·${k}×${n}, transposeA=${tA}, transposeB=${tB}`, async () => {
          const a = () => rand(operand(outerA, m, k, tA), 5);
          const b = () => rand(operand(outerB, k, n, tB), 6);
          // The cpu kernel indexes batches modulo their size, which is wrong when both sides broadcast;
          // the reference materialises the broadcast first.
          const reference = () => {
            const outer = tf.broadcast_util.assertAndGetBroadcastShape(outerA, outerB);
            const full = (x: tf.Tensor, outerX: number[]) => {
              const padded = [...new Array<number>(outer.length - outerX.length).fill(1), ...outerX];
              const r = tf.reshape(x, [...padded, ...x.shape.slice(-2)]);
              return tf.tile(r, [...outer.map((d, i) => (padded[i] === 1 ? d : 1)), 1, 1]);
            };
            return tf.matMul(full(a(), outerA), full(b(), outerB), tA, tB);
          };
          await expectWasmMatchesCpu(`broadcast ${label} tA=${tA} tB=${tB}`, () => tf.matMul(a(), b(), tA, tB), {
            reference,
          });
        });
      }
    }
  }

  it('computes int32 products exactly and returns int32', async () => {
    await expectWasmMatchesCpu('int32', () => tf.matMul(rand([6, 4], 7, 'int32'), rand([5, 4], 8, 'int32'), false, true), {
      rtol: 0,
    });
  });

  it('handles empty shared and outer dimensions', async () => {
    await expectWasmMatchesCpu('k=0', () => tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 4]), false, false));
    await expectWasmMatchesCpu('m=0', () => tf.matMul(tf.zeros([0, 3]), rand([3, 4], 9), false, false));
    await expectWasmMatchesCpu('k=0, transposed', () => tf.matMul(tf.zeros([0, 3]), tf.zeros([4, 0]), true, true));
  });

  it('rejects mismatched inner dimensions with the tfjs message', async () => {
    expect(() => tf.tidy(() => tf.matMul(tf.zeros([2, 3]), tf.zeros([2, 3]), false, false))).toThrow(
      /inner shapes \(3\) and \(2\)/,
    );
  });

  it('gives the same gradients as cpu through transposed products', async () => {
    await expectWasmMatchesCpu('grads', () => {
      const a = rand([6, 9], 10);
      const b = rand([11, 9], 11);
      const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, false, true)));
      return tf.grads(f)([a, b]);
    });
  });

  it('uses one buffer as the right operand under two shapes without corrupting the heap', async () => {
    // tfjs-backend-wasm caches XNNPACK's packed weights under the right operand's buffer id only: the same
    // buffer seen again as [4, 1] (a vector's transpose or a reshape share it) used to reuse the weights
    // packed for [1, 4] and write outside the output ("memory access out of bounds" at a later free, or
    // wrong gradients). Every product and gradient of a K = 1 layer, and a reshaped weight, against cpu.
    await expectWasmMatchesCpu('shared right operand', () => {
      const out: tf.Tensor[] = [];
      for (const [rows, k, n] of [[1, 1, 4], [2, 1, 3], [3, 4, 1], [1, 5, 2]] as const) {
        const a = rand([rows, k], 20 + k);
        const w = rand([k, n], 30 + n);
        const dy = rand([rows, n], 40 + rows);
        for (let rep = 0; rep < 3; rep++) {
          out.push(...tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.mul(tf.matMul(x, y), dy))([a, w], tf.onesLike(dy)));
          out.push(tf.matMul(a, w), tf.matMul(dy, w, false, true), tf.matMul(rand([rows, n * k], 50), tf.reshape(w, [n * k, 1])));
        }
      }
      // allocations and frees after the products: a corrupted heap fails here
      tf.dispose(Array.from({ length: 20 }, (_, i) => tf.zeros([i + 1, 7])));
      return out;
    });
  });

  it('leaks neither tensors nor backend buffers', async () => {
    const a = rand([2, 3, 12, 7], 12);
    const b = rand([3, 9, 7], 13);
    const c = rand([7, 12], 14);
    const run = () => [
      tf.matMul(a, b, false, true),
      tf.matMul(c, b, true, true),
      tf.matMul(a, c, true, true),
      tf.matMul(c, c, true, false),
    ];
    await expectNoLeaks(run, { label: 'BatchMatMul' });
    const before = backendDataIds();
    tf.dispose(run());
    expect(backendDataIds()).toBe(before);
    tf.dispose([a, b, c]);
  });
});

describe('broadcastBatchIndices', () => {
  it('maps each result batch to its operand batches', () => {
    const [ia, ib] = broadcastBatchIndices([2, 1], [1, 3], [2, 3]);
    expect(Array.from(ia)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(ib)).toEqual([0, 1, 2, 0, 1, 2]);
    const [ja, jb] = broadcastBatchIndices([4], [], [4]);
    expect(Array.from(ja)).toEqual([0, 1, 2, 3]);
    expect(Array.from(jb)).toEqual([0, 0, 0, 0]);
  });
});
