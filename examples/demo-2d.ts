/**
 * The 2-D demo (`npm run demo`): learn the checkerboard with a one-sided linear interpolant, then sample it
 * with the probability-flow ODE and with the SDE (score converted from the velocity, ε(t) = 4ε0 t(1−t)
 * vanishing at both ends), write target | ODE | SDE side by side to a PNG, and print the sliced W2 distance
 * of each to fresh target samples (with the floor: two independent target sets).
 *
 *   npm run demo -- [--steps 8000] [--batch 512] [--out out/demo] [--backend wasm] [--threads N] [--seed 0] [--json]
 *   npm run demo -- --help
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  SeedStream,
  Trainer,
  getDataset,
  makeInterpolant,
  quadraticObjective,
  scoreFromVelocity,
  slicedWasserstein2,
} from '../src/index.js';
import { MLP_ACTIVATIONS, modelFields, timeConditionedMlp } from '../models/index.js';
import { checkOneOf } from '../src/errors.js';
import { sampleOde, sampleSde } from '../samplers/index.js';
import { runScript } from './harness.js';
import { scatterSvg } from '../src/plot/scatter.js';
import { writePng } from '../src/plot/svg.js';

await runScript(
  {
    name: 'demo-2d',
    usage: 'npm run demo -- [--steps 8000] [--activation relu] [--hidden 128] [--lr 2e-3] [--ema 0] [--batch 512] [--n 4000] [--out out/demo] [--backend NAME] [--threads N] [--seed 0] [--json]',
    summary: 'Learns the checkerboard (one-sided linear interpolant, objective b), samples it with the ODE and the SDE, writes a PNG and prints the sliced W2 of each against the floor.',
    flags: {
      steps: { type: 'number', help: 'training steps', default: 8000, min: 1, integer: true },
      batch: { type: 'number', help: 'batch size', default: 512, min: 1, integer: true },
      n: { type: 'number', help: 'samples drawn for the picture and the metrics', default: 4000, min: 2, integer: true },
      seed: { type: 'number', help: 'seed', default: 0, integer: true },
      lr: { type: 'number', help: 'peak learning rate', default: 2e-3, min: 1e-12 },
      hidden: { type: 'number', help: 'hidden width of the MLP (3 layers)', default: 128, min: 1, integer: true },
      activation: { help: 'hidden activation (relu, swish, gelu, tanh, elu, softplus)', default: 'relu' },
      ema: { type: 'number', help: 'EMA decay of the weights used for sampling (0: off)', default: 0, min: 0, max: 0.99999 },
      out: { help: 'output directory', default: 'out/demo' },
    },
    check: (flags) => void checkOneOf('demo-2d', '--activation', flags.activation, MLP_ACTIVATIONS),
  },
  async (flags, ctx) => {
    const { json, log } = ctx;
    const info = await ctx.initBackend();

    // 1. Train b for the one-sided linear interpolant x_t = (1 − t) z + t x1 on the checkerboard.
    const target = getDataset('checkerboard');
    const interpolant = makeInterpolant('one-sided-linear');
    const objective = quadraticObjective(interpolant, ['b']);
    const model = timeConditionedMlp({ dim: 2, hidden: flags.hidden as number, layers: 3, activation: flags.activation as 'swish', seed: flags.seed as number });
    const trainer = new Trainer({
      interpolant,
      objective,
      model,
      target,
      steps: flags.steps as number,
      batchSize: flags.batch as number,
      learningRate: flags.lr as number,
      ema: flags.ema as number,
      seed: flags.seed as number,
      logEvery: 500,
      onLog: (e) => log(`step ${String(e.step).padStart(5)}  loss ${e.loss.toFixed(4)}  lr ${e.learningRate.toExponential(2)}  ${e.stepsPerSecond.toFixed(1)} steps/s`),
    });
    log(`training on ${info.name}: checkerboard, one-sided linear interpolant, objective b, MLP 3×${flags.hidden} (${flags.activation}), ${flags.steps} steps × batch ${flags.batch}`);
    const training = await trainer.train();

    // 2. Sample with the ODE (Heun, 100 NFE) and the SDE (Euler–Maruyama, 200 steps, ε(t) = 4·1·t(1−t)).
    // Sample with the EMA weights when the run kept them.
    trainer.ema?.swapIn();
    const { b } = modelFields(model, ['b']);
    const score = scoreFromVelocity(b, interpolant);
    const n = flags.n as number;
    const seeds = new SeedStream((flags.seed as number) + 1);
    const x0 = tf.randomNormal([n, 2], 0, 1, 'float32', seeds.next()) as tf.Tensor2D;
    const t0 = performance.now();
    const ode = await sampleOde(x0, { velocity: b, scheme: 'heun', steps: 50 });
    const odeSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const sde = await sampleSde(x0, { velocity: b, score, epsilon: { schedule: 'bump', scale: 1 }, steps: 200, seed: seeds.next() });
    const sdeSeconds = (performance.now() - t1) / 1000;

    // 3. Quality: sliced W2 to fresh target samples, against the floor of two independent target sets.
    const reference = target.sample(n, seeds);
    const second = target.sample(n, seeds);
    const w2 = async (a: tf.Tensor2D) => slicedWasserstein2(a, reference, { seed: 7 });
    const quality = { base: await w2(x0), ode: await w2(ode.y), sde: await w2(sde.y), floor: await w2(second) };
    const png = `${flags.out as string}/demo-2d.png`;
    await writePng(
      scatterSvg([
        { title: 'target: checkerboard', points: second.dataSync(), caption: `floor (two target sets) ${quality.floor.toFixed(3)}` },
        { title: 'ODE: heun, 100 NFE', points: ode.y.dataSync(), caption: `sliced W2 ${quality.ode.toFixed(3)}` },
        { title: 'SDE: euler-maruyama, 200 steps, ε = bump:1', points: sde.y.dataSync(), caption: `sliced W2 ${quality.sde.toFixed(3)}` },
      ]),
      png,
    );
    log(`\nsliced W2 to fresh target samples (n = ${n}):`);
    log(`  base N(0, I)     ${quality.base.toFixed(4)}`);
    log(`  ODE  (heun 100)  ${quality.ode.toFixed(4)}   ${odeSeconds.toFixed(2)} s`);
    log(`  SDE  (EM 200)    ${quality.sde.toFixed(4)}   ${sdeSeconds.toFixed(2)} s`);
    log(`  floor            ${quality.floor.toFixed(4)}`);
    log(`wrote ${png}`);
    tf.dispose([x0, reference, second]);
    ode.dispose();
    sde.dispose();
    trainer.dispose();
    if (json) {
      console.log(JSON.stringify({ backend: info.name, steps: training.steps, secondsPerStep: training.secondsPerStep, finalLoss: training.finalLoss, slicedW2: quality, png }));
    }
  },
);
