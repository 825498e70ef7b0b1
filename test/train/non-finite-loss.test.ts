import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import type { TrainingTask } from '../../src/train/task.js';
import { setDirectWasmKernels } from '../../src/kernels/wasm-direct.js';
import { NonFiniteLossError, Trainer } from '../../src/train/trainer.js';
import { describeEachBackend, expectNoLeaks } from '../helpers/index.js';

/**
 * A task whose loss at the 1-based step s is exactly `script(s)` (0·v + c, with v a trained scalar), with
 * two terms: the loss itself and half of it. Lets the tests place ±∞ and NaN at chosen steps and know
 * every window's mean in closed form.
 */
function scriptedTask(script: (step: number) => number): TrainingTask<tf.Scalar> & { v: tf.Variable } {
  const v = tf.variable(tf.scalar(1));
  return {
    name: 'scripted',
    modules: {},
    variables: { v },
    terms: ['same', 'half'],
    v,
    drawBatch: (step: number) => tf.scalar(script(step + 1)),
    loss(c) {
      const total = tf.add(tf.mul(v, 0), c) as tf.Scalar;
      return { total, terms: { same: total, half: tf.mul(c, 0.5) as tf.Scalar } };
    },
  };
}

/** Trains the scripted task for `steps` steps, logging every `logEvery`; the error it stops with, or the log. */
async function run(script: (step: number) => number, steps: number, logEvery: number): Promise<{ error?: NonFiniteLossError; losses: number[]; halves: number[] }> {
  const task = scriptedTask(script);
  const trainer = new Trainer({ task, steps, logEvery, learningRate: 0.1 });
  const losses: number[] = [];
  const halves: number[] = [];
  try {
    await trainer.train();
  } catch (e) {
    if (!(e instanceof NonFiniteLossError)) throw e;
    return { error: e, losses, halves };
  } finally {
    trainer.dispose();
    task.v.dispose();
  }
  return { losses, halves };
}

/** The window means of the scripted losses, computed here with float32 running sums (as the trainer sums). */
function windowMeans(script: (step: number) => number, steps: number, logEvery: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let s = 1; s <= steps; s++) {
    sum = Math.fround(sum + Math.fround(script(s)));
    if (s % logEvery === 0 || s === steps) {
      out.push(sum / (s % logEvery === 0 ? logEvery : s % logEvery));
      sum = 0;
    }
  }
  return out;
}

/**
 * Runs `body` once per way the trainer keeps its sums on `backend`: on wasm with direct kernel calls (the
 * sums computed on the backend's memory) and without (the kernels); elsewhere the kernels only.
 */
async function eachMode(backend: string, body: () => Promise<void>): Promise<void> {
  for (const direct of backend === 'wasm' ? [true, false] : [true]) {
    setDirectWasmKernels(direct);
    try {
      await body();
    } finally {
      setDirectWasmKernels(true);
    }
  }
}

describeEachBackend('the trainer reports the first step whose loss is not finite', (backend) => {
  const at = (bad: Record<number, number>) => (s: number) => bad[s] ?? s;

  it.each([
    ['NaN in the middle of a window, finite losses after it', { 8: Number.NaN }, 8],
    ['+∞ at the first step of a window', { 6: Number.POSITIVE_INFINITY }, 6],
    ['−∞ at the very first step', { 1: Number.NEGATIVE_INFINITY }, 1],
    ['two bad steps in one window (NaN, then +∞): the first', { 3: Number.NaN, 4: Number.POSITIVE_INFINITY }, 3],
    ['+∞ then −∞ (their sum is NaN): the first', { 12: Number.POSITIVE_INFINITY, 13: Number.NEGATIVE_INFINITY }, 12],
    ['at the last step of a window', { 10: Number.NaN }, 10],
  ])('%s', async (_label, bad, first) => {
    await eachMode(backend, async () => {
      const { error } = await run(at(bad), 20, 5);
      expect(error).toBeInstanceOf(NonFiniteLossError);
      expect(error!.step).toBe(first);
      expect(error!.message).toMatch(new RegExp(`non-finite at step ${first};`));
    });
  });

  it('finite losses whose float32 window sum overflows are not an error: the window mean is +∞', async () => {
    await eachMode(backend, async () => {
      const script = (s: number) => (s <= 5 ? 3e38 : s);
      const task = scriptedTask(script);
      const trainer = new Trainer({ task, steps: 10, logEvery: 5, learningRate: 0.1 });
      const { history } = await trainer.train();
      expect(history.map((h) => h.loss)).toEqual(windowMeans(script, 10, 5));
      expect(history[0]!.loss).toBe(Number.POSITIVE_INFINITY);
      expect(history[1]!.loss).toBe(8);
      expect(history[1]!.terms).toEqual({ same: 8, half: 4 });
      trainer.dispose();
      task.v.dispose();
    });
  });

  it('the logged window means are the float32 running sums over the steps of each window, divided by their count', async () => {
    await eachMode(backend, async () => {
      const script = (s: number) => 0.1 * s + 1 / (s + 2);
      const task = scriptedTask(script);
      const trainer = new Trainer({ task, steps: 23, logEvery: 5, learningRate: 0.1 });
      const { history } = await trainer.train();
      expect(history.map((h) => h.step)).toEqual([5, 10, 15, 20, 23]);
      expect(history.map((h) => h.loss)).toEqual(windowMeans(script, 23, 5));
      expect(history.map((h) => h.terms.same)).toEqual(windowMeans(script, 23, 5));
      expect(history.map((h) => h.terms.half)).toEqual(windowMeans((s) => Math.fround(Math.fround(script(s)) * 0.5), 23, 5));
      trainer.dispose();
      task.v.dispose();
    });
  });

  it('training steps leak no tensors, with and without terms', async () => {
    await eachMode(backend, async () => {
      for (const terms of [['same', 'half'], []]) {
        const task = { ...scriptedTask((s) => s), terms };
        const trainer = new Trainer({ task, steps: 1000, logEvery: 3, learningRate: 0.1 });
        await expectNoLeaks(() => trainer.trainStep(), { repeats: 4 });
        await trainer.train({ untilStep: 9 });
        await expectNoLeaks(() => trainer.train({ untilStep: trainer.step + 3 }).then(() => undefined));
        trainer.dispose();
        task.v.dispose();
      }
    });
  });
});
