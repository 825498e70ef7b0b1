/**
 * The fractional OU bridge (Daems et al. 2024, §5): the prior dX = −θX dt + σ dB_H (type II, X(0) = 0) is
 * known; one noisy observation o = X(T) + ε, ε ~ N(0, s²), is made at the end. A variational posterior
 * (every solver step drawn from the chain's closed-form conditional given o, plus a control network; or,
 * with --guide, a learnable guide) is trained by the ELBO, and its mean and variance along the path are
 * compared with the exact Gaussian conditional. The reference is the exact covariance of the model actually
 * integrated — the chain of the Markov-approximate augmented system with exact OU moves of the factors, a
 * linear Gaussian recursion computed in float64 — and, for comparison, of the exact fOU (`fouCovariance`).
 * Writes a PNG of both (mean ± 2 sd).
 *
 *   npx tsx examples/fbm-bridge.ts [--hurst 0.3] [--steps 300] [--out out/fbm-bridge.png] [--json]   (--help lists the flags)
 */
import * as tf from '@tensorflow/tfjs-core';
import { ArgumentError } from '../src/errors.js';
import { fouCovariance } from '../src/fbm/fou.js';
import { elboTask, variationalSde } from '../src/neural-sde/index.js';
import type { VariationalSde } from '../src/neural-sde/index.js';
import { lineChartSvg } from '../src/plot/lines.js';
import { writePng } from '../src/plot/svg.js';
import { Trainer } from '../src/train/trainer.js';
import { runScript } from './harness.js';

/**
 * Mean and variance of X(t_n) given o = X(T) + ε under the chain z_{n+1} = A z_n + G ΔW that the ELBO
 * integrates on z = [x, y_1..y_K] (float64; the exponential factor step: Y_k ← e_k Y_k + g_k ΔW with
 * e_k = exp(−γ_k h), g_k = √((1 − e_k²)/(2γ_k h)), and X ← X − hθX + σ Σ_k ω_k ΔY_k):
 * P_n = Cov(z_n), Cov(x_n, x_N) = (A^{N−n} P_n)[0][0].
 */
function chainConditional(sde: VariationalSde, omega: number[], theta: number, sigma: number, steps: number, T: number, obs: number, noise: number) {
  const K = omega.length;
  const n = K + 1;
  const h = T / steps;
  const e = Array.from(sde.gammas, (g) => Math.exp(-g * h));
  const gain = Array.from(sde.gammas, (g) => Math.sqrt(-Math.expm1(-2 * g * h) / (2 * g * h)));
  const A: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  A[0]![0]! -= h * theta;
  for (let k = 0; k < K; k++) {
    A[0]![k + 1] = sigma * omega[k]! * (e[k]! - 1);
    A[k + 1]![k + 1] = e[k]!;
  }
  const G = [sigma * omega.reduce((a, w, k) => a + w * gain[k]!, 0), ...gain];
  const mul = (X: number[][], Y: number[][]) => X.map((row) => Y[0]!.map((_, j) => row.reduce((acc: number, v: number, k: number) => acc + v * Y[k]![j]!, 0)));
  const Ps: number[][][] = [Array.from({ length: n }, () => new Array<number>(n).fill(0))];
  for (let s = 0; s < steps; s++) {
    const AP = mul(A, Ps[s]!);
    Ps.push(AP.map((row, i) => A.map((arow, j) => row.reduce((acc: number, v: number, k: number) => acc + v * arow[k]!, 0) + h * G[i]! * G[j]!)));
  }
  // cross[n] = Cov(x_n, x_N): propagate P_n forward by A^{N−n}
  const varT = Ps[steps]![0]![0]!;
  const mean: number[] = [];
  const variance: number[] = [];
  for (let s = 0; s <= steps; s++) {
    let C = Ps[s]!;
    for (let r = s; r < steps; r++) C = mul(A, C);
    const cross = C[0]![0]!;
    mean.push((cross / (varT + noise * noise)) * obs);
    variance.push(Ps[s]![0]![0]! - (cross * cross) / (varT + noise * noise));
  }
  return { mean, variance };
}

await runScript(
  {
    name: 'fbm-bridge',
    usage: 'npx tsx examples/fbm-bridge.ts [--hurst 0.3] [--steps 300] [--out out/fbm-bridge.png] [--backend NAME] [--threads N] [--json]',
    summary:
      'The fOU bridge: a known fBM-driven OU prior, one noisy observation at T; trains a variational posterior by the ELBO and compares its mean and variance along the path with the exact Gaussian conditional, with a PNG.',
    flags: {
      hurst: { type: 'number', help: 'Hurst index of the prior, in (0, 1)', default: 0.3 },
      theta: { type: 'number', help: 'mean reversion θ', default: 1, min: 0 },
      sigma: { type: 'number', help: 'σ of the prior', default: 1, min: 0 },
      horizon: { type: 'number', help: 'observation time T', default: 2, min: 0 },
      observation: { type: 'number', help: 'observed value at T', default: 1.5 },
      noise: { type: 'number', help: 'observation noise std', default: 0.1, min: 0 },
      steps: { type: 'number', help: 'training steps', default: 300, min: 1, integer: true },
      batch: { type: 'number', help: 'posterior paths per training step', default: 64, min: 1, integer: true },
      'gamma-max': { type: 'number', help: 'largest OU speed (K = 5); the step is 0.5/γ_max', default: 10, min: 0 },
      samples: { type: 'number', help: 'posterior paths for the mean and variance', default: 4000, min: 2, integer: true },
      lr: { type: 'number', help: 'learning rate', default: 0.02, min: 0 },
      seed: { type: 'number', help: 'seed', default: 0, integer: true },
      out: { help: 'PNG path', default: 'out/fbm-bridge.png' },
      quick: { type: 'boolean', help: 'a tiny run (for tests): γ_max 5, 5 training steps of 16 paths, 200 samples' },
      guide: { type: 'boolean', help: "a learned guide in place of the closed-form conditional steps (elboTask's conditionalSteps: false)" },
    },
    check: (flags) => {
      const h = flags.hurst as number;
      if (!(h > 0 && h < 1)) throw new ArgumentError('fbm-bridge', 'hurst', 'a Hurst index strictly between 0 and 1', String(h));
      for (const name of ['horizon', 'noise', 'sigma', 'gamma-max'] as const) {
        if (!((flags[name] as number) > 0)) throw new ArgumentError('fbm-bridge', name, 'a number > 0', String(flags[name]));
      }
    },
  },
  async (flags, ctx) => {
    const { log } = ctx;
    const info = await ctx.initBackend();
    const start = performance.now();
    const cpu0 = process.cpuUsage();
    const quick = Boolean(flags.quick);
    const hurst = flags.hurst as number;
    const theta = flags.theta as number;
    const sigma = flags.sigma as number;
    const T = flags.horizon as number;
    const obsValue = flags.observation as number;
    const noise = flags.noise as number;
    const gammaMax = quick ? 5 : (flags['gamma-max'] as number);
    const seed = flags.seed as number;
    const steps = Math.ceil((T * gammaMax) / 0.5);

    const sde = variationalSde({
      dim: 1,
      horizon: T,
      hurst,
      learnHurst: false,
      K: 5,
      gammaMax,
      sigma,
      learnSigma: false,
      priorDrift: 'linear',
      driftInit: { matrix: [-theta] },
      learnDrift: false,
      contextDim: 2,
      posterior: { hidden: 32, layers: 2 },
      seed,
    });
    const observations = tf.tensor3d([obsValue], [1, 1, 1]);
    const task = elboTask({
      sde,
      observations,
      times: [T],
      steps,
      batchSize: quick ? 16 : (flags.batch as number),
      observationNoise: noise,
      learnObservationNoise: false,
      conditionalSteps: !flags.guide,
    });
    log(`fOU bridge: H ${hurst}, θ ${theta}, σ ${sigma}, o = ${obsValue} ± ${noise} at T = ${T}; ${steps} solver steps, ${info.name}`);
    const trainer = new Trainer({
      task,
      steps: quick ? 5 : (flags.steps as number),
      learningRate: flags.lr as number,
      schedule: 'constant',
      seed,
      logEvery: 25,
      onLog: (e) => log(`step ${String(e.step).padStart(4)}  −ELBO ${(-e.terms.elbo!).toFixed(3)}  KL ${e.terms.pathKl!.toFixed(3)}`),
    });
    await trainer.train();
    const trainSeconds = (performance.now() - start) / 1000;

    // posterior moments on the step grid
    const grid = Array.from({ length: steps }, (_, i) => ((i + 1) * T) / steps);
    const n = quick ? 200 : (flags.samples as number);
    const paths = task.posteriorPaths({ observations: tf.tidy(() => tf.tile(observations, [n, 1, 1])) as tf.Tensor3D, saveAt: grid, seed: seed + 7 });
    const xs = paths.x.dataSync();
    tf.dispose([paths.x, paths.decoded]);
    const learnedMean = [0];
    const learnedVar = [0];
    for (let j = 0; j < steps; j++) {
      let m = 0;
      let q = 0;
      for (let i = 0; i < n; i++) m += xs[i * steps + j]!;
      m /= n;
      for (let i = 0; i < n; i++) q += (xs[i * steps + j]! - m) ** 2;
      learnedMean.push(m);
      learnedVar.push(q / (n - 1));
    }
    const omega = Array.from(tf.tidy(() => sde.omega().dataSync()));
    const chain = chainConditional(sde, omega, theta, sigma, steps, T, obsValue, noise);
    const spec = { hurst, type: 'II' as const, theta, sigma };
    const cTT = fouCovariance(spec, T, T);
    const fou = [0, ...grid].map((t) => {
      if (t === 0) return { mean: 0, variance: 0 };
      const c = fouCovariance(spec, t, T);
      return { mean: (c / (cTT + noise * noise)) * obsValue, variance: fouCovariance(spec, t, t) - (c * c) / (cTT + noise * noise) };
    });
    const mid = Math.round(steps / 2);
    const result = {
      hurst,
      midTime: (mid * T) / steps,
      learnedVariance: Number(learnedVar[mid]!.toFixed(5)),
      exactVariance: Number(chain.variance[mid]!.toFixed(5)),
      relativeVarianceError: Number((learnedVar[mid]! / chain.variance[mid]! - 1).toFixed(4)),
      varianceStandardError: Number((Math.sqrt(2 / (n - 1))).toFixed(4)),
      exactFouVariance: Number(fou[mid]!.variance.toFixed(5)),
      learnedMean: Number(learnedMean[mid]!.toFixed(4)),
      exactMean: Number(chain.mean[mid]!.toFixed(4)),
      exactFouMean: Number(fou[mid]!.mean.toFixed(4)),
      maxMeanError: Number(Math.max(...chain.mean.map((m, i) => Math.abs(m - learnedMean[i]!))).toFixed(4)),
      maxRelativeVarianceError: Number(Math.max(...chain.variance.slice(1, steps).map((v, i) => Math.abs(learnedVar[i + 1]! / v - 1))).toFixed(4)),
      // the posterior against the exact conditional of the chain at T/4, T/2, 3T/4 and T
      along: [1, 2, 3, 4].map((q) => {
        const j = Math.round((q * steps) / 4);
        return {
          t: Number(((j * T) / steps).toFixed(4)),
          learnedMean: Number(learnedMean[j]!.toFixed(4)),
          exactMean: Number(chain.mean[j]!.toFixed(4)),
          learnedVariance: Number(learnedVar[j]!.toFixed(5)),
          exactVariance: Number(chain.variance[j]!.toFixed(5)),
        };
      }),
      trainSeconds: Number(trainSeconds.toFixed(1)),
      seconds: 0,
      cpuSeconds: 0,
      png: flags.out as string,
    };
    const ts = [0, ...grid];
    const band = (m: number[], v: number[], sgn: number) => ts.map((t, i) => [t, m[i]! + sgn * 2 * Math.sqrt(Math.max(v[i]!, 0))] as [number, number]);
    const svg = lineChartSvg(
      [
        { label: 'learned posterior mean', points: ts.map((t, i) => [t, learnedMean[i]!]) },
        { label: 'exact conditional mean (Markov chain)', points: ts.map((t, i) => [t, chain.mean[i]!]) },
        { label: 'learned mean ± 2 sd', points: band(learnedMean, learnedVar, 1) },
        { label: 'exact ± 2 sd', points: band(chain.mean, chain.variance, 1) },
        { label: 'exact fOU conditional mean', points: ts.map((t, i) => [t, fou[i]!.mean]) },
        { label: 'learned mean − 2 sd', points: band(learnedMean, learnedVar, -1) },
        { label: 'exact − 2 sd', points: band(chain.mean, chain.variance, -1) },
      ],
      { title: `fOU bridge, H = ${hurst}: learned posterior vs exact conditional`, xLabel: 't', yLabel: 'x' },
    );
    await writePng(svg, flags.out as string);
    result.seconds = Number(((performance.now() - start) / 1000).toFixed(1));
    result.cpuSeconds = Number((((u) => (u.user + u.system) / 1e6)(process.cpuUsage(cpu0))).toFixed(1));
    log(
      `t = ${result.midTime}: posterior variance learned ${result.learnedVariance} vs exact ${result.exactVariance} (${(100 * result.relativeVarianceError).toFixed(1)}%, MC SE ${(100 * result.varianceStandardError).toFixed(1)}%; exact fOU ${result.exactFouVariance}); mean ${result.learnedMean} vs ${result.exactMean}; wrote ${result.png}; ${result.seconds} s`,
    );
    if (ctx.json) console.log(JSON.stringify(result));
    trainer.dispose();
    task.dispose();
    sde.dispose();
    observations.dispose();
  },
);
