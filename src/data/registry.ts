/**
 * Datasets by name, for the CLI and configuration files; users add their own with {@link registerDataset}.
 */
import { ArgumentError, describeValue } from '../errors.js';
import { checkerboard, type CheckerboardOptions } from './checkerboard.js';
import { eightGaussians, type EightGaussiansOptions } from './eight-gaussians.js';
import { gaussian, gaussianMixture, type GaussianMixtureOptions, type GaussianOptions } from './gaussian-mixture.js';
import { moons, type MoonsOptions } from './moons.js';
import { rings, type RingsOptions } from './rings.js';
import { spirals, type SpiralsOptions } from './spirals.js';
import type { Dataset, DatasetFactory } from './types.js';
import { checkOptions } from './validate.js';

/** The options each built-in dataset accepts, by registry name. */
export interface BuiltinDatasetOptions {
  checkerboard: CheckerboardOptions;
  '8gaussians': EightGaussiansOptions;
  moons: MoonsOptions;
  spirals: SpiralsOptions;
  rings: RingsOptions;
  gmm: GaussianMixtureOptions;
  gaussian: GaussianOptions;
}

/** Names of the built-in datasets. */
export const BUILTIN_DATASETS = ['checkerboard', '8gaussians', 'moons', 'spirals', 'rings', 'gmm', 'gaussian'] as const;

const builtins: Record<(typeof BUILTIN_DATASETS)[number], DatasetFactory> = {
  checkerboard: (o) => checkerboard(o as CheckerboardOptions),
  '8gaussians': (o) => eightGaussians(o as EightGaussiansOptions),
  moons: (o) => moons(o as MoonsOptions),
  spirals: (o) => spirals(o as SpiralsOptions),
  rings: (o) => rings(o as RingsOptions),
  gmm: (o) => {
    if (o === undefined) {
      throw new ArgumentError('getDataset', 'options', "an object with 'means' for the 'gmm' dataset", 'undefined');
    }
    return gaussianMixture(o as unknown as GaussianMixtureOptions);
  },
  gaussian: (o) => gaussian(o as GaussianOptions),
};

const registry = new Map<string, DatasetFactory>(Object.entries(builtins));

/**
 * Builds a dataset by name. Built-ins: `checkerboard`, `8gaussians`, `moons`, `spirals`, `rings`, `gmm`
 * (requires `{ means }`), `gaussian`; plus whatever {@link registerDataset} added.
 *
 * @throws ArgumentError for an unknown name (the message lists the valid names) or bad options
 * @example
 * ```ts
 * const data = getDataset('moons', { noise: 0.05 });
 * listDatasets(); // ['8gaussians', 'checkerboard', 'gaussian', 'gmm', 'moons', 'rings', 'spirals', …]
 * ```
 */
export function getDataset<K extends keyof BuiltinDatasetOptions>(name: K, options?: BuiltinDatasetOptions[K]): Dataset;
export function getDataset(name: string, options?: object): Dataset;
export function getDataset(name: string, options?: object): Dataset {
  const factory = typeof name === 'string' ? registry.get(name) : undefined;
  if (factory === undefined) {
    throw new ArgumentError('getDataset', 'name', `one of ${listDatasets().map((n) => `'${n}'`).join(', ')}`, describeValue(name));
  }
  return factory(options as Record<string, unknown> | undefined);
}

/** The registered dataset names, sorted. */
export function listDatasets(): string[] {
  return [...registry.keys()].sort();
}

/** Options of {@link registerDataset}. */
export interface RegisterDatasetOptions {
  /** Replace an existing registration of the same name (built-ins included). @default false */
  overwrite?: boolean;
}

/**
 * Adds a dataset factory under `name` (letters, digits, `-`, `_`, `.`); `getDataset(name, options)` then calls
 * `factory(options)`.
 *
 * @throws ArgumentError if the name is taken (unless `overwrite`) or invalid, or the factory is not a function
 * @example
 * ```ts
 * registerDataset('unit-square', () => arrayDataset([[0, 0], [0, 1], [1, 0], [1, 1]], { name: 'unit-square' }));
 * getDataset('unit-square').sample(4, new SeedStream(0));
 * ```
 */
export function registerDataset(name: string, factory: DatasetFactory, options?: RegisterDatasetOptions): void {
  const fn = 'registerDataset';
  const opts = checkOptions(fn, options, ['overwrite']);
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    throw new ArgumentError(fn, 'name', 'a name of letters, digits, -, _ or . (starting with a letter or digit)', describeValue(name));
  }
  if (typeof factory !== 'function') throw new ArgumentError(fn, 'factory', 'a function (options) => Dataset', describeValue(factory));
  if (registry.has(name) && opts.overwrite !== true) {
    throw new ArgumentError(fn, 'name', 'a name not yet registered (pass { overwrite: true } to replace it)', describeValue(name));
  }
  registry.set(name, factory);
}

/**
 * Removes a registered dataset (built-ins included); returns whether it was there. Mainly for tests.
 *
 * @example
 * ```ts
 * unregisterDataset('unit-square'); // true
 * ```
 */
export function unregisterDataset(name: string): boolean {
  return registry.delete(name);
}
