/**
 * Learning the Hurst index: simulates exact fBM-driven fractional OU paths (dX = −θX dt + σ dB_H, type II,
 * X(0) = 0, Cholesky of the exact covariance) with a chosen H, observes them with small noise on a grid, and
 * fits a variational fBM neural SDE (linear prior drift, constant σ, learnable H = sigmoid(h) started at the
 * data's variogram estimate and held for a warm-up, a GRU context over the observations still ahead, the
 * observation noise fixed at the data's unless --learn-noise) by the ELBO. The solver steps move the OU
 * factors by their exact OU transitions (`factorStep: 'exponential'`) and the posterior draws every step
 * from the chain's exact conditional given the next observation (`conditionalSteps`), with the control
 * network adding the rest: both remove H-biases of the explicit Euler chain and of a lagging learned
 * posterior (MATH.md §2.6). Measured default runs (seed 0): H = 0.3 → 0.297, H = 0.7 → 0.663 (≈ 78 CPU s
 * each); with --seed 1: 0.262 and 0.626 (the remaining variational gap pulls smooth paths' H down). Prints
 * `{ trueHurst, learnedHurst, initialHurst, variogramHurst, elbo, seconds, cpuSeconds, … }`.
 *
 *   npx tsx examples/fbm-hurst.ts [--hurst 0.3] [--steps 120] [--json]   (--help lists the flags)
 */
import * as tf from '@tensorflow/tfjs-core';
import { sampleFouPaths } from '../src/fbm/fou.js';
import { elboTask, variationalSde } from '../src/neural-sde/index.js';
import { Trainer } from '../src/train/trainer.js';
import { ArgumentError } from '../src/errors.js';
import { runScript } from './harness.js';

/**
 * The variogram estimate of H: the least-squares slope of log E[(o_{i+L} − o_i)²] against log L for lags
 * L = 1, 2, 4 observation steps, halved (E|B_H(t + δ) − B_H(t)|² ∝ δ^{2H}). A rough start for the ELBO fit.
 */
function variogramHurst(observations: tf.Tensor3D): number {
  const [n, m] = observations.shape;
  const o = observations.dataSync();
  const xs: number[] = [];
  const ys: number[] = [];
  for (const lag of [1, 2, 4]) {
    if (lag >= m) break;
    let s = 0;
    for (let p = 0; p < n; p++) for (let i = 0; i + lag < m; i++) s += (o[p * m + i + lag]! - o[p * m + i]!) ** 2;
    xs.push(Math.log(lag));
    ys.push(Math.log(s / (n * (m - lag))));
  }
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
  });
  return Math.min(0.95, Math.max(0.05, sxy / sxx / 2));
}

await runScript(
  {
    name: 'fbm-hurst',
    usage: 'npx tsx examples/fbm-hurst.ts [--hurst 0.3] [--steps 120] [--paths 256] [--seed 0] [--backend NAME] [--threads N] [--json]',
    summary:
      'Simulates exact fBM-driven fOU paths with a chosen Hurst index, fits a variational fBM neural SDE with learnable H by the ELBO, and prints the true and learned H.',
    flags: {
      hurst: { type: 'number', help: 'true Hurst index, in (0, 1)', default: 0.3 },
      theta: { type: 'number', help: 'mean reversion θ of the data', default: 1, min: 0 },
      sigma: { type: 'number', help: 'noise scale σ of the data', default: 1, min: 0 },
      paths: { type: 'number', help: 'observed paths', default: 256, min: 1, integer: true },
      observations: { type: 'number', help: 'observations per path on (0, 1]', default: 20, min: 2, integer: true },
      noise: { type: 'number', help: 'observation noise std', default: 0.02, min: 0 },
      steps: { type: 'number', help: 'training steps', default: 120, min: 1, integer: true },
      batch: { type: 'number', help: 'paths per training step', default: 16, min: 1, integer: true },
      'solver-steps': { type: 'number', help: 'Euler–Maruyama steps on [0, 1] (γ_max·dt ≤ 0.5)', default: 40, min: 1, integer: true },
      'gamma-max': { type: 'number', help: 'largest OU speed of the model (K = 5 factors, γ_min = 1/γ_max)', default: 10, min: 0 },
      encoder: { help: "context encoder of the posterior: 'gru' (backward over the observations) or 'none'", default: 'gru' },
      'hurst-warmup': { type: 'number', help: 'training steps with H held while the posterior fits', default: 30, min: 0, integer: true },
      'initial-hurst': { help: "initial H of the model: 'variogram' (the slope of the data's mean squared increments at lags 1, 2, 4) or a number in (0, 1)", default: 'variogram' },
      quick: { type: 'boolean', help: 'a tiny run (for tests): 8 paths, 10 observations, 6 steps' },
      lr: { type: 'number', help: 'learning rate (the peak with --schedule linear)', default: 0.02, min: 0 },
      schedule: { help: "learning-rate schedule: 'constant' or 'linear' (decay to 0; measured: H moves less far from the variogram start)", default: 'constant' },
      seed: { type: 'number', help: 'seed', default: 0, integer: true },
      'learn-noise': { type: 'boolean', help: 'learn the observation noise too (default: fixed at --noise)' },
      'factor-step': { help: "how a solver step moves the OU factors: 'exponential' (exact OU mean and variance) or 'euler'", default: 'exponential' },
      guide: { type: 'boolean', help: 'a learned guide in place of the closed-form conditional steps (conditionalSteps: false)' },
    },
    check: (flags) => {
      const h = flags.hurst as number;
      if (!(h > 0 && h < 1)) throw new ArgumentError('fbm-hurst', 'hurst', 'a Hurst index strictly between 0 and 1', String(h));
      if (!((flags.noise as number) > 0)) throw new ArgumentError('fbm-hurst', 'noise', 'a noise std > 0', String(flags.noise));
      if (!((flags['gamma-max'] as number) > 0)) throw new ArgumentError('fbm-hurst', 'gamma-max', 'a speed > 0', String(flags['gamma-max']));
      if (flags.encoder !== 'gru' && flags.encoder !== 'none') throw new ArgumentError('fbm-hurst', 'encoder', "'gru' or 'none'", String(flags.encoder));
      if (flags.schedule !== 'linear' && flags.schedule !== 'constant') throw new ArgumentError('fbm-hurst', 'schedule', "'linear' or 'constant'", String(flags.schedule));
      if (flags['factor-step'] !== 'exponential' && flags['factor-step'] !== 'euler') throw new ArgumentError('fbm-hurst', 'factor-step', "'exponential' or 'euler'", String(flags['factor-step']));
    },
  },
  async (flags, ctx) => {
    const { log } = ctx;
    const info = await ctx.initBackend();
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    const quick = Boolean(flags.quick);
    const trueHurst = flags.hurst as number;
    const M = quick ? 10 : (flags.observations as number);
    const N = quick ? 8 : (flags.paths as number);
    const trainSteps = quick ? 6 : (flags.steps as number);
    const solverSteps = quick ? 20 : (flags['solver-steps'] as number);
    const gammaMax = flags['gamma-max'] as number;
    const gru = flags.encoder === 'gru';
    const codeDim = 8;
    const noise = flags.noise as number;
    const seed = flags.seed as number;
    const times = Array.from({ length: M }, (_, i) => (i + 1) / M);
    const paths = sampleFouPaths({ hurst: trueHurst, type: 'II', theta: flags.theta as number, sigma: flags.sigma as number, times, samples: N, seed: seed + 1 });
    const observations = tf.tidy(() => tf.add(tf.expandDims(paths, 2), tf.randomNormal([N, M, 1], 0, noise, 'float32', seed + 2))) as tf.Tensor3D;
    paths.dispose();
    const variogram = variogramHurst(observations);
    const init = flags['initial-hurst'] === 'variogram' ? variogram : Number(flags['initial-hurst']);
    if (!(init > 0 && init < 1)) throw new ArgumentError('fbm-hurst', 'initial-hurst', "'variogram' or a number in (0, 1)", String(flags['initial-hurst']));

    const sde = variationalSde({
      dim: 1,
      horizon: 1,
      hurst: init,
      K: 5,
      gammaMax,
      priorDrift: 'linear',
      contextDim: (gru ? codeDim : 0) + 2,
      encoder: gru ? { kind: 'gru', inputDim: 1, codeDim, hidden: 16 } : undefined,
      posterior: { hidden: 32, layers: 2 },
      seed,
    });
    const task = elboTask({
      sde,
      observations,
      times,
      steps: solverSteps,
      batchSize: Math.min(flags.batch as number, N),
      observationNoise: noise,
      learnObservationNoise: Boolean(flags['learn-noise']),
      hurstWarmup: quick ? 2 : (flags['hurst-warmup'] as number),
      factorStep: flags['factor-step'] as 'exponential' | 'euler',
      conditionalSteps: !flags.guide,
      seed,
    });
    log(`fitting H (true ${trueHurst}, variogram start ${variogram.toFixed(3)}) on ${N} fOU paths × ${M} observations, ${info.name}`);
    const trainer = new Trainer({
      task,
      steps: trainSteps,
      learningRate: flags.lr as number,
      schedule: flags.schedule as 'linear' | 'constant',
      seed,
      logEvery: 25,
      onLog: (e) => log(`step ${String(e.step).padStart(4)}  −ELBO/obs ${e.loss.toFixed(3)}  H ${e.terms.hurst!.toFixed(3)}  KL ${e.terms.pathKl!.toFixed(2)}`),
    });
    await trainer.train();
    const learnedHurst = sde.hurst();
    // the ELBO per path on all the data, one posterior path each
    const batch = task.makeBatch(observations, seed + 3);
    const elbo = task.evaluate(batch).elbo;
    task.disposeBatch!(batch);
    const result = {
      trueHurst,
      learnedHurst: Number(learnedHurst.toFixed(4)),
      initialHurst: Number(init.toFixed(4)),
      variogramHurst: Number(variogram.toFixed(4)),
      elbo: Number(elbo.toFixed(3)),
      seconds: Number(((performance.now() - start) / 1000).toFixed(1)),
      cpuSeconds: Number((((u) => (u.user + u.system) / 1e6)(process.cpuUsage(cpu0))).toFixed(1)),
      sigma: Number(Math.exp(sde.variables.logSigma!.dataSync()[0]!).toFixed(3)),
      theta: Number((-sde.variables.driftMatrix!.dataSync()[0]!).toFixed(3)),
      observationNoise: Number(task.observationNoise()[0]!.toFixed(4)),
    };
    log(`true H ${trueHurst}, learned H ${result.learnedHurst} (σ ${result.sigma}, θ ${result.theta}), ELBO ${result.elbo}, ${result.seconds} s (CPU ${result.cpuSeconds} s)`);
    if (ctx.json) console.log(JSON.stringify(result));
    trainer.dispose();
    task.dispose();
    sde.dispose();
    observations.dispose();
  },
);
