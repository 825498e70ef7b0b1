/**
 * Argument checks used by the datasets: re-exported from the library's one validators module
 * (`src/validate.ts`), kept here so existing imports keep working.
 *
 * @internal
 */
export { checkCount, checkNumberArray, checkOptions, checkPoints, checkSeeds } from '../validate.js';
