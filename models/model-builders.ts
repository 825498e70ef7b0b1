/**
 * Registers the builders of the networks in `models/` with the model-builder registry of `src/train`, so a run
 * config naming `{ builder: 'time-conditioned-mlp', options }` can rebuild its network. Loaded (for its effect)
 * by `models/index.ts`: importing `stochastic-interpolants/models` makes the names available. The registry
 * itself sits in the library, which imports no network (docs/ARCHITECTURE.md, Dependencies).
 */
import { modelBuilderNames, registerModelBuilder } from '../src/train/model-builders.js';
import { timeConditionedMlp } from './mlp.js';
import type { TimeConditionedMlpOptions } from './mlp.js';

/** The builders of `models/`, by the name a run config stores. */
const MODEL_BUILDERS = {
  'time-conditioned-mlp': (options: Record<string, unknown>) => timeConditionedMlp(options as unknown as TimeConditionedMlpOptions),
} as const;

// Registered once per module instance; a second copy of this module (e.g. src and dist side by side) leaves
// the first registration in place rather than failing the registry's taken-name check.
for (const [name, build] of Object.entries(MODEL_BUILDERS)) {
  if (!modelBuilderNames().includes(name)) registerModelBuilder(name, build);
}
