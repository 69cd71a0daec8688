#!/usr/bin/env node
// The `gantry` command: a thin launcher over the compiled CLI in dist/.
import { main } from '../dist/cli/main.js';
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = typeof code === 'number' ? code : 0;
    // Whatever might still hold the event loop, the command is over.
    setTimeout(() => process.exit(), 3000).unref();
  },
  (err) => {
    process.stderr.write(`gantry: internal error: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exit(70);
  },
);
