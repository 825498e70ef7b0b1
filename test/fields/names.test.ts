/**
 * One vocabulary for fields: the canonical names, the oracle's fields by those names (the long names being
 * the same functions), OraclePoint.fields against its flat keys, and the objectives re-exporting the list.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { FIELD_LONG_NAMES, FIELD_NAMES, isFieldName, makeOracle } from '../../src/fields/index.js';
import { makeInterpolant } from '../../src/interpolants/index.js';
import { FIELD_NAMES as OBJECTIVE_FIELD_NAMES } from '../../src/objectives/index.js';

describe('field names', () => {
  it('one list, shared by fields and objectives', () => {
    expect(FIELD_NAMES).toEqual(['b', 'v', 's', 'eta-z', 'eta-0', 'eta-1']);
    expect(OBJECTIVE_FIELD_NAMES).toBe(FIELD_NAMES);
    expect(FIELD_LONG_NAMES).toEqual({ b: 'velocity', v: 'v', s: 'score', 'eta-z': 'denoiser', 'eta-0': 'eta0', 'eta-1': 'eta1' });
    expect(isFieldName('eta-z')).toBe(true);
    expect(isFieldName('velocity')).toBe(false);
  });

  it("the oracle's long-named properties are the canonical fields themselves", () => {
    const oracle = makeOracle('gmm2d', makeInterpolant('linear', { gamma: 'sqrt' }));
    for (const name of FIELD_NAMES) {
      expect(oracle.field(name)).toBe(oracle.fields[name]);
      expect((oracle as unknown as Record<string, unknown>)[FIELD_LONG_NAMES[name]]).toBe(oracle.fields[name]);
    }
    expect(() => oracle.field('velocity' as never)).toThrow(/GaussianMixtureOracle.field: argument 'name' must be one of 'b', 'v', 's', 'eta-z', 'eta-0', 'eta-1'/);
  });

  it('OraclePoint.fields holds every field by canonical name; the flat keys are the same arrays', () => {
    for (const I of [makeInterpolant('linear', { gamma: 'sqrt' }), makeInterpolant('one-sided-linear'), makeInterpolant('mirror')]) {
      const oracle = makeOracle('gmm2d', I);
      const p = oracle.evaluateAt(0.4, [0.3, -0.2]);
      expect(Object.keys(p.fields)).toEqual([...FIELD_NAMES]);
      expect(p.velocity).toBe(p.fields.b);
      expect(p.score).toBe(p.fields.s);
      expect(p.etaZ).toBe(p.fields['eta-z']);
      expect(p.eta0).toBe(p.fields['eta-0']);
      expect(p.eta1).toBe(p.fields['eta-1']);
      // and the tensor fields agree with the float64 point (independent code paths)
      const x = tf.tensor2d([[0.3, -0.2]]);
      const t = tf.tensor1d([0.4]);
      for (const name of FIELD_NAMES) {
        const v = oracle.fields[name](x, t);
        const got = Array.from(v.dataSync());
        got.forEach((g, i) => expect(g).toBeCloseTo(p.fields[name][i]!, 4));
        v.dispose();
      }
      tf.dispose([x, t]);
    }
  });
});
