import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeConditionedMlp } from '../../models/mlp.js';
import { ArgumentError } from '../../src/errors.js';
import { CheckpointError, loadCheckpoint, saveCheckpoint, writeCheckpoint } from '../../src/train/checkpoint.js';
import type { CheckpointManifest } from '../../src/train/checkpoint.js';
import { ExponentialMovingAverage } from '../../src/train/ema.js';
import { makeOptimizer } from '../../src/train/optimizers.js';
import type { ScheduledOptimizer } from '../../src/train/optimizer-state.js';
import { expectAllClose } from '../helpers/index.js';

const CONFIG = { optimizer: { name: 'adabelief', learningRate: 0.01 }, model: { dim: 2, hidden: 8 }, seed: 7 };

let root = '';
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'si-checkpoint-test-'));
});
afterAll(async () => {
  if (root) await fs.rm(root, { recursive: true, force: true });
});

function smallModel(seed = 3): tfl.LayersModel {
  return timeConditionedMlp({ dim: 2, hidden: 8, layers: 1, timeFrequencies: 2, seed });
}

function variablesOf(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

const X = () => tf.tensor2d([[0.1, -0.2], [1, 2], [-0.5, 0.3]]);
const T = () => tf.tensor2d([[0.3], [0.7], [0.1]]);

/** A few training steps of a regression of the model output onto a fixed target. */
function train(model: tfl.LayersModel, optimizer: ScheduledOptimizer, ema: ExponentialMovingAverage | null, steps: number): void {
  const vars = variablesOf(model);
  for (let k = 0; k < steps; k++) {
    tf.tidy(() => {
      const x = X();
      const t = T();
      optimizer.minimize(() => tf.mean(tf.square(tf.sub(model.apply([x, t]) as tf.Tensor, tf.onesLike(x)))) as tf.Scalar, false, vars);
    });
    ema?.update();
  }
}

function predict(model: tfl.LayersModel): number[] {
  return tf.tidy(() => Array.from((model.predict([X(), T()]) as tf.Tensor).dataSync()));
}

async function generations(dir: string): Promise<string[]> {
  return fs.readdir(path.join(dir, 'checkpoint'));
}

async function manifestOf(dir: string): Promise<CheckpointManifest> {
  return JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as CheckpointManifest;
}

async function siblings(dir: string): Promise<string[]> {
  return (await fs.readdir(path.dirname(dir))).filter((n) => n.includes(path.basename(dir)));
}

/** A model + optimiser + EMA after 3 steps, saved at `dir` with `step`. */
async function makeCheckpoint(dir: string, step: number) {
  const model = smallModel();
  const optimizer = makeOptimizer('adabelief', { learningRate: 0.01 });
  const ema = new ExponentialMovingAverage(model, { decay: 0.9, warmup: true });
  train(model, optimizer, ema, 3);
  const manifest = await saveCheckpoint(dir, { model, optimizer, ema, config: CONFIG, step, extra: { loss: 0.25 } });
  return { model, optimizer, ema, manifest };
}

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round trip: identical model outputs, optimiser state, EMA weights, config and step; training continues identically', async () => {
    const dir = path.join(root, 'roundtrip', 'ckpt');
    const { model, optimizer, ema, manifest } = await makeCheckpoint(dir, 3);
    expect((await fs.readdir(dir)).sort()).toEqual(['checkpoint', 'manifest.json']);
    const generation = await generations(dir);
    expect(generation).toHaveLength(1);
    expect((await fs.readdir(path.join(dir, 'checkpoint', generation[0]!))).sort()).toEqual(['ema.bin', 'modules', 'optimizer.bin']);
    expect((await fs.readdir(path.join(dir, 'checkpoint', generation[0]!, 'modules'))).sort()).toEqual(['model.json', 'model.weights.bin']);
    expect(await siblings(dir)).toEqual(['ckpt']); // no temporary directory left behind
    expect(manifest.formatVersion).toBe(2);
    expect(manifest.optimizer?.className).toBe('AdaBelief');
    expect(manifest.optimizer?.tensors.map((t) => t.name)[0]).toBe('iter');
    expect(manifest.modules.model!.tensors.length).toBe(model.weights.length);
    const onDisk = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')) as CheckpointManifest;
    expect(onDisk.files[onDisk.modules.model!.weightsFile]!.byteLength).toBe(model.countParams() * 4);
    // the module's model.json is tfjs's own format, naming its weights file beside it
    const modelJson = JSON.parse(await fs.readFile(path.join(dir, onDisk.modules.model!.topologyFile), 'utf8')) as { weightsManifest: { paths: string[] }[] };
    expect(modelJson.weightsManifest[0]!.paths).toEqual(['model.weights.bin']);

    const ck = await loadCheckpoint(dir);
    expect(ck.step).toBe(3);
    expect(ck.config).toEqual(CONFIG);
    expect(ck.extra).toEqual({ loss: 0.25 });
    expect(ck.optimizer).toMatchObject({ className: 'AdaBelief', iterations: 3, config: { learningRate: 0.01 } });
    expect(ck.ema).toEqual({ decay: 0.9, warmup: true, numUpdates: 3 });
    expect(predict(ck.model)).toEqual(predict(model));

    const original = await optimizer.getWeights();
    expect(ck.optimizerWeights!.map((w) => w.name)).toEqual(original.map((w) => w.name));
    ck.optimizerWeights!.forEach((w, i) => {
      expect(w.tensor.shape).toEqual(original[i]!.tensor.shape);
      expect(Array.from(w.tensor.dataSync())).toEqual(Array.from(original[i]!.tensor.dataSync()));
    });
    tf.dispose(original[0]!.tensor);
    const emaOriginal = ema.getWeights();
    ck.emaWeights!.forEach((w, i) => expectAllClose(w.tensor, emaOriginal[i]!.tensor, { rtol: 0, atol: 0 }));
    tf.dispose(emaOriginal.map((w) => w.tensor));

    // Resume: fresh optimiser + EMA from the checkpoint, two more steps on both runs.
    const resumed = makeOptimizer('adabelief', { learningRate: 0.01 });
    await resumed.setWeights(ck.optimizerWeights!);
    const resumedEma = new ExponentialMovingAverage(ck.model, { decay: ck.ema!.decay, warmup: ck.ema!.warmup });
    resumedEma.setWeights(ck.emaWeights!, ck.ema!.numUpdates);
    ck.dispose();
    train(model, optimizer, ema, 2);
    train(ck.model, resumed, resumedEma, 2);
    expect(predict(ck.model)).toEqual(predict(model));
    ema.swapIn();
    resumedEma.swapIn();
    expect(predict(ck.model)).toEqual(predict(model));
    ema.swapOut();
    resumedEma.swapOut();

    [ema, resumedEma].forEach((e) => e.dispose());
    [optimizer, resumed].forEach((o) => o.dispose());
    [model, ck.model].forEach((m) => m.dispose());
  });

  it('model only (no optimiser, no EMA) and replacing an existing checkpoint', async () => {
    const dir = path.join(root, 'replace', 'ckpt');
    const first = smallModel(1);
    await saveCheckpoint(dir, { model: first, config: { run: 1 }, step: 10 });
    const second = smallModel(2);
    await saveCheckpoint(dir, { model: second, config: { run: 2 }, step: 20 });
    expect(await siblings(dir)).toEqual(['ckpt']); // old checkpoint removed, no temp dirs
    const ck = await loadCheckpoint(dir);
    expect([ck.step, ck.config, ck.optimizerWeights, ck.emaWeights, ck.extra]).toEqual([20, { run: 2 }, null, null, null]);
    expect(predict(ck.model)).toEqual(predict(second));
    const generation = await generations(dir);
    expect(generation).toHaveLength(1); // the first checkpoint's generation was removed
    expect(await fs.readdir(path.join(dir, 'checkpoint', generation[0]!))).toEqual(['modules']);
    [first, second, ck.model].forEach((m) => m.dispose());
  });

  it('an interrupted save leaves the previous checkpoint intact and no partial directory', async () => {
    const dir = path.join(root, 'interrupted', 'ckpt');
    const { model, optimizer, ema } = await makeCheckpoint(dir, 3);
    const before = await fs.readFile(path.join(dir, 'manifest.json'), 'utf8');
    train(model, optimizer, ema, 1);
    // 5 writes: model.json, model.weights.bin, optimizer.bin, ema.bin, manifest.json (last)
    for (const failAt of [1, 2, 4, 5]) {
      let calls = 0;
      const writeFile = async (filePath: string, data: Uint8Array) => {
        calls += 1;
        if (calls === failAt) {
          await fs.writeFile(filePath, data.subarray(0, Math.floor(data.byteLength / 2))); // half a file, then "crash"
          throw new Error(`disk full while writing ${path.basename(filePath)}`);
        }
        await fs.writeFile(filePath, data);
      };
      await expect(saveCheckpoint(dir, { model, optimizer, ema, config: CONFIG, step: 4 }, { writeFile })).rejects.toThrow(/disk full/);
      expect(await siblings(dir), `failing write ${failAt}`).toEqual(['ckpt']);
      expect(await generations(dir), `failing write ${failAt}`).toHaveLength(1);
      expect((await fs.readdir(dir)).sort()).toEqual(['checkpoint', 'manifest.json']);
      expect(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8')).toBe(before);
    }
    const ck = await loadCheckpoint(dir);
    expect(ck.step).toBe(3);
    ck.dispose();
    ck.model.dispose();

    // No previous checkpoint: a failed save leaves nothing at all.
    const fresh = path.join(root, 'interrupted', 'never');
    await expect(
      saveCheckpoint(fresh, { model, config: {}, step: 0 }, { writeFile: async () => Promise.reject(new Error('EIO')) }),
    ).rejects.toThrow('EIO');
    expect(await siblings(fresh)).toEqual([]);
    await expect(loadCheckpoint(fresh)).rejects.toThrow(CheckpointError);
    ema.dispose();
    optimizer.dispose();
    model.dispose();
  });

  it('clear errors naming the path: missing, not a checkpoint, corrupted, mismatched, unsupported version', async () => {
    const base = path.join(root, 'errors');
    const missing = path.join(base, 'nope');
    await expect(loadCheckpoint(missing)).rejects.toThrow(`loadCheckpoint: no checkpoint at '${missing}': the directory does not exist`);

    const plain = path.join(base, 'plain');
    await fs.mkdir(plain, { recursive: true });
    await fs.writeFile(path.join(plain, 'notes.txt'), 'hello');
    await expect(loadCheckpoint(plain)).rejects.toThrow(`'${plain}' is not a checkpoint: it has no manifest.json`);
    const model = smallModel();
    // a folder whose manifest.json is not a checkpoint's is refused, and left alone
    const foreign = path.join(base, 'foreign');
    await fs.mkdir(foreign, { recursive: true });
    await fs.writeFile(path.join(foreign, 'manifest.json'), '{"mine": true}');
    await expect(saveCheckpoint(foreign, { model, config: {}, step: 0 })).rejects.toThrow(/is not a checkpoint's \(refusing to replace it\)/);
    expect(await fs.readdir(foreign)).toEqual(['manifest.json']);
    // a folder with other files takes a checkpoint beside them
    await saveCheckpoint(plain, { model, config: {}, step: 0 });
    expect((await fs.readdir(plain)).sort()).toEqual(['checkpoint', 'manifest.json', 'notes.txt']);

    const fresh = async (name: string) => {
      const dir = path.join(base, name);
      const optimizer = makeOptimizer('diffgrad', { learningRate: 0.01 });
      train(model, optimizer, null, 1);
      await saveCheckpoint(dir, { model, optimizer, config: {}, step: 1 });
      optimizer.dispose();
      return dir;
    };
    const editManifest = async (dir: string, edit: (m: CheckpointManifest) => void) => {
      const file = path.join(dir, 'manifest.json');
      const m = JSON.parse(await fs.readFile(file, 'utf8')) as CheckpointManifest;
      edit(m);
      await fs.writeFile(file, JSON.stringify(m));
    };

    const truncated = await fresh('truncated');
    const bin = path.join(truncated, (await manifestOf(truncated)).modules.model!.weightsFile);
    await fs.truncate(bin, 40);
    await expect(loadCheckpoint(truncated)).rejects.toThrow(`corrupted checkpoint: '${bin}' has 40 bytes, the manifest says ${model.countParams() * 4}`);

    const flipped = await fresh('flipped');
    const optBin = path.join(flipped, (await manifestOf(flipped)).optimizer!.file);
    const bytes = await fs.readFile(optBin);
    bytes[9] = bytes[9]! ^ 0xff;
    await fs.writeFile(optBin, bytes);
    await expect(loadCheckpoint(flipped)).rejects.toThrow(`corrupted checkpoint: '${optBin}' does not match its SHA-256`);

    const gone = await fresh('gone');
    const goneFile = path.join(gone, (await manifestOf(gone)).optimizer!.file);
    await fs.rm(goneFile);
    await expect(loadCheckpoint(gone)).rejects.toThrow(`'${goneFile}' is missing`);

    const mismatched = await fresh('mismatched');
    await editManifest(mismatched, (m) => {
      m.optimizer!.tensors[1]!.shape = [999];
    });
    const mismatchedFile = path.join(mismatched, (await manifestOf(mismatched)).optimizer!.file);
    await expect(loadCheckpoint(mismatched)).rejects.toThrow(`mismatched weights in '${mismatchedFile}'`);

    const future = await fresh('future');
    await editManifest(future, (m) => {
      m.formatVersion = 99;
    });
    await expect(loadCheckpoint(future)).rejects.toThrow(
      `unsupported checkpoint format version 99 in '${path.join(future, 'manifest.json')}' (this library reads versions 1 and 2)`,
    );

    const garbage = await fresh('garbage');
    await fs.writeFile(path.join(garbage, 'manifest.json'), '{ not json');
    await expect(loadCheckpoint(garbage)).rejects.toThrow(`corrupted manifest '${path.join(garbage, 'manifest.json')}'`);

    // A crash between "old away" and "new in": the error points at the surviving previous checkpoint.
    const crashed = await fresh('crashed');
    const backup = path.join(base, '.crashed.old-123-abcd');
    await fs.rename(crashed, backup);
    await expect(loadCheckpoint(crashed)).rejects.toThrow(`an interrupted save left the previous checkpoint at '${backup}'`);

    const numTensors = tf.memory().numTensors;
    const error = await loadCheckpoint(mismatched).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).path).toBe(mismatchedFile);
    expect(tf.memory().numTensors).toBe(numTensors); // nothing half-loaded is left behind

    // argument errors
    await expect(saveCheckpoint('', { model, config: {}, step: 0 })).rejects.toThrow(ArgumentError);
    await expect(saveCheckpoint(path.join(base, 'x'), { model, config: {}, step: -1 })).rejects.toThrow(/contents\.step/);
    await expect(saveCheckpoint(path.join(base, 'x'), { model, config: [] as never, step: 0 })).rejects.toThrow(/contents\.config/);
    await expect(saveCheckpoint(path.join(base, 'x'), { model: {} as never, config: {}, step: 0 })).rejects.toThrow(/contents\.model/);
    await expect(saveCheckpoint(path.join(base, 'x'), { model, optimizer: {} as never, config: {}, step: 0 })).rejects.toThrow(/contents\.optimizer/);
    await expect(fs.stat(path.join(base, 'x'))).rejects.toThrow(/ENOENT/);
    model.dispose();
  });
});

describe('writeCheckpoint (format 2)', () => {
  it('round trip of several modules, free variables, task state and trainer settings; the EMA targets are recorded', async () => {
    const dir = path.join(root, 'multi');
    const encoder = smallModel(4);
    const decoder = smallModel(5);
    const logZ = tf.variable(tf.tensor1d([0.25, -1.5]), true, 'h1_test_logZ');
    const hurst = tf.variable(tf.scalar(0.7), true, 'h1_test_hurst');
    const ema = new ExponentialMovingAverage([...variablesOf(encoder), ...variablesOf(decoder), logZ, hurst], { decay: 0.5 });
    const manifest = await writeCheckpoint(dir, {
      modules: { encoder, decoder },
      variables: { logZ, hurst },
      ema,
      taskState: { average: [1, 2.5], count: 3 },
      task: 'pair',
      trainer: { steps: 10 },
      config: { task: 'pair' },
      step: 7,
    });
    expect(Object.keys(manifest.modules)).toEqual(['encoder', 'decoder']);
    expect(manifest.ema!.targets!.at(-1)).toEqual({ variable: 'hurst' });
    expect(manifest.ema!.targets![0]).toEqual({ module: 'encoder', weight: 0 });
    const ck = await loadCheckpoint(dir);
    expect([ck.task, ck.step, ck.taskState, ck.trainer, ck.config]).toEqual(['pair', 7, { average: [1, 2.5], count: 3 }, { steps: 10 }, { task: 'pair' }]);
    expect(ck.model).toBe(ck.modules.encoder); // no module called 'model': the first
    expect(predict(ck.modules.encoder!)).toEqual(predict(encoder));
    expect(predict(ck.modules.decoder!)).toEqual(predict(decoder));
    expect(Array.from(ck.variables.logZ!.dataSync())).toEqual([0.25, -1.5]);
    expect(ck.variables.hurst!.shape).toEqual([]);
    expect(ck.emaWeights!.length).toBe(variablesOf(encoder).length * 2 + 2);
    const before = tf.memory().numTensors;
    ck.dispose();
    expect(tf.memory().numTensors).toBe(before - 2 - ck.emaWeights!.length);
    Object.values(ck.modules).forEach((m) => m.dispose());
    await expect(writeCheckpoint(dir, { modules: { 'bad/name': encoder }, config: {}, step: 0 })).rejects.toThrow(/names of 1 to 64 letters/);
    await expect(writeCheckpoint(dir, { modules: {}, config: {}, step: 0 })).rejects.toThrow(/'state.modules' must be at least one network/);
    ema.dispose();
    tf.dispose([logZ, hurst]);
    [encoder, decoder].forEach((m) => m.dispose());
  });
});
