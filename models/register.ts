/**
 * Everything `models/` registers globally, in one side-effect import: the custom layer classes (so saved
 * networks reload with `tf.loadLayersModel` and `loadTrainedModel`) and the model builders (so run configs can
 * name them). `models/index.ts` loads it; an entry point that loads runs without importing the networks' API
 * loads it with `import '…/models/register.js'`.
 */
import './time-features.js';
import './group-norm.js';
import './model-builders.js';
import './unet-builder.js';
import './conv-energy.js';
import './swish-activation.js';
