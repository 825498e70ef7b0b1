/**
 * The ELBO task of the variational fBM SDE through the one Trainer: finite and improving, gradients through
 * integrateSync against finite differences, no leaks, exact checkpoint → resume, and bad input.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { optimalOmega } from '../../src/fbm/optimal-omega.js';
import { elboTask } from '../../src/neural-sde/elbo-task.js';
import type { ElboTask } from '../../src/neural-sde/elbo-task.js';
import { variationalSde } from '../../src/neural-sde/variational-sde.js';
import type { VariationalSdeOptions } from '../../src/neural-sde/variational-sde.js';
import { Trainer } from '../../src/train/trainer.js';
import { expectNoLeaks } from '../helpers/index.js';

const dir = mkdtempSync(join(tmpdir(), 'si-neural-sde-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// 8 sequences of 5 observations on (0, 0.5]: a damped sine per sequence plus a fixed ripple.
const TIMES = [0.1, 0.2, 0.3, 0.4, 0.5];
const DATA = Float32Array.from({ length: 8 * 5 }, (_, k) => {
  const i = Math.floor(k / 5);
  const t = TIMES[k % 5]!;
  return Math.sin(3 * t + i) * 0.8 + 0.05 * Math.cos(17 * k);
});

const GRU: Partial<VariationalSdeOptions> = { encoder: { kind: 'gru', inputDim: 1, codeDim: 3, hidden: 6 }, initialState: 'encoded', contextDim: 5 };

// the learned posterior (guide, zero-initialised control) unless a test asks for the closed-form conditional steps
function setup(extra: Partial<VariationalSdeOptions> = {}, taskExtra: { hurstWarmup?: number; conditionalSteps?: boolean } = {}): { task: ElboTask; obs: tf.Tensor3D; dispose: () => void } {
  const obs = tf.tensor3d(DATA, [8, 5, 1]);
  const sde = variationalSde({ dim: 1, horizon: 0.5, hurst: 0.4, K: 3, gammaMax: 10, priorDrift: { hidden: 8, layers: 1 }, posterior: { hidden: 16, layers: 1 }, contextDim: 2, ...extra });
  const task = elboTask({ sde, observations: obs, times: TIMES, steps: 10, batchSize: 4, observationNoise: 0.2, conditionalSteps: false, ...taskExtra });
  return {
    task,
    obs,
    dispose: () => {
      task.dispose();
      sde.dispose();
      obs.dispose();
    },
  };
}

describe('elboTask: observation log-likelihood − path KL − initial KL, trained by the one Trainer', () => {
  it.each([
    ['no encoder', {}],
    ['a GRU encoder and an encoded X(0)', GRU],
  ] as const)('the ELBO is finite, starts with zero path KL (the posterior is the prior) and improves over a short training (%s)', async (_label, extra) => {
    const { task, obs, dispose } = setup(extra);
    const evalBatch = task.makeBatch(obs, 99);
    const before = task.evaluate(evalBatch);
    expect(Number.isFinite(before.elbo)).toBe(true);
    expect(before.pathKl).toBe(0); // zero-initialised control
    expect(before.elbo).toBeCloseTo(before.logLikelihood - before.pathKl - before.initialKl, 4);
    const h0 = task.sde.hurst();
    const trainer = new Trainer({ task, steps: 20, learningRate: 0.03, schedule: 'constant', seed: 1, logEvery: 10 });
    const { history } = await trainer.train();
    expect(Object.keys(history[0]!.terms)).toEqual(['elbo', 'logLikelihood', 'pathKl', 'initialKl', 'hurst']);
    expect(Object.keys(task.variables!)).toContain('logFinalNoiseScale'); // observations on the step grid
    const after = task.evaluate(evalBatch);
    expect(Number.isFinite(after.elbo)).toBe(true);
    expect(after.elbo).toBeGreaterThan(before.elbo + 1);
    expect(after.pathKl).toBeGreaterThan(0);
    expect(task.sde.hurst()).not.toBe(h0); // H is learned
    task.disposeBatch!(evalBatch);
    trainer.dispose();
    dispose();
  });

  it.each([false, true])('d(−ELBO)/dh and d(−ELBO)/d log s through integrateSync match central finite differences (same noise; conditional steps %s)', (conditionalSteps) => {
    const { task, obs, dispose } = setup({}, { conditionalSteps });
    const batch = task.makeBatch(obs, 7);
    const h = task.sde.variables.hurstLogit!;
    const s = task.variables!.logObservationNoise!;
    const lossAt = () => tf.tidy(() => task.loss(batch).total.dataSync()[0]!);
    const { grads } = tf.tidy(() => {
      const g = tf.variableGrads(() => task.loss(batch).total, [h, s]);
      return { grads: { h: g.grads[h.name]!.dataSync()[0]!, s: g.grads[s.name]!.dataSync()[0]! } };
    });
    for (const [v, analytic, delta] of [
      [h, grads.h, 0.05],
      [s, grads.s, 0.01],
    ] as const) {
      const x0 = v.dataSync()[0]!;
      v.assign(tf.tidy(() => tf.fill(v.shape, x0 + delta)));
      const up = lossAt();
      v.assign(tf.tidy(() => tf.fill(v.shape, x0 - delta)));
      const down = lossAt();
      v.assign(tf.tidy(() => tf.fill(v.shape, x0)));
      const fd = (up - down) / (2 * delta);
      expect(Math.abs(analytic - fd), `${v.name}: analytic ${analytic} vs finite difference ${fd}`).toBeLessThan(0.02 * Math.abs(fd) + 1e-3);
    }
    task.disposeBatch!(batch);
    dispose();
  });

  it('with one observation and a drift-free prior the conditional steps are the exact posterior: E[ELBO] = log N(o; 0, Var X(T) + s²) (4 SE)', () => {
    const K = 3;
    const steps = 10;
    const T = 0.5;
    const s = 0.1;
    const o = 0.7;
    const sigma = 0.8;
    const sde = variationalSde({ dim: 1, horizon: T, hurst: 0.3, learnHurst: false, K, gammaMax: 10, sigma, learnSigma: false, priorDrift: 'linear', learnDrift: false, posterior: { hidden: 8, layers: 1 }, contextDim: 2 });
    const observations = tf.tensor3d([o], [1, 1, 1]);
    const task = elboTask({ sde, observations, times: [T], steps, observationNoise: s, learnObservationNoise: false });
    expect(Object.keys(task.modules!).sort()).toEqual(['posterior']); // no guide: the conditional steps are its exact form
    // 8 independent batches of 500 paths: the mean ELBO and its standard error
    const tiled = tf.tidy(() => tf.tile(observations, [500, 1, 1])) as tf.Tensor3D;
    const means = Array.from({ length: 8 }, (_, i) => {
      const batch = task.makeBatch(tiled, 10 + i);
      const elbo = task.evaluate(batch).elbo;
      task.disposeBatch!(batch);
      return elbo;
    });
    const mean = means.reduce((a, b) => a + b, 0) / means.length;
    const se = Math.sqrt(means.reduce((a, b) => a + (b - mean) ** 2, 0) / (means.length - 1) / means.length);
    // the exponential chain: X(T) = σ Σ_j w_j ΔW_j, w_j = Σ_k ω_k g_k e_k^{N−j}, so Var X(T) = σ² h Σ_j w_j²
    const h = T / steps;
    const omega = optimalOmega({ hurst: 0.3, type: 'II', K, gammaMax: 10, horizon: T }).omega;
    let V = 0;
    for (let j = 1; j <= steps; j++) {
      let w = 0;
      sde.gammas.forEach((g, k) => {
        w += omega[k]! * Math.sqrt(-Math.expm1(-2 * g * h) / (2 * g * h)) * Math.exp(-g * h * (steps - j));
      });
      V += sigma * sigma * h * w * w;
    }
    const logEvidence = -0.5 * Math.log(2 * Math.PI * (V + s * s)) - (o * o) / (2 * (V + s * s));
    expect(Math.abs(mean - logEvidence), `ELBO ${mean} ± ${se} vs log p(o) ${logEvidence}`).toBeLessThan(4 * se + 1e-3);
    tf.dispose([tiled, observations]);
    task.dispose();
    sde.dispose();
  });

  it('hurstWarmup holds H exactly for its steps while the rest trains, then H moves', async () => {
    const { task, dispose } = setup({}, { hurstWarmup: 3 });
    const h0 = task.sde.hurst();
    const sigma0 = task.sde.variables.logSigma!.dataSync()[0];
    const trainer = new Trainer({ task, steps: 6, learningRate: 0.03, schedule: 'constant', seed: 1, logEvery: 1 });
    await trainer.train({ untilStep: 3 });
    expect(task.sde.hurst()).toBe(h0);
    expect(task.sde.variables.logSigma!.dataSync()[0]).not.toBe(sigma0);
    await trainer.train();
    expect(task.sde.hurst()).not.toBe(h0);
    const omega = task.sde.omegaAt(0.3);
    const ref = optimalOmega({ hurst: 0.3, type: 'II', K: 3, gammaMax: 10, horizon: 0.5 }).omega;
    Array.from(omega.dataSync()).forEach((w, k) => expect(Math.abs(w - ref[k]!)).toBeLessThan(1e-5 * Math.abs(ref[k]!)));
    omega.dispose();
    trainer.dispose();
    dispose();
  });

  it('trains and evaluates without leaking tensors (the GRU model with the conditional steps)', async () => {
    const { task, obs, dispose } = setup({ type: 'I', gammaMax: 10, diffusion: 'diagonal' });
    const trainer = new Trainer({ task, steps: 10, logEvery: 1 });
    await expectNoLeaks(() => trainer.trainStep());
    const gru = setup(GRU, { conditionalSteps: true });
    const gruTrainer = new Trainer({ task: gru.task, steps: 10, logEvery: 1 });
    await expectNoLeaks(() => gruTrainer.trainStep(), { label: 'gru' });
    await expectNoLeaks(() => gru.task.posteriorPaths({ observations: gru.obs, saveAt: [0.25, 0.7], seed: 2 }), { label: 'gru paths' });
    gruTrainer.dispose();
    gru.dispose();
    await expectNoLeaks(() => {
      const b = task.makeBatch(obs, 3);
      task.evaluate(b);
      task.disposeBatch!(b);
      return task.posteriorPaths({ observations: obs, saveAt: [0.25, 0.7], seed: 2 });
    });
    trainer.dispose();
    dispose();
  });

  it.each([
    ['no encoder', {}],
    ['a GRU encoder and an encoded X(0)', GRU],
  ] as const)('checkpoint → resume is exact (%s): losses, H, σ, the observation noise and every network', async (label, extra) => {
    const settings = (task: ElboTask, extra = {}) => ({ task, steps: 12, seed: 5, learningRate: 0.02, logEvery: 1, ...extra });
    const straight = setup(extra);
    const full = (await new Trainer(settings(straight.task)).train()).history.map((e) => e.loss);

    const run = join(dir, `elbo-${label.length}`);
    const first = setup(extra);
    const t1 = new Trainer(settings(first.task, { checkpointDir: run, checkpointEvery: 6 }));
    const part1 = (await t1.train({ untilStep: 6 })).history.map((e) => e.loss);
    t1.dispose();
    first.dispose();

    const second = setup({ ...extra, seed: 123, hurst: 0.9 }); // other initial weights and H: all restored
    const t2 = await Trainer.resume(run, () => settings(second.task, { checkpointDir: run, checkpointEvery: 6 }));
    const part2 = (await t2.train()).history.map((e) => e.loss);
    expect([...part1, ...part2]).toEqual(full);
    expect(second.task.sde.hurst()).toBe(straight.task.sde.hurst());
    expect(Object.keys(second.task.modules).sort()).toEqual(label === 'no encoder' ? ['guide', 'posterior', 'prior'] : ['encoder', 'guide', 'posterior', 'prior']);
    for (const name of Object.keys(straight.task.variables!)) {
      expect(Array.from(second.task.variables![name]!.dataSync()), name).toEqual(Array.from(straight.task.variables![name]!.dataSync()));
    }
    for (const name of Object.keys(straight.task.modules)) {
      const a = straight.task.modules[name]!.getWeights().map((w) => Array.from(w.dataSync()));
      const b = second.task.modules[name]!.getWeights().map((w) => Array.from(w.dataSync()));
      expect(b, name).toEqual(a);
    }
    t2.dispose();
    second.dispose();
    straight.dispose();
  });

  it('rejects observation times outside the span, a step too large for γ_max and a context of the wrong width', () => {
    const obs = tf.tensor3d(DATA, [8, 5, 1]);
    const sde = variationalSde({ dim: 1, horizon: 0.5, K: 3, gammaMax: 10, contextDim: 2 });
    expect(() => elboTask({ sde, observations: obs, times: [0.1, 0.2, 0.3, 0.4, 0.6], steps: 20 })).toThrow(
      /elboTask: argument 'options.times\[4\]' must be a time in the span \(0, 0.5\] of the model, after times\[3\], got 0.6/,
    );
    expect(() => elboTask({ sde, observations: obs, times: [0, 0.2, 0.3, 0.4, 0.5], steps: 20 })).toThrow(/'options.times\[0\]' must be a time in the span/);
    expect(() => elboTask({ sde, observations: obs, times: [0.1, 0.3, 0.2, 0.4, 0.5], steps: 20 })).toThrow(/'options.times\[2\]' must be a time in the span \(0, 0.5\] of the model, after times\[1\], got 0.2/);
    expect(() => elboTask({ sde, observations: obs, times: [-0.1, 0.2, 0.3, 0.4, 0.5], steps: 20 })).toThrow(/'options.times\[0\]' must be a time in the span \(0, 0.5\]/);
    expect(() => elboTask({ sde, observations: obs, times: [0.1, 0.2], steps: 20 })).toThrow(/'options.times' must be an array of 5 observation times/);
    expect(() => elboTask({ sde, observations: obs, times: TIMES, steps: 5 })).toThrow(
      /elboTask: argument 'options.steps' must be a step with gammaMax·dt <= 0.5 .*gammaMax = 10 allows dt <= 0.05.*got dt = 0.1/,
    );
    const narrow = variationalSde({ dim: 1, horizon: 0.5, K: 3, gammaMax: 10 });
    expect(() => elboTask({ sde: narrow, observations: obs, times: TIMES, steps: 20 })).toThrow(/'options.sde' must be a model with contextDim = codeDim \+ D \+ 1 = 2/);
    expect(() => elboTask({ sde, observations: obs, times: TIMES, steps: 20, hurstWarmup: -1 })).toThrow(/elboTask: argument 'options.hurstWarmup' must be a finite integer >= 0, got -1/);
    expect(() => elboTask({ sde, observations: tf.zeros([8, 5]) as never, times: TIMES, steps: 20 })).toThrow(/'options.observations' must be a float32 tensor/);
    [sde, narrow].forEach((m) => m.dispose());
    obs.dispose();
  });
});
