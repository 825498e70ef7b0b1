/**
 * Seeds of a comparison, derived from the user's seed and a purpose (never from a cell's position), so that
 * any part of the grid — a shard, a rerun of one cell — draws exactly the same numbers.
 */
import { checkNumber } from '../errors.js';

/**
 * A 32-bit seed from `seed` and a path of parts (`derivedSeed(7, 'repeat', 2, 'base')`): FNV-1a over the
 * text, then a splitmix32 finaliser. Different paths give unrelated seeds.
 *
 * @example
 * ```ts
 * derivedSeed(0, 'repeat', 0, 'base') === derivedSeed(0, 'repeat', 0, 'base'); // true
 * ```
 */
export function derivedSeed(seed: number, ...parts: (string | number)[]): number {
  checkNumber('derivedSeed', 'seed', seed, { integer: true });
  const text = [String(seed), ...parts.map(String)].join('\u241f');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let z = (h + 0x9e3779b9) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The seeds of repeat r: the base noise x0 (shared by every cell), the reference samples, the independent
 * second reference set of the floor, and the SDE noise (shared by every cell: common random numbers make
 * the cells' differences less noisy than their values).
 */
export function repeatSeeds(seed: number, repeat: number): { base: number; reference: number; floor: number; noise: number } {
  return {
    base: derivedSeed(seed, 'repeat', repeat, 'base'),
    reference: derivedSeed(seed, 'repeat', repeat, 'reference'),
    floor: derivedSeed(seed, 'repeat', repeat, 'floor'),
    noise: derivedSeed(seed, 'repeat', repeat, 'noise'),
  };
}
