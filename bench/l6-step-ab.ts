/**
 * The checkerboard recipe step (MLP 3×128 swish, batch 512, Adam, objective b, one wasm thread): which
 * kernels go through tfjs's engine in one step (a tally by kernel name), then an interleaved A/B of CPU
 * time per step with this library's wasm `Pack` override on and off.
 *
 *   nice -n 10 npx tsx bench/l6-step-ab.ts [rounds]
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend.js';
import { checkerboardStepComparison } from './checkerboard.js';
import { getDataset } from '../src/data/registry.js';
import { timeConditionedMlp } from '../models/mlp.js';
import { makeInterpolant } from '../src/interpolants/index.js';
import { quadraticObjective } from '../src/objectives/quadratic-objective.js';
import { interpolantTask } from '../src/train/tasks/interpolant.js';
import { Trainer } from '../src/train/trainer.js';
import { createWasmPackKernel } from '../src/kernels/wasm-pack.js';

await initBackend('wasm', { log: null, threads: 1 });
const rounds = Number(process.argv[2] ?? 9);

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
console.log(`engine ops per step: ${total}`);
console.log([...tally].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', '));

// A/B: the Pack override on and off (the backend's own Pack restored for "off").
const ours = tf.getKernel('Pack', 'wasm')!;
const { packConfig } = (await import('@tensorflow/tfjs-backend-wasm/dist/kernels/Pack.js')) as { packConfig: tf.KernelConfig };
void createWasmPackKernel;
const use = (config: tf.KernelConfig) => () => {
  tf.unregisterKernel('Pack', 'wasm');
  tf.registerKernel(config);
};
const res = await checkerboardStepComparison(
  [
    { label: 'Pack override on', apply: use(ours) },
    { label: 'Pack override off', apply: use(packConfig) },
  ],
  { rounds, block: 20, warmup: 10, cpu: true },
);
for (const r of res) console.log(`${r.label}: ${r.ms.toFixed(3)} ms CPU/step (median of ${r.samples.length}; ${r.samples.map((s) => s.toFixed(2)).join(' ')})`);
use(ours)();
