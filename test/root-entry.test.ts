/**
 * The package's root entry on its own, in a fresh process with nothing else imported: it registers the
 * library's layer classes and model builders, so a saved run reloads and samples (the README's promise that
 * `import { loadTrainedModel } from 'stochastic-interpolants'` is enough).
 */
import { execFile } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

describe('root entry alone', () => {
  it('loadTrainedModel reloads and samples a saved MLP run in a fresh process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'si-root-entry-'));
    try {
      const script = join(dir, 'load.mts');
      writeFileSync(
        script,
        [
          `import { initBackend, loadTrainedModel } from ${JSON.stringify(join(root, 'src/index.ts'))};`,
          `await initBackend('cpu', { log: null });`,
          `const run = await loadTrainedModel(${JSON.stringify(join(root, 'test/fixtures/runs/v1-checker'))});`,
          `const x = await run.sample(4, { seed: 1, steps: 4 });`,
          `console.log(JSON.stringify({ step: run.step, shape: x.shape, finite: Array.from(x.dataSync()).every(Number.isFinite) }));`,
          `x.dispose(); run.dispose();`,
        ].join('\n'),
      );
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], { cwd: root, timeout: 100_000 });
      const last = JSON.parse(stdout.trim().split('\n').pop()!) as { step: number; shape: number[]; finite: boolean };
      expect(last).toEqual({ step: 6, shape: [4, 2], finite: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
