/**
 * TrainedModel.sample runs the probability-flow ODE on the solver core (the library imports no sampler): it
 * must give exactly what sampleOde (samplers/) gives from the same base draws, for steps, grids, adaptive
 * steps and the backward direction, and refuse what it cannot do with a message saying where to go.
 */
import { resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import '../../models/register.js';
import { sampleOde } from '../../samplers/probability-flow.js';
import type { OdeSamplerOptions } from '../../samplers/probability-flow.js';
import { SeedStream } from '../../src/random.js';
import { loadTrainedModel, sampleRunBase } from '../../src/train/trained-model.js';
import type { RunSampleOptions, TrainedModel } from '../../src/train/trained-model.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';

const v1Run = resolve(import.meta.dirname, '../fixtures/runs/v1-checker');
let run: TrainedModel;
beforeAll(async () => {
  run = await loadTrainedModel(v1Run);
});
afterAll(() => run.dispose());

async function both(options: RunSampleOptions, ode: Omit<OdeSamplerOptions, 'velocity'>): Promise<void> {
  const viaRun = await run.sample(6, { seed: 2, ...options });
  const x0 = sampleRunBase(run, 6, new SeedStream(2));
  const sol = await sampleOde(x0, { ...ode, velocity: run.velocity! });
  expectAllClose(viaRun, sol.y, { rtol: 0, atol: 0 });
  tf.dispose([viaRun, x0]);
  sol.dispose();
}

describe('TrainedModel.sample on the solver core', () => {
  it('equals sampleOde from the same base draws: default steps, a grid, adaptive steps, backward', async () => {
    await both({}, { scheme: 'heun', steps: 50, tMin: run.tMin });
    await both({ scheme: 'rk4', steps: 7, tMin: 0.01 }, { scheme: 'rk4', steps: 7, tMin: 0.01 });
    await both({ scheme: 'midpoint', grid: [0, 0.3, 0.7, 1] }, { scheme: 'midpoint', grid: [0, 0.3, 0.7, 1] });
    await both({ scheme: 'dopri5', adaptive: { rtol: 1e-3, atol: 1e-4 } }, { scheme: 'dopri5', adaptive: { rtol: 1e-3, atol: 1e-4 }, tMin: run.tMin });
    await both({ steps: 5, direction: 'backward' }, { scheme: 'heun', steps: 5, direction: 'backward', tMin: run.tMin });
  }, 60_000);

  it('leaks nothing but its result', async () => {
    await expectNoLeaks(async () => (await run.sample(4, { steps: 3 })).dispose());
  });

  it('refuses a final denoising step, two stepping modes, unknown options and bad scheme names, naming itself', async () => {
    await expect(run.sample(4, { denoise: { kind: 'x1', denoiser: run.velocity } })).rejects.toThrow(/TrainedModel.sample: argument 'options.denoise' must be undefined \(for a final denoising step call sampleOde/);
    await expect(run.sample(4, { steps: 3, grid: [0, 1] })).rejects.toThrow(/TrainedModel.sample: argument 'options' must be at most one of options.steps, options.grid or options.adaptive, got steps and grid/);
    await expect(run.sample(4, { stpes: 3 } as RunSampleOptions)).rejects.toThrow(/TrainedModel.sample: argument 'options' .*unknown key 'stpes'/);
    await expect(run.sample(4, { scheme: 'haun' })).rejects.toThrow(/TrainedModel.sample: argument 'options.scheme'.*did you mean 'heun'/);
    await expect(run.sample(0)).rejects.toThrow(/TrainedModel.sample: argument 'n' must be an integer >= 1/);
  });
});
