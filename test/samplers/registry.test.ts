import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { explicitRungeKutta } from '../../samplers/explicit-rk.js';
import { BUILT_IN_SCHEMES, getScheme, listSchemes, registerScheme, schemeNames, stepsForNfe, unregisterScheme } from '../../samplers/registry.js';
import * as samplers from '../../samplers/index.js';
import { ArgumentError } from '../../src/errors.js';
import { integrate } from '../../src/solver/integrate.js';
import { fitSlope, maxAbsError, rotationDecay } from '../solver/problems.js';

const ralston = () =>
  explicitRungeKutta({
    name: 'ralston',
    order: 2,
    description: "Ralston's second-order method",
    tableau: { a: [[], [2 / 3]], b: [1 / 4, 3 / 4], c: [0, 2 / 3] },
  });

afterEach(() => {
  if (schemeNames().includes('ralston')) unregisterScheme('ralston');
});

describe('scheme registry', () => {
  it('lists the built-ins with kind, order and description', () => {
    const rows = listSchemes();
    expect(rows.map((r) => r.name)).toEqual(['euler', 'midpoint', 'heun', 'rk4', 'dopri5', 'euler-maruyama', 'stochastic-heun']);
    expect(rows.map((r) => [r.name, r.kind, r.order, r.adaptive])).toEqual([
      ['euler', 'ode', 1, false],
      ['midpoint', 'ode', 2, true],
      ['heun', 'ode', 2, true],
      ['rk4', 'ode', 4, false],
      ['dopri5', 'ode', 5, true],
      ['euler-maruyama', 'sde', 1, false],
      ['stochastic-heun', 'sde', 2, true],
    ]);
    expect(rows.find((r) => r.name === 'euler-maruyama')).toMatchObject({ strongOrder: 0.5, builtIn: true });
    for (const r of rows) expect(r.description.length).toBeGreaterThan(10);
    expect(BUILT_IN_SCHEMES).toHaveLength(7);
  });

  it('getScheme: unknown names list the registered ones', () => {
    expect(getScheme('dopri5').stagesPerStep).toBe(6);
    expect(() => getScheme('rk45')).toThrow(ArgumentError);
    expect(() => getScheme('rk45')).toThrow(/getScheme: argument 'name' must be one of 'euler', .*'stochastic-heun', got "rk45" \(did you mean 'rk4'\?\)/);
  });

  it('registers user schemes usable by name in integrate (Ralston converges with order 2)', async () => {
    registerScheme(ralston());
    expect(schemeNames()).toContain('ralston');
    expect(listSchemes().find((r) => r.name === 'ralston')).toMatchObject({ kind: 'ode', order: 2, builtIn: false });
    const { term, initial, exact } = rotationDecay();
    const y0 = tf.tensor2d(initial);
    const errors: number[] = [];
    for (const steps of [8, 16, 32]) {
      const sol = await integrate(term, 'ralston', y0, { steps });
      errors.push(maxAbsError(sol.y, exact(0, 1)));
      sol.dispose();
    }
    y0.dispose();
    expect(fitSlope([8, 16, 32].map((n) => 1 / n), errors)).toBeCloseTo(2, 0);
  });

  it('follows the one registry policy: taken names need replace, a replaced built-in is restored, built-ins stay', () => {
    registerScheme(ralston());
    expect(() => registerScheme(ralston())).toThrow(/registerScheme: argument 'scheme.name' must be a name not yet registered \(pass \{ replace: true \}/);
    expect(() => registerScheme(ralston(), { replace: true })).not.toThrow();
    const original = getScheme('rk4');
    expect(() => registerScheme({ ...original })).toThrow(/pass \{ replace: true \} to replace the built-in scheme\), got "rk4"/);
    const mine = { ...original, description: 'my rk4' };
    registerScheme(mine, { replace: true });
    expect(getScheme('rk4')).toBe(mine);
    expect(listSchemes().find((r) => r.name === 'rk4')?.builtIn).toBe(true);
    expect(unregisterScheme('rk4')).toBe(true); // restores the built-in
    expect(getScheme('rk4')).toBe(original);
    expect(unregisterScheme('rk4')).toBe(false); // the built-in itself stays
    expect(getScheme('rk4')).toBe(original);
    expect(unregisterScheme('ralston')).toBe(true);
    expect(unregisterScheme('ralston')).toBe(false);
  });

  it('validates scheme objects', () => {
    expect(() => registerScheme({ name: 'bad' } as never)).toThrow(/registerScheme: argument 'scheme' must be a Scheme with kind 'ode' or 'sde', a positive order/);
  });

  it('the samplers entry point exports the schemes and the registry', () => {
    expect(samplers.rk4).toBe(getScheme('rk4'));
    expect(samplers.stochasticHeun).toBe(getScheme('stochastic-heun'));
    expect(typeof samplers.registerScheme).toBe('function');
    expect(typeof samplers.epsilonFunction).toBe('function');
  });
});

describe('stepsForNfe', () => {
  it('maps an NFE budget to fixed steps of a scheme', () => {
    expect(stepsForNfe(100, getScheme('heun').stagesPerStep)).toBe(50);
    expect(stepsForNfe(100, getScheme('rk4').stagesPerStep)).toBe(25);
    expect(stepsForNfe(1, getScheme('rk4').stagesPerStep)).toBe(1);
    expect(stepsForNfe(7, 2)).toBe(4);
    expect(() => stepsForNfe(0, 2)).toThrow("stepsForNfe: argument 'nfe' must be a finite number > 0, got 0");
    expect(() => stepsForNfe(10, 0)).toThrow(/'stagesPerStep' must be a finite integer >= 1/);
  });
});
