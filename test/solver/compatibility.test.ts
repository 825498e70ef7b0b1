import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { getScheme } from '../../samplers/registry.js';
import { ArgumentError } from '../../src/errors.js';
import { brownianMotion } from '../../src/solver/brownian.js';
import { brownianPath } from '../../src/solver/brownian-path.js';
import { assertCompatible, compatibilityProblem, resolveScheme, schemeRequirements, termOffer } from '../../src/solver/compatibility.js';
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

  it('decides from what the scheme requires and the term offers, not from kind alone', () => {
    expect(schemeRequirements(getScheme('rk4'))).toMatchObject({ diffusion: 'none', energy: false, randomness: false });
    expect(schemeRequirements(getScheme('euler-maruyama'))).toMatchObject({ diffusion: 'required', calculus: 'ito' });
    expect(schemeRequirements(getScheme('stochastic-heun'))).toMatchObject({ diffusion: 'required', calculus: 'stratonovich' });
    // A user scheme without `requires`: its kind decides.
    const userSde = { ...getScheme('euler-maruyama'), name: 'user-em', requires: undefined };
    expect(schemeRequirements(userSde)).toEqual({ diffusion: 'required', diagonalDiffusion: false, energy: false, randomness: false });
    expect(termOffer(sde)).toEqual({ noise: true, diagonalDiffusion: true, energy: false, calculus: 'ito', additiveNoise: true });
    const general: Term = { drift: (_t, y) => y, diffusionProd: (_t, _y, dW) => dW, noiseShape: [1] };
    expect(termOffer(general)).toMatchObject({ noise: true, diagonalDiffusion: false, additiveNoise: false });
    expect(compatibilityProblem(general, getScheme('rk4'))).toMatch(/solves ODEs/);
    expect(compatibilityProblem(general, getScheme('euler-maruyama'))).toBeUndefined();
    expect(compatibilityProblem(general, getScheme('stochastic-heun'))).toMatch(/converges to the Stratonovich solution/);
    expect(compatibilityProblem({ ...general, calculus: 'stratonovich' }, getScheme('stochastic-heun'))).toBeUndefined();
    expect(compatibilityProblem({ ...general, calculus: 'stratonovich' }, getScheme('euler-maruyama'))).toMatch(
      /converges to the Itô solution, got a term read in the Stratonovich sense .* rewrite the term in Itô form \(drift \+ ½ g ∂g\/∂y\) and declare calculus: 'ito'/,
    );
    const needsDiagonal = { ...userSde, name: 'needs-g', requires: { diffusion: 'required' as const, diagonalDiffusion: true } };
    expect(compatibilityProblem(general, needsDiagonal)).toMatch(/needs the diagonal diffusion g itself \(term.diffusion\), got a term with only diffusionProd/);
    const optional = { ...userSde, name: 'either', requires: { diffusion: 'optional' as const } };
    expect(compatibilityProblem(ode, optional)).toBeUndefined();
    expect(compatibilityProblem(sde, optional)).toBeUndefined();
    expect(() => resolveScheme('f', { ...userSde, requires: { diffusion: 'maybe' } } as never)).toThrow(/requires.diffusion 'none', 'required' or 'optional'/);
  });
});
