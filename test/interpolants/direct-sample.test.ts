import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend.js';
import { setDirectWasmKernels } from '../../src/kernels/wasm-direct.js';
import { GAMMA_NAMES } from '../../src/interpolants/gamma.js';
import { makeInterpolant } from '../../src/interpolants/index.js';
import type { Interpolant } from '../../src/interpolants/types.js';
import { expectNoLeaks } from '../helpers/index.js';

// interpolant.sample on wasm computes x_t and the targets by direct kernel calls when no tape records
// (src/interpolants/direct-ops.ts); the truth is the same computation through tf ops (direct calls off).

type Draw = { x0: tf.Tensor; x1: tf.Tensor; t: tf.Tensor1D; z: tf.Tensor };

function draw(shape: number[], seed: number): Draw {
  return {
    x0: tf.randomNormal(shape, 0, 1, 'float32', seed),
    x1: tf.randomNormal(shape, 0, 1, 'float32', seed + 1),
    t: tf.randomUniform([shape[0]!], 1e-3, 1 - 1e-3, 'float32', seed + 2) as tf.Tensor1D,
    z: tf.randomNormal(shape, 0, 1, 'float32', seed + 3),
  };
}

function sampleValues(I: Interpolant, d: Draw, direct: boolean): Float32Array[] {
  setDirectWasmKernels(direct);
  try {
    return tf.tidy(() => {
      const s = I.sample(I.mirror ? null : d.x0, d.x1, d.t, d.z);
      return [s.xt, s.dxt, s.interp, s.dInterp];
    }).map((x) => {
      const v = x.dataSync() as Float32Array;
      x.dispose();
      return v;
    });
  } finally {
    setDirectWasmKernels(true);
  }
}

/** Kernels issued through tfjs's engine while `fn` runs. */
function engineKernels(fn: () => void): string[] {
  const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
  const original = engine.runKernel.bind(engine);
  const names: string[] = [];
  engine.runKernel = (name: string, ...rest: unknown[]) => {
    names.push(name);
    return original(name, ...rest);
  };
  try {
    fn();
  } finally {
    delete (engine as { runKernel?: unknown }).runKernel;
  }
  return names;
}

describe('interpolant.sample by direct wasm kernel calls', () => {
  let previous = '';
  beforeAll(async () => {
    previous = tf.getBackend();
    await initBackend('wasm', { log: null });
  });
  afterAll(async () => {
    setDirectWasmKernels(true);
    if (previous) await initBackend(previous, { log: null });
  });

  const families: [string, Record<string, unknown>][] = [
    ['linear', {}],
    ['trig', {}],
    ['vp-trig', {}],
    ['one-sided-linear', {}],
    ['one-sided-trig', {}],
    ['one-sided-vp', {}],
    ['mirror', {}],
    ['encoder-decoder', {}],
    ...GAMMA_NAMES.map((g) => ['linear', { gamma: g }] as [string, Record<string, unknown>]),
  ];
  for (const [name, options] of families) {
    it(`${name} ${JSON.stringify(options)}: the same bits as through tf ops, [64, 2] and [4, 3, 3, 2]`, () => {
      const I = makeInterpolant(name, options);
      for (const shape of [[64, 2], [4, 3, 3, 2]]) {
        const d = draw(shape, 7);
        const engine = sampleValues(I, d, false);
        const direct = sampleValues(I, d, true);
        engine.forEach((v, i) => expect(new Uint32Array(direct[i]!.buffer), `${name} output ${i} ${shape}`).toEqual(new Uint32Array(v.buffer)));
        tf.dispose(Object.values(d));
      }
    });
  }

  it('issues no engine kernel for a closed-form family, and falls back for encoder-decoder (a where)', () => {
    const d = draw([16, 2], 3);
    for (const [name, expectEngine] of [['one-sided-linear', false], ['linear', false], ['encoder-decoder', true]] as const) {
      const I = makeInterpolant(name);
      const kernels = engineKernels(() => tf.dispose(Object.values(I.sample(d.x0, d.x1, d.t, d.z))));
      expect(kernels.length > 0, `${name}: ${kernels.join(',')}`).toBe(expectEngine);
    }
    tf.dispose(Object.values(d));
  });

  it('under a recording tape it goes through tf ops, so gradients flow (d x_t / d x1 = β(t) per row)', () => {
    const I = makeInterpolant('linear');
    const d = draw([8, 2], 5);
    const g = tf.grad((x1: tf.Tensor) => tf.sum(I.sample(d.x0, x1, d.t, d.z).xt))(d.x1);
    const expected = tf.tidy(() => tf.mul(tf.reshape(d.t, [8, 1]), tf.onesLike(d.x1)));
    expect(Array.from(g.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([g, expected, ...Object.values(d)]);
  });

  it('inputs still on another backend go through tf ops (which move them), with the same values', async () => {
    await initBackend('cpu', { log: null });
    const d = draw([16, 2], 11);
    await initBackend('wasm', { log: null });
    const I = makeInterpolant('linear');
    const moved = sampleValues(I, d, true);
    const onWasm: Draw = { x0: tf.tensor(d.x0.dataSync(), d.x0.shape), x1: tf.tensor(d.x1.dataSync(), d.x1.shape), t: tf.tensor1d(d.t.dataSync()), z: tf.tensor(d.z.dataSync(), d.z.shape) };
    const direct = sampleValues(I, onWasm, true);
    moved.forEach((v, i) => expect(new Uint32Array(direct[i]!.buffer)).toEqual(new Uint32Array(v.buffer)));
    tf.dispose([...Object.values(d), ...Object.values(onWasm)]);
  });

  it('leaks no tensor', async () => {
    const I = makeInterpolant('linear', { gamma: 'sqrt' });
    const d = draw([32, 2], 9);
    await expectNoLeaks(() => tf.tidy(() => Object.values(I.sample(d.x0, d.x1, d.t, d.z))), { repeats: 3 });
    const ids = tf.engine().backend.numDataIds();
    tf.dispose(Object.values(I.sample(d.x0, d.x1, d.t, d.z)));
    expect(tf.engine().backend.numDataIds()).toBe(ids);
    tf.dispose(Object.values(d));
  });
});
