/**
 * Networks: `import { timeConditionedMlp } from 'stochastic-interpolants/models'`.
 */
import '@tensorflow/tfjs-layers';
// Registers the custom layer classes and the builders of these networks (`'time-conditioned-mlp'`, `'unet'`).
import './register.js';

export { timeConditionedMlp, MLP_ACTIVATIONS } from './mlp.js';
export type { TimeConditionedMlpOptions } from './mlp.js';
export { modelAdapter, modelField, modelFields } from './model-field.js';
export type { ConditionalField, ModelAdapter, ModelAdapterOptions, ModelField, ModelInputMap } from './model-field.js';
export { TimeFeatures } from './time-features.js';
export type { TimeFeaturesArgs } from './time-features.js';
export { timeConditionedUNet, AddEmbedding, ResizeNearest } from './unet.js';
export type { TimeConditionedUNetOptions, ResizeNearestArgs } from './unet.js';
export { GroupNormalization, groupNorm, groupNormPlain } from './group-norm.js';
export type { GroupNormOptions, GroupNormalizationArgs } from './group-norm.js';
export { SpatialSelfAttention } from './self-attention.js';
export type { SpatialSelfAttentionArgs } from './self-attention.js';
export { registerUNetBuilder, UNET_BUILDER } from './unet-builder.js';
export { convEnergy, convEnergyNetwork, HalfSquaredNorm, registerConvEnergyBuilder, CONV_ENERGY_BUILDER } from './conv-energy.js';
export type { ConvEnergy, ConvEnergyOptions, HalfSquaredNormArgs } from './conv-energy.js';
export { energyMlp, ENERGY_MLP_ACTIVATIONS } from './energy-mlp.js';
export type { EnergyMlp, EnergyMlpOptions } from './energy-mlp.js';
export { quadraticEnergy } from './quadratic-energy.js';
export type { QuadraticEnergy, QuadraticEnergyOptions } from './quadratic-energy.js';
