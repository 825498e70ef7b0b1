/**
 * A latent SDE on sequences: generates "rough oscillators" — a sinusoid of random amplitude, frequency and
 * phase plus a rough fractional OU perturbation (H = 0.3, exact paths) — observed with noise at 20 times on
 * (0, 1]. Trains two latent SDEs (d = 2, linear decoder, a GRU encoder run backward over the first 15
 * observations giving q(X(0)) and, at each time, a code of the observations still ahead for the posterior) by the ELBO on the first 15 observations: one driven by
 * Markov-approximate fBM with learnable H, one by Brownian motion (H = ½, one factor in the Brownian limit).
 * Reports reconstruction error (posterior, observed window) and forecast error (prior continuation, last 5
 * times) on held-out sequences for both, whichever way they fall.
 *
 *   npx tsx examples/latent-fbm-sequences.ts [--steps 150] [--json]   (--help lists the flags)
 */
import * as tf from '@tensorflow/tfjs-core';
import { sampleFouPaths } from '../src/fbm/fou.js';
import { elboTask, variationalSde } from '../src/neural-sde/index.js';
import type { VariationalSdeOptions } from '../src/neural-sde/index.js';
import { SeedStream } from '../src/random.js';
import { Trainer } from '../src/train/trainer.js';
import { runScript } from './harness.js';

const M = 20;
const OBSERVED = 15;
const TIMES = Array.from({ length: M }, (_, i) => (i + 1) / M);

/** `[n, M, 1]` rough oscillators: a sin(2πf t + φ) + fOU(H = 0.3, θ = 4, σ = 0.3) + N(0, 0.05²). */
function roughOscillators(n: number, seed: number): tf.Tensor3D {
  const s = new SeedStream(seed);
  const rough = sampleFouPaths({ hurst: 0.3, type: 'II', theta: 4, sigma: 0.3, times: TIMES, samples: n, seed: s.next() });
  const r = rough.dataSync();
  const out = new Float32Array(n * M);
  for (let i = 0; i < n; i++) {
    const a = 0.6 + 0.6 * s.uniform();
    const f = 0.8 + 0.6 * s.uniform();
    const phi = 2 * Math.PI * s.uniform();
    for (let j = 0; j < M; j++) out[i * M + j] = a * Math.sin(2 * Math.PI * f * TIMES[j]! + phi) + r[i * M + j]!;
  }
  rough.dispose();
  return tf.tidy(() => tf.add(tf.tensor3d(out, [n, M, 1]), tf.randomNormal([n, M, 1], 0, 0.05, 'float32', s.next()))) as tf.Tensor3D;
}

await runScript(
  {
    name: 'latent-fbm-sequences',
    usage: 'npx tsx examples/latent-fbm-sequences.ts [--steps 150] [--train 64] [--test 32] [--seed 0] [--backend NAME] [--threads N] [--json]',
    summary:
      'A latent SDE on generated rough-oscillator sequences: reconstruction and forecast error of an fBM-driven latent SDE (learnable H) against a Brownian one.',
    flags: {
      steps: { type: 'number', help: 'training steps per model', default: 150, min: 1, integer: true },
      train: { type: 'number', help: 'training sequences', default: 64, min: 1, integer: true },
      test: { type: 'number', help: 'held-out sequences', default: 32, min: 1, integer: true },
      batch: { type: 'number', help: 'sequences per step', default: 16, min: 1, integer: true },
      samples: { type: 'number', help: 'posterior samples per held-out sequence', default: 8, min: 1, integer: true },
      lr: { type: 'number', help: 'learning rate', default: 0.01, min: 0 },
      seed: { type: 'number', help: 'seed', default: 0, integer: true },
      quick: { type: 'boolean', help: 'a tiny run (for tests): 4 steps per model, 8 training / 4 held-out sequences, 2 samples' },
    },
  },
  async (flags, ctx) => {
    const { log } = ctx;
    const info = await ctx.initBackend();
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    const quick = Boolean(flags.quick);
    const seed = flags.seed as number;
    const nTrain = quick ? 8 : (flags.train as number);
    const nTest = quick ? 4 : (flags.test as number);
    const trainSteps = quick ? 4 : (flags.steps as number);
    const train = roughOscillators(nTrain, seed + 1);
    const test = roughOscillators(nTest, seed + 2);
    const observedTimes = TIMES.slice(0, OBSERVED);
    const window = (x: tf.Tensor3D) => tf.slice(x, [0, 0, 0], [-1, OBSERVED, -1]) as tf.Tensor3D;
    const trainWindow = window(train);
    const testWindow = window(test);
    const S = quick ? 2 : (flags.samples as number);

    const fit = async (label: string, noise: Partial<VariationalSdeOptions>) => {
      const t0 = performance.now();
      const sde = variationalSde({
        dim: 2,
        horizon: 1,
        ...noise,
        priorDrift: { hidden: 32, layers: 2 },
        posterior: { hidden: 32, layers: 2 },
        encoder: { kind: 'gru', inputDim: 1, codeDim: 4, hidden: 32 },
        initialState: 'encoded',
        contextDim: 4 + 1 + 1,
        sigma: 0.5,
        seed,
      });
      const task = elboTask({ sde, observations: trainWindow, times: observedTimes, steps: 30, batchSize: Math.min(flags.batch as number, nTrain), observationNoise: 0.1, seed });
      const trainer = new Trainer({
        task,
        steps: trainSteps,
        learningRate: flags.lr as number,
        schedule: 'constant',
        seed,
        logEvery: 50,
        onLog: (e) => log(`${label} step ${String(e.step).padStart(4)}  −ELBO/obs ${e.loss.toFixed(3)}  H ${e.terms.hurst!.toFixed(3)}`),
      });
      await trainer.train();
      // S posterior samples per held-out sequence, decoded at all 20 times (prior after t = 0.75)
      const reps = tf.tidy(() => tf.reshape(tf.tile(tf.expandDims(testWindow, 1), [1, S, 1, 1]), [nTest * S, OBSERVED, 1])) as tf.Tensor3D;
      const paths = task.posteriorPaths({ observations: reps, saveAt: TIMES, seed: seed + 9, t1: 1 });
      const mean = tf.tidy(() => tf.mean(tf.reshape(paths.decoded, [nTest, S, M]), 1));
      const truth = tf.tidy(() => tf.reshape(test, [nTest, M]));
      const m = mean.dataSync();
      const y = truth.dataSync();
      let rec = 0;
      let fc = 0;
      for (let i = 0; i < nTest; i++) {
        for (let j = 0; j < M; j++) {
          const e = (m[i * M + j]! - y[i * M + j]!) ** 2;
          if (j < OBSERVED) rec += e / (nTest * OBSERVED);
          else fc += e / (nTest * (M - OBSERVED));
        }
      }
      const out = { hurst: Number(sde.hurst().toFixed(3)), reconstructionMse: Number(rec.toFixed(4)), forecastMse: Number(fc.toFixed(4)), seconds: Number(((performance.now() - t0) / 1000).toFixed(1)) };
      tf.dispose([reps, paths.x, paths.decoded, mean, truth]);
      trainer.dispose();
      task.dispose();
      sde.dispose();
      log(`${label}: H ${out.hurst}, reconstruction MSE ${out.reconstructionMse}, forecast MSE ${out.forecastMse} (${out.seconds} s)`);
      return out;
    };

    log(`rough oscillators: ${nTrain} training / ${nTest} held-out sequences, ${OBSERVED} observed + ${M - OBSERVED} forecast times, ${info.name}`);
    const fbm = await fit('fBM', { hurst: 0.5, K: 5, gammaMax: 20 });
    const brownian = await fit('Brownian', { hurst: 0.5, learnHurst: false, K: 1, gammaMin: 1e-4, gammaMax: 1e-4 });
    const result = {
      fbm,
      brownian,
      dataHurst: 0.3,
      seconds: Number(((performance.now() - start) / 1000).toFixed(1)),
      cpuSeconds: Number((((u) => (u.user + u.system) / 1e6)(process.cpuUsage(cpu0))).toFixed(1)),
    };
    if (ctx.json) console.log(JSON.stringify(result));
    tf.dispose([train, test, trainWindow, testWindow]);
  },
);
