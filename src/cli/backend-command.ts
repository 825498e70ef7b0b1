/**
 * `si backend`: prints the active backend, why faster ones were skipped, and the wasm kernel fixes.
 */
import { initBackend } from '../backend.js';
import { parseArgs } from './args.js';
import type { Command } from './commands.js';

/** `si backend [--backend NAME] [--json]`. */
export const backendCommand: Command = {
  name: 'backend',
  summary: 'show the active tfjs backend, skipped backends and the wasm kernel fixes',
  usage: 'si backend [--backend auto|tensorflow|wasm|cpu] [--threads N] [--json]',
  flags: {},
  async run(argv) {
    const { flags } = parseArgs('si backend', argv, this.flags);
    const info = await initBackend(flags.backend as string | undefined, { log: null, threads: flags.threads as number | undefined });
    console.log(`backend:      ${info.name} (${info.providedBy})`);
    console.log(`requested:    ${info.requested}`);
    for (const s of info.skipped) console.log(`skipped:      ${s.name}: ${s.reason}`);
    if (info.name === 'wasm') {
      console.log(`threads:      ${info.threads ?? 1}`);
      console.log(
        `kernel fixes: ${info.kernelFixes.length > 0 ? `active (${info.kernelFixes.join(', ')})` : 'not registered'}`,
      );
    } else {
      console.log('kernel fixes: not needed on this backend');
    }
    if (flags.json) console.log(JSON.stringify(info));
    return 0;
  },
};
