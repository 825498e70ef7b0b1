/**
 * Training building blocks: optimisers (AdaBelief, diffGrad, Adam, SGD) with changeable learning rates and
 * exact state, learning-rate schedules, gradient clipping, an EMA of weights, and atomic checkpoints.
 */
export { AdaBelief } from './adabelief.js';
export type { AdaBeliefOptions } from './adabelief.js';
export { DiffGrad } from './diffgrad.js';
export type { DiffGradOptions } from './diffgrad.js';
export { makeOptimizer, OPTIMIZER_NAMES, ScheduledAdam, ScheduledSgd } from './optimizers.js';
export type { MakeOptimizerOptions, OptimizerName, ScheduledAdamOptions, ScheduledSgdOptions } from './optimizers.js';
export type { NamedTensor, ScheduledOptimizer } from './optimizer-state.js';
export { learningRateSchedule, SCHEDULE_KINDS } from './schedules.js';
export type { LearningRateSchedule, LearningRateScheduleOptions, ScheduleKind } from './schedules.js';
export { clipByGlobalNorm } from './clip.js';
export type { ClippedGradients } from './clip.js';
export { ExponentialMovingAverage } from './ema.js';
export type { EmaTarget, ExponentialMovingAverageOptions } from './ema.js';
export { CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_VERSION, CheckpointError, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
export type {
  CheckpointContents,
  CheckpointManifest,
  CheckpointTensorEntry,
  LoadedCheckpoint,
  SaveCheckpointOptions,
} from './checkpoint.js';
