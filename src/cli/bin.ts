#!/usr/bin/env node
// Entry point of the `si` executable: runs the CLI and exits with its code.
import { main } from './main.js';

// `npm run si -- …` runs scripts from the package root; paths the user typed are relative to where they were.
if (process.env.npm_lifecycle_event === 'si' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
