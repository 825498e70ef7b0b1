/**
 * stochastic-interpolants: the curated public API.
 *
 * Importing this module also imports `@tensorflow/tfjs-layers`, which registers tfjs gradient functions in
 * Node. Choose a backend once with {@link initBackend}. Networks are in `stochastic-interpolants/models`,
 * schemes and generative samplers in `stochastic-interpolants/samplers`.
 */
import '@tensorflow/tfjs-layers';
// Registers the library's custom layer classes and model builders, so saved runs reload from this entry alone.
import '../models/register.js';

// Backend, errors, seeds
export { initBackend, backendFlag, BACKEND_NAMES } from './backend.js';
export type { BackendInfo, BackendName, InitBackendOptions } from './backend.js';
export { defaultWasmThreads, SMALL_SAMPLING_POINTS, WASM_WORKLOADS } from './wasm-threads.js';
export type { WasmWorkload } from './wasm-threads.js';
export { ArgumentError } from './errors.js';
export { SeedStream } from './random.js';
export { createRegistry } from './registry.js';
export type { Registry, RegisterOptions } from './registry.js';

// Batch-first tensors [batch, ...event]: shape helpers and a layout of named blocks in one state
export { eventShape, eventSize, eventAxes, expandToRank, scaleRows, divideRows, sumEvent, flattenEvent, unflattenEvent } from './shapes.js';
export { stateLayout } from './state-layout.js';
export type { StateLayout, StateBlock } from './state-layout.js';

// Distributions: event shape, seeded samples, exact log densities
export { standardNormal, diagonalGaussian, fullGaussian, fitGaussianMixture, flowDistribution, labelledMixture, resolveDistribution, drawSamples, toAsync, isDistribution, isAsyncDistribution, isLabelledDistribution, checkDistribution } from './distributions/index.js';
export type { Distribution, AsyncDistribution, AnyDistribution, LabelledDistribution, LabelledSample, FullGaussian, FullGaussianOptions, GaussianMixtureEmOptions, GaussianMixtureFit, FlowDistribution, FlowDistributionOptions } from './distributions/index.js';

// The solver core
export { integrate, integrateSync, uniformGrid, brownianMotion, brownianPath, SolverError, AbortError, termOffer, schemeRequirements, hashSeed, streamSeedAt } from './solver/index.js';
export type {
  IntegrateOptions,
  AdaptiveOptions,
  UniformGridOptions,
  BrownianPath,
  BrownianPathOptions,
  Term,
  NoiseProcess,
  NoiseInit,
  Scheme,
  SchemeKind,
  StepResult,
  Solution,
  SolverStats,
  SolverProgress,
  StateField,
  DiffusionField,
  DiffusionProduct,
  EnergyField,
  Calculus,
  SchemeRequirements,
  StepContext,
  StepRandom,
  TermOffer,
} from './solver/index.js';

// Interpolants and γ options
export { makeInterpolant, registerInterpolant, unregisterInterpolant, interpolantNames, INTERPOLANT_NAMES, customInterpolant, makeGamma, customGamma, GAMMA_NAMES } from './interpolants/index.js';
export type { Interpolant, InterpolantCoefficients, InterpolantSample, InterpolantOptions, GammaSchedule, GammaName } from './interpolants/index.js';

// Fields and closed-form oracles
export { GaussianMixtureOracle, gaussianOracle, gaussianMixtureOracle, makeOracle, oracleProblem, ORACLE_PROBLEM_NAMES } from './fields/index.js';
export { scoreFromDenoiser, velocityFromVAndScore, velocityFromDenoiser, scoreFromVelocity, sdeDrifts } from './fields/index.js';
export { FIELD_LONG_NAMES, isFieldName } from './fields/index.js';
export type { EventField, Field, VelocityField, ScoreField, DenoiserField, GaussianSpec, GaussianMixtureSpec, OracleProblem, OracleProblemName } from './fields/index.js';

// Objectives and training
export { quadraticObjective, drawTrainingBatch, FIELD_NAMES } from './objectives/index.js';
export type { FieldName, Objective, ObjectiveLoss, TrainableField, TrainingBatch, QuadraticObjectiveOptions } from './objectives/index.js';
export { Trainer, NonFiniteLossError, hasRun, interpolantTask, registerModelBuilder, buildModel, modelBuilderNames, writeCheckpoint, readCheckpointManifest, cleanRunFolder, exportRunWeights, readLossHistory, LOSS_HISTORY_FILE } from './train/index.js';
export type { TrainerOptions, TrainingLogEntry, TrainingResult, TrainingTask, TaskLoss, TaskTrainerOptions, TrainerSettings, TrainingChanges, ResolvedTrainerSettings, SavedRun, InterpolantRunConfig, InterpolantTask, InterpolantTaskOptions, CheckpointState, JsonValue, ModelBuilder, ModuleSpec, LossHistoryLine } from './train/index.js';
export { makeOptimizer, OPTIMIZER_NAMES, AdaBelief, DiffGrad, learningRateSchedule, clipByGlobalNorm, ExponentialMovingAverage, saveCheckpoint, loadCheckpoint, CheckpointError } from './train/index.js';
export type { OptimizerName, LearningRateSchedule, ScheduleKind, LoadedCheckpoint } from './train/index.js';

// Data and metrics
export { getDataset, listDatasets, registerDataset, unregisterDataset, arrayDataset, csvDataset } from './data/index.js';
export type { Dataset } from './data/index.js';
export { slicedWasserstein2, sinkhorn, sinkhornDivergence, mmd, negativeLogLikelihood } from './metrics/index.js';
export type { SlicedWassersteinOptions, SinkhornOptions, SinkhornResult, MmdOptions } from './metrics/index.js';

// Sampler comparison
export { compareSamplers, oracleTarget, modelTarget, distributionReference, datasetReference, arrayReference, mergeReports, readCompareReport, formatCompareTable, compareCsv, writeComparePlots, parseShard, SAMPLER_ALIASES } from './compare/index.js';
export type { CompareOptions, CompareProgress, CompareTarget, CompareReport, CompareResult, CompareFloor, CompareConfig, CompareMetric, ReferenceSource, ShardSpec } from './compare/index.js';
export { loadTrainedModel } from './train/trained-model.js';
export type { TrainedModel, RunConfig, RunSampleOptions, ExportedWeights } from './train/trained-model.js';

// Fractional Brownian motion: float64 maths, the Markov approximation as a noise process, exact paths
export { optimalOmega, optimalOmegaWithDerivative, omegaTensor, speedGrid, FBM_TYPES, markovFbm, fbmCovariance, fbmCovarianceMatrix, markovCovariance, sampleFbmPaths, fouCovariance, fouCovarianceMatrix, sampleFouPaths, regularizedGammaP, regularizedGammaQ, lgamma } from './fbm/index.js';
export type { FbmType, OptimalOmega, OptimalOmegaDerivative, OptimalOmegaOptions, OmegaTensorOptions, SpeedGridOptions, MarkovFbm, MarkovFbmOptions, FbmSpec, MarkovSpec, FbmPathsOptions, FouPathsOptions, FouSpec } from './fbm/index.js';

// Images: data sets, guidance, grids, classifier-based metrics
export { trainImageRun, loadImageRun, loadImageData, imageRunShape, labelledImageTask, labelledFields, loadMnist, loadImageFolder, shapesDataset, arrayImageDataset, guidedField, fieldForLabels, dropLabels, writeImageGrid, imageGridPng, writeTrajectoryStrip, DigitClassifier, loadDigitClassifier, trainDigitClassifier, digitFrechetDistance, frechetDistance, sqrtmPsd } from './images/index.js';
export type { ImageRun, ImageRunOptions, LoadedImageRun, ImageDataOptions, LabelledImageTask, LabelledImageTaskOptions, LabelledImageRunConfig, LabelledImageDataset, LabelledImages, ImageFolderDataset, ImageFolderOptions, MnistOptions, ShapesDatasetOptions, ArrayImageDatasetOptions, GuidanceOptions, LabelledField, ImageGridOptions, WriteImageGridOptions, TrajectoryStripOptions, TrainDigitClassifierOptions } from './images/index.js';

// Variational neural SDEs driven by Markov-approximate fBM (the augmented system on the solver core, the ELBO task)
export { augmentedLayout, augmentedTerm, DIFFUSION_KINDS, elboTask, ENCODER_KINDS, MAX_SPEED_STEP, variationalSde } from './neural-sde/index.js';
export type { AugmentedBlock, AugmentedTerm, AugmentedTermOptions, DiffusionKind, ElboBatch, ElboTask, ElboTaskOptions, EncoderKind, MlpSize, PosteriorPaths, VariationalSde, VariationalSdeConfig, VariationalSdeOptions } from './neural-sde/index.js';

// Energy-based models: NCE and compositional training tasks, Langevin and MALA sampling (registers the 'mala' scheme)
export { nceTask, compositionalTask, scoreFromEnergy, langevinTerm, sampleMala, annealedLangevin, noiseBank, noiseSource, baseMeasureNoise, importanceLogPartition, distributionEnergy, auroc } from './ebm/index.js';
export type { EnergyModel, NoiseSource } from './ebm/index.js';
