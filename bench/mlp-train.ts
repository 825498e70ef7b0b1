/**
 * One training step of a small MLP (what the library's 2-D models look like): 3 → H → H → H → 2 with ReLU,
 * MSE loss, Adam, full batch. Measured in ms/step on wasm without and with this library's kernel fixes,
 * and on cpu at one size for reference. `bench/torch-mlp.ts` runs the identical step in PyTorch.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type BackendConfig, type Benchmark, type BenchResult, fmt, median, timeBlock, timeMedian, useBackend } from './lib.js';

/** Shape of one MLP configuration. */
export interface MlpConfig {
  hidden: number;
  batch: number;
}

/** One measured configuration. */
export interface MlpCell extends MlpConfig {
  backend: BackendConfig;
  msPerStep: number;
  samples: number[];
}

/** Input and output dimensions and depth, shared with `bench/torch_mlp.py`. */
export const MLP_SHAPE = { inputDim: 3, outputDim: 2, hiddenLayers: 3, learningRate: 1e-3, epsilon: 1e-7 } as const;

/** The configurations measured (hidden width × batch). */
export function mlpConfigs(): MlpConfig[] {
  const out: MlpConfig[] = [];
  for (const hidden of [128, 256]) for (const batch of [512, 1024]) out.push({ hidden, batch });
  return out;
}

/**
 * Builds the MLP (He-normal weights, zero biases), a fixed batch and an Adam optimiser, and returns a
 * function that runs one step and returns the loss, plus a disposer.
 */
export function makeMlpStep({ hidden, batch }: MlpConfig): { step: () => tf.Scalar; dispose: () => void } {
  const { inputDim, outputDim, hiddenLayers, learningRate, epsilon } = MLP_SHAPE;
  const dims = [inputDim, ...new Array<number>(hiddenLayers).fill(hidden), outputDim];
  // tidy disposes the initial values; the variables survive it.
  const weights = dims.slice(0, -1).map((d, i) =>
    tf.tidy(() => tf.variable(tf.randomNormal([d, dims[i + 1]!], 0, Math.sqrt(2 / d), 'float32', 10 + i))),
  );
  const biases = dims.slice(1).map((d) => tf.tidy(() => tf.variable(tf.zeros([d]))));
  const x = tf.randomNormal([batch, inputDim], 0, 1, 'float32', 1);
  const y = tf.randomNormal([batch, outputDim], 0, 1, 'float32', 2);
  const optimizer = tf.train.adam(learningRate, 0.9, 0.999, epsilon);
  const forwardLoss = () => {
    let h: tf.Tensor = x;
    for (let i = 0; i < weights.length; i++) {
      h = tf.add(tf.matMul(h, weights[i]!), biases[i]!);
      if (i < weights.length - 1) h = tf.relu(h);
    }
    return tf.losses.meanSquaredError(y, h) as tf.Scalar;
  };
  const step = () => optimizer.minimize(forwardLoss, true) as tf.Scalar;
  const dispose = () => {
    optimizer.dispose();
    tf.dispose([...weights, ...biases, x, y]);
  };
  return { step, dispose };
}

function measure(config: MlpConfig, quick: boolean): { ms: number; samples: number[] } {
  const { step, dispose } = makeMlpStep(config);
  const t0 = performance.now();
  step().dispose();
  const estimate = performance.now() - t0;
  const inner = estimate > 300 ? 2 : quick ? 3 : 10;
  const repeats = quick ? 3 : estimate > 300 ? 5 : 7;
  const result = timeMedian(step, { warmup: quick ? 1 : 2, repeats, inner });
  dispose();
  return result;
}

/**
 * wasm without and with the kernel fixes on the same model, in alternating timed blocks (the order
 * flips every repeat), so that both see the same background load on a shared machine.
 */
async function measurePaired(
  config: MlpConfig,
  quick: boolean,
): Promise<{ off: { ms: number; samples: number[] }; on: { ms: number; samples: number[] }; pairedRatio: number }> {
  await useBackend('wasm');
  const { step, dispose } = makeMlpStep(config);
  const samples: Record<'off' | 'on', number[]> = { off: [], on: [] };
  const set = (mode: 'off' | 'on') => useBackend(mode === 'on' ? 'wasm' : 'wasm-nofix');
  await set('off');
  const t0 = performance.now();
  step().dispose();
  const estimateOff = performance.now() - t0;
  await set('on');
  for (let i = 0; i < (quick ? 1 : 3); i++) step().dispose();
  const innerOff = estimateOff > 300 ? 2 : quick ? 3 : 6;
  const innerOn = quick ? 5 : 20;
  const repeats = quick ? 3 : 7;
  for (let r = 0; r < repeats; r++) {
    const order: ('off' | 'on')[] = r % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
    for (const mode of order) {
      await set(mode);
      samples[mode].push(timeBlock(step, mode === 'on' ? innerOn : innerOff));
    }
  }
  await set('on');
  dispose();
  const ratios = samples.off.map((off, i) => off / samples.on[i]!);
  return {
    off: { ms: median(samples.off), samples: samples.off },
    on: { ms: median(samples.on), samples: samples.on },
    pairedRatio: median(ratios),
  };
}

export const mlpTrainBenchmark: Benchmark = {
  name: 'mlp-train',
  description: 'MLP training step (3 hidden layers, ReLU, Adam, MSE) in ms/step: wasm without/with fixes, cpu',
  async run(ctx): Promise<BenchResult> {
    const configs = mlpConfigs();
    const cpuConfig: MlpConfig = { hidden: 128, batch: 512 };
    const cells: MlpCell[] = [];
    const pairedRatios: Record<string, number> = {};
    for (const config of configs) {
      ctx.progress(`mlp-train: wasm without/with fixes, hidden=${config.hidden} batch=${config.batch}`);
      const { off, on, pairedRatio } = await measurePaired(config, ctx.quick);
      cells.push({ backend: 'wasm-nofix', ...config, msPerStep: off.ms, samples: off.samples });
      cells.push({ backend: 'wasm', ...config, msPerStep: on.ms, samples: on.samples });
      pairedRatios[`${config.hidden}x${config.batch}`] = pairedRatio;
    }
    await useBackend('cpu');
    ctx.progress(`mlp-train: cpu hidden=${cpuConfig.hidden} batch=${cpuConfig.batch}`);
    const cpu = measure(cpuConfig, ctx.quick);
    cells.push({ backend: 'cpu', ...cpuConfig, msPerStep: cpu.ms, samples: cpu.samples });
    await useBackend('wasm');
    const get = (backend: BackendConfig, c: MlpConfig) =>
      cells.find((x) => x.backend === backend && x.hidden === c.hidden && x.batch === c.batch);
    const rows = [['hidden', 'batch', 'wasm ms/step', 'wasm+fixes ms/step', 'speed-up', 'cpu ms/step']];
    const speedups: number[] = [];
    for (const c of configs) {
      const off = get('wasm-nofix', c)!;
      const on = get('wasm', c)!;
      const speedup = pairedRatios[`${c.hidden}x${c.batch}`]!;
      speedups.push(speedup);
      rows.push([String(c.hidden), String(c.batch), fmt(off.msPerStep), fmt(on.msPerStep), `${fmt(speedup, 1)}×`, fmt(get('cpu', c)?.msPerStep)]);
    }
    const minSpeedup = Math.min(...speedups);
    const notes = [
      'speed-up: median over repeats of (time without fixes / time with fixes), measured in alternating blocks',
      `kernel fixes speed-up on wasm: ${fmt(minSpeedup, 1)}× to ${fmt(Math.max(...speedups), 1)}× ` +
        `(acceptance: ≥ 5×: ${minSpeedup >= 5 ? 'met' : 'NOT met'})`,
    ];
    return {
      tables: [{ title: 'MLP training step (3→H→H→H→2, ReLU, Adam, MSE)', rows }],
      notes,
      data: { shape: MLP_SHAPE, cells, pairedRatios, minSpeedup },
    };
  },
};
