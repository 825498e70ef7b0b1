/**
 * Sample-based distances between two sample sets `[n, d]` and `[m, d]` (or `[n, ...event]` and
 * `[m, ...event]`, compared as flattened vectors): sliced W2, the debiased Sinkhorn divergence and the
 * unbiased MMD². Each returns a plain number (a Promise: the read-back is asynchronous).
 */
export { slicedWasserstein2, SLICING_DIRECTIONS } from './sliced-wasserstein.js';
export type { SlicedWassersteinOptions } from './sliced-wasserstein.js';
export { sinkhorn, sinkhornDivergence } from './sinkhorn.js';
export type { SinkhornOptions, SinkhornResult } from './sinkhorn.js';
export { mmd } from './mmd.js';
export type { MmdOptions } from './mmd.js';
export { negativeLogLikelihood } from './nll.js';
