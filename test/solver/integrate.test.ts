import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { SeedStream } from '../../src/random.js';
import { brownianMotion } from '../../src/solver/brownian.js';
import { brownianPath } from '../../src/solver/brownian-path.js';
import { AbortError, SolverError } from '../../src/solver/errors.js';
import { integrate, integrateSync } from '../../src/solver/integrate.js';
import type { IntegrateOptions } from '../../src/solver/options.js';
import { uniformGrid } from '../../src/solver/time-grid.js';
import type { SolverProgress, Term } from '../../src/solver/types.js';
import { describeEachBackend, expectAllClose, expectNoLeaks } from '../helpers/index.js';
import { maxAbsError, riccati, rotationDecay } from './problems.js';

const ou: Term = { drift: (_t, y) => tf.neg(y), diffusion: () => tf.scalar(0.7) };

describe('integrate: time direction, grids and saveAt', () => {
  it('integrates backward in time (t0 = 1 → t1 = 0) with fixed and adaptive steps', async () => {
    const { term, initial, exact } = rotationDecay();
    const y1 = tf.tensor2d(initial);
    const fixed = await integrate(term, 'rk4', y1, { t0: 1, t1: 0, steps: 20 });
    expectAllClose(fixed.y, exact(1, 0), { atol: 1e-4, rtol: 0 });
    const adaptive = await integrate(term, 'dopri5', y1, { t0: 1, t1: 0, adaptive: { rtol: 1e-5, atol: 1e-7 } });
    expectAllClose(adaptive.y, exact(1, 0), { atol: 1e-4, rtol: 0 });
    // A backward grid from uniformGrid.
    const grid = await integrate(term, 'rk4', y1, { grid: uniformGrid({ t0: 1, t1: 0, steps: 20 }) });
    expectAllClose(grid.y, fixed.y, { atol: 1e-6, rtol: 0 });
    for (const s of [fixed, adaptive, grid]) s.dispose();
    y1.dispose();
  });

  it('accepts a non-uniform user grid', async () => {
    const { term, initial, exact } = riccati();
    const y0 = tf.tensor2d(initial);
    const grid = Array.from({ length: 41 }, (_, k) => (k / 40) ** 2); // fine near 0, coarse near 1
    const sol = await integrate(term, 'rk4', y0, { grid });
    expect(sol.stats.acceptedSteps).toBe(40);
    expect(sol.stats.nfe).toBe(160);
    expectAllClose(sol.y, exact(0, 1), { atol: 1e-5, rtol: 0 });
    sol.dispose();
    y0.dispose();
  });

  it('saveAt on a fixed grid: grid points are reused, other times split a step', async () => {
    const { term, initial, exact } = rotationDecay();
    const y0 = tf.tensor2d(initial);
    const saveAt = [0, 0.25, 0.5, 1];
    const sol = await integrate(term, 'rk4', y0, { steps: 10, saveAt });
    expect(sol.ts).toEqual(saveAt);
    expect(sol.ys).toHaveLength(4);
    expect(sol.stats.acceptedSteps).toBe(11); // 0.25 is not on the grid 0, 0.1, …: one step split
    expectAllClose(sol.ys[0]!, y0, { atol: 0, rtol: 0 });
    saveAt.forEach((t, i) => expectAllClose(sol.ys[i]!, exact(0, t), { atol: 5e-5, rtol: 0, label: `t = ${t}` }));
    expect(sol.ys[3]).not.toBe(sol.y); // each saved state is a tensor of its own
    expectAllClose(sol.ys[3]!, sol.y, { atol: 0, rtol: 0 });
    sol.dispose();
    expect(y0.isDisposed).toBe(false);
    y0.dispose();
  });

  it('saveAt with adaptive steps lands on every requested time (compared with the exact solution)', async () => {
    const { term, initial, exact } = rotationDecay();
    const y0 = tf.tensor2d(initial);
    const saveAt = [0.1, 0.3333, 0.7, 2.5];
    const sol = await integrate(term, 'dopri5', y0, { t1: 3, adaptive: { rtol: 1e-5, atol: 1e-7 }, saveAt });
    expect(sol.ts).toEqual(saveAt);
    saveAt.forEach((t, i) => expect(maxAbsError(sol.ys[i]!, exact(0, t))).toBeLessThan(2e-5));
    expect(maxAbsError(sol.y, exact(0, 3))).toBeLessThan(2e-5);
    sol.dispose();
    // Backward with saveAt.
    const back = await integrate(term, 'dopri5', y0, { t0: 1, t1: 0, adaptive: { rtol: 1e-5, atol: 1e-7 }, saveAt: [0.9, 0.5] });
    expect(maxAbsError(back.ys[1]!, exact(1, 0.5))).toBeLessThan(2e-5);
    back.dispose();
    y0.dispose();
  });
});

describe('integrate: seeds', () => {
  const run = async (seed: number | SeedStream, scheme = 'euler-maruyama') => {
    const x0 = tf.ones([64, 2]) as tf.Tensor2D;
    const sol = await integrate(ou, scheme, x0, { steps: 20, seed });
    const data = sol.y.dataSync().slice();
    sol.dispose();
    x0.dispose();
    return data;
  };

  it('same seed → identical results; different seeds → different', async () => {
    expect(await run(17)).toEqual(await run(17));
    expect(await run(17, 'stochastic-heun')).toEqual(await run(17, 'stochastic-heun'));
    expect(await run(new SeedStream(17))).toEqual(await run(17));
    expect(await run(17)).not.toEqual(await run(18));
  });

  it('integrateSync and integrate give the same result', async () => {
    const x0 = tf.ones([16, 2]) as tf.Tensor2D;
    const a = integrateSync(ou, 'stochastic-heun', x0, { steps: 10, seed: 4 });
    const b = await integrate(ou, 'stochastic-heun', x0, { steps: 10, seed: 4 });
    expectAllClose(a.y, b.y, { atol: 0, rtol: 0 });
    a.dispose();
    b.dispose();
    x0.dispose();
  });
});

describe('integrate: statistics, progress and cancellation', () => {
  it('counts function evaluations', async () => {
    const { term, initial } = rotationDecay();
    const y0 = tf.tensor2d(initial);
    const rk = await integrate(term, 'rk4', y0, { steps: 5 });
    expect(rk.stats).toMatchObject({ nfe: 20, nfeDiffusion: 0, acceptedSteps: 5, rejectedSteps: 0 });
    expect(rk.stats.seconds).toBeGreaterThan(0);
    const dp = await integrate(term, 'dopri5', y0, { adaptive: { dt0: 0.1 } });
    const attempts = dp.stats.acceptedSteps + dp.stats.rejectedSteps;
    expect(dp.stats.nfe).toBeGreaterThanOrEqual(1 + 6 * attempts); // FSAL: 7 stages, 6 new per step
    const x0 = tf.ones([4, 2]) as tf.Tensor2D;
    const em = await integrate(ou, 'stochastic-heun', x0, { steps: 3, seed: 1 });
    expect(em.stats).toMatchObject({ nfe: 6, nfeDiffusion: 6, acceptedSteps: 3 });
    for (const s of [rk, dp, em]) s.dispose();
    y0.dispose();
    x0.dispose();
  });

  it('reports progress after every accepted step with increasing fractions', async () => {
    const { term, initial } = rotationDecay();
    const y0 = tf.tensor2d(initial);
    for (const options of [{ steps: 8 }, { adaptive: { rtol: 1e-4 } }, { t0: 1, t1: 0, steps: 5 }] as IntegrateOptions[]) {
      const seen: SolverProgress[] = [];
      const sol = await integrate(term, 'heun', y0, { ...options, progress: (p) => seen.push(p) });
      expect(seen).toHaveLength(sol.stats.acceptedSteps);
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.fraction).toBeGreaterThan(seen[i - 1]!.fraction);
      expect(seen[seen.length - 1]).toMatchObject({ fraction: 1, t: options.t1 ?? 1, acceptedSteps: sol.stats.acceptedSteps });
      sol.dispose();
    }
    y0.dispose();
  });

  it('aborts through an AbortSignal: before starting, from progress, and from a timer during a long run', async () => {
    const { term, initial } = rotationDecay();
    const y0 = tf.tensor2d(initial);
    const pre = new AbortController();
    pre.abort(new Error('stop'));
    await expect(integrate(term, 'rk4', y0, { steps: 10, signal: pre.signal })).rejects.toThrow(
      /integrate: aborted before the first step/,
    );

    const mid = new AbortController();
    const error = await integrate(term, 'rk4', y0, {
      steps: 10,
      signal: mid.signal,
      progress: (p) => p.fraction >= 0.5 && mid.abort(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).name).toBe('AbortError');
    expect((error as Error).message).toMatch(/^integrate: aborted at t = 0\.5 after 5 accepted steps/);
    expect(() =>
      integrateSync(term, 'rk4', y0, { steps: 10, signal: mid.signal }),
    ).toThrow(/integrateSync: aborted before the first step/);

    const timer = new AbortController();
    let steps = 0;
    setTimeout(() => timer.abort(), 30);
    const before = tf.memory().numTensors;
    await expect(
      integrate(term, 'euler', y0, { steps: 1_000_000, signal: timer.signal, progress: (p) => (steps = p.acceptedSteps) }),
    ).rejects.toThrow(AbortError);
    expect(steps).toBeGreaterThan(0);
    expect(steps).toBeLessThan(1_000_000);
    expect(tf.memory().numTensors).toBe(before); // the carried state was disposed
    y0.dispose();
  });
});

describe('integrate: failures', () => {
  it('raises SolverError for a non-finite final state on fixed steps (checked once, at the end)', async () => {
    const blowUp: Term = { drift: (_t, y) => tf.square(y) }; // y' = y², y(0) = 1 blows up at t = 1
    const y0 = tf.ones([2, 1]) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    const error = await integrate(blowUp, 'euler', y0, { t1: 2, steps: 20 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SolverError);
    expect((error as SolverError).reason).toBe('non-finite');
    expect((error as Error).message).toMatch(/integrate: the state became non-finite .* with scheme 'euler'/);
    expect(tf.memory().numTensors).toBe(before);
    // Opting out of the check returns the non-finite state.
    const unchecked = await integrate(blowUp, 'euler', y0, { t1: 2, steps: 20, checkFinite: false });
    expect(Number.isFinite(unchecked.y.dataSync()[0])).toBe(false);
    unchecked.dispose();
    y0.dispose();
  });
});

describe('integrate: bad input is rejected before any work, naming the argument', () => {
  const { term, initial } = rotationDecay();
  const expectArgumentError = async (promise: Promise<unknown>, pattern: RegExp) => {
    const error = await promise.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as Error).message).toMatch(pattern);
  };
  it.each([
    ['y0 not a tensor', () => integrate(term, 'rk4', [[1, 2]] as never, { steps: 1 }), /integrate: argument 'y0' must be a float32 Tensor2D \[batch, n\] or a higher-rank \[batch, \.\.\.event\] tensor/],
    ['y0 of rank 1', () => integrate(term, 'rk4', tf.ones([2]) as never, { steps: 1 }), /'y0' must be .* got a float32 tensor of shape \[2\]/],
    ['y0 int32', () => integrate(term, 'rk4', tf.ones([1, 2], 'int32') as never, { steps: 1 }), /'y0' .* got a int32 tensor/],
    ['y0 with NaN', () => integrate(term, 'rk4', tf.tensor2d([[1, NaN]]), { steps: 1 }), /'y0' must be a float32 tensor \[batch, \.\.\.event\] with finite values, got .* NaN or Infinity/],
    ['non-monotone grid', () => integrate(term, 'rk4', tf.tensor2d(initial), { grid: [0, 0.5, 0.4, 1] }), /'options.grid' must be strictly increasing/],
    ['grid not starting at t0', () => integrate(term, 'rk4', tf.tensor2d(initial), { t0: 0.1, grid: [0, 1] }), /'options.grid' must be a grid starting at options.t0 = 0.1/],
    ['steps 0', () => integrate(term, 'rk4', tf.tensor2d(initial), { steps: 0 }), /'options.steps' must be a finite integer >= 1, got 0/],
    ['steps 2.5', () => integrate(term, 'rk4', tf.tensor2d(initial), { steps: 2.5 }), /'options.steps' must be a finite integer >= 1, got 2.5/],
    ['rtol 0', () => integrate(term, 'dopri5', tf.tensor2d(initial), { adaptive: { rtol: 0 } }), /'options.adaptive.rtol' must be a finite number > 0, got 0/],
    ['atol < 0', () => integrate(term, 'dopri5', tf.tensor2d(initial), { adaptive: { atol: -1 } }), /'options.adaptive.atol' must be a finite number >= 0, got -1/],
    ['unknown adaptive key', () => integrate(term, 'dopri5', tf.tensor2d(initial), { adaptive: { tol: 1 } as never }), /'options.adaptive.tol'/],
    ['t0 === t1', () => integrate(term, 'rk4', tf.tensor2d(initial), { t0: 0.5, t1: 0.5, steps: 2 }), /'options.t1' must be a time different from options.t0 = 0.5, got 0.5/],
    ['unknown scheme', () => integrate(term, 'rk5', tf.tensor2d(initial), { steps: 2 }), /'scheme' must be one of 'euler', 'midpoint', 'heun', 'rk4', 'dopri5', 'euler-maruyama', 'stochastic-heun'.*, got "rk5" \(did you mean 'rk4'\?\)/],
    ['no step control', () => integrate(term, 'rk4', tf.tensor2d(initial), {}), /'options' must be exactly one of options.steps .* got none of them/],
    ['two step controls', () => integrate(term, 'rk4', tf.tensor2d(initial), { steps: 2, adaptive: true }), /got steps and adaptive/],
    ['saveAt outside the span', () => integrate(term, 'rk4', tf.tensor2d(initial), { steps: 2, saveAt: [1.5] }), /'options.saveAt\[0\]' must be a time within \[0, 1\], got 1.5/],
    ['saveAt against the direction', () => integrate(term, 'rk4', tf.tensor2d(initial), { t0: 1, t1: 0, steps: 2, saveAt: [0.2, 0.8] }), /'options.saveAt' must be strictly decreasing/],
    ['unknown option', () => integrate(term, 'rk4', tf.tensor2d(initial), { steps: 2, step: 3 } as never), /'options.step' must be one of the known options/],
    ['term without drift', () => integrate({} as never, 'rk4', tf.tensor2d(initial), { steps: 2 }), /argument 'term' must be an object \{ drift/],
    ['drift of the wrong shape', () => integrate({ drift: (_t, y) => tf.sum(y, 1) as never }, 'rk4', tf.tensor2d(initial), { steps: 2 }), /'term.drift' must be a function returning a float32 tensor of shape \[3, 2\] \(the shape of y\), got a function that returned a float32 tensor of shape \[3\]/],
    ['SDE without seed', () => integrate(ou, 'euler-maruyama', tf.tensor2d(initial), { steps: 2 }), /'options.seed' must be an integer or a SeedStream/],
    ['non-integer seed', () => integrate(ou, 'euler-maruyama', tf.tensor2d(initial), { steps: 2, seed: 0.5 }), /'options.seed' must be a finite integer, got 0.5/],
    ['bad progress', () => integrate(term, 'rk4', tf.tensor2d(initial), { steps: 2, progress: 3 as never }), /'options.progress' must be a function/],
    ['bad noise', () => integrate(ou, 'euler-maruyama', tf.tensor2d(initial), { steps: 2, seed: 1, noise: {} as never }), /'options.noise' must be a NoiseProcess/],
  ])('%s', async (_label, call, pattern) => {
    await expectArgumentError(call(), pattern);
  });

  it('checks that the scheme fits the term before integrating', async () => {
    const y0 = tf.tensor2d(initial);
    let calls = 0;
    const counting: Term = { drift: (_t, y) => (calls++, tf.neg(y)), diffusion: () => tf.scalar(1) };
    await expectArgumentError(
      integrate(counting, 'rk4', y0, { steps: 2, seed: 1 }),
      /^integrate: scheme 'rk4' solves ODEs \(terms without diffusion\), got a term with diffusion; use an SDE scheme such as 'euler-maruyama'/,
    );
    await expectArgumentError(
      integrate(term, 'euler-maruyama', y0, { steps: 2, seed: 1 }),
      /^integrate: scheme 'euler-maruyama' solves SDEs \(terms with a diffusion\), got a term without diffusion \(an ODE\); use an ODE scheme such as 'rk4'/,
    );
    await expectArgumentError(integrate(term, 'rk4', y0, { adaptive: true }), /scheme 'rk4' has no error estimate, so it cannot take adaptive steps/);
    await expectArgumentError(
      integrate(counting, 'stochastic-heun', y0, { adaptive: true, seed: 1, noise: brownianMotion() }),
      /need a queryable noise process; got 'brownian-motion'.*use brownianPath\(\)/,
    );
    expect(calls).toBe(0);
    y0.dispose();
  });
});

describe('integrate: memory', () => {
  const { term, initial } = rotationDecay();
  it('leaks no tensors: fixed, adaptive, saveAt, SDE, integrateSync, and failing solves', async () => {
    const y0 = tf.tensor2d(initial);
    const x0 = tf.ones([8, 2]) as tf.Tensor2D;
    const cases: [string, () => Promise<unknown> | unknown][] = [
      ['fixed', () => integrate(term, 'rk4', y0, { steps: 5 })],
      ['adaptive', () => integrate(term, 'dopri5', y0, { adaptive: { rtol: 1e-4, dt0: 0.8 } })],
      ['saveAt fixed', () => integrate(term, 'heun', y0, { steps: 4, saveAt: [0, 0.3, 1] })],
      ['saveAt adaptive', () => integrate(term, 'dopri5', y0, { adaptive: true, saveAt: [0.2, 0.6] })],
      ['SDE fixed', () => integrate(ou, 'euler-maruyama', x0, { steps: 5, seed: 1 })],
      ['SDE path', () => integrate(ou, 'stochastic-heun', x0, { steps: 5, seed: 1, noise: brownianPath() })],
      ['SDE adaptive', () => integrate(ou, 'stochastic-heun', x0, { adaptive: { rtol: 1e-3 }, seed: 1 })],
      ['integrateSync', () => integrateSync(ou, 'stochastic-heun', x0, { steps: 5, seed: 1, saveAt: [0.5] })],
      ['maxSteps failure', () => integrate(term, 'dopri5', y0, { adaptive: { maxSteps: 2 } }).catch(() => undefined)],
      ['abort', () => {
        const c = new AbortController();
        return integrate(term, 'rk4', y0, { steps: 9, signal: c.signal, progress: (p) => p.acceptedSteps === 3 && c.abort() }).catch(() => undefined);
      }],
    ];
    for (const [label, run] of cases) {
      await expectNoLeaks(async () => {
        const sol = (await run()) as { dispose(): void } | undefined;
        sol?.dispose();
      }, { label });
    }
    y0.dispose();
    x0.dispose();
  });

  it('handles drifts that return their input (y′ = y): FSAL state and y share a tensor', async () => {
    const y0 = tf.ones([2, 2]) as tf.Tensor2D;
    const identity: Term = { drift: (_t, y) => y };
    await expectNoLeaks(async () => {
      const sol = await integrate(identity, 'dopri5', y0, { adaptive: { rtol: 1e-5 }, saveAt: [0.5] });
      expectAllClose(sol.y, [[Math.E, Math.E], [Math.E, Math.E]], { atol: 1e-4 });
      sol.dispose();
    });
    y0.dispose();
  });

  it('never disposes y0 or tensors the term borrows', async () => {
    const constant = tf.tensor2d([[1, -1]]);
    const y0 = tf.tensor2d([[0, 0]]);
    // The drift returns a tensor it does not own; FSAL keeps it as scheme state.
    const sol = await integrate({ drift: () => constant }, 'dopri5', y0, { adaptive: true });
    expectAllClose(sol.y, [[1, -1]], { atol: 1e-6 });
    sol.dispose();
    expect(constant.isDisposed).toBe(false);
    expect(y0.isDisposed).toBe(false);
    constant.dispose();
    y0.dispose();
  });
});

describe('integrateSync under a gradient tape', () => {
  it('differentiates through the solve: d/dθ Σ y(1) for y′ = θ y is Σ y0·e^θ', () => {
    const theta = tf.variable(tf.scalar(0.5));
    const y0 = tf.tensor2d([[1, 2]]);
    const { value, grads } = tf.variableGrads(() => {
      const sol = integrateSync({ drift: (_t, y) => tf.mul(y, theta) as tf.Tensor2D }, 'rk4', y0, { steps: 10, checkFinite: false });
      const loss = tf.sum(sol.y) as tf.Scalar;
      sol.dispose();
      return loss;
    });
    expect(value.dataSync()[0]).toBeCloseTo(3 * Math.exp(0.5), 4);
    expect(grads[theta.name]!.dataSync()[0]).toBeCloseTo(3 * Math.exp(0.5), 4);
    tf.dispose([value, grads[theta.name]!, theta, y0]);
  });

  it('differentiates through an SDE solve: dX = θ dt + dW gives d/dθ Σ X(1) = batch', () => {
    const theta = tf.variable(tf.scalar(0.3));
    const x0 = tf.zeros([5, 1]) as tf.Tensor2D;
    const term: Term = { drift: (_t, y) => tf.mul(tf.onesLike(y), theta) as tf.Tensor2D, diffusion: () => tf.scalar(1) };
    const { value, grads } = tf.variableGrads(() => {
      const sol = integrateSync(term, 'stochastic-heun', x0, { steps: 4, seed: 2, noise: brownianPath() });
      const loss = tf.sum(sol.y) as tf.Scalar;
      sol.dispose();
      return loss;
    });
    expect(grads[theta.name]!.dataSync()[0]).toBeCloseTo(5, 5);
    tf.dispose([value, grads[theta.name]!, theta, x0]);
  });
});

describe('backends agree', () => {
  const results: Record<string, Float32Array[]> = {};
  describeEachBackend('small rk4 and Euler–Maruyama solves', (backend) => {
    it('runs', async () => {
      const { term, initial, exact } = rotationDecay();
      const y0 = tf.tensor2d(initial);
      const ode = await integrate(term, 'rk4', y0, { steps: 10 });
      expectAllClose(ode.y, exact(0, 1), { atol: 1e-4, rtol: 0 });
      const sde = await integrate(ou, 'euler-maruyama', y0, { steps: 10, seed: 5 });
      results[backend] = [ode.y.dataSync() as Float32Array, sde.y.dataSync() as Float32Array];
      ode.dispose();
      sde.dispose();
      y0.dispose();
    });
  });
  it('cpu and wasm give the same numbers (noise is generated in JavaScript from the seed)', () => {
    const names = Object.keys(results);
    if (names.length < 2) return;
    const [a, b] = [results[names[0]!]!, results[names[1]!]!];
    expectAllClose(a[0]!, b[0]!, { atol: 1e-6, rtol: 1e-5 });
    expectAllClose(a[1]!, b[1]!, { atol: 1e-6, rtol: 1e-5 });
  });
});
