/**
 * `si sample` on an energy run (`si train --model energy`): chains started at the run's noise law, run by
 * unadjusted Langevin, MALA or annealed Langevin for `--nfe` energy-gradient steps; samples to `--out`
 * (.csv / .json), optionally a scatter PNG beside the data, and MALA's acceptance rate.
 */
import { extname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../backend.js';
import { threadsFor } from './args.js';
import { ArgumentError, checkNumber } from '../errors.js';
import { scatterSvg } from '../plot/scatter.js';
import { writePng } from '../plot/svg.js';
import { SeedStream } from '../random.js';
import { energySampler, sampleEnergy } from './energy-sampling.js';
import type { EnergySamples } from './energy-sampling.js';
import { energyStarts, loadEnergyRun } from './energy-run.js';
import type { EnergyRunConfig } from './energy-run.js';
import { checkOutputPath } from './output-paths.js';
import { writeSamples } from './samples-file.js';
import type { CliFlags } from './train-session.js';

const CMD = 'si sample';

/** The Langevin step size when `--step-size` is not given. */
export const DEFAULT_ENERGY_STEP_SIZE = 0.05;

/** Flags of `si sample` that energy runs do not take. */
const NOT_FOR_ENERGY: Record<string, string> = {
  eps: 'omitted with an energy run (Langevin noise is fixed by the temperature; set the step with --step-size)',
  label: 'omitted with an energy run (it has no classes)',
  guidance: 'omitted with an energy run (guidance is for class-conditional image runs)',
  grid: 'omitted with an energy run (its samples are vectors: write them with --out samples.csv)',
  scale: 'omitted with an energy run (it scales the --grid of image runs)',
};

/** Checks the step size flag (`--step-size`), with its default. */
export function energyStepSize(command: string, flags: CliFlags): number {
  return checkNumber(command, '--step-size', flags['step-size'] ?? DEFAULT_ENERGY_STEP_SIZE, { min: 0, exclusiveMin: true });
}

/** Runs `si sample` on the energy run in `modelDir` (its saved config already read). */
export async function runEnergySample(modelDir: string, config: EnergyRunConfig, flags: CliFlags, given: readonly string[]): Promise<number> {
  for (const f of given) if (NOT_FOR_ENERGY[f]) throw new ArgumentError(CMD, `--${f}`, NOT_FOR_ENERGY[f]!, String(flags[f]));
  const out = flags.out as string | undefined;
  if (!out) throw new ArgumentError(CMD, '--out', 'an output file (.csv or .json)', 'nothing');
  if (!['.csv', '.json'].includes(extname(out).toLowerCase())) throw new ArgumentError(CMD, '--out', 'a path ending in .csv or .json', JSON.stringify(out));
  checkOutputPath(CMD, '--out', out, 'file');
  const png = flags.png ? out.replace(/\.(csv|json)$/i, '.png') : undefined;
  if (png && config.dim !== 2) throw new ArgumentError(CMD, '--png', 'used with a 2-D model (it draws a scatter plot)', `a model of dimension ${config.dim}`);
  const n = checkNumber(CMD, '--n', flags.n, { min: 1, integer: true });
  const steps = checkNumber(CMD, '--nfe', flags.nfe, { min: 1, integer: true });
  const seed = checkNumber(CMD, '--seed', flags.seed, { integer: true });
  const stepSize = energyStepSize(CMD, flags);
  const sampler = energySampler(CMD, '--sampler', (flags.sampler as string | undefined) ?? 'mala');

  await initBackend(flags.backend as string | undefined, { log: flags.json ? null : undefined, threads: threadsFor(flags, 'sampling', n) });
  const run = await loadEnergyRun(modelDir, { useEma: !flags['no-ema'] });
  const seeds = new SeedStream(seed);
  const x0 = energyStarts(run, n, seeds.next());
  let r: EnergySamples | undefined;
  try {
    const started = performance.now();
    r = await sampleEnergy(run.model.energy, x0, { sampler, steps, stepSize, seed: seeds.next() });
    const data = await r.x.data();
    const seconds = (performance.now() - started) / 1000;
    const finite = data.every((v) => Number.isFinite(v));
    writeSamples(out, data, n, config.dim);
    const acceptance = r.acceptanceRate !== undefined ? `, acceptance ${r.acceptanceRate.toFixed(3)} at step ${r.stepSize.toPrecision(3)}` : '';
    const line = `wrote ${n} samples to ${out} (${sampler}, ${r.steps} steps of size ${stepSize}${acceptance}) in ${seconds.toFixed(2)} s`;
    if (flags.json) console.error(line);
    else console.log(line);
    if (png) {
      const ref = run.target.sample(n, new SeedStream(seed + 1));
      await writePng(scatterSvg([{ title: `data: ${config.dataset}`, points: ref.dataSync() }, { title: `${sampler}, ${r.steps} steps`, points: data }]), png);
      ref.dispose();
      if (!flags.json) console.log(`wrote ${png}`);
    }
    if (flags.json) {
      console.log(JSON.stringify({ n, nfe: r.steps, sampler, stepSize: r.stepSize, ...(r.acceptanceRate !== undefined ? { acceptanceRate: r.acceptanceRate } : {}), finite, seconds, out, ...(png ? { png } : {}) }));
    }
    return 0;
  } finally {
    tf.dispose([x0, ...(r ? [r.x] : [])]);
    run.dispose();
  }
}
