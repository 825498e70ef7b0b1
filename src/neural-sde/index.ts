/**
 * Variational neural SDEs driven by Markov-approximate fractional Brownian motion (MATH.md §2.6): the
 * augmented Markov system on the solver core, the model (prior drift, diffusion, posterior control,
 * learnable Hurst index) and its ELBO as a training task for the one `Trainer`.
 */
export { augmentedLayout, augmentedTerm } from './augmented-term.js';
export type { AugmentedBlock, AugmentedTerm, AugmentedTermOptions, ObservationAhead } from './augmented-term.js';
export { DIFFUSION_KINDS, ENCODER_KINDS, MAX_SPEED_STEP, variationalSde } from './variational-sde.js';
export type { DiffusionKind, EncoderKind, MlpSize, VariationalSde, VariationalSdeConfig, VariationalSdeOptions } from './variational-sde.js';
export { elboTask } from './elbo-task.js';
export type { ElboBatch, ElboTask, ElboTaskOptions, PosteriorPaths } from './elbo-task.js';
