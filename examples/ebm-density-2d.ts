/**
 * Density estimation with an energy-based model on 2-D toys (rings, moons, checkerboard), learned against two
 * noise laws: a Gaussian fitted to the data, and a flow of this library trained on the data (its samples and
 * exact log density through the ODE, cached as a noise bank), by default in a defensive mixture with that
 * Gaussian (`--defensive 0.5`: half the noise from each; the flow alone leaves the tails unexplored and its ODE
 * log density has occasional large errors, which made the energy worse; see the README). Reports the held-out log-likelihood
 * `mean(−E(x)) − log Z` with log Z by importance sampling from the noise (with its standard error), the noise
 * laws' own held-out log-likelihoods, and writes a heat map of each learned density with MALA samples on top.
 *
 *   npx tsx examples/ebm-density-2d.ts [--toys rings,moons,checkerboard] [--method nce] [--steps 1000] [--defensive 0.5] [--json]   (--help lists the flags)
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { energyMlp } from '../models/energy-mlp.js';
import { modelFields, timeConditionedMlp } from '../models/index.js';
import { getDataset } from '../src/data/registry.js';
import { flowDistribution } from '../src/distributions/flow-distribution.js';
import { fullGaussian } from '../src/distributions/full-gaussian.js';
import { labelledMixture } from '../src/distributions/labelled-mixture.js';
import { standardNormal } from '../src/distributions/standard-normal.js';
import type { Distribution } from '../src/distributions/types.js';
import { compositionalTask, importanceLogPartition, nceTask, noiseBank, sampleMala } from '../src/ebm/index.js';
import type { NoiseSource } from '../src/ebm/index.js';
import { ArgumentError } from '../src/errors.js';
import { encodePng, writeLibraryPng } from '../src/images/png-grid.js';
import { makeInterpolant } from '../src/interpolants/index.js';
import { quadraticObjective } from '../src/objectives/index.js';
import { SeedStream } from '../src/random.js';
import { Trainer } from '../src/train/trainer.js';
import { runScript } from './harness.js';

const TOYS = ['rings', 'moons', 'checkerboard'] as const;
const CELL = 120; // heat-map pixels per side

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
    usage: 'npx tsx examples/ebm-density-2d.ts [--toys rings,moons,checkerboard] [--method nce|compositional] [--steps 1000] [--flow-steps 1000] [--defensive 0.5] [--out out/ebm-density-2d] [--json]',
    summary:
      'EBM density estimation on 2-D toys with Gaussian noise and with a trained flow as the noise: held-out log-likelihood (log Z by importance sampling, with SE) and a heat map with MALA samples.',
    flags: {
      toys: { help: 'comma-separated toys among rings, moons, checkerboard', default: TOYS.join(',') },
      method: { help: "training method: 'nce' or 'compositional'", default: 'nce' },
      steps: { type: 'number', help: 'EBM training steps', default: 1000, min: 1, integer: true },
      'flow-steps': { type: 'number', help: 'flow training steps', default: 1000, min: 1, integer: true },
      'flow-ode-steps': { type: 'number', help: 'rk4 steps of the flow ODE (sampling and log density)', default: 8, min: 1, integer: true },
      defensive: { type: 'number', help: "weight of the fitted Gaussian in the flow noise: q = w·Gaussian + (1 − w)·flow (a defensive mixture; 0 is the flow alone)", default: 0.5, min: 0, max: 0.99 },
      bank: { type: 'number', help: 'flow draws kept in the noise bank', default: 5000, min: 1, integer: true },
      batch: { type: 'number', help: 'data points per step', default: 256, min: 1, integer: true },
      nu: { type: 'number', help: 'noise draws per data point (the compositional noise batch is ν·batch)', default: 2, min: 0.01 },
      beta: { type: 'number', help: 'compositional: weight β of the new estimate in the moving average of Z', default: 0.1, min: 1e-6, max: 1 },
      lr: { type: 'number', help: 'EBM learning rate (Adam, linear decay)', default: 1e-2, min: 1e-7 },
      n: { type: 'number', help: 'training points', default: 4000, min: 10, integer: true },
      'is-samples': { type: 'number', help: 'importance samples for log Z', default: 5000, min: 100, integer: true },
      chains: { type: 'number', help: 'MALA chains drawn on the heat map', default: 300, min: 1, integer: true },
      'mala-steps': { type: 'number', help: 'MALA steps after as many adaptation steps', default: 60, min: 1, integer: true },
      seed: { type: 'number', help: 'seed', default: 0, integer: true },
      out: { help: 'output directory', default: 'out/ebm-density-2d' },
    },
    check: (flags) => {
      const toys = String(flags.toys).split(',');
      if (toys.some((t) => !(TOYS as readonly string[]).includes(t))) throw new ArgumentError('ebm-density-2d', '--toys', `comma-separated names among ${TOYS.join(', ')}`, JSON.stringify(flags.toys));
      if (flags.method !== 'nce' && flags.method !== 'compositional') throw new ArgumentError('ebm-density-2d', '--method', "'nce' or 'compositional'", JSON.stringify(flags.method));
    },
  },
  async (flags, ctx) => {
    const info = await ctx.initBackend();
    const cpu0 = process.cpuUsage();
    const toys = String(flags.toys).split(',') as (typeof TOYS)[number][];
    const seed = flags.seed as number;
    const method = flags.method as 'nce' | 'compositional';
    const results: Record<string, unknown>[] = [];
    const panels: { pixels: Uint8Array }[] = [];
    ctx.log(`EBM density estimation on ${info.name}: ${method}, ${flags.steps} steps, batch ${flags.batch}, ν ${flags.nu}`);
    for (const toy of toys) {
      const t0 = performance.now();
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

      // A flow trained on the data (one-sided linear interpolant, b only), used as a distribution.
      const interpolant = makeInterpolant('one-sided-linear');
      const flowNet = timeConditionedMlp({ dim: 2, hidden: 64, layers: 3, seed });
      const flowTrainer = new Trainer({ interpolant, objective: quadraticObjective(interpolant, ['b']), model: flowNet, target: data, steps: flags['flow-steps'] as number, batchSize: 256, learningRate: 3e-3, seed });
      await flowTrainer.train();
      const { b } = modelFields(flowNet, ['b']);
      const flowAlone = flowDistribution({ velocity: b, base: standardNormal([2]), steps: flags['flow-ode-steps'] as number });
      const w = flags.defensive as number;
      // the flow noise: the flow itself, or a defensive mixture with the fitted Gaussian (exact log density of the mixture)
      const flow: Distribution = w > 0 ? labelledMixture([gauss, flowAlone], { weights: [w, 1 - w] }) : flowAlone;
      const flowSeconds = (performance.now() - t0) / 1000;

      const heldOut = async (q: Distribution) => {
        const lp = q.logProb!(test);
        const v = (await tf.mean(lp).data())[0]!;
        lp.dispose();
        return v;
      };
      const row: Record<string, unknown> = {
        toy,
        gaussianNoiseHeldOut: await heldOut(gauss),
        flowNoiseHeldOut: await heldOut(flowAlone),
        ...(w > 0 ? { flowNoiseMixtureHeldOut: await heldOut(flow) } : {}),
        ...(data.logProb === undefined ? {} : { trueHeldOut: await heldOut(data) }),
        flowSeconds,
      };
      const noises: [string, NoiseSource | Distribution, Distribution][] = [
        ['gaussian', gauss, gauss],
        ['flow', noiseBank(flow, { size: flags.bank as number, seed: seed + 3 }), flow],
      ];
      const testLogDensity: Record<string, number[]> = {};
      for (const [label, noise, law] of noises) {
        const t1 = performance.now();
        const model = energyMlp({ dim: 2, hidden: 64, layers: 3, confinement: 0.01, seed });
        const task =
          method === 'nce'
            ? nceTask({ model, data: train, noise, batchSize: flags.batch as number, nu: flags.nu as number })
            : compositionalTask({ model, data: train, noise, batchSize: flags.batch as number, noiseBatch: Math.round((flags.nu as number) * (flags.batch as number)), beta: flags.beta as number });
        const trainer = new Trainer({ task, steps: flags.steps as number, learningRate: flags.lr as number, seed, logEvery: 100 });
        await trainer.train();
        // held-out log-likelihood with log Z by importance sampling from the noise law (fresh draws)
        const z = await importanceLogPartition(model.energy, law, { samples: flags['is-samples'] as number, seed: seed + 5 });
        const e = model.energy(test);
        const negE = Array.from(await e.data(), (v) => -v);
        e.dispose();
        const meanNegE = negE.reduce((a, v) => a + v, 0) / negE.length;
        testLogDensity[label] = negE;
        // MALA samples from the learned density, started at noise draws, with step-size adaptation
        const start = law.sample(flags.chains as number, new SeedStream(seed + 9));
        const mala = await sampleMala(model.energy, start, { steps: flags['mala-steps'] as number, stepSize: 0.05, seed: seed + 11, adapt: { steps: flags['mala-steps'] as number, every: 10 } });
        // heat map of exp(−E − log Z) on the grid, samples in white
        const pad = [0, 1].map((j) => 0.1 * (hi[j]! - lo[j]!));
        const grid = tf.tidy(() => {
          const xs = tf.linspace(lo[0]! - pad[0]!, hi[0]! + pad[0]!, CELL);
          const ys = tf.linspace(hi[1]! + pad[1]!, lo[1]! - pad[1]!, CELL);
          const pts = tf.stack([tf.tile(xs, [CELL]), tf.reshape(tf.tile(tf.reshape(ys, [CELL, 1]), [1, CELL]), [CELL * CELL])], 1);
          return tf.exp(tf.neg(model.energy(pts)));
        });
        const dens = grid.dataSync();
        grid.dispose();
        let max = 0;
        for (const v of dens) max = Math.max(max, v);
        const pixels = new Uint8Array(CELL * CELL * 3);
        dens.forEach((v, i) => pixels.set(ramp(Math.sqrt(v / max)), 3 * i));
        const sp = mala.x.dataSync();
        for (let i = 0; i < sp.length / 2; i++) {
          const px = Math.round(((sp[2 * i]! - (lo[0]! - pad[0]!)) / (hi[0]! - lo[0]! + 2 * pad[0]!)) * (CELL - 1));
          const py = Math.round(((hi[1]! + pad[1]! - sp[2 * i + 1]!) / (hi[1]! - lo[1]! + 2 * pad[1]!)) * (CELL - 1));
          if (px >= 0 && px < CELL && py >= 0 && py < CELL) pixels.set([255, 255, 255], 3 * (py * CELL + px));
        }
        panels.push({ pixels });
        const ll = meanNegE - z.logZ;
        // SE of the held-out mean over the test points and of log Z, independent: √(var(−E)/n + SE(log Z)²)
        const varNegE = negE.reduce((a, v) => a + (v - meanNegE) ** 2, 0) / (negE.length - 1);
        row[label] = {
          heldOutLogLikelihood: ll,
          standardError: Math.sqrt(varNegE / negE.length + z.standardError ** 2),
          logZ: z.logZ,
          logZStandardError: z.standardError,
          effectiveSampleSize: z.effectiveSampleSize,
          malaAcceptance: mala.acceptanceRate,
          malaStepSize: mala.stepSize,
          seconds: (performance.now() - t1) / 1000,
        };
        ctx.log(
          `${toy.padEnd(12)} ${label.padEnd(8)} noise: held-out log-likelihood ${ll.toFixed(3)} ± ${(row[label] as { standardError: number }).standardError.toFixed(3)} (log Z ${z.logZ.toFixed(3)} ± ${z.standardError.toFixed(3)}, ESS ${Math.round(z.effectiveSampleSize)}), MALA acceptance ${mala.acceptanceRate.toFixed(3)} at h = ${mala.stepSize.toFixed(4)} (${((performance.now() - t1) / 1000).toFixed(1)} s)`,
        );
        tf.dispose([start, mala.x]);
        trainer.dispose(); // also disposes the model's network
        task.dispose();
        if (label === 'flow') (noise as NoiseSource).dispose();
      }
      // the flow-minus-Gaussian difference on the same test points: paired SE √(var(ΔlogE)/n + SE_Z,flow² + SE_Z,gauss²)
      {
        const g = testLogDensity.gaussian!;
        const f = testLogDensity.flow!;
        const d = f.map((v, i) => v - g[i]!);
        const md = d.reduce((a, v) => a + v, 0) / d.length;
        const vd = d.reduce((a, v) => a + (v - md) ** 2, 0) / (d.length - 1);
        const rg = row.gaussian as { heldOutLogLikelihood: number; logZStandardError: number };
        const rf = row.flow as { heldOutLogLikelihood: number; logZStandardError: number };
        row.flowMinusGaussian = rf.heldOutLogLikelihood - rg.heldOutLogLikelihood;
        row.flowMinusGaussianStandardError = Math.sqrt(vd / d.length + rf.logZStandardError ** 2 + rg.logZStandardError ** 2);
      }
      ctx.log(
        `${toy.padEnd(12)} flow noise − Gaussian noise: ${(row.flowMinusGaussian as number).toFixed(3)} ± ${(row.flowMinusGaussianStandardError as number).toFixed(3)} (paired SE)`,
      );
      ctx.log(
        `${toy.padEnd(12)} flow trained in ${flowSeconds.toFixed(1)} s; noise laws' own held-out log-likelihoods: Gaussian ${(row.gaussianNoiseHeldOut as number).toFixed(3)}, flow ${(row.flowNoiseHeldOut as number).toFixed(3)}${row.trueHeldOut === undefined ? '' : `, true density ${(row.trueHeldOut as number).toFixed(3)}`}`,
      );
      results.push(row);
      flowTrainer.dispose();
      tf.dispose([train, test]);
    }
    // one PNG: a row per toy, Gaussian noise | flow noise
    const width = 2 * CELL + 3 * 4;
    const height = toys.length * CELL + (toys.length + 1) * 4;
    const raster = new Uint8Array(width * height * 3).fill(255);
    panels.forEach((p, k) => {
      const r = Math.floor(k / 2);
      const c = k % 2;
      for (let y = 0; y < CELL; y++) raster.set(p.pixels.subarray(3 * y * CELL, 3 * (y + 1) * CELL), 3 * ((4 + r * (CELL + 4) + y) * width + 4 + c * (CELL + 4)));
    });
    const png = `${flags.out as string}/ebm-density-2d.png`;
    mkdirSync(dirname(png), { recursive: true });
    await writeLibraryPng('ebm-density-2d', png, await encodePng({ data: raster, width, height, channels: 3 }), false);
    const flowBetter = results.filter((r) => (r.flow as { heldOutLogLikelihood: number }).heldOutLogLikelihood > (r.gaussian as { heldOutLogLikelihood: number }).heldOutLogLikelihood).length;
    ctx.log(`flow noise beats Gaussian noise on ${flowBetter} of ${results.length} toys; wrote ${png} (rows: ${toys.join(', ')}; columns: Gaussian noise, flow noise)`);
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    ctx.log(`${cpuSeconds.toFixed(0)} CPU s in all`);
    if (ctx.json) console.log(JSON.stringify({ backend: info.name, method, steps: flags.steps, results, flowBetter, png, cpuSeconds }));
  },
);
