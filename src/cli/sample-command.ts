/**
 * `si sample`: draws samples from a trained run with any registered ODE or SDE sampler.
 */
import { extname } from 'node:path';
import { parseEpsilon } from '../../samplers/epsilon.js';
import { sampleSde } from '../../samplers/generative-sde.js';
import { sampleOde } from '../../samplers/probability-flow.js';
import { stepsForNfe } from '../../samplers/registry.js';
import { initBackend } from '../backend.js';
import { ArgumentError, checkNumber } from '../errors.js';
import { scatterSvg } from '../plot/scatter.js';
import { writePng } from '../plot/svg.js';
import { SeedStream } from '../random.js';
import { resolveScheme } from '../solver/compatibility.js';
import type { Solution, SolverProgress } from '../solver/types.js';
import { loadTrainedModel, sampleRunBase } from '../train/trained-model.js';
import { parseArgs, threadsFor, pointCount } from './args.js';
import type { Command } from './commands.js';
import { checkOutputPath } from './output-paths.js';
import { ProgressBar } from './progress.js';
import { readRunFolder } from './run-folder.js';
import { writeSamples } from './samples-file.js';
import { runEnergySample } from './sample-energy.js';
import type { EnergyRunConfig } from './energy-run.js';
import { runImageSample } from './sample-image.js';
import type { LabelledImageRunConfig } from '../images/labelled-image-task.js';
import { savedModel } from './train-models.js';

/** Flags of `si sample` for image and energy runs only, with what an MLP run needs instead. */
const NOT_FOR_VECTOR_RUNS: Record<string, string> = {
  grid: 'used with an image run (si train --model unet): this run samples 2-D/vector points; write them with --out samples.csv [--png]',
  label: 'used with a class-conditional image run (si train --model unet)',
  guidance: 'used with a class-conditional image run (si train --model unet)',
  scale: 'used with --grid on an image run',
  'step-size': 'used with an energy run (si train --model energy)',
};

/** `si sample …`. */
export const sampleCommand: Command = {
  name: 'sample',
  summary: 'draw samples from a trained run: ODE or SDE samplers, image grids with guidance, Langevin/MALA for energies',
  usage:
    'si sample --model runs/checker --n 4000 --sampler heun --nfe 100 [--eps 0.5] --out samples.csv [--png] [--seed 0] [--progress] [--json]\n' +
    'si sample --model runs/shapes --grid samples.png [--label k] [--guidance 2] [--n 8] [--sampler heun] [--nfe 50] [--eps 1]   an image run\n' +
    'si sample --model runs/ebm --sampler mala|langevin|annealed --nfe 200 [--step-size 0.05] --out samples.csv [--png]      an energy run\n' +
    '\n' +
    'Image runs (si train --model unet) write a PNG grid: one row of --n samples per class (or of class --label),\n' +
    'with classifier-free guidance weight --guidance; --eps > 0 picks an SDE sampler. Energy runs (si train --model\n' +
    'energy) start chains at the run\'s noise law and run --nfe energy-gradient steps: langevin (unadjusted, Euler–\n' +
    'Maruyama), mala (Metropolis-adjusted; the first half adapts the step size; prints the acceptance rate) or annealed\n' +
    '(temperatures 8, 4, 2, 1).',
  flags: {
    model: { help: 'run directory written by si train' },
    n: { type: 'number', help: 'number of samples', default: 4000 },
    sampler: { help: 'registered scheme (si compare --samplers list); default heun, or euler-maruyama when --eps > 0' },
    nfe: { type: 'number', help: 'function evaluations (steps = nfe / stages per step)', default: 100 },
    eps: { help: 'noise level ε: a number or schedule:scale (bump:1, decay:0.5); 0 = probability-flow ODE', default: '0' },
    seed: { type: 'number', help: 'seed of the base samples and the noise', default: 0 },
    out: { help: 'output file, .csv (with a header) or .json' },
    png: { type: 'boolean', help: 'also write a scatter PNG next to --out (samples beside the target)' },
    'no-ema': { type: 'boolean', help: 'use the raw weights even if the run kept an EMA' },
    progress: { type: 'boolean', help: 'draw the progress bar on stderr even when it is not a terminal' },
    grid: { help: 'image runs: write the samples as a PNG grid to this file (one row per class)' },
    label: { type: 'number', help: 'image runs: sample this class only (one row); default: one row per class' },
    guidance: { type: 'number', help: 'image runs: classifier-free guidance weight w ≥ 0 (class-conditional runs)', default: 0 },
    scale: { type: 'number', help: 'image runs: pixel upscaling of the grid (default: about 64 px per image)' },
    'step-size': { type: 'number', help: 'energy runs: Langevin step size (mala: the initial one, then adapted) (default: 0.05)' },
  },
  async run(argv) {
    const { flags, given } = parseArgs('si sample', argv, this.flags);
    const modelDir = flags.model as string | undefined;
    const out = flags.out as string | undefined;
    if (!modelDir) throw new ArgumentError('si sample', '--model', 'a run directory written by si train', 'nothing');
    let savedRun: ReturnType<typeof readRunFolder> = null;
    try {
      savedRun = readRunFolder(modelDir);
    } catch {
      // an unreadable run is reported by the loader below, with its own message
    }
    const kind = savedRun ? savedModel(savedRun.config) : null;
    if (kind === 'unet') return runImageSample(modelDir, savedRun!.config as unknown as LabelledImageRunConfig, flags, given);
    if (kind === 'energy') return runEnergySample(modelDir, savedRun!.config as unknown as EnergyRunConfig, flags, given);
    for (const f of given) if (NOT_FOR_VECTOR_RUNS[f]) throw new ArgumentError('si sample', `--${f}`, NOT_FOR_VECTOR_RUNS[f]!, String(flags[f]));
    if (!out) throw new ArgumentError('si sample', '--out', 'an output file (.csv or .json)', 'nothing');
    if (!['.csv', '.json'].includes(extname(out).toLowerCase())) throw new ArgumentError('si sample', '--out', 'a path ending in .csv or .json', JSON.stringify(out));
    checkOutputPath('si sample', '--out', out, 'file');
    const n = checkNumber('si sample', '--n', flags.n, { min: 1, integer: true });
    const nfe = checkNumber('si sample', '--nfe', flags.nfe, { min: 1, integer: true });
    const seed = checkNumber('si sample', '--seed', flags.seed, { integer: true });
    const eps = parseEpsilon(String(flags.eps), '--eps');
    const noisy = !(eps === 0 || (typeof eps === 'object' && eps.scale === 0));
    const scheme = resolveScheme('si sample', (flags.sampler as string | undefined) ?? (noisy ? 'euler-maruyama' : 'heun'), '--sampler');
    const png = flags.png ? out.replace(/\.(csv|json)$/i, '.png') : undefined;
    let saved: ReturnType<typeof readRunFolder> = null;
    try {
      saved = readRunFolder(modelDir);
    } catch {
      // an unreadable run is reported by loadTrainedModel below, with its own message
    }
    if (png && saved && typeof saved.config.dim === 'number' && saved.config.dim !== 2) {
      throw new ArgumentError('si sample', '--png', 'used with a 2-D model (it draws a scatter plot)', `a model of dimension ${saved.config.dim}`);
    }
    await initBackend(flags.backend as string | undefined, { log: flags.json ? null : undefined, threads: threadsFor(flags, 'sampling', pointCount(flags.n)) });
    const run = await loadTrainedModel(modelDir, { useEma: !flags['no-ema'] });
    const seeds = new SeedStream(seed);
    const started = performance.now();
    let sol: Solution | undefined;
    const x0 = sampleRunBase(run, n, seeds);
    try {
      if (!run.velocity) {
        throw new ArgumentError('si sample', '--model', 'a run whose fields give the velocity (b; v and s; or η_z one-sided / mirror)', `fields ${run.config.fields.join(',')}`);
      }
      const steps = stepsForNfe(nfe, scheme.stagesPerStep);
      const bar = new ProgressBar(steps, process.stderr, Boolean(flags.progress) || Boolean(process.stderr.isTTY));
      const progress = (p: SolverProgress) => bar.update(p.acceptedSteps, `${p.nfe} NFE`);
      if (noisy) {
        if (!run.score) throw new ArgumentError('si sample', '--eps', `0 for this run: its fields (${run.config.fields.join(',')}) give no score`, String(flags.eps));
        const tMin = Math.max(run.tMin, run.config.fields.includes('s') ? 0 : 1e-3);
        sol = await sampleSde(x0, { velocity: run.velocity, score: run.score, epsilon: eps, scheme, steps, tMin, seed: seeds.next(), progress });
      } else {
        sol = await sampleOde(x0, { velocity: run.velocity, scheme, steps, tMin: run.tMin, progress });
      }
      bar.done();
      const data = await sol.y.data();
      const seconds = (performance.now() - started) / 1000;
      writeSamples(out, data, n, run.config.dim);
      const nfeUsed = sol.stats.nfe;
      console.log(`wrote ${n} samples to ${out} (${scheme.name}, ${nfeUsed} NFE${noisy ? `, ε ${flags.eps}` : ''}) in ${seconds.toFixed(2)} s`);
      if (png) {
        const ref = run.target.sample(n, new SeedStream(seed + 1));
        await writePng(scatterSvg([{ title: `target: ${run.config.dataset}`, points: ref.dataSync() }, { title: `${scheme.name}, ${nfeUsed} NFE${noisy ? `, ε ${flags.eps}` : ''}`, points: data }]), png);
        ref.dispose();
        console.log(`wrote ${png}`);
      }
      if (flags.json) console.log(JSON.stringify({ n, nfe: nfeUsed, seconds, out, sampler: scheme.name, eps: String(flags.eps), ...(png ? { png } : {}) }));
      return 0;
    } finally {
      x0.dispose();
      sol?.dispose();
      run.dispose();
    }
  },
};
