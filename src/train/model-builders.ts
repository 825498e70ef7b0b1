/**
 * A registry of model builders: names a run config can store (`{ builder: 'time-conditioned-mlp', options }`)
 * so a run's networks can be rebuilt from its config alone (e.g. to load exported weights). The library
 * imports no network, so the registry starts empty: the networks of `models/` register their builders when
 * `stochastic-interpolants/models` is imported (`models/model-builders.ts`), the image networks when the image
 * API is, and users add their own with {@link registerModelBuilder}.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { ArgumentError, describeValue } from '../errors.js';
import { createRegistry } from '../registry.js';
import type { RegisterOptions } from '../registry.js';

/** Builds a network from JSON options. */
export type ModelBuilder = (options: Record<string, unknown>) => tfl.LayersModel;

/** How a run config names one of its networks: a registered builder and its JSON options. */
export interface ModuleSpec {
  /** A name registered with {@link registerModelBuilder} (`'time-conditioned-mlp'` once `models/` is imported). */
  builder: string;
  /** The builder's options (JSON). */
  options: Record<string, unknown>;
}

const builders = createRegistry<ModelBuilder>({
  kind: 'model builder',
  builtins: {},
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

/**
 * Builds the network a {@link ModuleSpec} names. The networks of `models/` (`'time-conditioned-mlp'`) are
 * available once `stochastic-interpolants/models` is imported.
 *
 * @throws ArgumentError for an unknown name, listing the registered builders (with did-you-mean suggestions)
 * @example
 * ```ts
 * import 'stochastic-interpolants/models';   // registers 'time-conditioned-mlp'
 * const net = buildModel({ builder: 'time-conditioned-mlp', options: { dim: 2, hidden: 64 } });
 * ```
 */
export function buildModel(spec: ModuleSpec): tfl.LayersModel {
  const fn = 'buildModel';
  if (typeof spec !== 'object' || spec === null) throw new ArgumentError(fn, 'spec', 'a module spec { builder, options }', describeValue(spec));
  if (!builders.has(spec.builder) && builders.names().length === 0) {
    throw new ArgumentError(fn, 'spec.builder', "a registered model builder (none is registered: import 'stochastic-interpolants/models' for the built-in networks, or call registerModelBuilder)", describeValue(spec.builder));
  }
  return builders.get(spec.builder, fn, 'spec.builder')(spec.options);
}

/** The registered builder names, in registration order. */
export function modelBuilderNames(): string[] {
  return builders.names();
}
