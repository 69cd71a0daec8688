#!/usr/bin/env node
// The `gantry` command: a thin launcher over the compiled CLI in dist/.
import { main } from '../dist/cli/main.js';
main(process.argv.slice(2)).then((code) => { if (typeof code === 'number') process.exitCode = code; });
