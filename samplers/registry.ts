/**
 * Re-export: the scheme registry moved to `src/solver/schemes/registry.ts` (the solver core owns its schemes); this
 * path keeps existing imports working.
 */
export * from '../src/solver/schemes/registry.js';
