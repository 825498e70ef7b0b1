/**
 * Data: 2-D toy distributions with exact samplers (and exact log densities where they have a closed form),
 * Gaussian mixtures in any dimension, user data from arrays and CSV files, and a registry by name.
 */
export type { Dataset, DatasetFactory } from './types.js';
export { checkerboard } from './checkerboard.js';
export type { CheckerboardOptions } from './checkerboard.js';
export { eightGaussians } from './eight-gaussians.js';
export type { EightGaussiansOptions } from './eight-gaussians.js';
export { gaussianMixture, gaussian } from './gaussian-mixture.js';
export type { GaussianMixtureOptions, GaussianMixtureDataset, GaussianOptions } from './gaussian-mixture.js';
export { moons } from './moons.js';
export type { MoonsOptions } from './moons.js';
export { spirals } from './spirals.js';
export type { SpiralsOptions } from './spirals.js';
export { rings } from './rings.js';
export type { RingsOptions, RingsDataset } from './rings.js';
export { arrayDataset } from './array.js';
export type { ArrayDataset, ArrayDatasetOptions } from './array.js';
export { csvDataset, parseCsv } from './csv.js';
export type { CsvOptions, CsvDatasetOptions, ParsedCsv } from './csv.js';
export { getDataset, listDatasets, registerDataset, unregisterDataset, BUILTIN_DATASETS } from './registry.js';
export type { BuiltinDatasetOptions, RegisterDatasetOptions } from './registry.js';
export { loadDataset, isCsvPath } from './load-dataset.js';
