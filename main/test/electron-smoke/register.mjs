// Loaded with `node --import` before main/dist/main.js: routes 'electron' (and, with FAKE_CORE=1,
// '@gantry/server-core') to the stand-ins in this folder, so the real main process boots under plain Node.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
