import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { FUSED_ADAM_KERNEL, type FusedAdamAttrs, type FusedAdamRule } from '../../src/kernels/wasm-fused-adam.js';
import { setSimdAdamKernel, simdAdamKernel } from '../../src/kernels/wasm-simd-adam.js';
import type { WasmBackendLike } from '../../src/kernels/wasm-common.js';
import { heapAddress } from '../../src/kernels/wasm-simd-module.js';
import { expectNoLeaks } from '../helpers/index.js';
import { backendDataIds, expectSameBits, seeded, useWasmWithLeakChecks } from './compare.js';

const f = Math.fround;

/** Realistic float32 scalars for `rule` at step t = 3, with or without decay. */
function attrs(rule: FusedAdamRule, decays: boolean, count: number): FusedAdamAttrs {
  const lr = 0.01;
  const [b1, b2] = [f(0.9), f(0.999)];
  return {
    rule,
    count,
    beta1: b1,
    oneMinusBeta1: f(1 - b1),
    beta2: b2,
    oneMinusBeta2: f(1 - b2),
    c1: rule === 'adam' ? f(1 - f(f(b1 * b1) * b1)) : f(lr / (1 - 0.9 ** 3)),
    c2: f(1 - f(f(b2 * b2) * b2)),
    epsilon: rule === 'adam' ? f(1e-7) : f(1e-12),
    negLearningRate: f(-lr),
    decay: decays ? f(1 - lr * 0.3) : 1,
  };
}

/** One variable's inputs of n elements: gradients with exact zeros of both signs, m of either sign, s ≥ 0. */
function variable(n: number, seed: number): { value: tf.Tensor; grad: tf.Tensor; m: tf.Tensor; s: tf.Tensor } {
  const g = seeded(n, seed + 1);
  for (let k = 0; k < n; k += 7) g[k] = k % 14 === 0 ? 0 : -0;
  const s = seeded(n, seed + 3).map((x) => x * x * 1e-3);
  return {
    value: tf.tensor1d(seeded(n, seed)),
    grad: tf.tensor1d(g),
    m: tf.tensor1d(seeded(n, seed + 2).map((x) => x * 0.1)),
    s: tf.tensor1d(s),
  };
}

/** Runs the fused kernel on `vars` (SIMD or JavaScript loops) and reads back every output. */
function runKernel(a: FusedAdamAttrs, vars: ReturnType<typeof variable>[], simd: boolean): Float32Array[] {
  setSimdAdamKernel(simd);
  const inputs: tf.NamedTensorMap = {};
  vars.forEach(({ value, grad, m, s }, i) => Object.assign(inputs, { [`value${i}`]: value, [`grad${i}`]: grad, [`m${i}`]: m, [`s${i}`]: s }));
  const outs = tf.engine().runKernel(FUSED_ADAM_KERNEL, inputs, a as unknown as NamedAttrMap) as unknown as tf.Tensor[];
  const values = outs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outs);
  return values;
}

/** The same update as tfjs elementwise ops (each a correctly rounded float32 operation). */
function tfjsOps(a: FusedAdamAttrs, v: ReturnType<typeof variable>): Float32Array[] {
  return tf.tidy(() => {
    const c = (x: number) => tf.scalar(x);
    const m1 = tf.add(tf.mul(v.m, c(a.beta1)), tf.mul(v.grad, c(a.oneMinusBeta1)));
    const theta = a.decay === 1 ? v.value : tf.mul(v.value, c(a.decay));
    let s1: tf.Tensor;
    let value: tf.Tensor;
    if (a.rule === 'adam') {
      s1 = tf.add(tf.mul(v.s, c(a.beta2)), tf.mul(tf.mul(v.grad, v.grad), c(a.oneMinusBeta2)));
      const ratio = tf.div(tf.div(m1, c(a.c1)), tf.add(tf.sqrt(tf.div(s1, c(a.c2))), c(a.epsilon)));
      value = tf.add(tf.mul(ratio, c(a.negLearningRate)), theta);
    } else {
      const r = tf.sub(v.grad, m1);
      s1 = tf.add(tf.add(tf.mul(v.s, c(a.beta2)), tf.mul(tf.mul(r, r), c(a.oneMinusBeta2))), c(a.epsilon));
      const delta = tf.mul(tf.div(m1, tf.add(tf.sqrt(tf.div(s1, c(a.c2))), c(a.epsilon))), c(a.c1));
      value = tf.sub(theta, delta);
    }
    return [value, m1, s1].map((t) => t.dataSync() as Float32Array);
  });
}

describe('SIMD fused Adam-family update', () => {
  useWasmWithLeakChecks();
  afterEach(() => setSimdAdamKernel(true));

  for (const rule of ['adam', 'adabelief'] as const) {
    for (const decays of [false, true]) {
      it(`${rule}${decays ? ' with decay' : ''}: bit-identical to the JavaScript loops and to tfjs ops (n = 1…15 not multiples of 4, 35 013, 35 015)`, () => {
        // Many sizes that are not multiples of 4: the scalar tail runs on 28 elements, the vector loop on the rest.
        const sizes = [1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15, 35013, 35015];
        const vars = sizes.map((n, i) => variable(n, 100 * i + (decays ? 7 : 0)));
        const a = attrs(rule, decays, vars.length);
        expect(simdAdamKernel(tf.backend() as unknown as WasmBackendLike, a)).not.toBeNull();
        const simd = runKernel(a, vars, true);
        const loops = runKernel(a, vars, false);
        sizes.forEach((n, i) => {
          const ops = tfjsOps(a, vars[i]!);
          ['value', 'm', 's'].forEach((name, j) => {
            expectSameBits(simd[3 * i + j]!, loops[3 * i + j]!, `${rule} n=${n} ${name} (SIMD vs loops)`);
            expectSameBits(simd[3 * i + j]!, ops[j]!, `${rule} n=${n} ${name} (SIMD vs tfjs ops)`);
          });
          // The update moved every value (a no-op kernel would pass the comparisons of m and s only).
          const before = vars[i]!.value.dataSync();
          expect(simd[3 * i]!.every((x, k) => x !== before[k])).toBe(true);
        });
        tf.dispose(vars.flatMap((v) => [v.value, v.grad, v.m, v.s]));
      });
    }
  }

  it('declines scalars that are not float32 values (the loops then run)', () => {
    const backend = tf.backend() as unknown as WasmBackendLike;
    const a = attrs('adam', false, 1);
    expect(simdAdamKernel(backend, a)).not.toBeNull();
    expect(simdAdamKernel(backend, { ...a, beta1: 0.9 })).toBeNull();
    setSimdAdamKernel(false);
    expect(simdAdamKernel(backend, a)).toBeNull();
  });

  it('writes exactly n values of each output (guard values on both sides stay)', () => {
    const backend = tf.backend() as unknown as WasmBackendLike;
    for (const rule of ['adam', 'adabelief'] as const) {
      const a = attrs(rule, true, 1);
      for (const n of [1, 2, 3, 4, 5, 7, 8, 13]) {
        setSimdAdamKernel(true); // runKernel(…, false) below turns it off
        const kernel = simdAdamKernel(backend, a)!;
        const v = variable(n, n);
        const guard = 8;
        const outs = [0, 1, 2].map(() => tf.fill([n + 2 * guard], -777.25));
        const at = (t: tf.Tensor) => heapAddress(backend, t);
        const inner = outs.map((t) => at(t) + 4 * guard);
        const args = [at(v.value), at(v.grad), at(v.m), at(v.s), inner[0]!, inner[1]!, inner[2]!, n, a.beta1, a.oneMinusBeta1, a.beta2, a.oneMinusBeta2, a.c1, a.c2, a.epsilon] as const;
        if (rule === 'adam') kernel.adam(...args, a.negLearningRate, a.decay, 1);
        else kernel.adaBelief(...args, a.decay, 1);
        const reference = runKernel(a, [v], false);
        outs.forEach((t, j) => {
          const got = t.dataSync() as Float32Array;
          for (let k = 0; k < guard; k++) {
            expect(got[k], `${rule} n=${n} output ${j} guard before`).toBe(-777.25);
            expect(got[guard + n + k], `${rule} n=${n} output ${j} guard after`).toBe(-777.25);
          }
          expectSameBits(got.slice(guard, guard + n), reference[j]!, `${rule} n=${n} output ${j}`);
        });
        tf.dispose([...outs, v.value, v.grad, v.m, v.s]);
      }
    }
  });

  it('leaks neither tensors nor backend buffers', async () => {
    const vars = [variable(9, 1), variable(4, 2)];
    const a = attrs('adam', true, 2);
    const run = () => {
      const inputs: tf.NamedTensorMap = {};
      vars.forEach(({ value, grad, m, s }, i) => Object.assign(inputs, { [`value${i}`]: value, [`grad${i}`]: grad, [`m${i}`]: m, [`s${i}`]: s }));
      return tf.engine().runKernel(FUSED_ADAM_KERNEL, inputs, a as unknown as NamedAttrMap) as unknown as tf.Tensor[];
    };
    await expectNoLeaks(run, { label: 'SIMD Adam' });
    const before = backendDataIds();
    tf.dispose(run());
    expect(backendDataIds()).toBe(before);
    tf.dispose(vars.flatMap((v) => [v.value, v.grad, v.m, v.s]));
  });
});
