/**
 * Density estimation with an energy-based model on 2-D toys (rings, moons, checkerboard), learned by NCE
 * against two noise laws: a Gaussian fitted to the data, and a flow of this library trained on the data
 * (samples and exact log density through the ODE). Every model learns from the same finite training set
 * (`--n` points of the toy, drawn once; 20000 by default, since the flow is worse held out on 4000 and no
 * better on 50000): the EBMs, the fitted Gaussian and the flow (whose batches are drawn with replacement
 * from those points, never fresh from the toy); the 2000 test points are drawn separately. Runs (`--runs`,
 * one EBM each, same network, steps, batch and noise draws per step):
 *
 * - `gaussian`: E_θ learned against the Gaussian, p = exp(−E_θ)/Z (the plain EBM);
 * - `flow`: the plain EBM against the flow noise (a defensive mixture with the Gaussian, `--defensive`);
 * - `gaussian-base`, `flow-base`: the noise q as the base measure (a residual energy, `baseMeasureNoise`):
 *   p = q·exp(−E_θ)/Z, so NCE only learns the correction of q and Z = E_q[exp(−E_θ)] (no log q in the weights).
 *
 * Reports each held-out log-likelihood (log Z by importance sampling from the noise, with its standard error),
 * the differences flow − Gaussian with paired standard errors (same test points), the noise laws' own held-out
 * log-likelihoods, and writes a heat map of each learned density with samples on top (MALA for the plain
 * energies, sampling-importance-resampling from q for the residual ones).
 *
 *   npx tsx examples/ebm-density-2d.ts [--toys rings,moons,checkerboard] [--runs gaussian,gaussian-base,flow-base] [--n 20000] [--steps 1000] [--json]   (--help lists the flags)
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { energyMlp } from '../models/energy-mlp.js';
import { MLP_ACTIVATIONS } from '../models/mlp.js';
import { modelFields, timeConditionedMlp } from '../models/index.js';
import { arrayDataset } from '../src/data/array.js';
import { getDataset } from '../src/data/registry.js';
import { flowDistribution } from '../src/distributions/flow-distribution.js';
import { fullGaussian } from '../src/distributions/full-gaussian.js';
import { labelledMixture } from '../src/distributions/labelled-mixture.js';
import { standardNormal } from '../src/distributions/standard-normal.js';
import type { Distribution } from '../src/distributions/types.js';
import { baseMeasureNoise, compositionalTask, importanceLogPartition, nceTask, noiseBank, sampleMala } from '../src/ebm/index.js';
import { ArgumentError } from '../src/errors.js';
import { encodePng, writeLibraryPng } from '../src/images/png-grid.js';
import { makeInterpolant } from '../src/interpolants/index.js';
import { quadraticObjective } from '../src/objectives/index.js';
import { SeedStream } from '../src/random.js';
import { Trainer } from '../src/train/trainer.js';
import { runScript } from './harness.js';

const TOYS = ['rings', 'moons', 'checkerboard'] as const;
const CELL = 120; // heat-map pixels per side
const RUNS = ['gaussian', 'flow', 'gaussian-base', 'flow-base'] as const;
type Run = (typeof RUNS)[number];

/** A perceptual-ish colour ramp (dark blue → teal → yellow) for v in [0, 1]. */
function ramp(v: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [13, 8, 135],
    [84, 2, 163],
    [139, 10, 165],
    [185, 50, 137],
    [219, 92, 104],
    [244, 136, 73],
    [254, 188, 43],
    [240, 249, 33],
  ];
  const x = Math.min(1, Math.max(0, v)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((c) => Math.round(stops[i]![c]! * (1 - f) + stops[i + 1]![c]! * f)) as [number, number, number];
}

await runScript(
  {
    name: 'ebm-density-2d',
    usage: 'npx tsx examples/ebm-density-2d.ts [--toys rings,moons,checkerboard] [--runs gaussian,gaussian-base,flow-base] [--method nce|compositional] [--n 20000] [--steps 1000] [--flow-steps 30000] [--flow-batch 1024] [--out out/ebm-density-2d] [--json]',
    summary:
      'EBM density estimation on 2-D toys with Gaussian noise and with a trained flow as the noise (plain, or as the base measure of a residual energy): held-out log-likelihood (log Z by importance sampling, with SE), flow − Gaussian with paired SE, and a heat map with samples.',
    flags: {
      toys: { help: 'comma-separated toys among rings, moons, checkerboard', default: TOYS.join(',') },
      runs: { help: `comma-separated runs among ${RUNS.join(', ')} (plain EBM against that noise, or the noise as base measure)`, default: 'gaussian,gaussian-base,flow-base' },
      method: { help: "training method: 'nce' or 'compositional'", default: 'nce' },
      steps: { type: 'number', help: 'EBM training steps', default: 1000, min: 1, integer: true },
      'flow-steps': { type: 'number', help: 'flow training steps', default: 30000, min: 1, integer: true },
      'flow-batch': { type: 'number', help: 'flow training batch (drawn with replacement from the training points per step)', default: 1024, min: 1, integer: true },
      'flow-hidden': { type: 'number', help: 'hidden width of the flow network', default: 64, min: 1, integer: true },
      'flow-layers': { type: 'number', help: 'hidden layers of the flow network', default: 4, min: 1, integer: true },
      'flow-activation': { help: 'hidden activation of the flow network', default: 'relu' },
      'flow-lr': { type: 'number', help: 'flow learning rate (Adam, linear decay)', default: 5e-3, min: 1e-7 },
      'flow-ode-steps': { type: 'number', help: 'rk4 steps of the flow ODE (sampling and log density)', default: 16, min: 1, integer: true },
      defensive: { type: 'number', help: "run 'flow': weight of the fitted Gaussian in the flow noise, q = w·Gaussian + (1 − w)·flow (a defensive mixture; 0 is the flow alone)", default: 0.5, min: 0, max: 0.99 },
      bank: { type: 'number', help: 'flow draws kept in the noise bank', default: 5000, min: 1, integer: true },
      batch: { type: 'number', help: 'data points per step', default: 256, min: 1, integer: true },
      nu: { type: 'number', help: 'noise draws per data point (the compositional noise batch is ν·batch)', default: 2, min: 0.01 },
      beta: { type: 'number', help: 'compositional: weight β of the new estimate in the moving average of Z', default: 0.1, min: 1e-6, max: 1 },
      lr: { type: 'number', help: 'EBM learning rate (Adam, linear decay)', default: 1e-2, min: 1e-7 },
      n: { type: 'number', help: 'training points, drawn once from the toy: the data set every model (EBMs, fitted Gaussian, flow) learns from', default: 20000, min: 10, integer: true },
      'is-samples': { type: 'number', help: 'importance samples for log Z', default: 5000, min: 100, integer: true },
      grid: { type: 'number', help: 'heat-map grid points per side (the density is evaluated there)', default: 60, min: 2, integer: true },
      chains: { type: 'number', help: 'samples drawn on the heat map', default: 300, min: 1, integer: true },
      'mala-steps': { type: 'number', help: 'MALA steps after as many adaptation steps (plain runs)', default: 60, min: 1, integer: true },
      seed: { type: 'number', help: 'seed', default: 0, integer: true },
      out: { help: 'output directory', default: 'out/ebm-density-2d' },
    },
    check: (flags) => {
      const toys = String(flags.toys).split(',');
      if (toys.some((t) => !(TOYS as readonly string[]).includes(t))) throw new ArgumentError('ebm-density-2d', '--toys', `comma-separated names among ${TOYS.join(', ')}`, JSON.stringify(flags.toys));
      const runs = String(flags.runs).split(',');
      if (runs.some((r) => !(RUNS as readonly string[]).includes(r)) || new Set(runs).size !== runs.length) throw new ArgumentError('ebm-density-2d', '--runs', `distinct comma-separated names among ${RUNS.join(', ')}`, JSON.stringify(flags.runs));
      if (flags.method !== 'nce' && flags.method !== 'compositional') throw new ArgumentError('ebm-density-2d', '--method', "'nce' or 'compositional'", JSON.stringify(flags.method));
      if (!(MLP_ACTIVATIONS as readonly string[]).includes(String(flags['flow-activation']))) throw new ArgumentError('ebm-density-2d', '--flow-activation', `one of ${MLP_ACTIVATIONS.join(', ')}`, JSON.stringify(flags['flow-activation']));
    },
  },
  async (flags, ctx) => {
    const info = await ctx.initBackend();
    const cpu0 = process.cpuUsage();
    const cpuSince = (c: NodeJS.CpuUsage) => {
      const d = process.cpuUsage(c);
      return (d.user + d.system) / 1e6;
    };
    const toys = String(flags.toys).split(',') as (typeof TOYS)[number][];
    const runs = String(flags.runs).split(',') as Run[];
    const seed = flags.seed as number;
    const method = flags.method as 'nce' | 'compositional';
    const results: Record<string, unknown>[] = [];
    const panels: { pixels: Uint8Array }[] = [];
    const grid = flags.grid as number;
    ctx.log(`EBM density estimation on ${info.name}: ${method}, ${flags.steps} steps, batch ${flags.batch}, ν ${flags.nu}; runs ${runs.join(', ')}; every model (EBMs, fitted Gaussian, flow) learns from the same ${flags.n} training points, 2000 test points`);
    for (const toy of toys) {
      const c0 = process.cpuUsage();
      const data = getDataset(toy);
      const seeds = new SeedStream(seed + 17);
      const train = data.sample(flags.n as number, seeds) as tf.Tensor2D;
      const test = data.sample(2000, seeds) as tf.Tensor2D;
      const tr = train.dataSync();
      // bounds of the picture and the Gaussian fitted to the data
      const lo = [Infinity, Infinity];
      const hi = [-Infinity, -Infinity];
      const mean = [0, 0];
      const n = tr.length / 2;
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < 2; j++) {
          lo[j] = Math.min(lo[j]!, tr[2 * i + j]!);
          hi[j] = Math.max(hi[j]!, tr[2 * i + j]!);
          mean[j] += tr[2 * i + j]! / n;
        }
      }
      const cov = [0, 1].map((a) => [0, 1].map((b) => {
        let s = 0;
        for (let i = 0; i < n; i++) s += (tr[2 * i + a]! - mean[a]!) * (tr[2 * i + b]! - mean[b]!);
        return s / (n - 1);
      }));
      const gauss = fullGaussian({ mean, covariance: cov });
      const pad = [0, 1].map((j) => 0.1 * (hi[j]! - lo[j]!));
      const gridPoints = tf.tidy(() => {
        const xs = tf.linspace(lo[0]! - pad[0]!, hi[0]! + pad[0]!, grid);
        const ys = tf.linspace(hi[1]! + pad[1]!, lo[1]! - pad[1]!, grid);
        return tf.stack([tf.tile(xs, [grid]), tf.reshape(tf.tile(tf.reshape(ys, [grid, 1]), [1, grid]), [grid * grid])], 1) as tf.Tensor2D;
      });
      const read = async (t: tf.Tensor) => {
        const v = Array.from(await t.data());
        t.dispose();
        return v;
      };
      const average = (v: number[]) => v.reduce((a, x) => a + x, 0) / v.length;

      // A flow trained on the same training points (one-sided linear interpolant, b only), used as a distribution.
      const needFlow = runs.includes('flow') || runs.includes('flow-base');
      let flowTrainer: Trainer | undefined;
      let flowAlone: ReturnType<typeof flowDistribution> | undefined;
      let flowSeconds = 0;
      if (needFlow) {
        const interpolant = makeInterpolant('one-sided-linear');
        const flowNet = timeConditionedMlp({ dim: 2, hidden: flags['flow-hidden'] as number, layers: flags['flow-layers'] as number, activation: flags['flow-activation'] as (typeof MLP_ACTIVATIONS)[number], seed });
        flowTrainer = new Trainer({ interpolant, objective: quadraticObjective(interpolant, ['b']), model: flowNet, target: arrayDataset(train, { name: `${toy} training points` }), steps: flags['flow-steps'] as number, batchSize: flags['flow-batch'] as number, learningRate: flags['flow-lr'] as number, seed });
        await flowTrainer.train();
        const { b } = modelFields(flowNet, ['b']);
        flowAlone = flowDistribution({ velocity: b, base: standardNormal([2]), steps: flags['flow-ode-steps'] as number });
        flowSeconds = cpuSince(c0);
      }
      const w = flags.defensive as number;
      const logqTest = { gaussian: await read(gauss.logProb(test)), flow: flowAlone ? await read(flowAlone.logProb(test)) : [] };
      const row: Record<string, unknown> = {
        toy,
        trainingPoints: n,
        gaussianNoiseHeldOut: average(logqTest.gaussian),
        ...(flowAlone ? { flowNoiseHeldOut: average(logqTest.flow) } : {}),
        ...(data.logProb === undefined ? {} : { trueHeldOut: average(await read(data.logProb(test))) }),
        ...(needFlow ? { flowCpuSeconds: flowSeconds } : {}),
      };
      if (flowAlone) {
        // a check of the ODE log density: log ∫ q̂ by importance sampling from the Gaussian (0 if q̂ is normalised)
        const norm = await importanceLogPartition((x) => tf.neg(flowAlone!.logProb(x)), gauss, { samples: flags['is-samples'] as number, seed: seed + 7 });
        row.flowLogNormalization = { logZ: norm.logZ, standardError: norm.standardError };
      }
      const testLogDensity: Partial<Record<Run, number[]>> = {};
      for (const run of runs) {
        const c1 = process.cpuUsage();
        const isFlow = run.startsWith('flow');
        const residual = run.endsWith('-base');
        // the noise law q of this run, and what the task sees (draws of a flow are cached in a bank)
        const law: Distribution = !isFlow ? gauss : residual || w === 0 ? flowAlone! : labelledMixture([gauss, flowAlone!], { weights: [w, 1 - w] });
        const bank = isFlow ? noiseBank(law, { size: flags.bank as number, seed: seed + 3 }) : undefined;
        const source = bank ?? law;
        const baseNoise = residual ? baseMeasureNoise(source) : undefined;
        const noise = baseNoise ?? source;
        const model = energyMlp({ dim: 2, hidden: 64, layers: 3, confinement: 0.01, seed });
        const task =
          method === 'nce'
            ? nceTask({ model, data: train, noise, batchSize: flags.batch as number, nu: flags.nu as number })
            : compositionalTask({ model, data: train, noise, batchSize: flags.batch as number, noiseBatch: Math.round((flags.nu as number) * (flags.batch as number)), beta: flags.beta as number });
        const trainer = new Trainer({ task, steps: flags.steps as number, learningRate: flags.lr as number, seed, logEvery: 100 });
        await trainer.train();
        // held-out log-likelihood; log Z by importance sampling from the noise law (fresh draws): weights
        // exp(−E)/q for a plain energy, exp(−E) for a residual one (q is then the base measure)
        const z = await importanceLogPartition(model.energy, residual ? baseMeasureNoise(law) : law, { samples: flags['is-samples'] as number, seed: seed + 5 });
        const negE = (await read(model.energy(test))).map((v) => -v);
        const base = residual ? logqTest[isFlow ? 'flow' : 'gaussian'] : undefined;
        const lp = base ? negE.map((v, i) => v + base[i]!) : negE;
        testLogDensity[run] = lp;
        const meanLp = average(lp);
        const ll = meanLp - z.logZ;
        // samples: MALA on a plain energy; sampling-importance-resampling from q (weights exp(−E)) on a residual one
        let samples: tf.Tensor2D;
        let sampler: Record<string, number>;
        if (!residual) {
          const start = law.sample(flags.chains as number, new SeedStream(seed + 9));
          const mala = await sampleMala(model.energy, start, { steps: flags['mala-steps'] as number, stepSize: 0.05, seed: seed + 11, adapt: { steps: flags['mala-steps'] as number, every: 10 } });
          start.dispose();
          samples = mala.x as tf.Tensor2D;
          sampler = { malaAcceptance: mala.acceptanceRate, malaStepSize: mala.stepSize };
        } else {
          const pool = await baseNoise!.draw(10 * (flags.chains as number), new SeedStream(seed + 9));
          const logW = (await read(model.energy(pool.x))).map((v) => -v);
          const max = Math.max(...logW);
          const cum: number[] = [];
          let s1 = 0;
          let s2 = 0;
          for (const v of logW) {
            const wt = Math.exp(v - max);
            s1 += wt;
            s2 += wt * wt;
            cum.push(s1);
          }
          const u = await read(tf.randomUniform([flags.chains as number], 0, 1, 'float32', seed + 11));
          const idx = u.map((v) => Math.min(cum.length - 1, cum.findIndex((c) => c >= v * s1)));
          samples = tf.tidy(() => tf.gather(pool.x, tf.tensor1d(idx, 'int32'))) as tf.Tensor2D;
          tf.dispose([pool.x, pool.logq]);
          sampler = { resamplingEffectiveSize: (s1 * s1) / s2 };
        }
        // heat map of the learned density on the grid (each grid point a square of pixels), samples in white
        const gridNegE = (await read(model.energy(gridPoints))).map((v) => -v);
        const gridBase = residual ? await read(isFlow ? flowAlone!.logProb(gridPoints) : gauss.logProb(gridPoints)) : undefined;
        const gridLp = gridBase ? gridNegE.map((v, i) => v + gridBase[i]!) : gridNegE;
        const maxLp = Math.max(...gridLp);
        const pixels = new Uint8Array(CELL * CELL * 3);
        for (let py = 0; py < CELL; py++) {
          for (let px = 0; px < CELL; px++) {
            const g = Math.min(grid - 1, Math.floor((py * grid) / CELL)) * grid + Math.min(grid - 1, Math.floor((px * grid) / CELL));
            pixels.set(ramp(Math.sqrt(Math.exp(gridLp[g]! - maxLp))), 3 * (py * CELL + px));
          }
        }
        const sp = await read(samples);
        for (let i = 0; i < sp.length / 2; i++) {
          const px = Math.round(((sp[2 * i]! - (lo[0]! - pad[0]!)) / (hi[0]! - lo[0]! + 2 * pad[0]!)) * (CELL - 1));
          const py = Math.round(((hi[1]! + pad[1]! - sp[2 * i + 1]!) / (hi[1]! - lo[1]! + 2 * pad[1]!)) * (CELL - 1));
          if (px >= 0 && px < CELL && py >= 0 && py < CELL) pixels.set([255, 255, 255], 3 * (py * CELL + px));
        }
        panels.push({ pixels });
        // SE of the held-out mean over the test points and of log Z, independent: √(var(log p̃)/n + SE(log Z)²)
        const varLp = lp.reduce((a, v) => a + (v - meanLp) ** 2, 0) / (lp.length - 1);
        const cpuSeconds = cpuSince(c1);
        row[run] = {
          heldOutLogLikelihood: ll,
          standardError: Math.sqrt(varLp / lp.length + z.standardError ** 2),
          logZ: z.logZ,
          logZStandardError: z.standardError,
          effectiveSampleSize: z.effectiveSampleSize,
          ...sampler,
          cpuSeconds,
        };
        const what = residual ? `${isFlow ? 'flow' : 'Gaussian'} as base measure` : `plain EBM, ${isFlow ? (w > 0 ? 'flow-mixture' : 'flow') : 'Gaussian'} noise`;
        ctx.log(
          `${toy.padEnd(12)} ${run.padEnd(13)} (${what}): held-out log-likelihood ${ll.toFixed(3)} ± ${(row[run] as { standardError: number }).standardError.toFixed(3)} (log Z ${z.logZ.toFixed(3)} ± ${z.standardError.toFixed(3)}, ESS ${Math.round(z.effectiveSampleSize)}), ${residual ? `resampling ESS ${Math.round(sampler.resamplingEffectiveSize!)}` : `MALA acceptance ${sampler.malaAcceptance!.toFixed(3)} at h = ${sampler.malaStepSize!.toFixed(4)}`} (${cpuSeconds.toFixed(1)} CPU s)`,
        );
        trainer.dispose(); // also disposes the model's network
        task.dispose();
        bank?.dispose();
      }
      // flow − Gaussian on the same test points, paired SE √(var(Δ log p̃)/n + SE_Z,a² + SE_Z,b²): the same energy
      // form first (flow vs gaussian, flow-base vs gaussian-base), then the residual flow against the plain EBM
      const pairs: [Run, Run][] = (
        [
          ['flow', 'gaussian'],
          ['flow-base', 'gaussian-base'],
          ['flow-base', 'gaussian'],
          ['gaussian-base', 'gaussian'],
        ] as [Run, Run][]
      ).filter(([a, b]) => runs.includes(a) && runs.includes(b));
      const differences = pairs.map(([a, b]) => {
        const d = testLogDensity[a]!.map((v, i) => v - testLogDensity[b]![i]!);
        const md = average(d);
        const vd = d.reduce((s, v) => s + (v - md) ** 2, 0) / (d.length - 1);
        const ra = row[a] as { heldOutLogLikelihood: number; logZStandardError: number };
        const rb = row[b] as { heldOutLogLikelihood: number; logZStandardError: number };
        const difference = ra.heldOutLogLikelihood - rb.heldOutLogLikelihood;
        const standardError = Math.sqrt(vd / d.length + ra.logZStandardError ** 2 + rb.logZStandardError ** 2);
        ctx.log(`${toy.padEnd(12)} ${a} − ${b}: ${difference >= 0 ? '+' : ''}${difference.toFixed(3)} ± ${standardError.toFixed(3)} (paired SE; ${(difference / standardError).toFixed(1)} SE)`);
        return { a, b, difference, standardError };
      });
      row.differences = differences;
      const norm = row.flowLogNormalization as { logZ: number; standardError: number } | undefined;
      ctx.log(
        `${toy.padEnd(12)} ${needFlow ? `flow trained in ${flowSeconds.toFixed(1)} CPU s (log ∫q̂ = ${norm!.logZ.toFixed(3)} ± ${norm!.standardError.toFixed(3)}); ` : ''}noise laws' own held-out log-likelihoods: Gaussian ${(row.gaussianNoiseHeldOut as number).toFixed(3)}${flowAlone ? `, flow ${(row.flowNoiseHeldOut as number).toFixed(3)}` : ''}${row.trueHeldOut === undefined ? '' : `, true density ${(row.trueHeldOut as number).toFixed(3)}`}; ${cpuSince(c0).toFixed(0)} CPU s`,
      );
      results.push(row);
      flowTrainer?.dispose();
      tf.dispose([train, test, gridPoints]);
    }
    // one PNG: a row per toy, a column per run
    const cols = runs.length;
    const width = cols * CELL + (cols + 1) * 4;
    const height = toys.length * CELL + (toys.length + 1) * 4;
    const raster = new Uint8Array(width * height * 3).fill(255);
    panels.forEach((p, k) => {
      const r = Math.floor(k / cols);
      const c = k % cols;
      for (let y = 0; y < CELL; y++) raster.set(p.pixels.subarray(3 * y * CELL, 3 * (y + 1) * CELL), 3 * ((4 + r * (CELL + 4) + y) * width + 4 + c * (CELL + 4)));
    });
    const png = `${flags.out as string}/ebm-density-2d.png`;
    mkdirSync(dirname(png), { recursive: true });
    await writeLibraryPng('ebm-density-2d', png, await encodePng({ data: raster, width, height, channels: 3 }), false);
    // the headline: flow noise against Gaussian noise in the same energy form, better by more than 2 paired SE
    const headline = results.map((r) => (r.differences as { a: Run; b: Run; difference: number; standardError: number }[]).find((d) => d.a.startsWith('flow') && d.b === (d.a === 'flow' ? 'gaussian' : 'gaussian-base'))).filter((d) => d !== undefined);
    const flowBetter = headline.filter((d) => d.difference > 2 * d.standardError).length;
    const flowAhead = headline.filter((d) => d.difference > 0).length;
    if (headline.length > 0) ctx.log(`flow noise against Gaussian noise (same energy form, ${headline[0]!.a} − ${headline[0]!.b}): higher held-out log-likelihood on ${flowAhead} of ${headline.length} toys, by more than 2 paired SE on ${flowBetter}`);
    // every comparison: on how many toys a beats b by more than 2 paired SE
    const betterBy2SE: Record<string, number> = {};
    for (const r of results) {
      for (const d of r.differences as { a: Run; b: Run; difference: number; standardError: number }[]) {
        const key = `${d.a} − ${d.b}`;
        betterBy2SE[key] = (betterBy2SE[key] ?? 0) + (d.difference > 2 * d.standardError ? 1 : 0);
      }
    }
    for (const [key, k] of Object.entries(betterBy2SE)) ctx.log(`${key}: better by more than 2 paired SE on ${k} of ${results.length} toys`);
    ctx.log(`wrote ${png} (rows: ${toys.join(', ')}; columns: ${runs.join(', ')})`);
    const cpuSeconds = cpuSince(cpu0);
    ctx.log(`${cpuSeconds.toFixed(0)} CPU s in all`);
    if (ctx.json) console.log(JSON.stringify({ backend: info.name, method, steps: flags.steps, runs, results, flowAhead, flowBetter, betterBy2SE, png, cpuSeconds }));
  },
);
