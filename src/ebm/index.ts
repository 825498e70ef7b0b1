/**
 * Energy-based models: the {@link EnergyModel} contract, its score −∇E, noise laws with exact log densities,
 * the noise as the base measure of a residual energy (`baseMeasureNoise`: p ∝ q·exp(−E)), the NCE and
 * compositional training tasks of the one `Trainer`, and sampling by Langevin dynamics (a term
 * on the solver core), MALA (the `'mala'` scheme, registered when this module loads) with step-size
 * adaptation, and annealed Langevin. Networks (`energyMlp`, `quadraticEnergy`) live in `models/`.
 */
import { mala } from '../solver/schemes/mala.js';
import { registerScheme, schemeNames } from '../solver/schemes/registry.js';

export type { EnergyModel } from './energy-model.js';
export { checkEnergyModel } from './energy-model.js';
export { scoreFromEnergy, energyGradientScore } from './score-from-energy.js';
export type { EnergyFunction } from './score-from-energy.js';
export { distributionEnergy } from './distribution-energy.js';
export { noiseSource, noiseBank } from './noise-source.js';
export type { NoiseDraw, NoiseSource, NoiseBankOptions, SampleWithLogProb } from './noise-source.js';
export { baseMeasureNoise } from './base-measure.js';
export type { EnergyData, ContrastiveBatch } from './contrastive-batch.js';
export { nceTask } from './nce-task.js';
export type { NceTask, NceTaskOptions } from './nce-task.js';
export { compositionalTask, BETA_SCHEDULES } from './compositional-task.js';
export type { BetaSchedule, CompositionalBatch, CompositionalState, CompositionalTask, CompositionalTaskOptions } from './compositional-task.js';
export { langevinTerm } from './langevin.js';
export type { LangevinTermOptions } from './langevin.js';
export { sampleMala } from './mala-sampler.js';
export type { MalaAdaptation, MalaOptions, MalaResult } from './mala-sampler.js';
export { annealedLangevin } from './annealed-langevin.js';
export type { AnnealedLangevinOptions, AnnealedLangevinResult } from './annealed-langevin.js';
export { importanceLogPartition } from './importance-log-partition.js';
export type { LogPartitionEstimate, ImportanceLogPartitionOptions } from './importance-log-partition.js';
export { mala } from '../solver/schemes/mala.js';
export { auroc } from './auroc.js';

// 'mala' joins the scheme registry (by name in integrate, the CLI and configs) once this module loads.
if (!schemeNames().includes(mala.name)) registerScheme(mala);
