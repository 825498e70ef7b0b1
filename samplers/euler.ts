/**
 * Re-export: the scheme moved to `src/solver/schemes/euler.ts` (the solver core owns its schemes); this
 * path keeps existing imports working.
 */
export * from '../src/solver/schemes/euler.js';
