import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderKernelModule, SIMD_KERNELS } from '../../scripts/build-simd-kernels.mjs';

const root = new URL('../../', import.meta.url);

describe('hand-written WebAssembly kernels', () => {
  for (const { wat, module } of SIMD_KERNELS) {
    it(`${module} holds a fresh assembly of ${wat} (run node scripts/build-simd-kernels.mjs after editing the .wat)`, async () => {
      const fresh = await renderKernelModule(root, wat);
      expect(readFileSync(new URL(module, root), 'utf8')).toBe(fresh);
    });
  }
});
