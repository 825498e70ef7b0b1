import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { expectNoLeaks } from '../helpers/index.js';
import { expectWasmMatchesCpu, rand, useWasmWithLeakChecks, withoutKernelLeakCheck } from './compare.js';

/** conv2d → relu → conv2d (stride 2) → relu → maxPool → avgPool → dense, MSE against a target. */
function convNetLoss(params: tf.Tensor[], x: tf.Tensor4D, target: tf.Tensor): tf.Scalar {
  const [w1, b1, w2, b2, w3, b3] = params as [tf.Tensor4D, tf.Tensor1D, tf.Tensor4D, tf.Tensor1D, tf.Tensor2D, tf.Tensor1D];
  let h = tf.relu(tf.add(tf.conv2d(x, w1, 1, 'same'), b1)) as tf.Tensor4D;
  h = tf.relu(tf.add(tf.conv2d(h, w2, 2, 'valid'), b2)) as tf.Tensor4D;
  h = tf.maxPool(h, 2, 1, 'same');
  h = tf.avgPool(h, 2, 2, 'valid');
  const flat = tf.reshape(h, [x.shape[0], -1]);
  const y = tf.add(tf.matMul(flat, w3), b3);
  return tf.losses.meanSquaredError(target, y) as tf.Scalar;
}

function convNetInputs(): { params: tf.Tensor[]; x: tf.Tensor4D; target: tf.Tensor } {
  const scale = (t: tf.Tensor, s: number) => tf.mul(t, s);
  return {
    params: [
      scale(rand([3, 3, 3, 6], 71), 0.3),
      scale(rand([6], 72), 0.1),
      scale(rand([3, 3, 6, 8], 73), 0.2),
      scale(rand([8], 74), 0.1),
      scale(rand([2 * 2 * 8, 5], 75), 0.3),
      scale(rand([5], 76), 0.1),
    ],
    x: rand([4, 11, 11, 3], 77) as tf.Tensor4D,
    target: rand([4, 5], 78),
  };
}

describe('training a small conv net on wasm', () => {
  useWasmWithLeakChecks();

  it('gives the same loss and parameter gradients as cpu', async () => {
    await expectWasmMatchesCpu('conv net grads', () => {
      const { params, x, target } = convNetInputs();
      const { value, grads } = tf.valueAndGrads((...ps: tf.Tensor[]) => convNetLoss(ps, x, target))(params);
      return [value, ...grads];
    });
  });

  it('takes Adam steps with tf.variableGrads without leaking', async () => {
    const { params, x, target } = convNetInputs();
    const vars = params.map((p, i) => tf.variable(p, true, `convnet_${i}_${Date.now()}`));
    tf.dispose(params);
    const optimizer = tf.train.adam(1e-2);
    const step = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => convNetLoss(vars, x, target), vars);
        optimizer.applyGradients(grads as unknown as Parameters<typeof optimizer.applyGradients>[0]);
        return value;
      });
    const first = step();
    const firstLoss = first.dataSync()[0]!;
    first.dispose();
    await expectNoLeaks(step, { label: 'conv net Adam step' });
    const last = step();
    expect(last.dataSync()[0]).toBeLessThan(firstLoss);
    last.dispose();
    optimizer.dispose();
    tf.dispose([...vars, x, target]);
  });

  it('fits tfjs-layers models that need the added kernels (conv, depthwise, separable, embedding)', async () => {
    await withoutKernelLeakCheck(async () => {
      const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
      const models: [string, tfl.Sequential, tf.Tensor, tf.Tensor][] = [];
      const conv = tfl.sequential();
      conv.add(tfl.layers.conv2d({ inputShape: [10, 10, 3], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
      conv.add(tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'same', depthwiseInitializer: init(2) }));
      conv.add(tfl.layers.separableConv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', depthwiseInitializer: init(3), pointwiseInitializer: init(4) }));
      conv.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
      conv.add(tfl.layers.flatten());
      conv.add(tfl.layers.dense({ units: 2, kernelInitializer: init(5) }));
      models.push(['conv', conv, rand([8, 10, 10, 3], 79), rand([8, 2], 80)]);
      const embed = tfl.sequential();
      embed.add(tfl.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 5, embeddingsInitializer: init(6) }));
      embed.add(tfl.layers.flatten());
      embed.add(tfl.layers.dense({ units: 2, kernelInitializer: init(7) }));
      models.push(['embedding', embed, tf.tensor2d([[1, 2, 3, 4, 5], [9, 8, 7, 6, 5], [0, 0, 1, 1, 2], [3, 3, 3, 3, 3]], undefined, 'int32'), rand([4, 2], 81)]);
      for (const [name, model, xs, ys] of models) {
        model.compile({ optimizer: tf.train.adam(1e-2), loss: 'meanSquaredError' });
        const history = await model.fit(xs, ys, { epochs: 3, batchSize: 4, verbose: 0 });
        const losses = history.history.loss as number[];
        expect(losses.every(Number.isFinite), name).toBe(true);
        expect(losses[2]!, name).toBeLessThan(losses[0]!);
        model.dispose();
        tf.dispose([xs, ys]);
      }
    });
  });
});
