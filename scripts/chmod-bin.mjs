// Makes the compiled `si` entry point executable (npm does this on install; this is for local runs).
import { chmodSync, existsSync } from 'node:fs';
const bin = new URL('../dist/src/cli/bin.js', import.meta.url);
if (existsSync(bin)) chmodSync(bin, 0o755);
