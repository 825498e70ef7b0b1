import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { timeConditionedMlp } from '../../models/mlp.js';
import { getDataset } from '../../src/data/index.js';
import { makeInterpolant } from '../../src/interpolants/index.js';
import { quadraticObjective } from '../../src/objectives/quadratic-objective.js';
import { CheckpointError, cleanRunFolder, loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint.js';
import { Trainer } from '../../src/train/trainer.js';
import type { TrainerOptions } from '../../src/train/trainer.js';
import { expectNoLeaks } from '../helpers/index.js';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'si-run-folder-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const interpolant = makeInterpolant('one-sided-linear');

function options(overrides: Partial<TrainerOptions> = {}): TrainerOptions {
  return {
    interpolant,
    objective: quadraticObjective(interpolant, ['b']),
    model: timeConditionedMlp({ dim: 2, hidden: 16, layers: 1, seed: 3 }),
    target: getDataset('checkerboard'),
    steps: 6,
    batchSize: 32,
    seed: 5,
    logEvery: 1,
    ...overrides,
  };
}

const manifestStep = async (run: string) => (JSON.parse(await fs.readFile(join(run, 'manifest.json'), 'utf8')) as { step: number }).step;

describe('run folders are owned: checkpoints never touch other files', () => {
  it("a user's notes.txt, samples.png and a file in checkpoint/ survive a checkpoint every step", async () => {
    const run = join(dir, 'foreign');
    await fs.mkdir(join(run, 'checkpoint'), { recursive: true });
    const png = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
    await fs.writeFile(join(run, 'notes.txt'), 'my notes');
    await fs.writeFile(join(run, 'samples.png'), png);
    await fs.writeFile(join(run, 'checkpoint', 'README.txt'), 'mine too');
    const trainer = new Trainer(options({ checkpointDir: run, checkpointEvery: 1 }));
    await trainer.train();
    trainer.dispose();
    expect(await fs.readFile(join(run, 'notes.txt'), 'utf8')).toBe('my notes');
    expect(new Uint8Array(await fs.readFile(join(run, 'samples.png')))).toEqual(png);
    expect(await fs.readFile(join(run, 'checkpoint', 'README.txt'), 'utf8')).toBe('mine too');
    expect((await fs.readdir(run)).sort()).toEqual(['checkpoint', 'history.jsonl', 'manifest.json', 'notes.txt', 'samples.png']);
    const generations = (await fs.readdir(join(run, 'checkpoint'))).filter((n) => n.startsWith('step-'));
    expect(generations).toEqual([expect.stringMatching(/^step-00000006\.[0-9a-f]{8}$/)]);
    expect(await manifestStep(run)).toBe(6);
  });

  it('stale leftovers of a killed writer are removed at the next start, and nothing else', async () => {
    const run = join(dir, 'stale');
    const t1 = new Trainer(options({ checkpointDir: run, steps: 2 }));
    await t1.train();
    t1.dispose();
    // What killed writers leave: an unreferenced generation, a temporary manifest, version-1 style siblings.
    const staleGeneration = join(run, 'checkpoint', 'step-00000003.deadbeef');
    await fs.mkdir(join(staleGeneration, 'modules'), { recursive: true });
    await fs.writeFile(join(staleGeneration, 'modules', 'model.json'), '{');
    await fs.writeFile(join(run, '.manifest.json.tmp-123-abcdef12'), '{');
    const tmpSibling = join(dir, '.stale.tmp-77-a1b2');
    const oldSibling = join(dir, '.stale.old-77-c3d4');
    for (const d of [tmpSibling, oldSibling]) {
      await fs.mkdir(d);
      await fs.writeFile(join(d, 'model.json'), '{}');
      await fs.writeFile(join(d, 'model.weights.bin'), new Uint8Array(8));
    }
    // Look-alikes that are not the library's: kept.
    const userSibling = join(dir, '.stale.tmp-mine');
    await fs.mkdir(userSibling);
    await fs.writeFile(join(userSibling, 'thesis.tex'), 'x');
    await fs.mkdir(join(run, 'checkpoint', 'step-mine'));

    const t2 = await Trainer.resume(run, ({ model }) => options({ model, checkpointDir: run, steps: 3 }));
    await t2.train();
    t2.dispose();
    const exists = async (p: string) => fs.stat(p).then(() => true, () => false);
    expect(await exists(staleGeneration)).toBe(false);
    expect(await exists(join(run, '.manifest.json.tmp-123-abcdef12'))).toBe(false);
    expect(await exists(tmpSibling)).toBe(false);
    expect(await exists(oldSibling)).toBe(false);
    expect(await exists(userSibling)).toBe(true);
    expect(await exists(join(run, 'checkpoint', 'step-mine'))).toBe(true);
    expect(await manifestStep(run)).toBe(3);

    // cleanRunFolder is the same clean-up on its own; a previous checkpoint kept only as .old-… is never removed.
    const lost = join(dir, 'lost');
    const lostOld = join(dir, '.lost.old-1-beef');
    await fs.mkdir(lostOld);
    await fs.writeFile(join(lostOld, 'manifest.json'), '{}');
    expect((await cleanRunFolder(lost)).removed).toEqual([]);
    expect(await exists(lostOld)).toBe(true);
  });

  it('a Trainer refuses to start a fresh run over an existing one, unless overwrite: true', async () => {
    const run = join(dir, 'taken');
    const t1 = new Trainer(options({ checkpointDir: run, steps: 2 }));
    await t1.train();
    t1.dispose();
    await fs.writeFile(join(run, 'notes.txt'), 'keep');
    expect(() => new Trainer(options({ checkpointDir: run }))).toThrow(
      `Trainer: argument 'options.checkpointDir' must be a folder without a run: resume the run there with Trainer.resume, or pass overwrite: true to replace it, got '${run}', which holds a run at step 2`,
    );
    expect(await manifestStep(run)).toBe(2);
    expect(() => new Trainer(options({ checkpointDir: join(run, 'notes.txt') }))).toThrow(/'options.checkpointDir' must be a folder \(or a path that does not exist yet\), got '.*notes.txt', which is a file/);
    const t2 = new Trainer(options({ checkpointDir: run, overwrite: true, steps: 1 }));
    await t2.train();
    t2.dispose();
    expect(await manifestStep(run)).toBe(1);
    expect(await fs.readFile(join(run, 'notes.txt'), 'utf8')).toBe('keep');
    const history = (await fs.readFile(join(run, 'history.jsonl'), 'utf8')).trim().split('\n');
    expect(history.map((l) => (JSON.parse(l) as { step: number }).step)).toEqual([1]); // the old run's lines went with it
  });
});

describe('a reader running against a writer never sees a corrupt checkpoint', () => {
  it('in-process: 40 saves interleaved with continuous loads', async () => {
    const run = join(dir, 'interleaved');
    const model = timeConditionedMlp({ dim: 2, hidden: 64, layers: 2, seed: 1 });
    await saveCheckpoint(run, { model, config: {}, step: 0 });
    let writing = true;
    const writer = (async () => {
      for (let step = 1; step <= 40; step++) {
        tf.tidy(() => void model.trainableWeights[0]!.write(tf.fill(model.trainableWeights[0]!.shape as number[], step)));
        await saveCheckpoint(run, { model, config: {}, step });
      }
      writing = false;
    })();
    let reads = 0;
    let last = -1;
    while (writing) {
      const ck = await loadCheckpoint(run);
      expect(ck.step).toBeGreaterThanOrEqual(last);
      // the weights read are those of the step the manifest names
      if (ck.step > 0) expect(ck.model.trainableWeights[0]!.read().dataSync()[0]).toBe(ck.step);
      last = ck.step;
      ck.model.dispose();
      ck.dispose();
      reads++;
    }
    await writer;
    expect(reads).toBeGreaterThan(5);
    model.dispose();
  });

  it('across processes: a child process saving every step, read continuously (several hundred reads)', async () => {
    const run = join(dir, 'child');
    const child = spawn(join(root, 'node_modules/.bin/tsx'), [join(root, 'test/train/helpers/checkpoint-writer.ts'), run, '80'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    let exited = false;
    const exit = new Promise<number | null>((r) => child.on('exit', (code) => ((exited = true), r(code))));
    let reads = 0;
    let last = 0;
    while (!exited) {
      let ck;
      try {
        ck = await loadCheckpoint(run);
      } catch (e) {
        // Before the first commit there is no checkpoint yet; any other error fails the test.
        expect(e).toBeInstanceOf(CheckpointError);
        expect(String(e)).toMatch(/the directory does not exist|has no manifest\.json/);
        expect(last).toBe(0);
        await new Promise((r) => setTimeout(r, 5));
        continue;
      }
      expect(ck.step).toBeGreaterThanOrEqual(last);
      last = ck.step;
      ck.model.dispose();
      ck.dispose();
      reads++;
    }
    expect(await exit, err).toBe(0);
    expect(out).toContain('done');
    expect(reads).toBeGreaterThan(20);
    expect(await manifestStep(run)).toBe(80);
    console.log(`concurrent reader: ${reads} reads while the writer saved 80 checkpoints`);
  });
});

describe('loss history', () => {
  it('history.jsonl holds one line per log entry (step, loss, terms, learning rate, seconds) and survives an interrupted run', async () => {
    const run = join(dir, 'history');
    const t1 = new Trainer(options({ checkpointDir: run, checkpointEvery: 3, steps: 6 }));
    const r1 = await t1.train({ untilStep: 3 });
    // A kill after steps 4 and 5 were logged but before their checkpoint: the checkpoint of step 3 with the
    // history of 5 steps.
    const atStep3 = join(dir, 'history-at-3');
    await fs.cp(run, atStep3, { recursive: true });
    r1.history.push(...(await t1.train({ untilStep: 5 })).history);
    t1.dispose();
    await fs.rm(join(run, 'checkpoint'), { recursive: true });
    await fs.cp(join(atStep3, 'checkpoint'), join(run, 'checkpoint'), { recursive: true });
    await fs.cp(join(atStep3, 'manifest.json'), join(run, 'manifest.json'));
    expect(await manifestStep(run)).toBe(3);
    const read = async () => (await fs.readFile(join(run, 'history.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const lines = await read();
    expect(lines.map((l) => l.step)).toEqual([1, 2, 3, 4, 5]);
    expect(lines[0]).toEqual({ step: 1, loss: r1.history[0]!.loss, terms: { b: r1.history[0]!.loss }, learningRate: r1.history[0]!.learningRate, seconds: expect.any(Number) });
    // Resuming from step 3 drops the lines it will log again, then appends.
    const t2 = await Trainer.resume(run, ({ model }) => options({ model, checkpointDir: run, checkpointEvery: 3, steps: 6 }));
    const r2 = await t2.train();
    t2.dispose();
    const after = await read();
    expect(after.map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(after.slice(3).map((l) => l.loss)).toEqual(r2.history.map((h) => h.loss));
    expect(after.slice(0, 3)).toEqual(lines.slice(0, 3));
    expect((after[5]!.seconds as number) >= (after[2]!.seconds as number)).toBe(true);
  });

  it('does not leak tensors over trained steps with a run folder', async () => {
    const trainer = new Trainer(options({ checkpointDir: join(dir, 'leak'), steps: 50, checkpointEvery: 2, logEvery: 2 }));
    await expectNoLeaks(() => trainer.train({ untilStep: trainer.step + 2 }));
    trainer.dispose();
  });
});

describe('replacing a version-1 checkpoint', () => {
  it("removes exactly the files its manifest listed; a user's model.json in a version-2 folder stays", async () => {
    const run = join(dir, 'v1-replaced');
    await fs.cp(resolve(root, 'test/fixtures/runs/v1-checker'), run, { recursive: true });
    await fs.writeFile(join(run, 'notes.txt'), 'n');
    const ck = await loadCheckpoint(run);
    await saveCheckpoint(run, { model: ck.model, config: ck.config, step: 7 });
    expect((await fs.readdir(run)).sort()).toEqual(['checkpoint', 'manifest.json', 'notes.txt']);
    // later saves over a version-2 manifest never remove files named like version-1 ones
    await fs.writeFile(join(run, 'model.json'), '{"mine":1}');
    await saveCheckpoint(run, { model: ck.model, config: ck.config, step: 8 });
    expect(await fs.readFile(join(run, 'model.json'), 'utf8')).toBe('{"mine":1}');
    ck.model.dispose();
    ck.dispose();
  });
});
