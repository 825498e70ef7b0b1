/**
 * The quadratic interpolant objectives and the batches they train on.
 */
export { FIELD_NAMES } from './types.js';
export type { FieldName, Objective, ObjectiveLoss, TrainableField, TrainingBatch } from './types.js';
export { quadraticObjective, checkFieldSupported } from './quadratic-objective.js';
export type { QuadraticObjectiveOptions } from './quadratic-objective.js';
export { drawTrainingBatch } from './training-batch.js';
export type { DrawTrainingBatchOptions } from './training-batch.js';
