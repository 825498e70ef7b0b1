/**
 * Networks: `import { timeConditionedMlp } from 'stochastic-interpolants/models'`.
 */
import '@tensorflow/tfjs-layers';

export { timeConditionedMlp, modelField, MLP_ACTIVATIONS } from './mlp.js';
export type { TimeConditionedMlpOptions } from './mlp.js';
export { TimeFeatures } from './time-features.js';
export type { TimeFeaturesArgs } from './time-features.js';
