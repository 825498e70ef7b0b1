/**
 * Out-of-distribution detection with an energy-based model: an EBM trained by NCE on a 2-D toy (the
 * in-distribution) scores held-out in-distribution points and points of other laws by their energy (higher
 * energy = more out-of-distribution); reports the AUROC per out-of-distribution set, next to the AUROC of the
 * Gaussian fitted to the data (−log q as the score), which sees only the first two moments.
 *
 *   npx tsx examples/ebm-ood.ts [--in moons] [--steps 1000] [--json]   (--help lists the flags)
 */
import * as tf from '@tensorflow/tfjs-core';
import { energyMlp } from '../models/energy-mlp.js';
import { getDataset, listDatasets } from '../src/data/registry.js';
import { fullGaussian } from '../src/distributions/full-gaussian.js';
import type { Distribution } from '../src/distributions/types.js';
import { auroc, nceTask } from '../src/ebm/index.js';
import { ArgumentError } from '../src/errors.js';
import { SeedStream } from '../src/random.js';
import { Trainer } from '../src/train/trainer.js';
import { runScript } from './harness.js';

await runScript(
  {
    name: 'ebm-ood',
    usage: 'npx tsx examples/ebm-ood.ts [--in moons] [--out rings,checkerboard,gaussian] [--steps 1000] [--json]',
    summary:
      "Out-of-distribution detection with energies as scores: an EBM trained by NCE on one 2-D toy; AUROC against other toys and against the Gaussian with the data's mean and covariance, next to that Gaussian's own AUROC.",
    flags: {
      in: { help: 'the in-distribution toy', default: 'moons' },
      out: { help: "comma-separated out-of-distribution sets: toy names, or 'gaussian' (moment-matched to the in-distribution)", default: 'rings,checkerboard,gaussian' },
      steps: { type: 'number', help: 'NCE training steps', default: 1000, min: 1, integer: true },
      batch: { type: 'number', help: 'data points per step', default: 256, min: 1, integer: true },
      nu: { type: 'number', help: 'noise draws per data point', default: 2, min: 0.01 },
      lr: { type: 'number', help: 'learning rate (Adam, linear decay)', default: 1e-2, min: 1e-7 },
      n: { type: 'number', help: 'training points', default: 4000, min: 10, integer: true },
      test: { type: 'number', help: 'held-out points per set', default: 2000, min: 1, integer: true },
      seed: { type: 'number', help: 'seed', default: 0, integer: true },
    },
    check: (flags) => {
      const names = listDatasets();
      if (!names.includes(String(flags.in))) throw new ArgumentError('ebm-ood', '--in', `a dataset name (${names.join(', ')})`, JSON.stringify(flags.in));
      for (const o of String(flags.out).split(',')) {
        if (o !== 'gaussian' && !names.includes(o)) throw new ArgumentError('ebm-ood', '--out', `comma-separated dataset names or 'gaussian'`, JSON.stringify(flags.out));
      }
    },
  },
  async (flags, ctx) => {
    const info = await ctx.initBackend();
    const seed = flags.seed as number;
    const seeds = new SeedStream(seed + 31);
    const inData = getDataset(String(flags.in));
    const train = inData.sample(flags.n as number, seeds) as tf.Tensor2D;
    const tr = train.dataSync();
    const n = tr.length / 2;
    const mean = [0, 0];
    for (let i = 0; i < n; i++) for (let j = 0; j < 2; j++) mean[j] += tr[2 * i + j]! / n;
    const cov = [0, 1].map((a) => [0, 1].map((b) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += (tr[2 * i + a]! - mean[a]!) * (tr[2 * i + b]! - mean[b]!);
      return s / (n - 1);
    }));
    const gauss = fullGaussian({ mean, covariance: cov });
    const t0 = performance.now();
    const model = energyMlp({ dim: 2, hidden: 64, layers: 3, confinement: 0.01, seed });
    const task = nceTask({ model, data: train, noise: gauss, batchSize: flags.batch as number, nu: flags.nu as number });
    const trainer = new Trainer({ task, steps: flags.steps as number, learningRate: flags.lr as number, seed, logEvery: 250, onLog: (e) => ctx.log(`step ${String(e.step).padStart(5)}  NCE loss ${e.loss.toFixed(4)}`) });
    ctx.log(`training an MLP energy by NCE on ${flags.in} (${info.name}, ${flags.steps} steps, noise: Gaussian fitted to the data)`);
    await trainer.train();
    const trainSeconds = (performance.now() - t0) / 1000;
    const scores = (x: tf.Tensor) => tf.tidy(() => ({ energy: Array.from(model.energy(x).dataSync()), gaussian: Array.from(tf.neg(gauss.logProb(x as tf.Tensor2D)).dataSync()) }));
    const testIn = inData.sample(flags.test as number, seeds);
    const inScores = scores(testIn);
    const results: { out: string; auroc: number; gaussianAuroc: number }[] = [];
    for (const o of String(flags.out).split(',')) {
      const law: Distribution = o === 'gaussian' ? gauss : getDataset(o);
      const x = law.sample(flags.test as number, seeds);
      const s = scores(x);
      const r = { out: o, auroc: auroc(s.energy, inScores.energy), gaussianAuroc: auroc(s.gaussian, inScores.gaussian) };
      results.push(r);
      ctx.log(`in ${flags.in} vs out ${o.padEnd(12)} AUROC ${r.auroc.toFixed(4)} (energy)   ${r.gaussianAuroc.toFixed(4)} (fitted Gaussian)`);
      x.dispose();
    }
    const minimum = Math.min(...results.map((r) => r.auroc));
    ctx.log(`lowest AUROC ${minimum.toFixed(4)} (${minimum >= 0.9 ? 'meets' : 'misses'} 0.9); trained in ${trainSeconds.toFixed(1)} s`);
    trainer.dispose();
    task.dispose();
    tf.dispose([train, testIn]);
    if (ctx.json) console.log(JSON.stringify({ backend: info.name, in: flags.in, steps: flags.steps, results, minimumAuroc: minimum, trainSeconds }));
  },
);
