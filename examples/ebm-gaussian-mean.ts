/**
 * The 1-D Gaussian mean estimation of "Learning Unnormalized Statistical Models via Compositional Optimization"
 * (Jiang et al., ICML 2023): the model E_θ(x) = (x − θ)²/2, data from N(offset, 1), noise q = N(0, 1), θ₀ = 0.
 * NCE (θ and the log-normaliser c learned, ν = 1) and the compositional NLL (β moving average of the
 * normaliser) run from the same start with the same q, optimiser, learning rate and batch sizes, for several
 * offsets. Prints, per method and offset, the steps until |θ − x̄| < 0.01 first holds, the step from which it
 * holds to the end (the learning rate decays linearly to 0 by default), and the final error, and
 * plots |θ − x̄| against the step for every run.
 *
 *   npx tsx examples/ebm-gaussian-mean.ts [--offsets 0.5,1,2,3] [--steps 1500] [--seeds 2] [--schedule linear] [--json]   (--help lists the flags)
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { quadraticEnergy } from '../models/quadratic-energy.js';
import { standardNormal } from '../src/distributions/standard-normal.js';
import { compositionalTask, nceTask } from '../src/ebm/index.js';
import { ArgumentError } from '../src/errors.js';
import { lineChartSvg } from '../src/plot/lines.js';
import { writePng } from '../src/plot/svg.js';
import { Trainer } from '../src/train/trainer.js';
import { runScript } from './harness.js';

type Method = 'nce' | 'compositional';

await runScript(
  {
    name: 'ebm-gaussian-mean',
    usage: 'npx tsx examples/ebm-gaussian-mean.ts [--offsets 0.5,1,2,3] [--steps 1500] [--seeds 2] [--lr 0.05] [--batch 64] [--noise 64] [--beta 0.1] [--out out/ebm-gaussian-mean] [--json]',
    summary:
      'NCE vs compositional optimisation on 1-D Gaussian mean estimation (E = (x − θ)²/2, q = N(0, 1), data N(offset, 1)): steps to |θ − x̄| < 0.01 and the final error per method and offset, and a plot of the error curves.',
    flags: {
      offsets: { help: 'comma-separated data means (the distance from q = N(0, 1))', default: '0.5,1,2,3' },
      steps: { type: 'number', help: 'SGD steps per run', default: 1500, min: 1, integer: true },
      seeds: { type: 'number', help: 'runs per method and offset (different data, noise and batches)', default: 2, min: 1, integer: true },
      lr: { type: 'number', help: 'SGD learning rate (peak)', default: 0.05, min: 1e-6 },
      schedule: { help: 'learning-rate schedule: constant, or linear (decay to 0 at the last step)', default: 'linear' },
      batch: { type: 'number', help: 'data points per step', default: 64, min: 1, integer: true },
      noise: { type: 'number', help: 'noise draws per step (NCE: ν = noise/batch)', default: 64, min: 1, integer: true },
      beta: { type: 'number', help: 'moving-average weight β of the compositional estimator, in (0, 1]', default: 0.1, min: 1e-6, max: 1 },
      n: { type: 'number', help: 'data points', default: 1000, min: 2, integer: true },
      tolerance: { type: 'number', help: 'target |θ − x̄|', default: 0.01, min: 0 },
      out: { help: 'output directory', default: 'out/ebm-gaussian-mean' },
    },
    check: (flags) => {
      const parts = String(flags.offsets).split(',');
      if (flags.schedule !== 'constant' && flags.schedule !== 'linear') throw new ArgumentError('ebm-gaussian-mean', '--schedule', "'constant' or 'linear'", JSON.stringify(flags.schedule));
      if (parts.some((p) => p.trim() === '' || !Number.isFinite(Number(p)))) throw new ArgumentError('ebm-gaussian-mean', '--offsets', 'comma-separated finite numbers', JSON.stringify(flags.offsets));
    },
  },
  async (flags, ctx) => {
    const info = await ctx.initBackend();
    const offsets = String(flags.offsets).split(',').map(Number);
    const steps = flags.steps as number;
    const tol = flags.tolerance as number;
    const q = standardNormal([1]);
    const series: { label: string; points: [number, number][] }[] = [];
    const rows: { method: Method; offset: number; seed: number; stepsToTarget: number | null; stepsToSettle: number | null; finalError: number; tailError: number; c?: number }[] = [];
    ctx.log(`NCE vs compositional on ${info.name}: ${steps} SGD steps, lr ${flags.lr}, batch ${flags.batch}, noise ${flags.noise}, β ${flags.beta}`);
    for (const offset of offsets) {
      for (let seed = 0; seed < (flags.seeds as number); seed++) {
        const x = tf.randomNormal([flags.n as number, 1], offset, 1, 'float32', 1000 + seed);
        const xBar = (await tf.mean(x).data())[0]!;
        for (const method of ['nce', 'compositional'] as const) {
          const model = quadraticEnergy({ mean: 0 });
          const task =
            method === 'nce'
              ? nceTask({ model, data: x, noise: q, batchSize: flags.batch as number, nu: (flags.noise as number) / (flags.batch as number) })
              : compositionalTask({ model, data: x, noise: q, batchSize: flags.batch as number, noiseBatch: flags.noise as number, beta: flags.beta as number });
          const errors: [number, number][] = [];
          let hit: number | null = null;
          const trainer = new Trainer({
            task,
            steps,
            seed,
            optimizer: 'sgd',
            learningRate: flags.lr as number,
            schedule: flags.schedule as 'constant' | 'linear',
            logEvery: 1,
            onLog: (e) => {
              const err = Math.abs(model.mean.dataSync()[0]! - xBar);
              errors.push([e.step, err]);
              if (hit === null && err < tol) hit = e.step;
            },
          });
          await trainer.train();
          const finalError = Math.abs(model.mean.dataSync()[0]! - xBar);
          // the first step from which the error stays below the target to the end of the run
          let settled: number | null = null;
          for (let i = errors.length - 1; i >= 0 && errors[i]![1] < tol; i--) settled = errors[i]![0];
          const tail = errors.slice(Math.floor(0.9 * errors.length));
          const tailError = tail.reduce((a, [, e]) => a + e, 0) / tail.length;
          const c = method === 'nce' ? (task as ReturnType<typeof nceTask>).logNormalizer.dataSync()[0]! : undefined;
          rows.push({ method, offset, seed, stepsToTarget: hit, stepsToSettle: settled, finalError, tailError, ...(c === undefined ? {} : { c }) });
          if (seed === 0) series.push({ label: `${method}, offset ${offset}`, points: errors.filter((_, i) => i % 5 === 0) });
          ctx.log(`offset ${offset}  seed ${seed}  ${method.padEnd(13)}  steps to |θ − x̄| < ${tol}: ${hit === null ? `not within ${steps}` : hit}, to stay below it: ${settled === null ? 'never' : settled}  final error ${finalError.toExponential(2)}  mean error over the last 10% ${tailError.toExponential(2)}${c === undefined ? '' : `  c ${c.toFixed(3)}`}`);
          trainer.dispose();
          task.dispose();
          model.dispose();
        }
        x.dispose();
      }
    }
    const png = `${flags.out as string}/ebm-gaussian-mean.png`;
    mkdirSync(dirname(png), { recursive: true });
    await writePng(lineChartSvg(series, { title: '|θ − x̄| per SGD step (seed 0)', xLabel: 'step', yLabel: '|θ − x̄|', logY: true, reference: { y: tol, label: `target ${tol}` } }), png);
    const summary = offsets.map((offset) => {
      const of = (m: Method) => rows.filter((r) => r.offset === offset && r.method === m);
      const med = (v: number[]) => (v.length === 0 ? null : [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)]!);
      const stat = (m: Method) => ({
        reached: `${of(m).filter((r) => r.stepsToTarget !== null).length}/${of(m).length}`,
        medianStepsToTarget: med(of(m).map((r) => r.stepsToTarget ?? Infinity)),
        settled: `${of(m).filter((r) => r.stepsToSettle !== null).length}/${of(m).length}`,
        medianStepsToSettle: med(of(m).map((r) => r.stepsToSettle ?? Infinity)),
        meanFinalError: of(m).reduce((s, r) => s + r.finalError, 0) / of(m).length,
        meanErrorLast10pct: of(m).reduce((s, r) => s + r.tailError, 0) / of(m).length,
      });
      return { offset, nce: stat('nce'), compositional: stat('compositional') };
    });
    for (const s of summary) {
      ctx.log(`offset ${s.offset}: median steps to reach NCE ${s.nce.medianStepsToTarget} (${s.nce.reached}), compositional ${s.compositional.medianStepsToTarget} (${s.compositional.reached}); to stay NCE ${s.nce.medianStepsToSettle} (${s.nce.settled}), compositional ${s.compositional.medianStepsToSettle} (${s.compositional.settled}); mean final error NCE ${s.nce.meanFinalError.toExponential(2)}, compositional ${s.compositional.meanFinalError.toExponential(2)}`);
    }
    ctx.log(`wrote ${png}`);
    if (ctx.json) console.log(JSON.stringify({ backend: info.name, steps, tolerance: tol, summary, runs: rows, png }));
  },
);
