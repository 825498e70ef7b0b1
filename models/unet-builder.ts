/**
 * Registers the U-Net with the model-builder registry of `src/train` under `'unet'`, so a run config naming
 * `{ builder: 'unet', options }` rebuilds its network (`buildModel`), and image runs (`trainImageRun`) can
 * build theirs by name. Importing this module registers it once (a second copy leaves the first in place).
 */
import { modelBuilderNames, registerModelBuilder } from '../src/train/model-builders.js';
import { timeConditionedUNet } from './unet.js';
import type { TimeConditionedUNetOptions } from './unet.js';

/** The registered name of the U-Net builder. */
export const UNET_BUILDER = 'unet';

/**
 * Registers `'unet'` (→ `timeConditionedUNet(options)`) if it is not registered yet. Idempotent; also run
 * when this module is imported.
 *
 * @example
 * ```ts
 * registerUNetBuilder();
 * const net = buildModel({ builder: 'unet', options: { imageSize: 28, widths: [16, 32], numClasses: 10 } });
 * ```
 */
export function registerUNetBuilder(): void {
  if (!modelBuilderNames().includes(UNET_BUILDER)) {
    registerModelBuilder(UNET_BUILDER, (o) => timeConditionedUNet(o as unknown as TimeConditionedUNetOptions));
  }
}

registerUNetBuilder();
