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
import { createRegistry, type RegisterOptions } from '../registry.js';

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

const registry = createRegistry<DatasetFactory>({
  kind: 'dataset',
  builtins,
  namePattern: /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
  nameText: 'a name of letters, digits, -, _ or . (starting with a letter or digit)',
  isValue: (v) => typeof v === 'function',
  valueText: 'a function (options) => Dataset',
  valueArg: 'factory',
});

/**
 * Builds a dataset by name. Built-ins: `checkerboard`, `8gaussians`, `moons`, `spirals`, `rings`, `gmm`
 * (requires `{ means }`), `gaussian`; plus whatever {@link registerDataset} added.
 *
 * @throws ArgumentError for an unknown name (the message lists the valid names and suggests close ones) or bad
 *   options
 * @example
 * ```ts
 * const data = getDataset('moons', { noise: 0.05 });
 * listDatasets(); // ['8gaussians', 'checkerboard', 'gaussian', 'gmm', 'moons', 'rings', 'spirals', …]
 * ```
 */
export function getDataset<K extends keyof BuiltinDatasetOptions>(name: K, options?: BuiltinDatasetOptions[K]): Dataset;
export function getDataset(name: string, options?: object): Dataset;
export function getDataset(name: string, options?: object): Dataset {
  if (typeof name === 'string' && !registry.has(name)) {
    // the sorted list of names, as listDatasets gives it
    const hints = registry.suggest(name);
    const hint = hints.length > 0 ? ` (did you mean ${hints.map((h) => `'${h}'`).join(' or ')}?)` : '';
    throw new ArgumentError('getDataset', 'name', `one of ${listDatasets().map((n) => `'${n}'`).join(', ')}`, `${describeValue(name)}${hint}`);
  }
  return registry.get(name)(options as Record<string, unknown> | undefined);
}

/** The registered dataset names, sorted. */
export function listDatasets(): string[] {
  return registry.names().sort();
}

/** Options of {@link registerDataset}. */
export interface RegisterDatasetOptions extends RegisterOptions {
  /** @deprecated use `replace` (the library's one registry policy). Same meaning. */
  overwrite?: boolean;
}

/**
 * Adds a dataset factory under `name` (letters, digits, `-`, `_`, `.`); `getDataset(name, options)` then calls
 * `factory(options)`. A built-in or registered name is refused unless `{ replace: true }`.
 *
 * @throws ArgumentError if the name is taken (without `replace`) or invalid, or the factory is not a function
 * @example
 * ```ts
 * registerDataset('unit-square', () => arrayDataset([[0, 0], [0, 1], [1, 0], [1, 1]], { name: 'unit-square' }));
 * getDataset('unit-square').sample(4, new SeedStream(0));
 * ```
 */
export function registerDataset(name: string, factory: DatasetFactory, options?: RegisterDatasetOptions): void {
  const opts = checkOptions('registerDataset', options, ['replace', 'overwrite']);
  const replace = opts.replace ?? opts.overwrite;
  registry.register(name, factory, replace === undefined ? undefined : { replace });
}

/**
 * Removes a registered dataset; returns whether anything changed. Built-ins stay (unregistering a replaced
 * built-in restores it). Mainly for tests.
 *
 * @example
 * ```ts
 * unregisterDataset('unit-square'); // true
 * ```
 */
export function unregisterDataset(name: string): boolean {
  return registry.unregister(name);
}
