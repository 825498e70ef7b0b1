/**
 * Sampler comparison: quality (sliced W2, Sinkhorn divergence) against NFE and wall time for a grid of
 * samplers × NFE × ε, on exact oracle fields or a trained model, with the floor, sharding and merging.
 */
export { compareSamplers } from './compare.js';
export type { CompareOptions, CompareProgress } from './compare.js';
export { oracleTarget, modelTarget } from './target.js';
export type { CompareTarget, OracleTargetOptions, ModelTargetOptions } from './target.js';
export { distributionReference, datasetReference, arrayReference } from './reference.js';
export type { ReferenceSource } from './reference.js';
export { SAMPLER_ALIASES, resolveSampler, parseSamplerList, defaultStepMode, samplerListing } from './samplers.js';
export type { SamplerSpec } from './samplers.js';
export { expandGrid, cellId, epsilonLevel, parseEpsilonList, parseNfeList } from './grid.js';
export type { EpsilonLevel } from './grid.js';
export { parseShard, shardCells } from './shard.js';
export { mergeReports, readCompareReport, checkCompareReport, gridIds } from './merge.js';
export { formatCompareTable, formatMetric, samplerLabel } from './table.js';
export type { CompareTableOptions } from './table.js';
export { compareCsv, writeCompareCsv, COMPARE_CSV_COLUMNS } from './csv.js';
export { writeComparePlots, seriesLabel, SCATTER_POINTS } from './plots.js';
export type { ComparePlotSamples, WrittenPng } from './plots.js';
export { runCell } from './run-cell.js';
export type { CellRun } from './run-cell.js';
export { derivedSeed, repeatSeeds } from './seeds.js';
export { meanSE } from './statistics.js';
export { measure, sinkhornEpsilonFor } from './metrics.js';
export type { MetricSettings } from './metrics.js';
export { COMPARE_METRICS } from './types.js';
export type { CompareCell, CompareConfig, CompareFloor, CompareMetric, CompareReport, CompareResult, CompareTargetInfo, MeanSE, ShardSpec, StepMode } from './types.js';
