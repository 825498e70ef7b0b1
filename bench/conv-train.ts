/**
 * One training step of a small conv net (conv2d → relu → conv2d stride 2 → relu → maxPool → dense,
 * MNIST-sized input, Adam, MSE) in ms/step. The wasm backend trains it only with this library's kernel
 * fixes (it has no `Conv2DBackpropFilter`); cpu is the reference (skipped with `--quick`: its
 * `Conv2DBackpropFilter` is a very slow loop).
 */
import * as tf from '@tensorflow/tfjs-core';
import { type BackendConfig, type Benchmark, type BenchResult, fmt, timeMedian, useBackend } from './lib.js';

/** Batch, image size and channel counts of the benchmarked net. */
export const CONV_NET = { batch: 32, size: 28, channels: [1, 8, 16], classes: 10 } as const;

/** Builds the net, a fixed batch and Adam; returns one training step (returning the loss) and a disposer. */
export function makeConvStep(): { step: () => tf.Scalar; dispose: () => void } {
  const { batch, size, channels, classes } = CONV_NET;
  const [c0, c1, c2] = channels;
  const he = (shape: number[], fanIn: number, seed: number) =>
    tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', seed)));
  const zeros = (n: number) => tf.tidy(() => tf.variable(tf.zeros([n])));
  const conv2 = Math.floor((size - 3) / 2) + 1; // 3×3 'valid' stride 2
  const pooled = Math.floor(conv2 / 2); // 2×2 max pool, stride 2
  const flat = pooled ** 2 * c2;
  const params = [he([3, 3, c0, c1], 9 * c0, 1), zeros(c1), he([3, 3, c1, c2], 9 * c1, 2), zeros(c2), he([flat, classes], flat, 3), zeros(classes)];
  const x = tf.randomNormal([batch, size, size, c0], 0, 1, 'float32', 4) as tf.Tensor4D;
  const y = tf.randomNormal([batch, classes], 0, 1, 'float32', 5);
  const optimizer = tf.train.adam(1e-3);
  const loss = () => {
    const [w1, b1, w2, b2, w3, b3] = params as unknown as [tf.Tensor4D, tf.Tensor, tf.Tensor4D, tf.Tensor, tf.Tensor2D, tf.Tensor];
    let h = tf.relu(tf.add(tf.conv2d(x, w1, 1, 'same'), b1)) as tf.Tensor4D;
    h = tf.relu(tf.add(tf.conv2d(h, w2, 2, 'valid'), b2)) as tf.Tensor4D;
    h = tf.maxPool(h, 2, 2, 'valid');
    const out = tf.add(tf.matMul(tf.reshape(h, [batch, -1]), w3), b3);
    return tf.losses.meanSquaredError(y, out) as tf.Scalar;
  };
  return {
    step: () => optimizer.minimize(loss, true) as tf.Scalar,
    dispose: () => {
      optimizer.dispose();
      tf.dispose([...params, x, y]);
    },
  };
}

export const convTrainBenchmark: Benchmark = {
  name: 'conv-train',
  description: 'small conv net training step (2 conv layers, maxPool, dense; Adam) in ms/step: wasm+fixes, cpu',
  async run(ctx): Promise<BenchResult> {
    const backends: BackendConfig[] = ctx.quick ? ['wasm'] : ['wasm', 'cpu'];
    const cells: { backend: BackendConfig; msPerStep: number; samples: number[] }[] = [];
    for (const backend of backends) {
      await useBackend(backend);
      ctx.progress(`conv-train: ${backend}`);
      const { step, dispose } = makeConvStep();
      const slow = backend === 'cpu';
      const { ms, samples } = timeMedian(step, { warmup: 1, repeats: slow ? 3 : ctx.quick ? 3 : 7, inner: slow ? 1 : ctx.quick ? 3 : 10 });
      dispose();
      cells.push({ backend, msPerStep: ms, samples });
    }
    await useBackend('wasm');
    const { batch, size, channels } = CONV_NET;
    const rows = [['backend', 'ms/step'], ...cells.map((c) => [c.backend === 'wasm' ? 'wasm+fixes' : c.backend, fmt(c.msPerStep)])];
    const notes = ['wasm without the fixes cannot run this step (no Conv2DBackpropFilter kernel)'];
    const cpu = cells.find((c) => c.backend === 'cpu');
    if (cpu) notes.push(`wasm+fixes is ${fmt(cpu.msPerStep / cells[0]!.msPerStep, 1)}× faster than cpu`);
    return {
      tables: [{ title: `conv net training step (batch ${batch}, ${size}×${size}×${channels[0]}, channels ${channels.slice(1).join('→')})`, rows }],
      notes,
      data: { net: CONV_NET, cells },
    };
  },
};
