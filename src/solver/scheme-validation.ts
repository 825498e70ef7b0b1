/**
 * Structural checks of user-supplied schemes and noise processes.
 */
import { ArgumentError, describeValue } from '../errors.js';
import type { NoiseProcess, Scheme } from './types.js';

/** Throws unless `value` looks like a {@link Scheme}; returns it typed. */
export function checkSchemeObject(fn: string, arg: string, value: unknown): Scheme {
  const s = value as Partial<Scheme> | null;
  const problems: string[] = [];
  if (typeof s !== 'object' || s === null) {
    throw new ArgumentError(fn, arg, 'a Scheme object or a registered scheme name', describeValue(value));
  }
  if (typeof s.name !== 'string' || s.name.length === 0) problems.push('a non-empty name');
  if (s.kind !== 'ode' && s.kind !== 'sde') problems.push("kind 'ode' or 'sde'");
  if (typeof s.order !== 'number' || !(s.order > 0)) problems.push('a positive order');
  if (typeof s.stagesPerStep !== 'number' || !(s.stagesPerStep >= 0)) problems.push('stagesPerStep >= 0');
  if (typeof s.adaptive !== 'boolean') problems.push('a boolean adaptive');
  if (s.errorOrder !== undefined && !(typeof s.errorOrder === 'number' && s.errorOrder > 0)) problems.push('a positive errorOrder');
  if (typeof s.description !== 'string') problems.push('a description');
  if (typeof s.step !== 'function') problems.push('a step function');
  if (s.tensors !== undefined && typeof s.tensors !== 'function') problems.push('tensors as a function');
  if (s.requires !== undefined) {
    const r = s.requires as Partial<Record<string, unknown>> | null;
    if (typeof r !== 'object' || r === null) problems.push('requires as an object');
    else {
      if (r.diffusion !== undefined && !['none', 'required', 'optional'].includes(r.diffusion as string)) problems.push("requires.diffusion 'none', 'required' or 'optional'");
      if (r.calculus !== undefined && r.calculus !== 'ito' && r.calculus !== 'stratonovich') problems.push("requires.calculus 'ito' or 'stratonovich'");
      for (const k of ['diagonalDiffusion', 'energy', 'randomness']) {
        if (r[k] !== undefined && typeof r[k] !== 'boolean') problems.push(`requires.${k} as a boolean`);
      }
    }
  }
  if (problems.length > 0) {
    throw new ArgumentError(fn, arg, `a Scheme with ${problems.join(', ')}`, `an object without them (name ${describeValue(s.name)})`);
  }
  return s as Scheme;
}

/** Throws unless `value` looks like a {@link NoiseProcess}; returns it typed. */
export function checkNoiseProcess(fn: string, arg: string, value: unknown): NoiseProcess {
  const n = value as Partial<NoiseProcess> | null;
  const ok =
    typeof n === 'object' &&
    n !== null &&
    typeof n.name === 'string' &&
    typeof n.init === 'function' &&
    typeof n.increment === 'function' &&
    typeof n.tensors === 'function';
  if (!ok) {
    throw new ArgumentError(fn, arg, 'a NoiseProcess { name, init, increment, tensors } such as brownianMotion()', describeValue(value));
  }
  return n as NoiseProcess;
}
