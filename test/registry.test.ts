import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../src/errors.js';
import { createRegistry, editDistance, suggestNames } from '../src/registry.js';

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and neighbour swaps (hand-computed cases)', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('chequerboard', 'checkerboard')).toBe(2);
    expect(editDistance('mnoos', 'moons')).toBe(2);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('Linear', 'linear')).toBe(0);
  });

  it('suggests close names first, and nothing for a far one', () => {
    const names = ['checkerboard', 'moons', 'rings', 'spirals', '8gaussians', 'gaussian', 'gmm'];
    expect(suggestNames('chequerboard', names)).toEqual(['checkerboard']);
    expect(suggestNames('gausian', names)).toEqual(['gaussian']); // '8gaussians' is 3 edits away
    expect(suggestNames('gaussians', names)).toEqual(['8gaussians', 'gaussian']); // both 1 edit away: alphabetical
    expect(suggestNames('ring', names)).toEqual(['rings']);
    expect(suggestNames('zzzzzz', names)).toEqual([]);
  });
});

describe('createRegistry', () => {
  const make = () => createRegistry<number>({ kind: 'colour', builtins: { red: 1, green: 2 } });

  it('lists built-ins then registrations, and looks them up', () => {
    const r = make();
    r.register('teal', 3);
    expect(r.names()).toEqual(['red', 'green', 'teal']);
    expect(r.builtinNames).toEqual(['red', 'green']);
    expect(r.get('teal')).toBe(3);
    expect(r.find('blue')).toBeUndefined();
    expect(r.has('red')).toBe(true);
    expect(r.isBuiltin('teal')).toBe(false);
  });

  it('refuses to overwrite a built-in or a registered name without { replace: true }', () => {
    const r = make();
    r.register('teal', 3);
    expect(() => r.register('red', 9)).toThrow("registerColour: argument 'name' must be a name not yet registered (pass { replace: true } to replace the built-in colour), got \"red\"");
    expect(() => r.register('teal', 9)).toThrow(/replace an already registered colour/);
    r.register('red', 9, { replace: true });
    r.register('teal', 4, { replace: true });
    expect(r.get('red')).toBe(9);
    expect(r.get('teal')).toBe(4);
  });

  it('unregisters added names, restores replaced built-ins, keeps built-ins', () => {
    const r = make();
    r.register('teal', 3);
    r.register('red', 9, { replace: true });
    expect(r.unregister('teal')).toBe(true);
    expect(r.has('teal')).toBe(false);
    expect(r.unregister('red')).toBe(true);
    expect(r.get('red')).toBe(1);
    expect(r.unregister('red')).toBe(false);
    expect(r.unregister('nothing')).toBe(false);
    expect(r.has('red')).toBe(true);
  });

  it('rejects unknown names with the list and did-you-mean suggestions', () => {
    const r = make();
    expect(() => r.get('gren')).toThrow(ArgumentError);
    expect(() => r.get('gren')).toThrow("getColour: argument 'name' must be one of 'red', 'green', got \"gren\" (did you mean 'green'?)");
    expect(() => r.get('purple')).toThrow("getColour: argument 'name' must be one of 'red', 'green', got \"purple\"");
    expect(() => r.get('rde', 'paint', 'options.colour')).toThrow("paint: argument 'options.colour' must be one of 'red', 'green', got \"rde\" (did you mean 'red'?)");
  });

  it('validates names, values and options with the configured messages', () => {
    const r = createRegistry<() => number>({
      kind: 'builder',
      builtins: [['one', () => 1]],
      lookupFn: 'makeBuilder',
      isValue: (v) => typeof v === 'function',
      valueText: 'a function () => number',
      valueArg: 'factory',
    });
    expect(() => r.register('bad name', () => 2)).toThrow(/registerBuilder: argument 'name' must be a name of letters/);
    expect(() => r.register('two', 2 as never)).toThrow("registerBuilder: argument 'factory' must be a function () => number, got 2");
    expect(() => r.register('two', () => 2, { replace: 'yes' as never })).toThrow(/'options.replace' must be true or false/);
    expect(() => r.get('on')).toThrow(/^makeBuilder: .*did you mean 'one'/);
    expect(() => createRegistry({ kind: '', builtins: {} })).toThrow(/createRegistry: argument 'options.kind'/);
    const schemes = createRegistry<number>({ kind: 'scheme', builtins: { euler: 1 }, nameArg: 'scheme.name' });
    expect(() => schemes.register('euler', 2)).toThrow(/^registerScheme: argument 'scheme.name' must be a name not yet registered/);
  });
});
