/**
 * Networks: `import { timeConditionedMlp } from 'stochastic-interpolants/models'`.
 */
import '@tensorflow/tfjs-layers';

export { timeConditionedMlp, modelField, modelFields, MLP_ACTIVATIONS } from './mlp.js';
export type { TimeConditionedMlpOptions, ConditionalField } from './mlp.js';
export { TimeFeatures } from './time-features.js';
export type { TimeFeaturesArgs } from './time-features.js';
