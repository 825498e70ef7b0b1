import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../src/errors.js';
import { SeedStream } from '../src/random.js';
import * as dataValidate from '../src/data/validate.js';
import {
  checkBatch,
  checkBoolean,
  checkCount,
  checkEventShape,
  checkFinite,
  checkFunction,
  checkNumberArray,
  checkOptions,
  checkPoints,
  checkSeeds,
  checkString,
  checkTensor,
  checkTensor1D,
  checkTensor2D,
} from '../src/validate.js';

describe('shared validators', () => {
  it('accept good values and return them', () => {
    expect(checkOptions('f', undefined, ['a'])).toEqual({});
    expect(checkOptions('f', { a: 1 }, ['a'])).toEqual({ a: 1 });
    expect(checkCount('f', 'n', 3)).toBe(3);
    expect(checkBoolean('f', 'b', false)).toBe(false);
    expect(checkString('f', 's', 'x')).toBe('x');
    expect(checkString('f', 's', '', { allowEmpty: true })).toBe('');
    expect(checkNumberArray('f', 'a', [1, 2], { length: 2 })).toEqual([1, 2]);
    expect(checkEventShape('f', 'e', [2, 2, 1])).toEqual([2, 2, 1]);
    expect(checkEventShape('f', 'e', [])).toEqual([]);
    const seeds = new SeedStream(0);
    expect(checkSeeds('f', seeds)).toBe(seeds);
    const g = (t: number) => t;
    expect(checkFunction('f', 'g', g)).toBe(g);
  });

  it('reject bad values naming the function, the argument, what was expected and what came', () => {
    expect(() => checkOptions('moons', { nosie: 1 }, ['noise'])).toThrow("moons: argument 'options' must be an object with keys among 'noise', got unknown key 'nosie'");
    expect(() => checkCount('sample', 'n', 0)).toThrow("sample: argument 'n' must be a finite integer >= 1, got 0");
    expect(() => checkBoolean('f', 'flag', 1)).toThrow("f: argument 'flag' must be true or false, got 1");
    expect(() => checkString('f', 's', '')).toThrow("f: argument 's' must be a non-empty string, got \"\"");
    expect(() => checkNumberArray('f', 'w', [1, NaN])).toThrow("f: argument 'w[1]' must be a finite number, got NaN");
    expect(() => checkEventShape('f', 'eventShape', [2, 0])).toThrow(/f: argument 'eventShape' must be an event shape .*got \[2,0\]/);
    expect(() => checkSeeds('f', 3)).toThrow("f: argument 'seeds' must be a SeedStream (new SeedStream(seed)), got 3");
    expect(() => checkFunction('f', 'g', 3, 'a function (t) => number')).toThrow("f: argument 'g' must be a function (t) => number, got 3");
    expect(() => checkCount('f', 'n', 1.5)).toThrow(ArgumentError);
  });

  it('check tensors by dtype, rank and shape', () => {
    const x = tf.zeros([3, 2, 2, 1]);
    const y = tf.zeros([3, 4]);
    const labels = tf.zeros([3], 'int32');
    try {
      expect(checkTensor('f', 'x', x, { minRank: 1 })).toBe(x);
      expect(checkBatch('f', 'x', x, [2, 2, 1])).toBe(x);
      expect(checkPoints('f', 'y', y, 4)).toBe(y);
      expect(() => checkTensor2D('f', 'y', y, 3, 4)).not.toThrow();
      expect(() => checkTensor1D('f', 'labels', labels)).toThrow("f: argument 'labels' must be a float32 tensor of shape [batch], got a int32 tensor of shape [3]");
      expect(checkTensor('f', 'labels', labels, { rank: 1, dtype: 'int32' })).toBe(labels);
      expect(() => checkBatch('f', 'x', x, [4])).toThrow("f: argument 'x' must be a float32 tensor of shape [batch, 4], got a float32 tensor of shape [3, 2, 2, 1]");
      expect(() => checkPoints('f', 'y', y, 2)).toThrow("f: argument 'y' must be a float32 tensor of shape [batch, 2], got a float32 tensor of shape [3, 4]");
      expect(() => checkTensor2D('f', 'y', y, 2)).toThrow("f: argument 'y' must be a float32 tensor of shape [2, d], got a float32 tensor of shape [3, 4]");
      expect(() => checkTensor('f', 'x', x, { rank: 2 })).toThrow("f: argument 'x' must be a float32 tensor of rank 2, got a float32 tensor of shape [3, 2, 2, 1]");
      expect(() => checkTensor('f', 'x', [1, 2])).toThrow("f: argument 'x' must be a float32 tensor, got [1,2]");
    } finally {
      tf.dispose([x, y, labels]);
    }
  });

  it('check finiteness, naming the first bad entry', () => {
    const good = tf.tensor2d([[1, 2], [3, 4]]);
    const bad = tf.tensor2d([[1, 2], [Infinity, 4]]);
    try {
      expect(checkFinite('f', 'x', good)).toBe(good);
      expect(() => checkFinite('f', 'x', bad)).toThrow("f: argument 'x' must be a tensor of finite values, got a float32 tensor of shape [2, 2] containing Infinity at flat index 2");
    } finally {
      tf.dispose([good, bad]);
    }
  });

  it('are the ones the old locations re-export', () => {
    expect(dataValidate.checkOptions).toBe(checkOptions);
    expect(dataValidate.checkPoints).toBe(checkPoints);
    expect(dataValidate.checkSeeds).toBe(checkSeeds);
    expect(dataValidate.checkCount).toBe(checkCount);
    expect(dataValidate.checkNumberArray).toBe(checkNumberArray);
  });
});
