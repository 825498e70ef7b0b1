/**
 * The checkerboard recipe step (MLP 3×128 swish, batch 512, Adam, objective b, one wasm thread): which
 * kernels go through tfjs's engine in one step (a tally by kernel name), then an interleaved comparison of
 * CPU time per step: everything on; the interpolant's x_t and targets through tf ops (its direct wasm
 * path off); and that with the backend's own `Pack` too (the state before helper L6's changes).
 *
 *   nice -n 10 npx tsx bench/l6-step-ab.ts [rounds]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend.js';
import { checkerboardStepComparison, cpuMs } from './checkerboard.js';
import { median } from './lib.js';
import { getDataset } from '../src/data/registry.js';
import { timeConditionedMlp } from '../models/mlp.js';
import { makeInterpolant } from '../src/interpolants/index.js';
import { quadraticObjective } from '../src/objectives/quadratic-objective.js';
import { interpolantTask } from '../src/train/tasks/interpolant.js';
import { Trainer } from '../src/train/trainer.js';
import { SpatiallyLinearInterpolant } from '../src/interpolants/spatially-linear.js';

await initBackend('wasm', { log: null, threads: 1 });
const rounds = Number(process.argv[2] ?? 9);

// Switches: the backend's own Pack or ours; the interpolant's direct sample path on or off.
const ours = tf.getKernel('Pack', 'wasm')!;
const { packConfig } = (await import('@tensorflow/tfjs-backend-wasm/dist/kernels/Pack.js')) as { packConfig: tf.KernelConfig };
const proto = SpatiallyLinearInterpolant.prototype as unknown as { sampleDirect: unknown };
const sampleDirect = proto.sampleDirect;
const set = (pack: boolean, direct: boolean) => () => {
  tf.unregisterKernel('Pack', 'wasm');
  tf.registerKernel(pack ? ours : packConfig);
  proto.sampleDirect = direct ? sampleDirect : () => undefined;
};

for (const [label, pack, direct] of [['before (backend Pack, sample through tf ops)', false, false], ['after', true, true]] as const) {
  set(pack, direct)();
  // Tally: wrap the engine's runKernel for one step (after warm-up).
  const interpolant = makeInterpolant('one-sided-linear');
  const objective = quadraticObjective(interpolant, ['b']);
  const model = timeConditionedMlp({ dim: 2, hidden: 128, layers: 3, activation: 'swish', heads: 1, towers: 'shared', seed: 0 });
  const task = interpolantTask({ interpolant, objective, model, target: getDataset('checkerboard'), batchSize: 512 });
  const trainer = new Trainer({ task, steps: 1_000_000, seed: 0, learningRate: 2e-3, logEvery: 1_000_000 });
  for (let k = 0; k < 5; k++) void trainer.trainStep();
  const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
  const runKernel = engine.runKernel.bind(engine);
  const tally = new Map<string, number>();
  engine.runKernel = (name: string, ...rest: unknown[]) => {
    tally.set(name, (tally.get(name) ?? 0) + 1);
    return runKernel(name, ...rest);
  };
  void trainer.trainStep();
  delete (engine as { runKernel?: unknown }).runKernel;
  trainer.dispose();
  const total = [...tally.values()].reduce((a, b) => a + b, 0);
  console.log(`${label}: engine ops per step: ${total}`);
  console.log(`  ${[...tally].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

const res = await checkerboardStepComparison(
  [
    { label: 'after (our Pack, direct sample)', apply: set(true, true) },
    { label: 'our Pack, sample through tf ops', apply: set(true, false) },
    { label: 'before (backend Pack, sample through tf ops)', apply: set(false, false) },
  ],
  { rounds, block: 20, warmup: 10, cpu: true },
);
for (const r of res) console.log(`${r.label}: ${r.ms.toFixed(3)} ms CPU/step (median of ${r.samples.length}; ${r.samples.map((s) => s.toFixed(2)).join(' ')})`);
// Paired by round (the same background load): median of (variant − after).
const after = res[0]!.samples;
for (const r of res.slice(1)) console.log(`${r.label} − after: ${median(r.samples.map((x, i) => x - after[i]!)).toFixed(3)} ms CPU/step (median of per-round differences)`);

// The two pieces alone, µs of CPU per call (interleaved blocks, medians).
const micro = (label: string, variants: [string, () => void, () => void][], calls = 200, blocks = 15) => {
  const samples = variants.map(() => [] as number[]);
  for (let b = 0; b < blocks; b++) {
    variants.forEach(([, apply, fn], i) => {
      apply();
      const c0 = cpuMs();
      for (let k = 0; k < calls; k++) fn();
      samples[i]!.push(((cpuMs() - c0) * 1e3) / calls);
    });
  }
  console.log(`${label}: ${variants.map(([name], i) => `${name} ${median(samples[i]!).toFixed(1)} µs`).join(', ')}`);
};
const a = tf.randomUniform([512], -2, 2, 'float32', 1);
const b = tf.randomUniform([512], -2, 2, 'float32', 2);
const stack = () => tf.stack([a, b], 1).dispose();
micro('tf.stack of two [512] on axis 1', [['ours', set(true, true), stack], ['backend', set(false, true), stack]]);
const I = makeInterpolant('one-sided-linear');
const x0 = tf.randomNormal([512, 2], 0, 1, 'float32', 3);
const x1 = tf.randomNormal([512, 2], 0, 1, 'float32', 4);
const t = tf.randomUniform([512], 1e-3, 1 - 1e-3, 'float32', 5) as tf.Tensor1D;
const sample = () => tf.dispose(Object.values(I.sample(x0, x1, t)));
micro('one-sided-linear sample, batch [512, 2]', [['direct', set(true, true), sample], ['tf ops', set(true, false), sample]]);
tf.dispose([a, b, x0, x1, t]);
set(true, true)();
