import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadMnist, MNIST_HELDOUT_SIZE, MNIST_TRAIN_SIZE } from '../../src/images/mnist.js';
import { SeedStream } from '../../src/random.js';
import { expectAllClose, expectNoLeaks } from '../helpers/index.js';

const require = createRequire(import.meta.url);
const packageDigits = (k: number) => (JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${k}.json`), 'utf8')) as { data: number[] }).data;

/** A per-row fingerprint (sum of pixel values weighted by position), to compare rows across splits. */
function fingerprints(values: Float32Array, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < 784; j++) s += values[i * 784 + j]! * ((j % 97) + 1);
    out.push(Math.round(s * 1000));
  }
  return out.sort((a, b) => a - b);
}

describe('loadMnist', () => {
  it('reads the package digits scaled to [−1, 1], in class order for split all', async () => {
    const all = await loadMnist({ split: 'all' });
    expect(all.size).toBe(10000);
    expect(all.eventShape).toEqual([28, 28, 1]);
    const counts = Array.from({ length: 10 }, (_, k) => packageDigits(k).length / 784);
    const labels = all.labelArray();
    expect(Array.from({ length: 10 }, (_, k) => labels.filter((y) => y === k).length)).toEqual(counts);
    const first3 = packageDigits(3).slice(0, 784).map((v) => 2 * v - 1);
    const row = counts.slice(0, 3).reduce((s, c) => s + c, 0);
    const { x: images, labels: y } = all.gather([row]);
    expect(y.dataSync()[0]).toBe(3);
    expectAllClose(images.dataSync(), first3, { atol: 1e-6 });
    images.dispose();
    y.dispose();
  });

  it('splits 8,000 / 2,000 deterministically and disjointly, covering all digits', async () => {
    const train = await loadMnist();
    const held = await loadMnist({ split: 'heldout' });
    const all = await loadMnist({ split: 'all' });
    expect([train.size, held.size]).toEqual([MNIST_TRAIN_SIZE, MNIST_HELDOUT_SIZE]);
    const every = (d: typeof all) => d.gather(Int32Array.from({ length: d.size }, (_, i) => i));
    const [a, b, c] = [every(train), every(held), every(all)];
    const fa = fingerprints(a.x.dataSync() as Float32Array, train.size);
    const fb = fingerprints(b.x.dataSync() as Float32Array, held.size);
    const fc = fingerprints(c.x.dataSync() as Float32Array, all.size);
    expect([...fa, ...fb].sort((u, v) => u - v)).toEqual(fc);
    // Every class is present in the held-out set in roughly its share (hypergeometric, sd ≈ 12 per class).
    const heldLabels = held.labelArray();
    for (let k = 0; k < 10; k++) expect(heldLabels.filter((y) => y === k).length).toBeGreaterThan(140);
    const again = await loadMnist({ split: 'heldout' });
    expect(Array.from(again.labelArray())).toEqual(Array.from(heldLabels));
    for (const t of [a, b, c]) {
      t.x.dispose();
      t.labels.dispose();
    }
  });

  it('samples reproducibly from the seeds, with no leaks', async () => {
    const train = await loadMnist();
    const x = train.sampleLabelled(16, new SeedStream(5));
    const y = train.sampleLabelled(16, new SeedStream(5));
    expectAllClose(x.x, y.x, { atol: 0 });
    const marginal = train.sample(16, new SeedStream(5));
    expectAllClose(marginal, x.x, { atol: 0 });
    marginal.dispose();
    expectAllClose(x.labels, y.labels, { atol: 0 });
    expect(x.labels.dtype).toBe('int32');
    const v = x.x.dataSync();
    expect(v.every((p) => p >= -1 && p <= 1)).toBe(true);
    for (const t of [x.x, x.labels, y.x, y.labels]) t.dispose();
    await expectNoLeaks(() => train.sample(8, new SeedStream(2)));
  });

  it('rejects an unknown split', async () => {
    await expect(loadMnist({ split: 'test' as never })).rejects.toThrow(/loadMnist: argument 'options.split' must be one of 'train', 'heldout', 'all', got "test"/);
  });
});
