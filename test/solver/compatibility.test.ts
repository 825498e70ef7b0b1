import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { getScheme } from '../../samplers/registry.js';
import { ArgumentError } from '../../src/errors.js';
import { brownianMotion } from '../../src/solver/brownian.js';
import { brownianPath } from '../../src/solver/brownian-path.js';
import { assertCompatible, compatibilityProblem, resolveScheme } from '../../src/solver/compatibility.js';
import type { Term } from '../../src/solver/types.js';

const ode: Term = { drift: (_t, y) => tf.neg(y) };
const sde: Term = { drift: (_t, y) => tf.neg(y), diffusion: () => tf.scalar(1) };

describe('compatibility', () => {
  it('accepts matching pairs', () => {
    expect(compatibilityProblem(ode, getScheme('rk4'))).toBeUndefined();
    expect(compatibilityProblem(ode, getScheme('dopri5'), { adaptive: true })).toBeUndefined();
    expect(compatibilityProblem(sde, getScheme('euler-maruyama'))).toBeUndefined();
    expect(compatibilityProblem(sde, getScheme('stochastic-heun'), { adaptive: true, noise: brownianPath() })).toBeUndefined();
  });

  it('says what was expected and what came', () => {
    expect(compatibilityProblem(sde, getScheme('rk4'))).toMatch(
      /^scheme 'rk4' solves ODEs \(terms without diffusion\), got a term with diffusion; use an SDE scheme such as 'euler-maruyama' or 'stochastic-heun'/,
    );
    expect(compatibilityProblem(ode, getScheme('stochastic-heun'))).toMatch(/solves SDEs .* got a term without diffusion \(an ODE\)/);
    expect(compatibilityProblem(ode, getScheme('euler'), { adaptive: true })).toMatch(/'euler' has no error estimate.*such as 'dopri5'/);
    expect(compatibilityProblem(sde, getScheme('euler-maruyama'), { adaptive: true })).toMatch(/such as 'stochastic-heun'/);
    expect(compatibilityProblem(sde, getScheme('stochastic-heun'), { adaptive: true, noise: brownianMotion() })).toMatch(
      /queryable noise process; got 'brownian-motion'/,
    );
  });

  it('assertCompatible throws an ArgumentError whose message starts with the function', () => {
    let error: unknown;
    try {
      assertCompatible('sampleOde', sde, getScheme('heun'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).arg).toBe('scheme');
    expect((error as Error).message).toMatch(/^sampleOde: scheme 'heun' solves ODEs/);
    expect((error as Error).stack).toMatch(/^ArgumentError: sampleOde: scheme 'heun'/);
  });

  it('resolveScheme takes names or scheme objects and rejects malformed objects', () => {
    expect(resolveScheme('f', 'rk4')).toBe(getScheme('rk4'));
    expect(resolveScheme('f', getScheme('euler'))).toBe(getScheme('euler'));
    expect(() => resolveScheme('f', { name: 'x', kind: 'pde' } as never)).toThrow(/f: argument 'scheme' must be a Scheme with kind 'ode' or 'sde'/);
    expect(() => resolveScheme('f', 42 as never)).toThrow(/one of 'euler'|a Scheme object/);
  });
});
