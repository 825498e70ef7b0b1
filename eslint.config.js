// Flat config: typescript-eslint's recommended rules over the whole tree, plus the folder boundaries of
// docs/ARCHITECTURE.md ("Dependencies") enforced with no-restricted-imports.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// ---------------------------------------------------------------------------------------------------------
// Folder boundaries. Dependencies point one way:
//   base files (src/*.ts: errors, validate, random, registry, …) ← src/solver (the core)
//   ← src/interpolants, src/distributions, src/data, src/plot ← src/fields, src/objectives, src/metrics, src/train
//   ← samplers/, models/ ← src/compare ← src/cli (bin) ;  bench/, examples/ and test/ may import anything.
// Each restriction is a regular expression on the import string (relative paths are not resolved, so the
// folder names below must stay unique in the tree).
// ESLint uses the LAST config object that sets a rule for a file, so every block lists all restrictions that
// apply to its files (built with `restrict`).
// ---------------------------------------------------------------------------------------------------------

const folder = (names) => `(^|/)(${names.join('|')})/`;

/** No file outside the CLI imports it (only src/cli/bin.ts is an entry point into it). */
const NO_CLI = { regex: folder(['cli']), message: 'Only the CLI itself imports src/cli (docs/ARCHITECTURE.md, Dependencies).' };
/** The comparison subsystem is an application of the library: the library does not import it. */
const NO_COMPARE = { regex: folder(['compare']), message: 'src/compare is an application of the library; the library does not import it (docs/ARCHITECTURE.md).' };
/** The library (src/) does not import the generative samplers (samplers/): they are built on it. */
const NO_SAMPLERS = { regex: folder(['samplers']), message: 'src/ does not import samplers/ (samplers are built on the library; docs/ARCHITECTURE.md).' };
/** The library (src/) does not import concrete networks (models/): models are built on it. */
const NO_MODELS = { regex: folder(['models']), message: 'src/ does not import models/ (models are built on the library; docs/ARCHITECTURE.md).' };
/**
 * The package entry (src/index.ts) may import one file of models/: the side-effect module that registers the
 * custom layer classes and model builders, so that `loadTrainedModel` from the root entry reloads saved runs.
 */
const NO_MODELS_BUT_REGISTRATION = {
  regex: '(^|/)models/(?!register\\.js$)',
  message: 'src/index.ts imports from models/ only its registration module (models/register.js); networks are exported from stochastic-interpolants/models.',
};
/** The solver core imports no scheme-consumer, model, objective, field, dataset or application. */
const CORE_ONLY = {
  regex: folder(['interpolants', 'fields', 'objectives', 'train', 'metrics', 'data', 'distributions', 'plot', 'kernels', 'fbm', 'ebm']),
  message:
    'src/solver is the core: it imports only src/solver and the base files (errors, validate, random, registry, shapes); ' +
    'no interpolant, field, objective, model, dataset, sampler or CLI (docs/ARCHITECTURE.md).',
};
/** Interpolants, distributions and data sit below fields, objectives, metrics and training. */
const NO_UPPER_LIBRARY = {
  regex: folder(['fields', 'objectives', 'train', 'metrics']),
  message: 'interpolants, distributions and data sit below fields, objectives, metrics and train (docs/ARCHITECTURE.md).',
};
/** The generative samplers do not import the trainer. */
const NO_TRAIN = { regex: folder(['train']), message: 'samplers/ and models/ do not import src/train (docs/ARCHITECTURE.md).' };

/**
 * The rules of one block: the static imports (`import`, `export … from`) through no-restricted-imports, and
 * dynamic `import('…')` of a literal path through no-restricted-syntax, with the same patterns and messages.
 */
const restrict = (...patterns) => ({
  'no-restricted-imports': ['error', { patterns }],
  'no-restricted-syntax': [
    'error',
    ...patterns.map(({ regex, message }) => ({
      selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\/')}/]`,
      message: `Dynamic import across a folder boundary. ${message}`,
    })),
  ],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'runs/**', 'out/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', performance: 'readonly', URL: 'readonly', Buffer: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },

  // ---- folder boundaries (most general first; a later block replaces the rule for its files) ----
  // The library: everything in src/ except the applications (src/compare, src/cli) and the public entry.
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**', 'src/compare/**', 'src/index.ts'],
    rules: restrict(NO_CLI, NO_COMPARE, NO_SAMPLERS, NO_MODELS),
  },
  {
    files: ['src/interpolants/**/*.ts', 'src/distributions/**/*.ts', 'src/data/**/*.ts'],
    rules: restrict(NO_CLI, NO_COMPARE, NO_SAMPLERS, NO_MODELS, NO_UPPER_LIBRARY),
  },
  // The core.
  {
    files: ['src/solver/**/*.ts'],
    rules: restrict(NO_CLI, NO_COMPARE, NO_SAMPLERS, NO_MODELS, CORE_ONLY),
  },
  // The public entry re-exports the library and the comparison subsystem, never the CLI.
  { files: ['src/index.ts'], rules: restrict(NO_CLI, NO_SAMPLERS, NO_MODELS_BUT_REGISTRATION) },
  // The comparison subsystem runs samplers on trained models; it does not import the CLI.
  { files: ['src/compare/**/*.ts'], rules: restrict(NO_CLI) },
  // Generative samplers and networks are built on the library; neither imports the CLI, the comparison or
  // the trainer, and samplers import no network.
  { files: ['samplers/**/*.ts'], rules: restrict(NO_CLI, NO_COMPARE, NO_MODELS, NO_TRAIN) },
  { files: ['models/**/*.ts'], rules: restrict(NO_CLI, NO_COMPARE, { ...NO_SAMPLERS, message: 'models/ does not import samplers/ (docs/ARCHITECTURE.md).' }) },
);
