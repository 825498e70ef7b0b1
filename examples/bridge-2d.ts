/**
 * A data-to-data bridge: two moons → eight Gaussians with the two-sided linear interpolant
 * x_t = (1 − t) x0 + t x1 + γ(t) z, γ = √(t(1−t)). Learns b, pushes fresh moons samples through the ODE and
 * writes source | pushed | target to a PNG with the sliced W2 of each to the target.
 *
 *   npx tsx examples/bridge-2d.ts [--steps 2000] [--out out/bridge] [--backend NAME] [--threads N] [--json]   (--help lists the flags)
 */
import * as tf from '@tensorflow/tfjs-core';
import { SeedStream, Trainer, getDataset, makeInterpolant, quadraticObjective, slicedWasserstein2 } from '../src/index.js';
import { modelFields, timeConditionedMlp } from '../models/index.js';
import { sampleOde } from '../samplers/index.js';
import { runScript } from './harness.js';
import { scatterSvg } from '../src/plot/scatter.js';
import { writePng } from '../src/plot/svg.js';

await runScript(
  {
    name: 'bridge-2d',
    usage: 'npx tsx examples/bridge-2d.ts [--steps 2000] [--batch 512] [--n 3000] [--out out/bridge] [--backend NAME] [--threads N] [--seed 0] [--json]',
    summary:
      'A data-to-data bridge: learns b for two moons → eight Gaussians (linear interpolant, γ = √(t(1−t))), pushes fresh moons through the ODE and writes source | pushed | target to a PNG with the sliced W2 of each.',
    flags: {
      steps: { type: 'number', help: 'training steps', default: 2000, min: 1, integer: true },
      batch: { type: 'number', help: 'batch size', default: 512, min: 1, integer: true },
      n: { type: 'number', help: 'samples for the picture and metrics', default: 3000, min: 2, integer: true },
      seed: { type: 'number', help: 'seed', default: 0, integer: true },
      out: { help: 'output directory', default: 'out/bridge' },
    },
  },
  async (flags, ctx) => {
    const { json, log } = ctx;
    const info = await ctx.initBackend();

    const source = getDataset('moons');
    const target = getDataset('8gaussians');
    const interpolant = makeInterpolant('linear', { gamma: 'sqrt' });
    const model = timeConditionedMlp({ dim: 2, hidden: 128, layers: 3, seed: flags.seed as number });
    const trainer = new Trainer({
      interpolant,
      objective: quadraticObjective(interpolant, ['b']),
      model,
      target,
      base: source,
      steps: flags.steps as number,
      batchSize: flags.batch as number,
      seed: flags.seed as number,
      logEvery: 500,
      onLog: (e) => log(`step ${String(e.step).padStart(5)}  loss ${e.loss.toFixed(4)}  ${e.stepsPerSecond.toFixed(1)} steps/s`),
    });
    log(`training a moons → 8gaussians bridge on ${info.name} (${flags.steps} steps)`);
    const training = await trainer.train();

    const n = flags.n as number;
    const seeds = new SeedStream((flags.seed as number) + 1);
    const x0 = source.sample(n, seeds);
    const { b } = modelFields(model, ['b']);
    // γ̇ of √(t(1−t)) is infinite at the ends: sample on the training range [tMin, 1 − tMin].
    const pushed = await sampleOde(x0, { velocity: b, scheme: 'rk4', steps: 25, tMin: quadraticObjective(interpolant, ['b']).tMin });
    const reference = target.sample(n, seeds);
    const quality = { source: await slicedWasserstein2(x0, reference, { seed: 3 }), pushed: await slicedWasserstein2(pushed.y, reference, { seed: 3 }) };
    const png = `${flags.out as string}/bridge-2d.png`;
    await writePng(
      scatterSvg([
        { title: 'source: moons', points: x0.dataSync(), caption: `sliced W2 to target ${quality.source.toFixed(3)}` },
        { title: 'pushed through the ODE (rk4, 100 NFE)', points: pushed.y.dataSync(), caption: `sliced W2 ${quality.pushed.toFixed(3)}` },
        { title: 'target: 8 gaussians', points: reference.dataSync() },
      ]),
      png,
    );
    log(`sliced W2 to the target: source ${quality.source.toFixed(4)}, pushed ${quality.pushed.toFixed(4)}; wrote ${png}`);
    tf.dispose([x0, reference]);
    pushed.dispose();
    trainer.dispose();
    if (json) console.log(JSON.stringify({ backend: info.name, steps: training.steps, finalLoss: training.finalLoss, slicedW2: quality, png }));
  },
);

