/**
 * Shape and dtype checks for tensors at the public boundary of interpolants and fields: the shared validators
 * of `src/validate.ts`, re-exported here for existing imports (same messages).
 */
export { checkTensor1D, checkTensor2D } from '../validate.js';
