/**
 * A registry of model builders: names a run config can store (`{ builder: 'time-conditioned-mlp', options }`)
 * so a run's networks can be rebuilt from its config alone (e.g. to load exported weights).
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { timeConditionedMlp } from '../../models/mlp.js';
import type { TimeConditionedMlpOptions } from '../../models/mlp.js';
import { createRegistry } from '../registry.js';
import type { RegisterOptions } from '../registry.js';

/** Builds a network from JSON options. */
export type ModelBuilder = (options: Record<string, unknown>) => tfl.LayersModel;

/** How a run config names one of its networks: a registered builder and its JSON options. */
export interface ModuleSpec {
  /** A name registered with {@link registerModelBuilder} (`'time-conditioned-mlp'` is built in). */
  builder: string;
  /** The builder's options (JSON). */
  options: Record<string, unknown>;
}

const builders = createRegistry<ModelBuilder>({
  kind: 'model builder',
  builtins: { 'time-conditioned-mlp': (o) => timeConditionedMlp(o as unknown as TimeConditionedMlpOptions) },
  lookupFn: 'buildModel',
  registerFn: 'registerModelBuilder',
  isValue: (v) => typeof v === 'function',
  valueText: 'a function (options) => LayersModel',
  valueArg: 'build',
});

/**
 * Registers a model builder under `name`, so run configs can name it (the registry's one policy: built-in
 * and taken names are refused unless `{ replace: true }`).
 *
 * @example
 * ```ts
 * registerModelBuilder('tiny-unet', (o) => tinyUnet(o as TinyUnetOptions));
 * const net = buildModel({ builder: 'tiny-unet', options: { channels: 8 } });
 * ```
 */
export function registerModelBuilder(name: string, build: ModelBuilder, options?: RegisterOptions): void {
  builders.register(name, build, options);
}

/** Builds the network a {@link ModuleSpec} names (an ArgumentError lists the builders for an unknown name). */
export function buildModel(spec: ModuleSpec): tfl.LayersModel {
  return builders.get(spec.builder)(spec.options);
}

/** The registered builder names, built-ins first. */
export function modelBuilderNames(): string[] {
  return builders.names();
}
