#!/usr/bin/env node
// The `gantry` command: a thin launcher over the compiled CLI in dist/.
import { setFlagsFromString } from 'node:v8';

// A gateway's garbage lives for one request: V8 growing its young generation to 2 x 16 MB under load buys
// no throughput here (bench/cost.mjs: same CPU per request) but ~25 MB of RSS. Set before anything loads.
setFlagsFromString('--semi-space-growth-factor=1');
const { main } = await import('../dist/cli/main.js');
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
