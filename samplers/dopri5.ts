/**
 * Re-export: the scheme moved to `src/solver/schemes/dopri5.ts` (the solver core owns its schemes); this
 * path keeps existing imports working.
 */
export * from '../src/solver/schemes/dopri5.js';
