import { describe, expect, it } from 'vitest';
import { cellId, epsilonLevel, expandGrid, parseEpsilonList, parseNfeList } from '../../src/compare/grid.js';
import { defaultStepMode, parseSamplerList, resolveSampler, samplerListing } from '../../src/compare/samplers.js';
import { derivedSeed, repeatSeeds } from '../../src/compare/seeds.js';
import { parseShard, shardCells } from '../../src/compare/shard.js';
import { meanSE } from '../../src/compare/statistics.js';
import { getScheme } from '../../samplers/registry.js';

describe('compare: samplers', () => {
  it('resolves registered names and the aliases em and sde-heun, with default and explicit modes', () => {
    expect(resolveSampler('em')).toMatchObject({ name: 'euler-maruyama', kind: 'sde', mode: 'fixed', label: 'euler-maruyama' });
    expect(resolveSampler('sde-heun')).toMatchObject({ name: 'stochastic-heun', kind: 'sde', mode: 'fixed' });
    expect(resolveSampler('dopri5')).toMatchObject({ mode: 'adaptive', label: 'dopri5' });
    expect(resolveSampler('dopri5:fixed')).toMatchObject({ mode: 'fixed', label: 'dopri5:fixed' });
    expect(resolveSampler('heun:adaptive')).toMatchObject({ mode: 'adaptive', label: 'heun:adaptive' });
    expect(defaultStepMode(getScheme('heun'))).toBe('fixed');
    expect(parseSamplerList('euler, heun,rk4').map((s) => s.name)).toEqual(['euler', 'heun', 'rk4']);
  });

  it('rejects unknown samplers listing the registered ones, bad modes and duplicates', () => {
    expect(() => resolveSampler('eulr', 'si compare', '--samplers')).toThrow(
      /si compare: argument '--samplers' must be a registered sampler: euler, midpoint, heun, rk4, dopri5, euler-maruyama, stochastic-heun \(aliases: em → euler-maruyama, sde-heun → stochastic-heun.*got "eulr"/,
    );
    expect(() => resolveSampler('euler:adaptive')).toThrow(/error estimate.*dopri5/);
    expect(() => resolveSampler('rk4:fast')).toThrow(/':fixed' or ':adaptive'/);
    expect(() => parseSamplerList('em,euler-maruyama')).toThrow(/distinct samplers, got euler-maruyama twice/);
    expect(() => parseSamplerList('euler,,heun')).toThrow(/comma-separated list/);
  });

  it('lists every registered sampler with its alias', () => {
    const text = samplerListing();
    for (const name of ['euler', 'midpoint', 'heun', 'rk4', 'dopri5', 'euler-maruyama', 'stochastic-heun']) expect(text).toContain(name);
    expect(text).toMatch(/euler-maruyama +sde .* em /);
  });
});

describe('compare: grid', () => {
  it('parses NFE lists (sorted, integers >= 1) and rejects the rest', () => {
    expect(parseNfeList('32,8,16')).toEqual([8, 16, 32]);
    expect(() => parseNfeList('8,0')).toThrow(/integers >= 1/);
    expect(() => parseNfeList('8,abc')).toThrow(/integers >= 1.*"8,abc"/);
    expect(() => parseNfeList('2.5')).toThrow(/integers >= 1/);
    expect(() => parseNfeList('8,8')).toThrow(/distinct NFE values, got 8 twice/);
  });

  it('parses ε levels: numbers, schedules, constant:x as a number; rejects negatives', () => {
    expect(parseEpsilonList('0,0.5,bump:1,decay:0.5,constant:2').map((l) => l.key)).toEqual([0, 0.5, 'bump:1', 'decay:0.5', 2]);
    expect(epsilonLevel({ schedule: 'bump', scale: 2 }).epsilon).toEqual({ schedule: 'bump', scale: 2 });
    expect(() => parseEpsilonList('0.5,-1', 'si compare', '--eps')).toThrow(/si compare: argument '--eps' must be numbers >= 0 or schedule:scale.*got "-1"/);
    expect(() => parseEpsilonList('wiggle:1')).toThrow(/schedule:scale/);
    expect(() => parseEpsilonList('0.5,constant:0.5')).toThrow(/distinct ε levels/);
  });

  it('runs ODE samplers once per NFE with ε = 0 and SDE samplers at every ε, in canonical order', () => {
    const cells = expandGrid(parseSamplerList('heun,em'), [8, 16], parseEpsilonList('0.5,bump:1'));
    expect(cells.map((c) => c.id)).toEqual([
      'heun|eps=0|nfe=8',
      'heun|eps=0|nfe=16',
      'euler-maruyama|eps=0.5|nfe=8',
      'euler-maruyama|eps=0.5|nfe=16',
      'euler-maruyama|eps=bump:1|nfe=8',
      'euler-maruyama|eps=bump:1|nfe=16',
    ]);
    expect(cells.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(cellId('dopri5:fixed', 0, 32)).toBe('dopri5:fixed|eps=0|nfe=32');
  });
});

describe('compare: shards, seeds, statistics', () => {
  it('parses k/n and rejects 3/2, 0/2 and junk', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['3/2', '0/2', '1/0', 'two/4', '1-2']) expect(() => parseShard(bad, 'si compare', '--shard')).toThrow(/argument '--shard' must be k\/n with integers 1 <= k <= n/);
  });

  it('shards partition the grid: disjoint, complete, interleaved', () => {
    const cells = expandGrid(parseSamplerList('euler,heun,rk4,em'), [4, 8, 16], parseEpsilonList('0.5,1'));
    const parts = [1, 2, 3].map((index) => shardCells(cells, { index, count: 3 }));
    const ids = parts.flat().map((c) => c.id);
    expect(new Set(ids).size).toBe(cells.length);
    expect(ids.sort()).toEqual(cells.map((c) => c.id).sort());
    expect(parts[0]!.map((c) => c.index)).toEqual([0, 3, 6, 9, 12]);
    expect(shardCells(cells, undefined)).toHaveLength(cells.length);
  });

  it('derived seeds depend on the seed and the purpose, not on call order', () => {
    const a = repeatSeeds(7, 1);
    expect(repeatSeeds(7, 1)).toEqual(a);
    expect(new Set(Object.values(a)).size).toBe(4);
    expect(derivedSeed(7, 'repeat', 0, 'base')).not.toBe(derivedSeed(8, 'repeat', 0, 'base'));
    expect(derivedSeed(7, 'x')).toBeGreaterThanOrEqual(0);
    expect(derivedSeed(7, 'x')).toBeLessThan(2 ** 32);
  });

  it('mean ± standard error', () => {
    expect(meanSE([2])).toEqual({ mean: 2 });
    const m = meanSE([1, 2, 3]);
    expect(m.mean).toBe(2);
    expect(m.se).toBeCloseTo(1 / Math.sqrt(3), 12);
  });
});
