import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { arrayDataset } from '../../src/data/array.js';
import { BUILTIN_DATASETS, getDataset, listDatasets, registerDataset, unregisterDataset } from '../../src/data/registry.js';
import { ArgumentError } from '../../src/errors.js';
import { SeedStream } from '../../src/random.js';

describe('dataset registry', () => {
  it('lists and builds every built-in dataset', () => {
    expect(listDatasets()).toEqual(expect.arrayContaining([...BUILTIN_DATASETS]));
    for (const name of BUILTIN_DATASETS) {
      const data = name === 'gmm' ? getDataset('gmm', { means: [[0, 0], [3, 3]] }) : getDataset(name);
      expect(data.name).toBe(name);
      expect(data.dim).toBe(2);
      const x = data.sample(4, new SeedStream(0));
      expect(x.shape).toEqual([4, 2]);
      x.dispose();
    }
    expect(getDataset('moons', { noise: 0.05 }).description).toMatch(/noise 0.05/);
  });

  it('rejects unknown names, listing the valid ones', () => {
    expect(() => getDataset('chequerboard')).toThrow(ArgumentError);
    expect(() => getDataset('chequerboard')).toThrow(
      /getDataset: argument 'name' must be one of '8gaussians', 'checkerboard', 'gaussian', 'gmm', 'moons', 'rings', 'spirals'.*, got "chequerboard"/,
    );
    expect(() => getDataset('gmm')).toThrow(/'options' must be an object with 'means'/);
    expect(() => getDataset('rings', { radii: 'big' } as never)).toThrow(/'options.radii'/);
  });

  it('registers, refuses duplicates without overwrite, and unregisters', async () => {
    const factory = () => arrayDataset([[0, 1], [2, 3]], { name: 'pair' });
    registerDataset('pair', factory);
    try {
      expect(listDatasets()).toContain('pair');
      const x = getDataset('pair').sample(3, new SeedStream(1));
      expect(x.shape).toEqual([3, 2]);
      tf.dispose(x);
      expect(() => registerDataset('pair', factory)).toThrow(/'name' must be a name not yet registered/);
      registerDataset('pair', factory, { overwrite: true });
      expect(() => registerDataset('bad name', factory)).toThrow(/'name' must be a name of letters/);
      // @ts-expect-error: not a function on purpose
      expect(() => registerDataset('x', 3)).toThrow(/'factory' must be a function/);
    } finally {
      expect(unregisterDataset('pair')).toBe(true);
    }
    expect(listDatasets()).not.toContain('pair');
  });

  it('follows the one registry policy: replace built-ins only with { replace: true }, restore them on unregister', () => {
    const tiny = () => arrayDataset([[0, 0]], { name: 'tiny' });
    expect(() => registerDataset('moons', tiny)).toThrow(
      "registerDataset: argument 'name' must be a name not yet registered (pass { replace: true } to replace the built-in dataset), got \"moons\"",
    );
    registerDataset('moons', tiny, { replace: true });
    try {
      expect(getDataset('moons').name).toBe('tiny');
    } finally {
      expect(unregisterDataset('moons')).toBe(true);
    }
    expect(getDataset('moons').name).toBe('moons');
    expect(unregisterDataset('moons')).toBe(false); // built-ins stay
    expect(listDatasets()).toContain('moons');
    // the deprecated { overwrite } means { replace }
    registerDataset('moons', tiny, { overwrite: true });
    expect(getDataset('moons').name).toBe('tiny');
    unregisterDataset('moons');
    expect(() => registerDataset('x1', tiny, { force: true } as never)).toThrow(/unknown key 'force'/);
  });

  it('suggests close names for a typo', () => {
    expect(() => getDataset('chequerboard')).toThrow(/got "chequerboard" \(did you mean 'checkerboard'\?\)/);
    expect(() => getDataset('spiral')).toThrow(/did you mean 'spirals'/);
    expect(() => getDataset('zzz')).toThrow(/got "zzz"$/);
  });
});
