/**
 * The README's ```ts blocks are real: each runs against the sources (the package name is aliased to them in
 * vitest.config.ts) and must finish without throwing.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const snippets = [...readFileSync(join(root, 'README.md'), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const dir = join(root, 'test/.readme-snippets');
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README API examples', () => {
  it('has examples', () => expect(snippets.length).toBeGreaterThanOrEqual(3));
  snippets.forEach((code, i) => {
    it(`example ${i + 1} runs`, async () => {
      const file = join(dir, `snippet-${i + 1}.ts`);
      writeFileSync(file, code);
      await import(/* @vite-ignore */ file);
    });
  });
});
