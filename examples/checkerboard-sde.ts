/**
 * The paper's score + velocity checkerboard: learn b and s together (two heads of one network) for the
 * two-sided linear interpolant with γ = √(t(1−t)), then sample with the forward SDE at several ε (ε = 0 is
 * the ODE) and report the sliced W2 of each, with one PNG panel per ε.
 *
 *   npx tsx examples/checkerboard-sde.ts [--steps 3000] [--eps 0,0.5,1,2] [--out out/checker-sde] [--threads N] [--json]   (--help lists the flags)
 */
import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, Trainer, getDataset, makeInterpolant, quadraticObjective, slicedWasserstein2 } from '../src/index.js';
import { modelFields, timeConditionedMlp } from '../models/index.js';
import { parseEpsilon, sampleSde } from '../samplers/index.js';
import { runScript } from './harness.js';
import { scatterSvg } from '../src/plot/scatter.js';
import { writePng } from '../src/plot/svg.js';

await runScript(
  {
    name: 'checkerboard-sde',
    usage: 'npx tsx examples/checkerboard-sde.ts [--steps 3000] [--batch 512] [--eps 0,0.5,1,2] [--n 3000] [--out out/checker-sde] [--backend NAME] [--threads N] [--seed 0] [--json]',
    summary:
      "The paper's score + velocity checkerboard: learns b and s together (linear interpolant, γ = √(t(1−t))), samples the SDE at several ε (ε = 0 is the ODE) and reports the sliced W2 of each, one PNG panel per ε.",
    flags: {
      steps: { type: 'number', help: 'training steps', default: 3000, min: 1, integer: true },
      batch: { type: 'number', help: 'batch size', default: 512, min: 1, integer: true },
      eps: { help: 'comma-separated ε values or schedules', default: '0,0.5,1,2' },
      n: { type: 'number', help: 'samples per ε', default: 3000, min: 2, integer: true },
      seed: { type: 'number', help: 'seed', default: 0, integer: true },
      out: { help: 'output directory', default: 'out/checker-sde' },
    },
    // Every ε is read before training starts, so a bad one fails at once.
    check: (flags) => String(flags.eps).split(',').forEach((e) => parseEpsilon(e.trim(), '--eps')),
  },
  async (flags, ctx) => {
    const { json, log } = ctx;
    const info = await ctx.initBackend();
    const epsilons = String(flags.eps).split(',').map((e) => ({ text: e.trim(), value: parseEpsilon(e) }));

    const target = getDataset('checkerboard');
    const interpolant = makeInterpolant('linear', { gamma: 'sqrt' });
    const objective = quadraticObjective(interpolant, ['b', 's']);
    const model = timeConditionedMlp({ dim: 2, hidden: 128, layers: 3, heads: 2, seed: flags.seed as number });
    const trainer = new Trainer({
      interpolant,
      objective,
      model,
      target,
      steps: flags.steps as number,
      batchSize: flags.batch as number,
      seed: flags.seed as number,
      logEvery: 500,
      onLog: (e) => log(`step ${String(e.step).padStart(5)}  loss b ${e.perField.b!.toFixed(4)}  s ${e.perField.s!.toFixed(4)}  ${e.stepsPerSecond.toFixed(1)} steps/s`),
    });
    log(`training b and s on the checkerboard on ${info.name} (${flags.steps} steps)`);
    const training = await trainer.train();

    const { b, s } = modelFields(model, ['b', 's']);
    const n = flags.n as number;
    const seeds = new SeedStream((flags.seed as number) + 1);
    const x0 = tf.randomNormal([n, 2], 0, 1, 'float32', seeds.next()) as tf.Tensor2D;
    const reference = target.sample(n, seeds);
    const results: { eps: string; slicedW2: number; seconds: number }[] = [];
    const panels = [];
    for (const { text, value } of epsilons) {
      const started = performance.now();
      const sol = await sampleSde(x0, { velocity: b, score: s, epsilon: value, steps: 200, tMin: objective.tMin, seed: seeds.next() });
      const seconds = (performance.now() - started) / 1000;
      const w2 = await slicedWasserstein2(sol.y, reference, { seed: 5 });
      results.push({ eps: text, slicedW2: w2, seconds });
      panels.push({ title: `ε = ${text}${text === '0' ? ' (ODE)' : ''}`, points: sol.y.dataSync(), caption: `sliced W2 ${w2.toFixed(3)}` });
      log(`ε = ${text.padEnd(8)} sliced W2 ${w2.toFixed(4)}  (${seconds.toFixed(2)} s)`);
      sol.dispose();
    }
    const png = `${flags.out as string}/checkerboard-sde.png`;
    await writePng(scatterSvg([{ title: 'target', points: reference.dataSync() }, ...panels]), png);
    log(`wrote ${png}`);
    tf.dispose([x0, reference]);
    trainer.dispose();
    if (json) console.log(JSON.stringify({ backend: info.name, steps: training.steps, finalLoss: training.finalLoss, results, png }));
  },
);
