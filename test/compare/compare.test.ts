import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareSamplers } from '../../src/compare/compare.js';
import { compareCsv } from '../../src/compare/csv.js';
import { mergeReports } from '../../src/compare/merge.js';
import { arrayReference } from '../../src/compare/reference.js';
import { formatCompareTable } from '../../src/compare/table.js';
import { oracleTarget } from '../../src/compare/target.js';
import type { CompareTarget } from '../../src/compare/target.js';
import type { CompareReport, CompareResult } from '../../src/compare/types.js';
import { SeedStream } from '../../src/random.js';
import { expectNoLeaks } from '../helpers/index.js';

const gmm = oracleTarget('gmm2d');

function withoutSeconds(r: CompareReport): unknown {
  return { ...r, totalSeconds: 0, results: r.results.map(({ seconds: _s, secondsSE: _se, ...rest }) => rest) };
}

describe('compare on exact fields (gmm2d): the acceptance grid', () => {
  // n = 1000, 2 repeats, sliced W2 only: a few seconds on wasm.
  const repeats = 2;
  const floorDraws = 8;
  let report: CompareReport;
  beforeAll(async () => {
    report = await compareSamplers({ target: gmm, samplers: 'euler,heun,rk4,dopri5,em,sde-heun', nfe: [2, 4, 8, 16, 32, 64], eps: [0.5, 1], n: 1000, repeats, floorDraws, metrics: ['sw2'] });
  });
  const get = (sampler: string, nfe: number, eps: number = 0): CompareResult => report.results.find((r) => r.sampler === sampler && r.nfe === nfe && r.eps === eps)!;
  // The floor band. A converged cell is one draw per repeat of the metric of exact samples, whose spread σ the
  // floor's R·K draws estimate: σ ≈ SE·√(R·K). The cell mean minus the floor mean has sd σ·√((1 + 1/K)/R) =
  // SE·√(K + 1); the band is 3 of those above the floor.
  const band = () => report.floor!.slicedW2! + 3 * report.floor!.slicedW2SE! * Math.sqrt(floorDraws + 1);

  it('has one row per cell: ODE samplers once per NFE (ε = 0), SDE samplers at every ε', () => {
    expect(report.results).toHaveLength(4 * 6 + 2 * 2 * 6);
    expect(report.cells).toBe(48);
    expect(report.results.filter((r) => r.kind === 'ode').every((r) => r.eps === 0)).toBe(true);
    expect(report.floor).toMatchObject({ n: 1000 });
    expect(report.floor!.slicedW2SE).toBeGreaterThan(0);
    for (const r of report.results) {
      expect(r.slicedW2).toBeGreaterThan(0);
      expect(r.slicedW2SE).toBeGreaterThanOrEqual(0);
      expect(r.seconds).toBeGreaterThan(0);
      expect(r.repeats).toBe(2);
    }
  });

  it('every ODE scheme: sliced W2 falls as NFE grows until it reaches the floor', () => {
    const nfe = [2, 4, 8, 16, 32, 64];
    for (const s of ['euler', 'heun', 'rk4']) {
      for (let k = 0; k + 1 < nfe.length; k++) {
        const [a, b] = [get(s, nfe[k]!), get(s, nfe[k + 1]!)];
        if (a.slicedW2! > band()) expect(b.slicedW2!, `${s}: NFE ${a.nfe} → ${b.nfe}`).toBeLessThan(a.slicedW2!);
        else expect(b.slicedW2!, `${s}: stays at the floor after NFE ${a.nfe}`).toBeLessThanOrEqual(band());
      }
      expect(get(s, 64).slicedW2!, `${s} at 64 NFE`).toBeLessThanOrEqual(band());
    }
    // Euler starts above the floor band, so the fall is visible.
    expect(get('euler', 2).slicedW2!).toBeGreaterThan(band());
    // Same base noise, same reference: the converged higher-order schemes land on the same samples.
    for (const s of ['heun', 'dopri5']) expect(Math.abs(get(s, 64).slicedW2! - get('rk4', 64).slicedW2!), s).toBeLessThan(2e-3);
  });

  it('at equal NFE Heun and RK4 beat Euler', () => {
    for (const nfe of [4, 8]) {
      expect(get('heun', nfe).nfeUsed).toBe(nfe);
      expect(get('rk4', nfe).nfeUsed).toBe(nfe);
      expect(get('heun', nfe).slicedW2!).toBeLessThan(get('euler', nfe).slicedW2!);
      expect(get('rk4', nfe).slicedW2!).toBeLessThan(get('euler', nfe).slicedW2!);
    }
  });

  it('Dopri5 runs adaptively, uses about the requested NFE and reaches the floor', () => {
    for (const nfe of [32, 64]) {
      const r = get('dopri5', nfe);
      expect(r.mode).toBe('adaptive');
      expect(r.tolerance).toBeGreaterThan(0);
      expect(Math.abs(r.nfeUsed - nfe) / nfe).toBeLessThan(0.25);
      expect(r.slicedW2!).toBeLessThanOrEqual(band());
    }
    // Below one adaptive step's cost the budget cannot be met: the NFE used says so.
    expect(get('dopri5', 4).nfeUsed).toBeGreaterThan(4);
  });

  it('SDE samplers with ε > 0 converge: their sliced W2 falls into the floor band', () => {
    for (const s of ['euler-maruyama', 'stochastic-heun']) {
      for (const eps of [0.5, 1]) {
        const [first, last] = [get(s, 2, eps), get(s, 64, eps)];
        expect(first.slicedW2!, `${s} ε=${eps} at 2 NFE`).toBeGreaterThan(last.slicedW2!);
        expect(last.slicedW2!, `${s} ε=${eps} at 64 NFE`).toBeLessThanOrEqual(band());
      }
    }
  });

  it('formats a table with one line per cell, the floor and no NLL (not requested)', () => {
    const table = formatCompareTable(report).split('\n');
    expect(table[0]).toMatch(/^target gmm2d \(exact fields: pure sampler error; reference: exact samples of gmm2d\), n 1000, seed 0, 2 repeats \(mean ± SE\)/);
    expect(table[1]).toMatch(/^sampler +ε +NFE +used +seconds +sliced W2$/);
    expect(table.filter((l) => /^(euler|heun|rk4|dopri5|stochastic-heun)\b/.test(l))).toHaveLength(48);
    expect(table.some((l) => l.startsWith('floor (16 independent reference sets of 1000 against the reference): sliced W2 '))).toBe(true);
    expect(table.some((l) => l.startsWith('NLL'))).toBe(false);
  });
});

describe('compare: determinism, shards, NLL, Sinkhorn', () => {
  const small = { target: gmm, samplers: 'euler,dopri5,em', nfe: [4, 16], eps: [0.5, 'bump:1'], n: 300, metrics: ['sw2'] as const };

  it('same seed → same numbers (seconds aside); another seed → other numbers', async () => {
    const a = await compareSamplers({ ...small, metrics: [...small.metrics], seed: 3 });
    const b = await compareSamplers({ ...small, metrics: [...small.metrics], seed: 3 });
    const c = await compareSamplers({ ...small, metrics: [...small.metrics], seed: 4 });
    expect(withoutSeconds(b)).toEqual(withoutSeconds(a));
    expect(c.results[0]!.slicedW2).not.toBe(a.results[0]!.slicedW2);
  });

  it('shards 1/3, 2/3, 3/3 merge into the unsharded report', async () => {
    const whole = await compareSamplers({ ...small, metrics: ['sw2', 'nll'], repeats: 2 });
    const parts = await Promise.all([3, 1, 2].map((index) => compareSamplers({ ...small, metrics: ['sw2', 'nll'], repeats: 2, shard: `${index}/3` })));
    expect(parts.map((p) => p.results.length).reduce((x, y) => x + y)).toBe(whole.results.length);
    expect(parts[0]!.floor).toBeNull();
    expect(parts[1]!.floor).not.toBeNull();
    const merged = mergeReports(parts);
    expect(withoutSeconds(merged)).toEqual(withoutSeconds(whole));
    expect(formatCompareTable(merged, { seconds: false })).toBe(formatCompareTable(whole, { seconds: false }));
    expect(compareCsv(merged).split('\n')[0]).toBe(compareCsv(whole).split('\n')[0]);
  });

  it('merge refuses other grids, missing and repeated shards', async () => {
    const s1 = await compareSamplers({ ...small, metrics: ['sw2'], samplers: 'euler', nfe: [4], shard: '1/2' });
    const s2 = await compareSamplers({ ...small, metrics: ['sw2'], samplers: 'euler', nfe: [4, 8], shard: '2/2' });
    expect(() => mergeReports([s1, s2])).toThrow(/reports\[1\]' must be a shard of the same grid.*got a different nfe/);
    expect(() => mergeReports([s1])).toThrow(/all shards 1\.\.2, got shards 1 \(missing 2\)/);
    expect(() => mergeReports([s1, s1])).toThrow(/each shard once, got shard 1\/2 twice/);
    expect(() => mergeReports([])).toThrow(/at least one report/);
  });

  it('NLL of the oracle: the ODE likelihood matches the exact −mean log ρ1, once per target', async () => {
    const r = await compareSamplers({ ...small, samplers: 'heun,em', metrics: ['sw2', 'nll'] });
    expect(r.target.nll).toBeDefined();
    expect(r.floor!.nll).toBeDefined();
    expect(Math.abs(r.target.nll! - r.floor!.nll!)).toBeLessThan(5e-3);
    expect(r.target.nllSE).toBeGreaterThan(0);
    for (const row of r.results) expect(row.nll).toBe(r.target.nll);
    expect(formatCompareTable(r)).toMatch(/NLL: model \d\.\d+ ± .*; exact \d\.\d+ ±/);
  });

  it('Sinkhorn divergence with one ε for all cells, in results and floor', async () => {
    const r = await compareSamplers({ ...small, samplers: 'euler', nfe: [2, 32], n: 200, metrics: ['sw2', 'sinkhorn'], floorDraws: 2 });
    expect(r.config.sinkhornEpsilon).toBeGreaterThan(0);
    for (const row of r.results) expect(row.sinkhorn).toBeGreaterThan(0);
    expect(r.floor!.sinkhorn).toBeGreaterThan(0);
    expect(r.floor!.sinkhornSE).toBeGreaterThan(0);
    expect(r.results[1]!.sinkhorn!).toBeLessThan(r.results[0]!.sinkhorn!);
  });

  it('a fixed reference set: subsets per repeat, the floor from the rows left out', async () => {
    const x = gmm.reference.draw(500, 9);
    const values = x.dataSync() as Float32Array;
    x.dispose();
    const target: CompareTarget = { ...gmm, reference: arrayReference('file ref.csv', values, 500, 2) };
    const r = await compareSamplers({ ...small, target, samplers: 'rk4', nfe: [16], n: 300, metrics: ['sw2'] });
    expect(r.target.reference).toBe('file ref.csv (500 rows)');
    expect(r.floor!.n).toBe(200);
    expect(r.floor!.slicedW2).toBeGreaterThan(0);
    await expect(compareSamplers({ ...small, target, n: 600 })).rejects.toThrow(/at most the 500 rows/);
  });

  it('leaves no tensors behind', async () => {
    await expectNoLeaks(() => compareSamplers({ target: gmm, samplers: 'euler,dopri5,em', nfe: [4], eps: [0.5], n: 64, metrics: ['sw2', 'sinkhorn', 'nll'], nllPoints: 32 }), { repeats: 1 });
  });

  it('rejects bad options with one-line ArgumentErrors', async () => {
    await expect(compareSamplers({ ...small, samplers: 'euler,bogus' })).rejects.toThrow(/'options.samplers' must be a registered sampler: euler, midpoint/);
    await expect(compareSamplers({ ...small, nfe: [0, 4] })).rejects.toThrow(/'options.nfe' must be a comma-separated list of integers >= 1/);
    await expect(compareSamplers({ ...small, eps: [-0.5] })).rejects.toThrow(/'options.eps' must be numbers >= 0/);
    await expect(compareSamplers({ ...small, shard: '3/2' })).rejects.toThrow(/'options.shard' must be k\/n/);
    await expect(compareSamplers({ ...small, metrics: ['mmd' as 'sw2'] })).rejects.toThrow(/'options.metrics'/);
    const noScore: CompareTarget = { ...gmm, score: undefined };
    await expect(compareSamplers({ ...small, target: noScore })).rejects.toThrow(/ODE samplers \(or ε = 0\) for target gmm2d: it has no score/);
    // ε = 0 alone is fine without a score: the SDE sampler reduces to its ODE counterpart.
    const ok = await compareSamplers({ ...small, target: noScore, samplers: 'em', eps: [0], nfe: [4], metrics: ['sw2'] });
    expect(ok.results).toHaveLength(1);
  });
});

describe('compare: other oracle targets', () => {
  it('a 1-D Gaussian and a user mixture from N(0, I), with another interpolant', async () => {
    // Curved flow paths (trig interpolant): with the default linear interpolant and γ = √(t(1−t)) this
    // problem's paths are straight and Euler is exact at any NFE, so 32 NFE could not beat 1.
    const g = await compareSamplers({ target: oracleTarget('gaussian', { interpolant: 'trig', gamma: 'sqrt' }), samplers: 'euler', nfe: [1, 32], n: 300, metrics: ['sw2'] });
    expect(g.target.dim).toBe(1);
    expect(g.results[1]!.slicedW2!).toBeLessThan(g.results[0]!.slicedW2! / 4);
    const mix = oracleTarget({ weights: [0.5, 0.5], means: [[-2], [2]], covariances: [0.2, 0.2] }, { name: 'gmm:bimodal', interpolant: 'trig' });
    const m = await compareSamplers({ target: mix, samplers: 'rk4', nfe: [16], n: 300, metrics: ['sw2'] });
    expect(m.config).toMatchObject({ target: 'gmm:bimodal', interpolant: 'trig' });
    expect(m.results[0]!.slicedW2).toBeLessThan(0.5);
    expect(() => oracleTarget('moons')).toThrow(/an oracle problem \(gaussian, gmm2d\)/);
    const x = mix.sampleBase(4, new SeedStream(1));
    expect(x.shape).toEqual([4, 1]);
    tf.dispose(x);
  });
});
