// A writer process for the concurrent reader test: saves a checkpoint of a small model `steps` times in a
// row into `dir` (argv: dir steps), changing the weights between saves, then prints "done".
import '@tensorflow/tfjs-layers';
import * as tf from '@tensorflow/tfjs-core';
import { timeConditionedMlp } from '../../../models/mlp.js';
import { initBackend } from '../../../src/backend.js';
import { saveCheckpoint } from '../../../src/train/checkpoint.js';
import { ExponentialMovingAverage } from '../../../src/train/ema.js';
import { makeOptimizer } from '../../../src/train/optimizers.js';

await initBackend(undefined, { log: null });
const [dir, stepsText] = process.argv.slice(2);
const model = timeConditionedMlp({ dim: 2, hidden: 32, layers: 2, seed: 1 });
const optimizer = makeOptimizer('adam', { learningRate: 0.01 });
const ema = new ExponentialMovingAverage(model, { decay: 0.9 });
const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
for (let step = 1; step <= Number(stepsText); step++) {
  tf.tidy(() => {
    const x = tf.randomNormal([16, 2], 0, 1, 'float32', step);
    const t = tf.randomUniform([16, 1], 0, 1, 'float32', step);
    optimizer.minimize(() => tf.mean(tf.square(model.apply([x, t]) as tf.Tensor)) as tf.Scalar, false, vars);
  });
  ema.update();
  await saveCheckpoint(dir!, { model, optimizer, ema, config: { writer: true }, step });
}
console.log('done');
