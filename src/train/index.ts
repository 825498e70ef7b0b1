/**
 * Training: the one `Trainer` for any `TrainingTask` (the interpolant task built in), optimisers (AdaBelief,
 * diffGrad, Adam, SGD) with changeable learning rates and exact state, learning-rate schedules, gradient
 * clipping, an EMA of weights, atomic checkpoints in owned run folders, loss histories and trained runs.
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
export {
  CHECKPOINT_FORMAT,
  CHECKPOINT_FORMAT_VERSION,
  CheckpointError,
  cleanRunFolder,
  loadCheckpoint,
  READABLE_CHECKPOINT_VERSIONS,
  readCheckpointManifest,
  saveCheckpoint,
  writeCheckpoint,
} from './checkpoint.js';
export type {
  CheckpointContents,
  CheckpointManifest,
  CheckpointModuleEntry,
  CheckpointState,
  CheckpointTensorEntry,
  JsonValue,
  LoadedCheckpoint,
  SaveCheckpointOptions,
} from './checkpoint.js';
export { LOSS_HISTORY_FILE, readLossHistory } from './loss-history.js';
export type { LossHistoryLine } from './loss-history.js';
export { buildModel, modelBuilderNames, registerModelBuilder } from './model-builders.js';
export type { ModelBuilder, ModuleSpec } from './model-builders.js';
export type { TaskLoss, TrainingTask } from './task.js';
export { interpolantTask } from './tasks/interpolant.js';
export type { InterpolantRunConfig, InterpolantTask, InterpolantTaskOptions } from './tasks/interpolant.js';
export { hasRun, NonFiniteLossError, Trainer } from './trainer.js';
export type {
  ResolvedTrainerSettings,
  SavedRun,
  TaskTrainerOptions,
  TrainerOptions,
  TrainerSettings,
  TrainingChanges,
  TrainingLogEntry,
  TrainingResult,
} from './trainer.js';
export { exportRunWeights, loadTrainedModel, runInterpolant, sampleRunBase } from './trained-model.js';
export type { ExportedWeights, RunConfig, RunSampleOptions, TrainedModel } from './trained-model.js';
