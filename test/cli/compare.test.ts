import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import { formatCompareTable } from '../../src/compare/table.js';
import type { CompareReport } from '../../src/compare/types.js';

const dir = mkdtempSync(join(tmpdir(), 'si-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `si …`; stdout split into lines, stderr without the backend's info line. */
async function run(argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(...a.join(' ').split('\n')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await main(argv);
    return { code, out, err: err.filter((l) => !l.startsWith('si: backend')) };
  } finally {
    vi.restoreAllMocks();
  }
}

const lastJson = (lines: string[]) => JSON.parse(lines[lines.length - 1]!) as CompareReport & { files: { out?: string; csv?: string; png?: { path: string; width: number; height: number }[] } };
const noSeconds = (r: CompareReport) => r.results.map(({ seconds: _s, secondsSE: _se, ...rest }) => rest);

/** A small grid: fast, but with ODE, adaptive and SDE cells. */
const grid = ['--samplers', 'euler,dopri5,em', '--nfe', '4,16', '--eps', '0.5,bump:1', '--n', '300'];

describe('si compare', () => {
  it('--help explains targets, the grid and the floor; --samplers list lists the samplers', async () => {
    const help = await run(['compare', '--help']);
    expect(help.code).toBe(0);
    const text = help.out.join('\n');
    expect(text).toMatch(/Usage: si compare/);
    expect(text).toMatch(/--samplers <value> +registered samplers.*aliases em, sde-heun/);
    expect(text).toMatch(/floor/);
    expect(text).toMatch(/--shard <value>/);
    const list = await run(['compare', '--samplers', 'list']);
    expect(list.code).toBe(0);
    expect(list.out.join('\n')).toMatch(/dopri5 +ode +5 +6 +adaptive/);
    expect(list.out.join('\n')).toMatch(/stochastic-heun +sde .*sde-heun/);
    const top = await run(['--help']);
    expect(top.out.join('\n')).toMatch(/compare +compare samplers/);
    expect(top.out.join('\n')).toMatch(/merge +join the JSON reports/);
  });

  it('--json, --csv, --out and --png: the table, a JSON last line, a CSV and PNGs that read back', async () => {
    const csv = join(dir, 'grid.csv');
    const png = join(dir, 'png');
    const out = join(dir, 'grid.json');
    const r = await run(['compare', ...grid, '--metrics', 'sw2,sinkhorn,nll', '--json', '--csv', csv, '--png', png, '--out', out]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^target gmm2d \(exact fields/);
    expect(r.out[1]).toMatch(/^sampler +ε +NFE +used +seconds +sliced W2 +Sinkhorn$/);
    expect(r.out.some((l) => /^floor \(5 independent reference sets of 300 against the reference\): sliced W2 [\d.]+ ± [\d.e-]+, Sinkhorn /.test(l))).toBe(true);
    expect(r.out.some((l) => /^NLL: model [\d.]+ ± .*exact [\d.]+ ±/.test(l))).toBe(true);

    const json = lastJson(r.out);
    expect(json.results).toHaveLength(2 + 2 + 4);
    for (const row of json.results) {
      for (const key of ['sampler', 'nfe', 'eps', 'seconds', 'slicedW2', 'sinkhorn', 'nll', 'nfeUsed']) expect(row, key).toHaveProperty(key);
    }
    expect(json.results.map((x) => [x.sampler, x.eps, x.nfe])).toEqual([
      ['euler', 0, 4], ['euler', 0, 16], ['dopri5', 0, 4], ['dopri5', 0, 16],
      ['euler-maruyama', 0.5, 4], ['euler-maruyama', 0.5, 16], ['euler-maruyama', 'bump:1', 4], ['euler-maruyama', 'bump:1', 16],
    ]);
    expect(json.floor).toMatchObject({ n: 300 });
    expect(json.floor!.slicedW2).toBeGreaterThan(0);
    expect(json.floor!.sinkhorn).toBeGreaterThan(0);

    const fromFile = JSON.parse(readFileSync(out, 'utf8')) as CompareReport;
    expect(noSeconds(fromFile)).toEqual(noSeconds(json));

    const text = readFileSync(csv, 'utf8').trim().split('\n');
    expect(text[0]!.split(',').slice(0, 6)).toEqual(['sampler', 'kind', 'mode', 'eps', 'nfe', 'nfeUsed']);
    const cols = text[0]!.split(',');
    const rows = text.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, j) => [cols[j], v])));
    rows.slice(0, 8).forEach((row, i) => {
      expect(Number(row.slicedW2)).toBeCloseTo(json.results[i]!.slicedW2!, 12);
      expect(Number(row.sinkhorn)).toBeCloseTo(json.results[i]!.sinkhorn!, 12);
    });
    expect(text).toHaveLength(1 + 8 + 1);
    expect(text[1]).toMatch(/^euler,ode,fixed,0,4,4,4,,/);
    expect(text[7]).toMatch(/^euler-maruyama,sde,fixed,bump:1,4,4,4,,/);
    expect(text[9]).toMatch(/^floor,/);

    const files = json.files.png!;
    expect(files.map((f) => f.path.slice(png.length + 1))).toEqual(['quality-vs-nfe.png', 'quality-vs-seconds.png', 'sinkhorn-vs-nfe.png', 'sinkhorn-vs-seconds.png', 'samples.png']);
    for (const f of files) {
      const meta = await sharp(f.path).metadata();
      expect(meta.format).toBe('png');
      expect([meta.width, meta.height]).toEqual([f.width, f.height]);
    }
    expect(files[0]).toMatchObject({ width: 760, height: 460 });
    // samples.png: 2 columns (NFE 4, 16) × 4 rows of cells + the reference, 220 px panels.
    expect(files[4]).toMatchObject({ width: 440, height: 5 * (220 + 44) });
  });

  it('shard 1/2 + shard 2/2, joined by si merge, give the table of one unsharded run', async () => {
    const whole = await run(['compare', ...grid, '--metrics', 'sw2,nll', '--repeats', '2', '--json']);
    expect(whole.code).toBe(0);
    const parts = [1, 2].map((k) => join(dir, `part-${k}.json`));
    const p1 = await run(['compare', ...grid, '--metrics', 'sw2,nll', '--repeats', '2', '--shard', '1/2', '--out', parts[0]!]);
    expect(p1.code).toBe(0);
    expect(p1.out.some((l) => l.includes('shard 1/2'))).toBe(true);
    // The second part as captured stdout of --json (what an array job's log holds).
    const p2 = await run(['compare', ...grid, '--metrics', 'sw2,nll', '--repeats', '2', '--shard', '2/2', '--json']);
    expect(p2.code).toBe(0);
    expect(p2.out.some((l) => l === 'floor: computed by shard 1 (si merge joins it)')).toBe(true);
    writeFileSync(parts[1]!, `${p2.out.join('\n')}\n`);

    const merged = await run(['merge', parts[1]!, parts[0]!, '--json', '--csv', join(dir, 'merged.csv'), '--png', join(dir, 'merged-png')]);
    expect(merged.err).toEqual([]);
    expect(merged.code).toBe(0);
    const a = lastJson(whole.out);
    const b = lastJson(merged.out);
    expect(noSeconds(b)).toEqual(noSeconds(a));
    expect(b.floor).toEqual(a.floor);
    expect(b.target).toEqual(a.target);
    expect(formatCompareTable(b, { seconds: false })).toBe(formatCompareTable(a, { seconds: false }));
    expect(b.files.png!.map((f) => f.path.split('/').pop())).toEqual(['quality-vs-nfe.png', 'quality-vs-seconds.png']);

    const missing = await run(['merge', parts[0]!]);
    expect(missing.code).toBe(2);
    expect(missing.err).toHaveLength(1);
    expect(missing.err[0]).toMatch(/^si merge: .*all shards 1\.\.2, got shards 1 \(missing 2\)/);
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, 'hello\n');
    const bad = await run(['merge', junk]);
    expect(bad.code).toBe(2);
    expect(bad.err[0]).toMatch(/^si merge: argument '.*junk.json' must be a file holding an 'si compare' report/);
    const none = await run(['merge']);
    expect(none.code).toBe(2);
  });

  it('bad input: a clear one-line error and exit code 2', async () => {
    const notCheckpoint = join(dir, 'not-a-run');
    mkdirSync(notCheckpoint, { recursive: true });
    writeFileSync(join(notCheckpoint, 'notes.txt'), 'hi');
    const cases: [string[], RegExp][] = [
      [['--samplers', 'euler,rk5'], /^si compare: argument '--samplers' must be a registered sampler: euler, midpoint, heun, rk4, dopri5, euler-maruyama, stochastic-heun .*got "rk5"$/],
      [['--nfe', '0,8'], /^si compare: argument '--nfe' must be a comma-separated list of integers >= 1 \(e\.g\. 8,16,32\), got "0,8"$/],
      [['--nfe', 'many'], /^si compare: argument '--nfe' must be a comma-separated list of integers >= 1.*got "many"$/],
      [['--eps', '0.5,-1'], /^si compare: argument '--eps' must be numbers >= 0 or schedule:scale .*got "-1"$/],
      [['--model', join(dir, 'nope')], /^si compare: argument '--model' must be an existing run directory written by si train, got ".*nope" \(no such directory\)$/],
      [['--model', notCheckpoint], /^si compare: argument '--model' must be a checkpoint directory written by si train, got ".*not-a-run" \(.*not a checkpoint\)$/],
      [['--shard', '3/2'], /^si compare: argument '--shard' must be k\/n with integers 1 <= k <= n \(e\.g\. 2\/4\), got "3\/2"$/],
      [['--target', 'moons'], /^si compare: argument '--target' must be an oracle target .* or --model <run> as well: dataset 'moons' has no exact fields/],
      [['--target', 'blob'], /^si compare: argument '--target' must be an oracle target .*got "blob"$/],
      [['--target', `gmm:${join(dir, 'missing.json')}`], /^si compare: argument '--target' must be gmm:<file\.json> naming a readable JSON Gaussian mixture/],
      [['--n', 'lots'], /^si compare: argument '--n' must be a number, got "lots"$/],
      [['--metrics', 'sw2,fid'], /^si compare: argument '--metrics' must be a comma-separated list of sw2, sinkhorn, nll/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(['compare', ...argv]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toHaveLength(1);
      expect(r.err[0], argv.join(' ')).toMatch(message);
    }
  });

  it('a user mixture from a JSON file (gmm:<file>) and a reference CSV', async () => {
    const spec = join(dir, 'mix.json');
    writeFileSync(spec, JSON.stringify({ weights: [0.5, 0.5], means: [[-2, 0], [2, 0]], covariances: [0.3, 0.3] }));
    const ref = join(dir, 'ref.csv');
    const rows = Array.from({ length: 500 }, (_, i) => `${i % 2 ? 2 : -2},${((i * 7919) % 100) / 200 - 0.25}`);
    writeFileSync(ref, `x1,x2\n${rows.join('\n')}\n`);
    const r = await run(['compare', '--target', `gmm:${spec}`, '--reference', ref, '--samplers', 'heun', '--nfe', '8', '--n', '300', '--metrics', 'sw2', '--json']);
    expect(r.code).toBe(0);
    const json = lastJson(r.out);
    expect(json.target).toMatchObject({ name: `gmm:${spec}`, kind: 'oracle', dim: 2, reference: `file ${ref} (500 rows)` });
    expect(json.floor!.n).toBe(200);
    const wrongDim = join(dir, 'ref1.csv');
    writeFileSync(wrongDim, '1\n2\n3\n');
    const bad = await run(['compare', '--target', `gmm:${spec}`, '--reference', wrongDim, '--samplers', 'heun', '--nfe', '8']);
    expect(bad.code).toBe(2);
    expect(bad.err[0]).toMatch(/argument '--reference' must be a CSV with 2 columns/);
  });

  it('a trained model: samplers on its velocity (and score), its NLL, reference from its dataset', async () => {
    const runDir = join(dir, 'run');
    const train = await run(['train', '--steps', '50', '--hidden', '16', '--layers', '1', '--batch', '64', '--out', runDir, '--json']);
    expect(train.code).toBe(0);
    const r = await run(['compare', '--model', runDir, '--samplers', 'heun,em', '--nfe', '4,8', '--eps', '0.5', '--n', '300', '--metrics', 'sw2,nll', '--json']);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    const json = lastJson(r.out);
    expect(json.target).toMatchObject({ name: `model:${runDir}`, kind: 'model', dim: 2, reference: 'dataset checkerboard' });
    expect(json.results).toHaveLength(4);
    expect(Number.isFinite(json.target.nll)).toBe(true);
    expect(json.results.every((x) => x.nll === json.target.nll)).toBe(true);
    // checkerboard has an exact density: the floor's NLL is the best achievable.
    expect(json.floor!.nll).toBeLessThan(json.target.nll!);
    expect(r.out[0]).toMatch(/^target model:.* \(trained model; reference: dataset checkerboard\)/);

    const other = await run(['compare', '--model', runDir, '--target', 'moons', '--samplers', 'heun', '--nfe', '4', '--n', '200', '--metrics', 'sw2', '--json']);
    expect(other.code).toBe(0);
    expect(lastJson(other.out).target.reference).toBe('dataset moons');
    const conflict = await run(['compare', '--model', runDir, '--interpolant', 'trig']);
    expect(conflict.code).toBe(2);
    expect(conflict.err[0]).toMatch(/argument '--interpolant' must be omitted with --model/);
  });
});
