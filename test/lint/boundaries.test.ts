/**
 * The folder boundaries of eslint.config.js (docs/ARCHITECTURE.md, Dependencies): ESLint's Node API lints
 * fixture code as if it lived in a given folder, and a boundary-breaking import must be an error there.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/lint/${name}`, import.meta.url)), 'utf8');

let eslint: ESLint;

/** The messages ESLint gives `code` linted as the file `path` (relative to the repository root). */
async function lintAs(code: string, path: string): Promise<ESLint.LintResult['messages']> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  return result!.messages;
}

function boundaryErrors(messages: ESLint.LintResult['messages']) {
  return messages.filter((m) => m.ruleId === 'no-restricted-imports' && m.severity === 2);
}

describe('folder boundaries (no-restricted-imports)', () => {
  beforeAll(() => {
    eslint = new ESLint({ cwd: root });
  });

  it('the core may not import the scheme registry of samplers/', async () => {
    const messages = await lintAs(fixture('core-imports-scheme-registry.ts.txt'), 'src/solver/fixture.ts');
    const errors = boundaryErrors(messages);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/'\.\.\/\.\.\/samplers\/registry\.js' import is restricted/);
    expect(errors[0]!.message).toMatch(/ARCHITECTURE\.md/);
  }, 60_000);

  it('the core may not import an objective, not even a type', async () => {
    const errors = boundaryErrors(await lintAs(fixture('core-imports-objective.ts.txt'), 'src/solver/schemes/fixture.ts'));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/src\/solver is the core/);
  }, 60_000);

  it('code that respects the boundaries gives no error at all', async () => {
    expect(await lintAs(fixture('core-clean.ts.txt'), 'src/solver/fixture.ts')).toEqual([]);
  }, 60_000);

  it('the library may not import models/, while examples may', async () => {
    const code = fixture('library-imports-model.ts.txt');
    const errors = boundaryErrors(await lintAs(code, 'src/train/fixture.ts'));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/src\/ does not import models\//);
    expect(boundaryErrors(await lintAs(code.replace('../../models/', '../models/'), 'examples/fixture.ts'))).toEqual([]);
  }, 60_000);

  it('only the CLI imports src/cli', async () => {
    const code = fixture('imports-cli.ts.txt');
    for (const path of ['models/fixture.ts', 'samplers/fixture.ts']) {
      const errors = boundaryErrors(await lintAs(code, path));
      expect(errors, path).toHaveLength(1);
      expect(errors[0]!.message).toMatch(/Only the CLI itself imports src\/cli/);
    }
    expect(boundaryErrors(await lintAs(code.replace('../src/cli/', './'), 'src/cli/fixture.ts'))).toEqual([]);
  }, 60_000);

  it('a dynamic import across a boundary is an error too', async () => {
    const messages = await lintAs(fixture('dynamic-import-model.ts.txt'), 'src/train/fixture.ts');
    const errors = messages.filter((m) => m.ruleId === 'no-restricted-syntax' && m.severity === 2);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/^Dynamic import across a folder boundary\. src\/ does not import models\//);
    const fine = fixture('dynamic-import-model.ts.txt').replace('../../models/mlp.js', '../fields/names.js');
    expect(await lintAs(fine, 'src/train/fixture.ts')).toEqual([]);
  }, 60_000);
});
